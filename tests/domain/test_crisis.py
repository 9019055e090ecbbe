"""Crisis-language detector: labelled corpus floors, properties, bounded work. No Django.

The corpus lives in tests/data/crisis/{dev,holdout}/<lang>.yaml. The dev part is used to write
the rules; the holdout part is written separately and is only read here to pin floors a little
below what it measures (never to change rules). No test here reads a clock: the bound on work
is counted in characters handed to the regex engine (``scan_work``); timings are in
bench/crisis_eval.py.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.crisis_eval import evaluate, load_part
from reattune.domain.safety import crisis
from reattune.domain.safety.crisis import (
    KINDS,
    LEXICON_ROOT,
    CrisisResult,
    LexiconError,
    _parse,
    available_languages,
    detect_crisis,
    load_lexicon,
    scan_work,
    validate_all_lexicons,
)

DEV = load_part("dev")
HOLDOUT = load_part("holdout")


def detect(text: str, lang: str | None = None, model: bool | None = None) -> CrisisResult:
    """detect_crisis, each answer computed once per test session (the corpus tests here and in
    test_crisis_languages.py ask about the same sentences many times). Only for the shipped
    lexicons and model: a test that patches the detector calls detect_crisis itself.

    One cache entry per question however it is asked: detect(t), detect(t, None, None) and
    detect(t, model=True) are the same call of detect_crisis (model None means USE_MODEL),
    which a cache keyed on the arguments as written would compute once for each."""
    return _detect(text, lang, crisis.USE_MODEL if model is None else model)


@functools.cache
def _detect(text: str, lang: str | None, model: bool) -> CrisisResult:
    return detect_crisis(text, lang, model=model)


def rules_only(text: str, lang: str | None = None) -> CrisisResult:
    return detect(text, lang, False)


EN_CASES = DEV["en"]
ALL_DEV_TEXTS = sorted({c["text"] for cases in DEV.values() for c in cases})
CRISIS_TOPICS = {
    "ideation_explicit": "suicide",
    "ideation_indirect": "suicide",
    "hopelessness": "suicide",
    "means_preparation": "suicide",
    "self_harm": "self_harm",
    "partner_threat": "harm_from_others",
    "strangulation": "harm_from_others",
    "fear_home": "harm_from_others",
    "harm_to_others": "harm_to_others",
}
NONE_TOPICS = {"violent_idiom", "hyperbole", "negated", "reported_or_third_person_news", "everyday"}


# --------------------------------------------------------------------------- the corpus


def test_dev_corpus_is_big_and_balanced():
    crisis_cases = [c for c in EN_CASES if c["label"] != "none"]
    none_cases = [c for c in EN_CASES if c["label"] == "none"]
    assert len(crisis_cases) >= 80 and len(none_cases) >= 80
    for topic in CRISIS_TOPICS:
        assert sum(c["topic"] == topic for c in crisis_cases) >= 5, topic
    assert sum(c["topic"] in ("violent_idiom", "hyperbole") for c in none_cases) >= 40
    texts = [c["text"] for c in EN_CASES]
    assert len(texts) == len(set(texts)), "duplicate case"
    assert any("\u2019" in t for t in texts), "typographic apostrophes are covered"
    assert any(t.isupper() for t in texts), "upper case is covered"


@pytest.mark.parametrize("part", ["dev", "holdout"])
def test_corpus_files_are_well_formed(part):
    # the files as read when this module was loaded (no test changes them), not read again
    for lang, cases in {"dev": DEV, "holdout": HOLDOUT}[part].items():
        for case in cases:
            assert set(case) <= {"text", "label", "topic", "explicit", "note"}, case
            assert isinstance(case["text"], str) and case["text"].strip(), (lang, case)
            if case["label"] == "none":
                assert case["topic"] in NONE_TOPICS, (lang, case)
            else:
                assert CRISIS_TOPICS.get(case["topic"]) == case["label"], (lang, case)
                assert isinstance(case.get("explicit"), bool), (lang, case)


def _known_miss(case: dict) -> bool:
    return str(case.get("note", "")).startswith("known miss")


# A dev case whose meaning no rule written by phenomenon can reach (it needs the next sentence,
# or context the text does not give) carries a note "known miss: why". It stays in the corpus,
# counts against the floors below, and is expected to fail here until a rule reaches it; one
# that starts to pass must lose its note.
def _dev_case_problem(case: dict) -> str | None:
    """What is wrong with the detector's answer on one dev case (None: right)."""
    result = detect(case["text"])
    if not (isinstance(result, CrisisResult) and bool(result) == result.hit == bool(result.kinds)):
        return f"an inconsistent result {result!r}"
    if case["label"] == "none":
        if result.hit:
            return f"no crisis expected, found {[(s.rule, s.lang) for s in result.spans]}"
    elif case["label"] not in result.kinds:
        return f"{case['label']} ({case['topic']}) expected, found {sorted(result.kinds)}"
    return None


