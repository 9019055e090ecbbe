"""Crisis-language detector: labelled cases, properties, speed. No Django."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reattune.domain.safety.crisis import (
    KINDS,
    CrisisResult,
    LexiconError,
    _parse,
    available_languages,
    detect_crisis,
    load_lexicon,
)

CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "crisis_cases.yaml"
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]


def test_labelled_set_is_big_and_balanced():
    positives = [c for c in CASES if c["kinds"]]
    negatives = [c for c in CASES if not c["kinds"]]
    assert len(CASES) >= 60
    assert len(positives) >= 30 and len(negatives) >= 30
    for kind in KINDS:
        assert sum(kind in c["kinds"] for c in CASES) >= 5, kind
    texts = [c["text"] for c in CASES]
    assert len(texts) == len(set(texts)), "duplicate case"
    assert any("\u2019" in t for t in texts), "typographic apostrophes are covered"
    assert any(t.isupper() for t in texts), "upper case is covered"


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{i:03d}-{c['text'][:40]}" for i, c in enumerate(CASES)]
)
def test_labelled_case(case):
    result = detect_crisis(case["text"])
    assert isinstance(result, CrisisResult)
    assert set(result.kinds) == set(case["kinds"]), case.get("note", "")
    assert result.hit == bool(case["kinds"])
    assert bool(result) == result.hit


def test_spans_point_into_the_original_text():
    text = "We talked.  Then I said: honestly, I\u2019m going to end my life."
    result = detect_crisis(text)
    assert result.hit
    (span,) = result.spans
    assert span.kind == "suicide"
    assert text[span.start : span.end].lower().startswith("end my life")


def test_each_sentence_is_judged_on_its_own():
    text = "I'm not suicidal. Last night I wanted to die."
    assert detect_crisis(text).kinds == {"suicide"}


def test_language_fallback_and_tags():
    assert "en" in available_languages()
    for lang in ("en", "en-GB", "en_US", "xx", "", None):
        assert detect_crisis("I want to kill myself", lang=lang).kinds == {"suicide"}


@pytest.mark.parametrize("value", [None, 42, 3.5, [], {}, object(), b"I want to die", ""])
def test_odd_inputs_never_raise(value):
    result = detect_crisis(value)
    assert isinstance(result, CrisisResult)


def test_bytes_are_decoded():
    assert detect_crisis(b"I want to kill myself").hit


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_never_raises_on_any_text(text):
    result = detect_crisis(text)
    assert isinstance(result, CrisisResult)
    assert result.kinds <= KINDS
    for span in result.spans:
        assert 0 <= span.start < span.end <= len(text)


WORDS = st.sampled_from(
    "I I'm im not never don't can't want to kill killing myself him her die dead suicide "
    'suicidal hurt cut harm end my life lol "Song Title" \u2018 \u2019 \u201c \u201d , . ! ? '
    "and but if self-harm going gonna will i'll no one sure stop he she me threatened hit".split()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=40).map(" ".join))
def test_never_raises_on_crisis_like_word_salad(text):
    result = detect_crisis(text)
    assert result.kinds <= KINDS


def test_fast_enough_for_every_save():
    entry = " ".join(c["text"] for c in CASES)  # several kB with many hits and near misses
    detect_crisis(entry)  # warm the lexicon cache
    start = time.perf_counter()
    for _ in range(20):
        detect_crisis(entry)
    per_call = (time.perf_counter() - start) / 20
    assert per_call < 0.25, f"{per_call:.3f}s per call"


def test_long_and_repetitive_text_stays_bounded():
    start = time.perf_counter()
    detect_crisis("I want to die " * 15000)
    detect_crisis("a" * 300_000)
    detect_crisis('"' * 100_000)
    assert time.perf_counter() - start < 10


def test_every_match_contains_a_trigger_word():
    # sentences without a trigger are skipped for speed, so every match must contain one
    lexicon = load_lexicon("en")
    for case in CASES:
        for span in detect_crisis(case["text"]).spans:
            matched = case["text"][span.start : span.end].replace("\u2019", "'")
            assert lexicon.triggers.search(matched), (span.rule, matched)


def test_lexicon_loads_and_every_rule_is_exercised():
    lexicon = load_lexicon("en")
    fired = {s.rule for c in CASES for s in detect_crisis(c["text"]).spans}
    unused = {r.id for r in lexicon.rules} - fired
    # every rule should have at least one labelled positive case
    assert not unused, f"rules without a labelled case: {sorted(unused)}"


def lexicon_with(**changes):
    data = {
        "language": "en",
        "first_person": "i",
        "negation": {},
        "jokes": "lol",
        "titles": {"cues": "song"},
        "triggers": "die",
        "rules": [{"id": "x", "kind": "suicide", "pattern": "die"}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"language": "en"}, "missing field"),
        (lexicon_with(negation={"cues": [False]}), "negation.cues"),
        (lexicon_with(rules=[{"id": "x", "kind": "sadness", "pattern": "die"}]), "kind must be"),
        (lexicon_with(rules=[{"id": "x", "kind": "suicide", "pattern": "(unclosed"}]), "invalid"),
        (
            lexicon_with(rules=[{"id": "x", "kind": "suicide", "pattern": "{nope} die"}]),
            "unknown def",
        ),
        (lexicon_with(rules=[{"id": "x", "kind": "suicide"}]), "missing field 'pattern'"),
        (
            lexicon_with(rules=[{"id": "x", "kind": "suicide", "pattern": "a", "extra": 1}]),
            "unknown",
        ),
        (lexicon_with(rules=[]), "non-empty list"),
    ],
)
def test_broken_lexicons_are_reported(data, message):
    with pytest.raises(LexiconError, match=message):
        _parse(data, Path("crisis.yaml"))


def test_a_minimal_lexicon_works():
    lexicon = _parse(lexicon_with(), Path("crisis.yaml"))
    assert lexicon.rules[0].id == "x"


def test_any_whitespace_between_words():
    assert detect_crisis("I  want\tto   kill\u00a0myself").kinds == {"suicide"}
    assert detect_crisis("my self harm is back").kinds == {"self_harm"}
