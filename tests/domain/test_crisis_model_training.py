"""The training script of the crisis model (scripts/train_crisis_model.py): how its folds hold
out whole batches, and that a per-kind offset it chooses is what the shipped bias then does.

No training here (numpy, in the test extras, is only needed to import the script); the holdout
is never read.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest

from reattune.domain.safety.crisis_model import LABELS, load_model

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "train_crisis_model.py"
_spec = importlib.util.spec_from_file_location("train_crisis_model", SCRIPT)
assert _spec is not None and _spec.loader is not None
train = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(train)


def rows_of(*langs: str) -> list[dict]:
    return [{"lang": lang, "text": f"case {i}", "label": "none"} for i, lang in enumerate(langs)]


def test_a_batch_stays_in_one_fold(monkeypatch):
    batches = ["a"] * 6 + ["b"] * 5 + ["c"] * 4 + ["d"] * 3 + ["e"] * 2 + ["f"] * 2
    rows = rows_of(*["en"] * len(batches))
    monkeypatch.setattr(train, "batches_of", lambda rows: batches)
    folds, how = train.batch_folds(rows, list(range(len(rows))))
    assert "batches" in how
    for batch in set(batches):
        assert len({f for f, b in zip(folds, batches, strict=True) if b == batch}) == 1, batch
    # the largest batches go first, each to the smallest fold
    assert [folds[batches.index(b)] for b in "abcde"] == [0, 1, 2, 3, 4]
    assert folds[batches.index("f")] == 4


def test_near_duplicates_follow_their_first_case_across_batches(monkeypatch):
    batches = ["a", "a", "a", "b", "b", "c"]
    groups = [0, 1, 2, 3, 0, 5]  # the fifth case paraphrases the first, in another batch
    monkeypatch.setattr(train, "batches_of", lambda rows: batches)
    folds, _how = train.batch_folds(rows_of(*["de"] * 6), groups)
    assert folds[4] == folds[0] != folds[3]


def test_without_git_the_folds_are_the_near_duplicate_groups(monkeypatch):
    monkeypatch.setattr(train, "batches_of", lambda rows: None)
    groups = [0, 0, 2, 3, 4, 5, 6]
    folds, how = train.batch_folds(rows_of(*["fr"] * 7), groups)
    assert how == "near-duplicate groups"
    assert folds == train.folds_of(groups)


def test_every_dev_case_has_a_batch():
    rows = train.corpus()
    batches = train.batches_of(rows)
    if batches is None:
        pytest.skip("no git history here")
    assert len(batches) == len(rows)
    if len(set(batches)) == 1:  # a shallow clone (CI's default checkout): one commit wrote all
        pytest.skip("the history is too shallow to tell batches apart")
    assert len(set(batches)) > 10


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill myself.",
        "Ich will nicht mehr aufwachen. Niemand würde es merken.",
        "il m'a serré le cou",
        "tengo miedo de volver a casa",
        "we had pasta for dinner",
    ],
)
def test_a_kind_offset_in_the_bias_is_a_threshold_per_kind(text):
    model = load_model()
    offsets = [0.0, 0.8, -0.5, 0.3]
    moved = dataclasses.replace(
        model, bias=tuple(b + o for b, o in zip(model.bias, offsets, strict=True))
    )
    scores, labels = train.decide([train.per_kind(model, text)], offsets)
    top, label = train.best(moved, text)
    assert label == labels[0] and label in LABELS
    assert top == pytest.approx(scores[0], abs=1e-9)