def test_english_dev_cases():
    """Every English dev sentence is right: its label among the kinds, or no hit at all.

    One test over the whole file (about 1,800 sentences), naming every sentence that is wrong:
    as one test item each, the test run's per-item bookkeeping cost more than the detector."""
    wrong, reached = [], []
    for number, case in enumerate(EN_CASES):
        problem = _dev_case_problem(case)
        if _known_miss(case):
            if problem is None:
                reached.append(f"{number:03d} {case['text']!r}: passes now, drop its 'known miss'")
        elif problem:
            wrong.append(f"{number:03d} {case['text']!r}: {problem}")
    assert not wrong and not reached, "\n".join(wrong + reached)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


VARIANTS = {
    "context before": lambda t: "After the argument last night, " + _lower_first(t),
    "sentence before": lambda t: "We had a quiet dinner. " + t,
    "clause after": lambda t: t.rstrip(".!") + " and I don't know what to do.",
    "lower case": str.lower,
    "typographic apostrophes": lambda t: t.replace("'", "\u2019"),
    "line break before": lambda t: "Dear diary,\n" + t,
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_english_dev_sentences_survive_ordinary_rewording(variant):
    """Rules must not depend on a sentence standing alone: context around it changes nothing.

    Only a crisis sentence the detector catches as written can be asserted to be caught when
    reworded, and an everyday one it leaves alone to be left alone; a rewording that changes
    nothing (lower case of a lower-case sentence) has its answer already.

    The everyday side is asked of the rules alone: the learned second stage weighs the whole
    sentence, so an added clause with words of its own ("... and I don't know what to do") may
    rightly tip a borderline one ("I'm going to kill him 😂") over its threshold."""
    change = VARIANTS[variant]
    caught = [c["text"] for c in EN_CASES if c["label"] != "none" and detect(c["text"])]
    calm = [
        c["text"] for c in EN_CASES if c["label"] == "none" and not detect(c["text"], model=False)
    ]
    assert len(caught) >= 80 and len(calm) >= 80
    missed = [t for t in caught if change(t) != t and not detect(change(t))]
    alarms = [t for t in calm if change(t) != t and detect(change(t), model=False)]
    assert not missed, missed[:10]
    assert not alarms, alarms[:10]


# Floors on the dev part of every language present (the other languages' owners may add cases
# while they write their rules; these are the issue's targets, not 100%).
DEV_FLOORS = {"explicit": 0.97, "indirect": 0.90, "topic": 0.80, "kind": 0.95, "false_alarm": 0.03}


@pytest.mark.parametrize("lang", sorted(DEV))
def test_dev_floors_per_language(lang):
    report = evaluate(DEV[lang], detector=rules_only)
    assert report["crisis"] and report["none"], lang
    for topic, row in report["recall_per_topic"].items():
        assert row["recall"] >= DEV_FLOORS["topic"], (lang, topic, row)
    assert (report["recall_explicit"] or 1.0) >= DEV_FLOORS["explicit"], report["errors"]
    assert (report["recall_indirect"] or 1.0) >= DEV_FLOORS["indirect"], report["errors"]
    assert report["kind_accuracy"] >= DEV_FLOORS["kind"], report["errors"]
    assert report["false_alarm_rate"] <= DEV_FLOORS["false_alarm"], report["errors"]


# Holdout floors: a little below what bench/crisis_eval.py measured on the holdout written by
# someone else (never used to change rules), so that a change that loses recall or adds false
# alarms there is noticed. Measured on 2026-12-06 after the third round (explicit, indirect,
# false alarms):
#   de 0.86 0.71 0.05 | en 0.95 0.80 0.03 | es 0.65 0.63 0.05
#   fr 0.74 0.65 0.03 | it 0.58 0.71 0.08 | nl 0.75 0.72 0.05
# After round 18 (2026-12-08, rules only): es 0.80 0.67 0.05 | fr 0.79 0.65 0.03 |
#   it 0.74 0.71 0.08 (the rest as before); explicit floors raised for those three.
# These are below the targets (0.97, 0.90, 0.03): raise them as the rules improve.
HOLDOUT_FLOORS: dict[str, dict[str, float]] = {
    "en": {"explicit": 0.90, "indirect": 0.75, "false_alarm": 0.06},
    "de": {"explicit": 0.80, "indirect": 0.65, "false_alarm": 0.08},
    "es": {"explicit": 0.75, "indirect": 0.58, "false_alarm": 0.08},
    "fr": {"explicit": 0.74, "indirect": 0.60, "false_alarm": 0.06},
    "it": {"explicit": 0.68, "indirect": 0.65, "false_alarm": 0.10},
    "nl": {"explicit": 0.70, "indirect": 0.65, "false_alarm": 0.08},
}
HOLDOUT_DEFAULT = {"explicit": 0.35, "indirect": 0.30, "false_alarm": 0.08}


@pytest.mark.skipif(not HOLDOUT, reason="no holdout corpus yet")
@pytest.mark.parametrize("lang", sorted(HOLDOUT) or ["-"])
def test_holdout_floors_per_language(lang):
    report = evaluate(HOLDOUT[lang])
    floors = {**HOLDOUT_DEFAULT, **HOLDOUT_FLOORS.get(lang, {})}
    # only figures are compared; the holdout sentences are never printed here
    explicit, indirect = report["recall_explicit"], report["recall_indirect"]
    assert explicit is None or explicit >= floors["explicit"], (lang, explicit)
    assert indirect is None or indirect >= floors["indirect"], (lang, indirect)
    assert report["false_alarm_rate"] is None or (
        report["false_alarm_rate"] <= floors["false_alarm"]
    ), (lang, report["false_alarm_rate"])


def test_dev_and_holdout_do_not_share_sentences():
    dev = {c["text"].strip().lower() for cases in DEV.values() for c in cases}
    shared = {
        lang: sum(c["text"].strip().lower() in dev for c in cases)
        for lang, cases in HOLDOUT.items()
    }
    # counts only: the holdout sentences are never printed
    assert not any(shared.values()), f"holdout sentences also in a dev file: {shared}"


# --------------------------------------------------------------------------- behaviour


def test_more_than_one_kind():
    result = detect_crisis("I want to kill him and then kill myself")
    assert result.kinds == {"harm_to_others", "suicide"}


def test_spans_point_into_the_original_text():
    text = "We talked.  Then I said: honestly, I\u2019m going to end my life."
    result = detect_crisis(text)
    assert result.kinds == {"suicide"}
    assert {s.lang for s in result.spans} == {"en"}
    assert any(text[s.start : s.end].lower().startswith("end my life") for s in result.spans)
    assert all(text[s.start : s.end].lower().endswith("my life") for s in result.spans)


def test_an_ellipsis_before_a_lower_case_word_goes_on_with_the_sentence():
    for dots in ("...", "..", "\u2026"):
        text = f"i want to go to sleep and just{dots} not wake up"
        assert detect_crisis(text).kinds == {"suicide"}, dots
    # the negation before the dots still counts, and a capital letter still starts a sentence
    assert not detect_crisis("i would never... kill myself")
    assert detect_crisis("I would never lie to you... I want to die").kinds == {"suicide"}


def test_informal_endings_close_a_statement():
    for ending in ("fr", "ngl", "tbh", "\U0001f614", "tho"):
        assert detect_crisis(f"no one would miss me {ending}").kinds == {"suicide"}, ending
    assert not detect_crisis("no one would miss me at the party if I left early")


def test_each_sentence_is_judged_on_its_own():
    assert detect_crisis("I'm not suicidal. Last night I wanted to die.").kinds == {"suicide"}


def test_the_old_dead_rule_for_being_here_fires():
    assert detect_crisis("I don't want to be here anymore").kinds == {"suicide"}
    assert not detect_crisis("I don't want to be here at this party anymore")


def test_every_language_is_checked_whatever_the_tag():
    assert "en" in available_languages()
    for lang in ("en", "en-GB", "en_US", "de", "fr-CA", "xx", "", None):
        assert detect_crisis("I want to kill myself", lang=lang).kinds == {"suicide"}


def test_mixed_language_text_is_checked_in_each_language():
    langs = set(available_languages())
    text = "We argued again about the holidays. I want to die."
    if "de" in langs:
        text += " Ich will nicht mehr leben."
    result = detect_crisis(text, lang="de")
    assert "suicide" in result.kinds
    assert {s.lang for s in result.spans} >= ({"en", "de"} & langs)


def test_a_negation_in_english_cancels_a_match_found_by_another_language():
    # "suicidal" looks like a word of several languages; the English "not" still negates it
    assert not detect_crisis("I'm not suicidal, just tired")


def test_a_lexicon_that_breaks_at_run_time_leaves_the_others_working(monkeypatch):
    real = crisis.load_lexicon

    def flaky(lang="en", root=None):
        if lang != "en":
            raise LexiconError("xx/crisis.yaml", "rules", "broken on purpose")
        return real(lang, root)

    monkeypatch.setattr(crisis, "load_lexicon", flaky)
    assert detect_crisis("I want to kill myself").kinds == {"suicide"}


def test_internal_errors_give_no_hit_and_never_raise(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(crisis, "_check", boom)
    assert detect_crisis("I want to kill myself") is crisis.NO_HIT


def test_any_whitespace_between_words():
    assert detect_crisis("I  want\tto   kill\u00a0myself").kinds == {"suicide"}
    assert detect_crisis("my self harm is back").kinds == {"self_harm"}


# --------------------------------------------------------------------------- bad input

BAD_INPUTS = {
    "empty": "",
    "spaces": " \n\t ",
    "long": ("We had a long talk about the kitchen and the kids. " * 400)[:20_000],
    "long_one_sentence": ("and then we talked about the kids " * 600)[:20_000],
    "binary": bytes(range(256)).decode("latin-1") * 40,
    "nul_and_controls": "\x00\x01\x02I want\x00 to die\x7f\x1b[31m",
    "emoji_only": "😀😭💔🔪🙃" * 200,
    "mixed": "Ich bin müde. I want to die. Je suis fatigué. Estoy cansada. Sono stanca.",
    "rtl": "أنا متعب جدا ولا أريد أن أعيش. אני עייף מאוד. \u202eI want to die\u202c",
    "surrogates_escaped": "I want to die \udcff\udcfe",
    "combining": "I want to kill my\u0301self",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_never_raises_and_work_stays_bounded(name):
    text = BAD_INPUTS[name]
    result = detect_crisis(text)
    assert isinstance(result, CrisisResult)
    assert result.kinds <= KINDS
    for span in result.spans:
        assert 0 <= span.start < span.end <= len(text)
    assert scan_work(text) <= WORK_PER_CHAR * max(len(text), 1)


def test_bad_input_still_finds_crisis_words():
    assert detect_crisis(BAD_INPUTS["nul_and_controls"]).kinds == {"suicide"}
    assert detect_crisis(BAD_INPUTS["mixed"]).kinds == {"suicide"}
    assert detect_crisis("😭😭😭 I want to die 😭😭😭").kinds == {"suicide"}


@pytest.mark.parametrize("value", [None, 42, 3.5, [], {}, object(), b"\xff\xfe\x00", ""])
def test_odd_inputs_never_raise(value):
    assert isinstance(detect_crisis(value), CrisisResult)


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
    "and but if self-harm going gonna will i'll no one sure stop he she me threatened hit "
    "neck throat home scared pills bridge goodbye breathe wake exist here anymore".split()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=60).map(" ".join))
def test_never_raises_on_crisis_like_word_salad(text):
    assert detect_crisis(text).kinds <= KINDS


# --------------------------------------------------------------------------- bounded work

# Characters handed to the regex engine per character of text: a generous ceiling (measured
# about 100-600 on English text with every shipped lexicon).
WORK_PER_CHAR = 4000
GROWTH = {
    "crisis_sentences": "I want to die. ",
    "crisis_one_sentence": "I want to die and ",
    "no_punctuation": "a",
    "quotes": '"',
    "near_misses": "he said he would hurt the kids if i ",
    "idioms": "this deadline is killing me, ",
    "spaces": "kill   ",
    "emoji": "😭",
    "mixed": "ich will nicht mehr leben, I want to die, je veux mourir ",
}


@pytest.mark.parametrize("name", sorted(GROWTH))
def test_work_grows_linearly_with_the_text(name):
    unit = GROWTH[name]
    n = max(1, 2_000 // len(unit))
    small, large = scan_work(unit * n), scan_work(unit * 8 * n)
    assert small > 0
    # 8 times the text may cost at most 8 times the work, with a margin for piece edges
    assert large <= 8 * small * 1.25 + 10_000, (small, large)


def test_work_per_character_is_bounded_on_real_entries():
    entry = " ".join(c["text"] for c in EN_CASES)
    assert scan_work(entry) <= WORK_PER_CHAR * len(entry)


def test_only_the_first_max_chars_are_read(monkeypatch):
    # the same cut as with the shipped MAX_CHARS (200,000), on a text a hundred times shorter
    assert crisis.MAX_CHARS == 200_000
    monkeypatch.setattr(crisis, "MAX_CHARS", 2_000)
    huge = "I want to die " * 300
    assert len(huge) > 2 * crisis.MAX_CHARS
    assert scan_work(huge) == scan_work(huge[: crisis.MAX_CHARS])
    calm = "We talked about the weekend. " * 100
    assert detect_crisis(calm[:1_900] + " I want to die.").hit
    assert not detect_crisis(calm + " I want to die.", model=False).hit
    assert not detect_crisis((calm + " I want to die.").encode(), model=False).hit


def test_long_sentences_are_cut_into_overlapping_pieces():
    filler = "and we talked about the weekend " * 40
    text = filler + "I want to kill myself " + filler
    result = detect_crisis(text)
    assert result.kinds == {"suicide"}
    (span,) = result.spans
    assert text[span.start : span.end] == "kill myself"


# --------------------------------------------------------------------------- the lexicons


@pytest.mark.parametrize("lang", available_languages())
def test_the_trigger_words_and_the_prefilter_never_hide_a_match(lang):
    # A sentence without a trigger word is skipped, and a rule is only tried where the strings
    # every match of it contains are (the prefilter, crisis.rule_needs): with both switched off,
    # every rule tried on every piece, the rules must find exactly the same on the dev corpus of
    # every language. (Shipped spans are a subsequence of the trigger-only spans, which are a
    # subsequence of these: equal to these, the shipped spans are the old ones too.)
    lexicon = load_lexicon(lang)
    unfiltered = dataclasses.replace(lexicon, triggers=re.compile(""))
    hidden = []
    for text in ALL_DEV_TEXTS:
        without = crisis._scan(text, unfiltered, prefilter=False)
        if without and crisis._scan(text, lexicon) != without:
            hidden.append((text, [s.rule for s in without]))
    assert not hidden, (lang, hidden[:5])


# --------------------------------------------------------------------------- the prefilter


def _rules(text: object, prefilter: bool) -> CrisisResult:
    return crisis._check(text, None, crisis._Meter(), prefilter=prefilter)


def _confusable(text: str) -> str:
    """A dotted capital I first, then the dotless i, the long s and the Kelvin sign for i, s, k."""
    return "İ " + text.replace("i", "ı").replace("s", "ſ").replace("k", "\u212a")


def test_the_prefilter_changes_no_result_on_whole_checks():
    # whole checks (every language, their negation words together), on a sample of the dev
    # corpus as written and shouted with a dotted capital I (the IGNORECASE path, whose
    # prefilter reads the case fold), also with the characters IGNORECASE takes for an i, an s
    # and a k; the whole corpus is compared rule by rule in the test above
    sample = ALL_DEV_TEXTS[::10]
    texts = (
        sample + ["İ " + t.upper() for t in sample[::4]] + [_confusable(t) for t in sample[2::8]]
    )
    shipped = {t: _rules(t, True) for t in texts}  # each asked once, compared and counted
    differ = [t for t in texts if shipped[t] != _rules(t, False)]
    assert not differ, differ[:5]
    assert sum(shipped[t].hit for t in sample) > len(sample) / 3


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(),
        st.lists(WORDS, max_size=60).map(" ".join),
        st.lists(st.sampled_from(ALL_DEV_TEXTS), min_size=1, max_size=4).map(" ".join),
        st.sampled_from(ALL_DEV_TEXTS).map(lambda t: "İ " + t.upper()),
        st.sampled_from(ALL_DEV_TEXTS).map(_confusable),
    )
)
def test_the_prefilter_changes_no_result_on_any_text(text):
    assert _rules(text, True) == _rules(text, False)


