"""Scoring: hypothesis properties plus hand-worked examples."""

from __future__ import annotations

import dataclasses
import functools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reattune.domain.instruments import (
    ScaleScore,
    load_instruments,
    parse_instrument,
    score_response,
)
from reattune.domain.instruments.loader import load_instrument_file
from reattune.domain.instruments.scoring import keyed_rows

from ._helpers import tiny

SIGNS = ["logistics_only_talk", "concerns_unraised", "terse_or_shut_down", "fighting_over_facts"]


def build(lo: int, hi: int, reverse: list[bool], scoring: str, min_answered: int):
    """A parsed one-construct instrument. Parsing checks the document against the schema,
    which is most of an example's cost: the same document (hypothesis repeats many) is
    parsed once."""
    return _build(lo, hi, tuple(reverse), scoring, min_answered)


@functools.cache
def _build(lo: int, hi: int, reverse: tuple[bool, ...], scoring: str, min_answered: int):
    n = len(reverse)
    count = n if scoring == "sum" else 1
    top = hi * count
    bottom = lo * count
    bands = [
        {"max": bottom + (top - bottom) / 2, "label": "low", "wording": "low"},
        {"max": top, "label": "high", "wording": "high"},
    ]
    data = {
        "id": "prop",
        "version": 1,
        "title": "Property test",
        "intro": "Generated.",
        "kind": "checkup",
        "scales": [{"id": "s", "min": lo, "max": hi, "labels": {lo: "low", hi: "high"}}],
        "constructs": [
            {
                "id": "c",
                "title": "C",
                "area": "communication",
                "scoring": scoring,
                "min_answered": min_answered,
                "bands": bands,
            }
        ],
        "items": [
            {
                "id": f"i{k}",
                "text": f"Item {k}",
                "scale": "s",
                "construct": "c",
                "concept": f"sign:{SIGNS[k % len(SIGNS)]}",
                "reverse": rev,
            }
            for k, rev in enumerate(reverse)
        ],
    }
    return parse_instrument(data, "prop.yaml")


@st.composite
def cases(draw):
    lo = draw(st.integers(min_value=-3, max_value=5))
    hi = draw(st.integers(min_value=lo + 1, max_value=lo + 10))
    reverse = draw(st.lists(st.booleans(), min_size=1, max_size=8))
    scoring = draw(st.sampled_from(["mean", "sum"]))
    min_answered = draw(st.integers(min_value=1, max_value=len(reverse)))
    answers = {}
    for k in range(len(reverse)):
        value = draw(st.one_of(st.none(), st.integers(min_value=lo, max_value=hi)))
        if value is not None or draw(st.booleans()):
            answers[f"i{k}"] = value
    return build(lo, hi, reverse, scoring, min_answered), answers


@settings(max_examples=300, deadline=None)
@given(cases())
def test_scores_stay_in_range_and_missing_means_none(case):
    instrument, answers = case
    construct = instrument.constructs["c"]
    scale = instrument.scales["s"]
    n = len(instrument.items)
    score = score_response(instrument, answers)["c"]
    answered = sum(v is not None for v in answers.values())
    assert score.n_answered == answered
    assert score.n_items == n
    if construct.scoring == "mean":
        assert (score.min, score.max) == (scale.min, scale.max)
    else:
        assert (score.min, score.max) == (n * scale.min, n * scale.max)
    if answered < construct.min_answered:
        assert score.value is None
        assert score.band is None
        assert score.normalised is None
    else:
        assert score.min - 1e-9 <= score.value <= score.max + 1e-9
        assert 0 <= score.normalised <= 1
        assert score.band is not None


@settings(max_examples=200, deadline=None)
@given(cases())
def test_reverse_keying_is_symmetric(case):
    """Flipping an item's reverse flag and mirroring its answer gives the same score."""
    instrument, answers = case
    lo, hi = instrument.scales["s"].min, instrument.scales["s"].max
    # The same instrument with every reverse flag flipped (what parsing the flipped document
    # gives, without checking it against the schema once more).
    flipped = dataclasses.replace(
        instrument,
        items=tuple(
            dataclasses.replace(item, reverse=not item.reverse) for item in instrument.items
        ),
    )
    mirrored = {k: None if v is None else lo + hi - v for k, v in answers.items()}
    one = score_response(instrument, answers)["c"].value
    two = score_response(flipped, mirrored)["c"].value
    assert (one is None) == (two is None)
    if one is not None:
        assert one == pytest.approx(two)


TINY = parse_instrument(tiny())


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=2))
def test_reverse_score_is_min_plus_max_minus_answer(a, b):
    instrument = TINY  # immutable: parsed once, not per example
    # t2 is reverse-keyed on 0..2
    score = score_response(instrument, {"t1": a, "t2": b})["talk"]
    assert score.value == pytest.approx((a + (0 + 2 - b)) / 2)


