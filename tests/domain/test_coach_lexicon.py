"""Lexicons are data: checked on load, and a new language is just a folder."""

import json
import shutil
from pathlib import Path

import pytest
import yaml

from reattune.domain.coach import analyze, load_lexicon
from reattune.domain.coach.analyzer import _Message
from reattune.domain.coach.lexicon import LEXICON_ROOT, LexiconError
from reattune.domain.coach.text import normalize

CORPUS = Path(__file__).resolve().parents[1] / "data" / "coach_corpus.jsonl"


def _copy(tmp_path, code="xx"):
    target = tmp_path / code
    shutil.copytree(LEXICON_ROOT / "en", target)
    return target


def _load(tmp_path, code="xx"):
    load_lexicon.cache_clear()
    try:
        return load_lexicon(code, str(tmp_path))
    finally:
        load_lexicon.cache_clear()


def test_a_language_is_added_by_adding_a_folder(tmp_path):
    folder = _copy(tmp_path)
    data = yaml.safe_load((folder / "absolutes.yaml").read_text(encoding="utf-8"))
    data["always_like"].append("jedes mal")
    (folder / "absolutes.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    lexicon = _load(tmp_path)
    hits = lexicon.sets["absolutes"].matches("you do it jedes mal")
    assert [(kind, start, end) for kind, start, end, _ in hits] == [("always", 10, 19)]


@pytest.mark.parametrize(
    ("file", "change", "field", "problem"),
    [
        ("blame.yaml", lambda d: d["cause"].append("{nope} x"), "cause[", "unknown slot {nope}"),
        (
            "criticism.yaml",
            lambda d: d["patterns"]["trait"].append("(unclosed"),
            "patterns.trait[",
            "not a valid regex",
        ),
        (
            "emotions.yaml",
            lambda d: d["families"]["joy"]["words"]["happy"].update(intensity=5),
            "intensity",
            "is not one of [1, 2, 3]",
        ),
        (
            "templates.yaml",
            lambda d: d["rewrite"]["default_feelings"].update(default="blorp"),
            "default_feelings.default",
            "not in emotions.yaml",
        ),
        (
            "validation.yaml",
            lambda d: d.pop("cancelled_by"),
            "(top level)",
            "'cancelled_by' is a required property",
        ),
        ("levels.yaml", lambda d: d.update(content=[]), "content", "should be non-empty"),
        (
            "emotions.yaml",
            lambda d: d["families"]["joy"]["words"]["glad"].update(needs_feel="yes"),
            "families.joy.words.glad.needs_feel",
            "is not of type 'boolean'",
        ),
        ("curiosity.yaml", lambda d: d.update(qeustions=["why"]), "(top level)", "'qeustions'"),
    ],
)
def test_a_broken_file_is_reported_with_file_field_and_problem(
    tmp_path, file, change, field, problem
):
    folder = _copy(tmp_path)
    path = folder / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LexiconError) as caught:
        _load(tmp_path)
    message = str(caught.value)
    assert f"xx/{file}" in message and field in message and problem in message


def test_a_missing_file_or_language_is_reported(tmp_path):
    folder = _copy(tmp_path)
    (folder / "contempt.yaml").unlink()
    with pytest.raises(LexiconError, match="xx/contempt.yaml.*is missing"):
        _load(tmp_path)
    with pytest.raises(LexiconError, match="no lexicon folder"):
        _load(tmp_path, "zz")


def test_invalid_yaml_is_reported(tmp_path):
    folder = _copy(tmp_path)
    (folder / "stonewalling.yaml").write_text("patterns: [unclosed", encoding="utf-8")
    with pytest.raises(
        LexiconError, match=r"stonewalling.yaml: line [12], column \d+: YAML syntax error"
    ):
        _load(tmp_path)


def test_the_lexicon_is_compiled_once():
    assert load_lexicon("en") is load_lexicon("en")


def test_the_word_shortcut_finds_exactly_what_a_full_scan_finds():
    """Only patterns whose anchor words occur are tried; that must never lose a match."""
    lexicon = load_lexicon("en")
    texts = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    texts += ["boo-hoo 🙄 at 7:30", "Kids, holidays and plans.", "WHATEVER!!", "i'd love it"]
    for text in texts:
        work = normalize(text)
        message = _Message(work, lexicon)
        for name, pattern_set in lexicon.sets.items():
            fast = {(k, s, e) for k, s, e, _ in message.found.get(name, ())}
            slow = {(k, s, e) for k, s, e, _ in pattern_set.matches_slow(work)}
            assert fast == slow, (name, text)


def test_unknown_language_code_is_refused():
    with pytest.raises(LexiconError):
        analyze("hello", lang="../etc")