def test_every_match_contains_what_its_rule_needs():
    # the prefilter's promise, checked on what the rules really match in the dev corpus
    lexicons = {lang: load_lexicon(lang) for lang in available_languages()}
    checked = 0
    for text in ALL_DEV_TEXTS:
        lowered = text.lower()
        for span in rules_only(text).spans:
            rule = next(r for r in lexicons[span.lang].rules if r.id == span.rule)
            needs = crisis.rule_needs(rule.pattern)
            assert needs, rule.id  # every shipped rule needs some string
            matched = lowered[span.start : span.end]
            if len(lowered) != len(text):
                continue
            assert all(any(x in matched for x in need) for need in needs), (rule.id, matched)
            checked += 1
    assert checked > 1_000


@pytest.mark.parametrize(
    ("pattern", "needs"),
    [
        (r"\bkill(?:ing)? myself\b", [{"myself"}, {"kill"}]),
        (r"(?:want|need) to (?:die|disappear)", [{"want", "need"}, {"die", "disappear"}, {"to"}]),
        (r"x?(?:ab|c)", [{"ab", "c"}]),
        (r"(?:ab|c?)", []),
        (r"(?=dead)\w+", []),
        (r"(?i:kill) me", [{"me"}]),
        (r"[Kk]ill", []),
    ],
)
def test_rule_needs(pattern, needs):
    got = crisis.rule_needs(re.compile(crisis._spaces_to_whitespace(pattern), re.I))
    assert sorted(map(sorted, got)) == sorted(map(sorted, needs))