def test_hand_worked_mean_and_bands():
    instrument = parse_instrument(tiny())
    scores = score_response(instrument, {"t1": 2, "t2": 0, "t3": 1, "t4": None})
    talk = scores["talk"]
    # keyed: 2, 2 (reverse of 0), 1 -> mean 5/3
    assert talk.value == pytest.approx(5 / 3)
    assert talk.band.label == "High"
    assert talk.n_answered == 3 and talk.n_items == 4
    assert "choice" not in scores  # scoring: none
    low = score_response(instrument, {"t1": 1, "t2": 1})["talk"]
    assert low.value == 1 and low.band.label == "Low"  # a value on a band's max is in it


def test_too_few_answers_gives_no_score():
    instrument = parse_instrument(tiny())
    score = score_response(instrument, {"t1": 2})["talk"]
    assert score == ScaleScore(None, None, 1, 4, 0, 2)


def test_sum_is_prorated_when_items_are_missing():
    data = tiny()
    data["constructs"][0]["scoring"] = "sum"
    data["constructs"][0]["bands"] = [
        {"max": 4, "label": "Low", "wording": "x"},
        {"max": 8, "label": "High", "wording": "y"},
    ]
    instrument = parse_instrument(data)
    full = score_response(instrument, {"t1": 2, "t2": 2, "t3": 1, "t4": 1})["talk"]
    assert full.value == 2 + 0 + 1 + 1
    assert (full.min, full.max) == (0, 8)
    part = score_response(instrument, {"t1": 2, "t3": 1})["talk"]
    assert part.value == pytest.approx(1.5 * 4)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"zz": 1}, "unknown item 'zz' for instrument 'tiny' version 1"),
        ({"t1": 3}, "item 't1': answer 3 is not on the scale 'freq3' (0..2)"),
        ({"t1": -1}, "item 't1': answer -1 is not on the scale 'freq3' (0..2)"),
        ({"t1": 1.5}, "item 't1': answer 1.5 is not on the scale"),
        ({"t1": True}, "item 't1': answer True is not on the scale"),
        ({"t1": "2"}, "item 't1': answer '2' is not on the scale"),
        ({"c1": 4}, "item 'c1': answer 4 is not on the scale 'pick' (1..3)"),
    ],
)
def test_bad_answers_raise_clear_errors(answers, message):
    instrument = parse_instrument(tiny())
    with pytest.raises(ValueError) as info:
        score_response(instrument, answers)
    assert message in str(info.value)


def test_to_dict_has_no_item_level_detail():
    instrument = load_instruments().latest("whats_behind_it")
    answers = {item.id: 4 for item in instrument.items}
    scores = score_response(instrument, answers)
    data = scores.to_dict()
    text = json.dumps(data)
    assert set(data) == {c for c, k in instrument.constructs.items() if k.scored}
    for item in instrument.items:
        assert item.id not in text
    assert scores.channels["care_receive"]["words"] == pytest.approx(0.75)
    assert scores.concepts["cause:life_load"] == pytest.approx(0.75)


def test_shipped_connection_check_extremes():
    instrument = load_instruments().latest("connection_check")
    worst = {i.id: (0 if i.reverse else 4) for i in instrument.items}
    best = {i.id: (4 if i.reverse else 0) for i in instrument.items}
    for construct, score in score_response(instrument, worst).items():
        assert score.value == 4 and score.normalised == 1, construct
        assert score.band.label == "A lot of strain"
    for score in score_response(instrument, best).values():
        assert score.value == 0 and score.band.label == "Steady"


def test_keyed_rows_for_alpha():
    instrument = parse_instrument(tiny())
    rows = keyed_rows(
        instrument,
        "talk",
        [{"t1": 2, "t2": 0, "t3": 1, "t4": 1}, {"t1": 1}, {"t1": 0, "t2": 2, "t3": 0, "t4": 0}],
    )
    assert rows == [[2.0, 2.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]]


def test_tables_kept_on_an_instrument_change_no_score_and_no_serialised_form():
    # score_response keeps each instrument's item scales and scored constructs on it after the
    # first response: later responses score the same, and the instrument's own dict is unchanged.
    for instrument in load_instruments().values():
        answers = {
            item.id: (
                instrument.scales[item.scale].max if n % 3 else instrument.scales[item.scale].min
            )
            for n, item in enumerate(instrument.items)
        }
        before = instrument.to_dict()
        first = score_response(instrument, answers)
        again = score_response(instrument, answers)
        fresh = score_response(load_instrument_file(instrument.source), answers)
        for scores in (again, fresh):
            assert scores.to_dict() == first.to_dict()
            assert scores.concepts == first.concepts and scores.channels == first.channels
        assert instrument.to_dict() == before
        with pytest.raises(ValueError, match="unknown item 'nope'"):
            score_response(instrument, {**answers, "nope": 1})
