"""Shared helpers for the domain tests (plain Python, no Django)."""

from __future__ import annotations

from pathlib import Path

import yaml

BAD_DIR = Path(__file__).resolve().parent.parent / "data" / "instruments_bad"

TINY = """\
id: tiny
version: 1
title: Tiny test instrument
intro: A small instrument used by the tests.
kind: checkup
scales:
  - id: freq3
    min: 0
    max: 2
    labels: {0: Never, 1: Sometimes, 2: Often}
  - id: pick
    type: categorical
    min: 1
    max: 3
    labels: {1: Words, 2: Time, 3: Touch}
constructs:
  - id: talk
    title: Talking
    area: communication
    scoring: mean
    min_answered: 2
    bands:
      - {max: 1, label: Low, wording: Low strain.}
      - {max: 2, label: High, wording: High strain.}
  - id: choice
    title: A choice
    concept: care_channel:words
    scoring: none
    min_answered: 1
items:
  - {id: t1, text: One, scale: freq3, construct: talk, concept: sign:logistics_only_talk}
  - {id: t2, text: Two, scale: freq3, construct: talk, concept: sign:concerns_unraised, reverse: true}
  - {id: t3, text: Three, scale: freq3, construct: talk, concept: sign:divided_attention}
  - {id: t4, text: Four, scale: freq3, construct: talk, concept: sign:terse_or_shut_down}
  - {id: c1, text: Pick one, scale: pick, construct: choice, concept: care_channel:words}
"""


def tiny(**changes) -> dict:
    data = yaml.safe_load(TINY)
    data.update(changes)
    return data
