"""The learn library: a page for every sign, help sign, cause, pattern and practice."""

from __future__ import annotations

import re

import pytest
import yaml

from reattune.domain.concepts import (
    LEARN_DIR,
    LEARN_KINDS,
    ConceptError,
    load_concepts,
    load_learn,
    missing_learn_pages,
)

CONCEPTS = load_concepts()
LEARN = load_learn()


def test_every_concept_has_a_page_and_no_page_is_orphaned():
    assert missing_learn_pages(LEARN, CONCEPTS) == []
    expected = {c.ref for kind in LEARN_KINDS for c in CONCEPTS.all(kind)}
    assert set(LEARN) == expected
    for kind in ("sign", "cause", "pattern", "practice"):
        assert CONCEPTS.ids(kind), kind


@pytest.mark.parametrize("ref", sorted(LEARN))
def test_page_shape(ref):
    entry = LEARN[ref]
    assert entry.title and entry.summary
    assert "\n" not in entry.summary
    assert 2 <= len(entry.body) <= 4
    assert all(len(p) > 40 for p in entry.body)
    assert entry.try_practices
    for practice in entry.try_practices:
        assert CONCEPTS.has("practice", practice)
    if entry.kind == "practice":
        assert entry.id not in entry.try_practices
    json_ready = entry.to_dict()
    assert json_ready["ref"] == ref and json_ready["try"] == list(entry.try_practices)


CLINICAL = re.compile(r"diagnos|disorder|patholog|toxic|narciss|crazy|dysfunction", re.I)


def test_wording_is_not_clinical():
    for ref, entry in LEARN.items():
        text = " ".join((entry.title, entry.summary, *entry.body))
        assert not CLINICAL.search(text), ref


def test_every_cause_points_to_something_to_try():
    for cause in CONCEPTS.all("cause"):
        assert LEARN[cause.ref].try_practices


def _write(tmp_path, data):
    (tmp_path / "x.yaml").write_text(yaml.safe_dump(data))


GOOD_ENTRY = {
    "title": "T",
    "summary": "S",
    "body": ["A paragraph of text.", "Another one."],
    "try": ["daily_checkin"],
}


def test_learn_file_errors(tmp_path):
    _write(tmp_path, {"kind": "sign", "entries": {"no_such_sign": GOOD_ENTRY}})
    with pytest.raises(ConceptError, match=r"x.yaml: entries.no_such_sign: unknown sign id"):
        load_learn(tmp_path, CONCEPTS)
    _write(tmp_path, {"kind": "sign", "entries": {"numbness": {**GOOD_ENTRY, "try": ["nap"]}}})
    with pytest.raises(ConceptError, match=r"entries.numbness.try\[0\]: unknown practice 'nap'"):
        load_learn(tmp_path, CONCEPTS)
    _write(tmp_path, {"kind": "sign", "entries": {"numbness": {**GOOD_ENTRY, "body": ["x"]}}})
    with pytest.raises(ConceptError, match=r"x.yaml: entries.numbness.body: .*too short"):
        load_learn(tmp_path, CONCEPTS)
    _write(tmp_path, {"kind": "sign", "entries": {"numbness": {**GOOD_ENTRY, "summary": "a\nb"}}})
    with pytest.raises(ConceptError, match=r"entries.numbness.summary"):
        load_learn(tmp_path, CONCEPTS)


def test_shipped_learn_files_are_one_per_kind():
    kinds = [yaml.safe_load(p.read_text())["kind"] for p in sorted(LEARN_DIR.glob("*.yaml"))]
    assert sorted(kinds) == sorted(LEARN_KINDS)


def test_concept_references():
    assert CONCEPTS.resolve("life_load").ref == "cause:life_load"
    assert CONCEPTS.resolve("sign:divided_attention").kind == "sign"
    with pytest.raises(ConceptError, match="is both a sign and a cause"):
        CONCEPTS.resolve("divided_attention")
    with pytest.raises(ConceptError, match="unknown concept kind 'thing'"):
        CONCEPTS.resolve("thing:x")
    with pytest.raises(ConceptError, match="unknown concept 'cause:nope'"):
        CONCEPTS.resolve("cause:nope")
    assert {c.id for c in CONCEPTS.signs_in_area("affection")} == {
        "fewer_touches",
        "mechanical_intimacy",
        "absent_while_close",
    }
