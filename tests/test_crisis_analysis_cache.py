"""The crisis patterns' checks and analysis are kept in the cache folder between processes.

reattune/domain/safety/crisis.py keeps, for each lexicon file it loaded and found good, what it
worked out about each rule pattern (crisis.ANALYSIS_STORE; the app's is
reattune.care.lexicons_json.AnalysisFolder), named by a digest of the file's bytes and of the
code that judges them. A process loading the same bytes reads it instead of checking and
analysing every pattern again; anything else (other bytes, a planted or damaged file, a folder
others may write to) is checked and analysed afresh.
"""

import json
from pathlib import Path

import pytest

from reattune.care.lexicons_json import AnalysisFolder
from reattune.domain.safety import crisis
from reattune.domain.safety.lexicon_error import LexiconError

# own_lexicons: tests/conftest.py


@pytest.fixture
def store(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    kept = AnalysisFolder(folder)
    monkeypatch.setattr(crisis, "ANALYSIS_STORE", kept)
    return kept


@pytest.fixture
def nl_file(own_lexicons) -> Path:
    return own_lexicons / "nl" / "crisis.yaml"


def _made(lexicon: crisis.Lexicon) -> list:
    """Everything matching uses that the analysis decides, in a comparable form."""
    return [
        [
            (rule.id, rule.source, [sorted(s) for s in crisis._rule_needs(rule)])
            for rule in lexicon.rules
        ],
        [[e.pattern for e in rule.exclude] for rule in lexicon.rules],
        lexicon.prefilter.finder.pattern,
        sorted(lexicon.prefilter.masks.items()),
        lexicon.prefilter.always,
        lexicon.prefilter.rest,
        lexicon.triggers.pattern,
        lexicon.first_person.pattern,
    ]


class _Refuse:
    """Counts the calls of a check or of the analysis it stands in for."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.real(*args, **kwargs)


def _kept_files(store) -> list[Path]:
    return sorted(store.folder.glob("crisis-analysis-*.json"))


def test_a_second_load_reads_the_analysis_and_makes_the_same_lexicon(store, nl_file, monkeypatch):
    first = crisis._load_lexicon_file(nl_file)
    (kept,) = _kept_files(store)
    assert kept.stat().st_mode & 0o777 == 0o600

    schema, needs = _Refuse(crisis._schema_check), _Refuse(crisis._needs)
    monkeypatch.setattr(crisis, "_schema_check", schema)
    monkeypatch.setattr(crisis, "_needs", needs)
    second = crisis._load_lexicon_file(nl_file)
    assert schema.calls == 0 and needs.calls == 0  # read, not worked out again
    assert _made(second) == _made(first)
    words = "ik wil niet meer leven"
    assert crisis._scan(words, second) == crisis._scan(words, first) != []


def test_other_bytes_are_checked_again_and_a_broken_edit_still_stops_the_load(store, nl_file):
    crisis._load_lexicon_file(nl_file)
    original = nl_file.read_text(encoding="utf-8")
    # the same file with a rule whose pattern nests unbounded repetition (refused by the check)
    broken = original.replace(
        "rules:\n", 'rules:\n  - {id: zz_nested, kind: suicide, pattern: "(a+)+b"}\n', 1
    )
    assert broken != original
    nl_file.write_text(broken, encoding="utf-8")
    with pytest.raises(LexiconError, match="nested unbounded"):
        crisis._load_lexicon_file(nl_file)
    assert len(_kept_files(store)) == 1  # nothing kept for the broken version


@pytest.mark.parametrize(
    "damage",
    [
        lambda doc: {**doc, "format": 99},
        lambda doc: {**doc, "needs": {}},  # says nothing about the file's patterns
        lambda doc: {**doc, "needs": {k: "not a list" for k in doc["needs"]}},
        lambda doc: "not a document",
    ],
    ids=["other format", "empty", "wrong shape", "not a mapping"],
)
def test_a_damaged_or_planted_analysis_is_not_used(store, nl_file, damage):
    good = _made(crisis._load_lexicon_file(nl_file))
    (kept,) = _kept_files(store)
    kept.write_text(json.dumps(damage(json.loads(kept.read_text()))), encoding="utf-8")
    assert _made(crisis._load_lexicon_file(nl_file)) == good  # worked out afresh
    assert json.loads(kept.read_text())["format"] == 1  # and kept again, whole


def test_a_folder_others_may_write_to_is_not_read(store, nl_file, monkeypatch):
    crisis._load_lexicon_file(nl_file)
    store.folder.chmod(0o777)
    needs = _Refuse(crisis._needs)
    monkeypatch.setattr(crisis, "_needs", needs)
    crisis._load_lexicon_file(nl_file)
    assert needs.calls > 0  # analysed again: a planted file there must never be trusted


def test_a_link_is_not_followed(store, nl_file, tmp_path, monkeypatch):
    crisis._load_lexicon_file(nl_file)
    (kept,) = _kept_files(store)
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(kept.read_bytes())
    kept.unlink()
    kept.symlink_to(elsewhere)
    needs = _Refuse(crisis._needs)
    monkeypatch.setattr(crisis, "_needs", needs)
    crisis._load_lexicon_file(nl_file)
    assert needs.calls > 0


def test_without_a_store_nothing_is_kept(nl_file, monkeypatch, tmp_path):
    monkeypatch.setattr(crisis, "ANALYSIS_STORE", None)
    crisis._load_lexicon_file(nl_file)
    assert not list(tmp_path.rglob("crisis-analysis-*.json"))


def test_the_app_keeps_the_analysis_in_its_cache_folder(settings):
    assert isinstance(crisis.ANALYSIS_STORE, AnalysisFolder)
    assert crisis.ANALYSIS_STORE.folder == Path(settings.CACHE_DIR)