def test_every_english_rule_has_a_dev_case():
    fired = {s.rule for c in EN_CASES for s in detect(c["text"]).spans if s.lang == "en"}
    unused = {r.id for r in load_lexicon("en").rules} - fired
    assert not unused, f"rules without a labelled case: {sorted(unused)}"


def test_shipped_lexicons_validate():
    lexicons = validate_all_lexicons()
    assert "en" in lexicons
    assert sorted(lexicons) == available_languages()


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


def rule(**fields):
    return lexicon_with(rules=[{"id": "x", "kind": "suicide", "pattern": "die", **fields}])


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        ({"language": "en"}, "(top)", "required property"),
        (lexicon_with(negation={"cues": [False]}), "negation.cues[0]", "not of type 'string'"),
        (rule(kind="sadness"), "rules[0].kind", "is not one of"),
        (rule(pattern="(unclosed"), "rules[0].pattern (x)", "invalid pattern"),
        # only the compiler sees this one (the rule's twin is otherwise compiled on first use)
        (rule(pattern="(?<!no+)die"), "rules[0].pattern (x)", "look-behind requires fixed-width"),
        (rule(pattern="{nope} die"), "rules[0].pattern (x)", "unknown definition {nope}"),
        (lexicon_with(rules=[{"id": "x", "kind": "suicide"}]), "rules[0]", "'pattern'"),
        (rule(extra=1), "rules[0]", "unknown field 'extra'"),
        (lexicon_with(rules=[]), "rules", "should be non-empty"),
        (rule(pattern="(?:\\w+ )*die"), "rules[0].pattern (x)", "nested unbounded repetition"),
        (rule(pattern="(a+)+b"), "rules[0].pattern (x)", "nested unbounded repetition"),
        (lexicon_with(defs={"a": "x{b}"}), "defs.a", "may not use other definitions"),
        (
            lexicon_with(
                rules=[
                    {"id": "x", "kind": "suicide", "pattern": "die"},
                    {"id": "x", "kind": "suicide", "pattern": "dead"},
                ]
            ),
            "rules[1].id",
            "duplicate id",
        ),
        (lexicon_with(idioms=["(bad"]), "idioms", "invalid pattern"),
        (rule(exclude=["ok", "(bad"]), "rules[0].exclude[1] (x)", "invalid pattern"),
    ],
)
def test_broken_lexicons_name_file_field_and_problem(data, field, problem):
    with pytest.raises(LexiconError) as caught:
        _parse(data, Path("/somewhere/en/crisis.yaml"))
    error = caught.value
    assert error.file == "en/crisis.yaml"
    assert error.field.startswith(field), error.field
    assert problem in error.problem, error.problem
    assert str(error).startswith(f"en/crisis.yaml: {error.field}: ")


