"""Crisis lexicons for German, French, Spanish, Italian and Dutch, checked on their dev corpora.

Each language has a labelled development corpus in tests/data/crisis/dev/<lang>.yaml (used to
write and tune the rules): the first writer's sentences, then a second writer's who never saw the
rules. The independent holdout lives elsewhere and is never read here.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml

from reattune.domain.safety.crisis import LEXICON_ROOT, detect_crisis, load_lexicon
from tests.domain.test_crisis import (  # the corpus vocabulary and the session's answers, once
    CRISIS_TOPICS,
    NONE_TOPICS,
    detect,
)

LANGUAGES = ("de", "fr", "es", "it", "nl")
DATA = Path(__file__).resolve().parents[1] / "data"
DEV = DATA / "crisis" / "dev"

LABELS = {"suicide", "self_harm", "harm_to_others", "harm_from_others", "none"}
MIN_RECALL = 0.95
MIN_RECALL_EXPLICIT = 0.95
MIN_RECALL_INDIRECT = 0.90
MAX_FALSE_ALARMS = 0.03
# both writers' sentences: a corpus that shrinks below this has lost the second writer's part
MIN_CRISIS_CASES = 200
MIN_CALM_CASES = 140
# libyaml's loader when PyYAML has it: the same data as yaml.safe_load, about eight times faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506  # nosec B506 - a SafeLoader


@functools.cache
def dev_cases(lang: str) -> list[dict]:
    """The dev cases of one language, read once (callers only read them)."""
    data = _read(DEV / f"{lang}.yaml")
    assert data["language"] == lang and data["part"] == "dev"
    return data["cases"]


@functools.cache
def english_everyday() -> list[str]:
    """The English everyday sentences, read once (callers only read them)."""
    dev = DEV / "en.yaml"
    if dev.is_file():
        return [c["text"] for c in _read(dev)["cases"] if c["label"] == "none"]
    cases = _read(DATA / "crisis_cases.yaml")["cases"]
    return [c["text"] for c in cases if not c["kinds"]]


def spans_from(text: str, lang: str, model: bool | None = None):
    """The matches that ``lang``'s own lexicon contributes (every lexicon is checked at once).

    The same with ``model=False``: the learned second stage speaks only where no rule matched,
    and its spans belong to no lexicon (their lang is ""). The everyday tests ask so, as on an
    everyday sentence the model costs as much as the rules; on a language's own dev sentences
    the answer with the model is already kept (scores)."""
    return [s for s in detect(text, lang, model).spans if s.lang == lang]


def scores(lang: str) -> tuple[float, float, list[str], list[str]]:
    """Recall (hit with the labelled kind) on crisis cases and false-alarm rate on none cases."""
    cases = dev_cases(lang)
    crisis = [c for c in cases if c["label"] != "none"]
    calm = [c for c in cases if c["label"] == "none"]
    missed = [c["text"] for c in crisis if c["label"] not in detect(c["text"], lang).kinds]
    alarms = [c["text"] for c in calm if detect(c["text"], lang)]
    return 1 - len(missed) / len(crisis), len(alarms) / len(calm), missed, alarms


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lexicon_file_exists_and_loads(lang):
    assert (LEXICON_ROOT / lang / "crisis.yaml").is_file()
    lexicon = load_lexicon(lang)
    assert lexicon.language == lang  # not the English fallback
    assert len(lexicon.rules) >= 20
    kinds = {rule.kind for rule in lexicon.rules}
    assert kinds == {"suicide", "self_harm", "harm_to_others", "harm_from_others"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dev_corpus_is_labelled_and_covers_every_topic(lang):
    cases = dev_cases(lang)
    texts = [c["text"] for c in cases]
    assert len(texts) == len(set(texts)), "duplicate case"
    crisis = [c for c in cases if c["label"] != "none"]
    calm = [c for c in cases if c["label"] == "none"]
    assert len(crisis) >= MIN_CRISIS_CASES and len(calm) >= MIN_CALM_CASES
    for case in cases:
        assert case["label"] in LABELS, case
        if case["label"] == "none":
            assert case["topic"] in NONE_TOPICS, case
        else:
            assert CRISIS_TOPICS[case["topic"]] == case["label"], case
            assert isinstance(case["explicit"], bool), case
    for topic in CRISIS_TOPICS:
        assert sum(c["topic"] == topic for c in crisis) >= 3, topic
    for topic in NONE_TOPICS - {"reported_or_third_person_news"}:
        assert sum(c["topic"] == topic for c in calm) >= 3, topic


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dev_recall_and_false_alarms(lang):
    recall, false_alarms, missed, alarms = scores(lang)
    assert recall >= MIN_RECALL, (recall, missed)
    assert false_alarms <= MAX_FALSE_ALARMS, (false_alarms, alarms)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dev_recall_on_explicit_and_on_indirect_cases(lang):
    crisis = [c for c in dev_cases(lang) if c["label"] != "none"]
    for explicit, floor in ((True, MIN_RECALL_EXPLICIT), (False, MIN_RECALL_INDIRECT)):
        part = [c for c in crisis if c["explicit"] is explicit]
        assert part, explicit
        missed = [c["text"] for c in part if c["label"] not in detect(c["text"], lang).kinds]
        assert 1 - len(missed) / len(part) >= floor, (explicit, missed)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_own_lexicon_alone_reaches_the_recall(lang):
    # the language's own rules carry its recall; English or a neighbour language only adds to it
    crisis = [c for c in dev_cases(lang) if c["label"] != "none"]
    missed = [
        c["text"] for c in crisis if c["label"] not in {s.kind for s in spans_from(c["text"], lang)}
    ]
    assert 1 - len(missed) / len(crisis) >= MIN_RECALL, missed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_rule_fires_on_a_dev_case_and_every_match_has_a_trigger(lang):
    lexicon = load_lexicon(lang)
    fired = set()
    for case in dev_cases(lang):
        for span in spans_from(case["text"], lang):
            fired.add(span.rule)
            matched = case["text"][span.start : span.end].replace("\u2019", "'")
            assert lexicon.triggers.search(matched), (span.rule, matched)
    unused = {rule.id for rule in lexicon.rules} - fired
    assert not unused, f"{lang}: rules without a dev case: {sorted(unused)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_english_everyday_text_raises_no_alarm_in_other_lexicons(lang):
    # every text is checked in every language at once: these lexicons must stay quiet on English
    texts = english_everyday()
    assert len(texts) >= 30
    alarms = [(t, s.rule) for t in texts for s in spans_from(t, lang, model=False)]
    assert not alarms, alarms


@pytest.mark.parametrize("lang", LANGUAGES)
def test_everyday_text_of_the_other_languages_raises_no_alarm(lang):
    calm = [c["text"] for o in LANGUAGES if o != lang for c in dev_cases(o) if c["label"] == "none"]
    alarms = [(t, s.rule) for t in calm for s in spans_from(t, lang, model=False)]
    assert not alarms, alarms


@pytest.mark.parametrize(
    ("lang", "text", "kind"),
    [
        ("de", "ich will mich nicht umbringen", None),
        ("de", "Ich will mich umbringen", "suicide"),
        ("de", "Ich habe nicht vor, mich umzubringen.", None),
        ("fr", "Je ne veux pas me tuer.", None),
        ("fr", "Je ne veux plus vivre.", "suicide"),
        ("es", "No quiero matarme.", None),
        ("es", "No quiero seguir viviendo.", "suicide"),
        ("it", "Non voglio uccidermi.", None),
        ("it", "Non voglio più vivere.", "suicide"),
        ("nl", "Ik wil mezelf niet van kant maken.", None),
        ("nl", "Ik wil niet meer leven.", "suicide"),
    ],
)
def test_negation_around_the_verb(lang, text, kind):
    result = detect_crisis(text, lang)
    assert (kind in result.kinds) if kind else not result, result


# A negation inside a leading subordinate clause ("quando ... non smette") is about that clause;
# one right before the match still cancels it. Rules only: the model is asked nothing here.
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("quando il piccolo non smette di piangere ho voglia di scuoterlo forte", "harm_to_others"),
        ("quando non voglio scuoterlo mi sento meglio", None),
        ("wanneer hij niet opneemt wil ik dood", "suicide"),
        ("wanneer ik niet dood wil, voel ik me beter", None),
        ("when he doesn't answer my texts for hours I want to die", "suicide"),
        ("if you ask me I don't want to die at all", None),
        ("cuando no contesta en horas me dan ganas de matarme", "suicide"),
    ],
)
def test_a_negation_in_a_subordinate_clause_stays_there(text, kind):
    result = detect_crisis(text, model=False)
    assert (kind in result.kinds) if kind else not result, result