@pytest.mark.parametrize(
    ("written", "compiled"),
    [
        ("a b", r"a\s+b"),
        ("any ?more", r"any\s*more"),
        ("[ ]x y", r"[ ]x\s+y"),
        ("(?<!not )joking", r"(?<!not\s)joking"),
        ("x (?:a|(?<!no )b) y", r"x\s+(?:a|(?<!no\s)b)\s+y"),
    ],
)
def test_spaces_in_patterns(written, compiled):
    assert crisis._spaces_to_whitespace(written) == compiled
    re.compile(compiled)


def test_a_minimal_lexicon_works():
    lexicon = _parse(lexicon_with(), Path("en/crisis.yaml"))
    assert lexicon.rules[0].id == "x"


def copy_lexicons(tmp_path: Path, langs=("en",)) -> Path:
    root = tmp_path / "lexicons"
    for lang in langs:
        (root / lang).mkdir(parents=True)
        shutil.copy(LEXICON_ROOT / lang / "crisis.yaml", root / lang / "crisis.yaml")
    return root


def test_validate_all_lexicons_names_the_broken_file(tmp_path):
    root = copy_lexicons(tmp_path)
    assert validate_all_lexicons(root).keys() == {"en"}
    path = root / "en" / "crisis.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: self_harm", "kind: sad", 1))
    with pytest.raises(LexiconError) as caught:
        validate_all_lexicons(root)
    assert caught.value.file == "en/crisis.yaml"
    assert caught.value.field.endswith(".kind")
    assert "'sad' is not one of" in caught.value.problem


@pytest.mark.parametrize(
    ("content", "field", "problem"),
    [
        ("rules: [\n", "line 2, column 1", "YAML syntax error"),
        ("", "(file)", "file is empty"),
        ("language: xx\n", "(top)", "required property"),
        ("language: en\nlanguage: en\n", "line 2", "duplicate key 'language'"),
    ],
)
def test_unreadable_lexicon_files_are_named(tmp_path, content, field, problem):
    root = copy_lexicons(tmp_path)
    (root / "en" / "crisis.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as caught:
        validate_all_lexicons(root)
    assert caught.value.file == "en/crisis.yaml"
    assert caught.value.field == field
    assert problem in caught.value.problem


def test_language_must_match_its_folder(tmp_path):
    root = copy_lexicons(tmp_path)
    (root / "zz").mkdir()
    shutil.copy(root / "en" / "crisis.yaml", root / "zz" / "crisis.yaml")
    with pytest.raises(LexiconError, match=r"zz/crisis.yaml: language: 'en' does not match"):
        validate_all_lexicons(root)


def test_work_ceiling_is_not_trivially_loose():
    # the ceiling must be far below what quadratic work on a 20,000-character text would cost
    text = BAD_INPUTS["long_one_sentence"]
    assert WORK_PER_CHAR * len(text) < len(text) ** 2 / 4
    assert math.isfinite(scan_work(text) / len(text))
