"""The practice library, ladder, agreements and ritual prompts (reattune.domain.plan.library)."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from reattune.domain.concepts import load_concepts
from reattune.domain.plan import (
    ROLES,
    PracticeError,
    alternatives,
    load_agreements,
    load_ladder,
    load_practices,
    load_rituals,
    missing_phrases,
)
from reattune.domain.plan.library import PRACTICES_FILE, RITUALS_FILE

BLAMING = ("your fault", "you never", "you always", "what's wrong with you", "blame you")
PAIRS = (("pursuer", "withdrawer"), ("fact_sharer", "hopes_intuited"))


@pytest.fixture(scope="module")
def library():
    return load_practices()


@pytest.fixture(scope="module")
def concepts():
    return load_concepts()


def raw_practices() -> dict:
    return yaml.safe_load(PRACTICES_FILE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict, name: str = "practices.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the shipped data


def test_every_concept_practice_is_in_the_library(library, concepts):
    assert set(library) == set(concepts.ids("practice"))


def test_every_practice_is_complete_and_references_resolve(library, concepts):
    for practice in library.values():
        assert practice.title and practice.why and practice.invitation, practice.id
        assert len(practice.steps) >= 2, practice.id
        assert all(step.strip() for step in practice.steps), practice.id
        assert practice.duration_minutes > 0
        assert practice.frequency in ("daily", "weekly", "monthly", "once", "as_needed")
        assert practice.addresses, practice.id
        for ref in practice.addresses:
            assert ref.partition(":")[0] in ("sign", "cause", "pattern"), ref
            concepts.resolve(ref)  # raises if unknown


def test_rituals_and_ladder_have_their_kinds(library):
    assert library["daily_checkin"].kind == "ritual"
    assert library["daily_checkin"].frequency == "daily"
    assert library["weekly_review"].frequency == "weekly"
    assert library["monthly_checkin"].frequency == "monthly"
    assert library["vulnerability_ladder"].kind == "ladder"
    assert {p.kind for p in library.values()} == {"focus", "ritual", "ladder"}


def test_every_sign_cause_and_pattern_has_a_phrase_and_a_focus_practice(library, concepts):
    assert missing_phrases(library) == []
    focus_refs = {ref for p in library.focus() for ref in p.addresses}
    for kind in ("sign", "cause", "pattern"):
        for concept in concepts.all(kind):
            assert concept.ref in focus_refs, f"no focus practice addresses {concept.ref}"


def test_variants_exist_where_roles_differ(library):
    assert set(library["break_pursue_withdraw"].variants) == {"pursuer", "withdrawer"}
    assert set(library["time_out"].variants) == {"pursuer", "withdrawer"}
    assert set(library["role_growth"].variants) == {"fact_sharer", "hopes_intuited"}
    assert {"fact_sharer", "hopes_intuited"} <= set(library["three_levels"].variants)
    for practice in library.values():
        roles = set(practice.variants)
        assert roles <= set(ROLES)
        for one, other in PAIRS:
            assert (one in roles) == (other in roles), f"{practice.id}: {one}/{other} unpaired"
        for variant in practice.variants.values():
            assert variant.summary and variant.steps


def test_general_list_is_focus_practices(library):
    assert len(library.general) >= 4
    assert all(library[pid].is_focus for pid in library.general)


def test_to_dict_is_plain_data(library):
    import json

    data = json.loads(json.dumps(library["break_pursue_withdraw"].to_dict()))
    assert data["variants"]["pursuer"]["steps"]


def test_ladder_has_at_least_six_steps_with_three_prompts():
    ladder = load_ladder()
    assert len(ladder) >= 6
    assert ladder.advice
    assert [s.number for s in ladder.steps] == list(range(1, len(ladder) + 1))
    assert len({s.id for s in ladder.steps}) == len(ladder)
    for step in ladder.steps:
        assert step.theme and step.match_depth
        assert len(step.prompts) >= 3
    # the first rungs follow the progression in the domain brief
    assert "work" in " ".join(ladder.step(1).prompts).lower()
    assert [s.id for s in ladder.steps[:3]] == [
        "everyday_feelings",
        "hopes_and_worries_for_us",
        "roots_of_feelings",
    ]
    assert "grew up" in " ".join(ladder.step(3).prompts).lower()
    assert ladder.step(99) == ladder.steps[-1]
    with pytest.raises(ValueError):
        ladder.step(0)


def test_agreements_include_the_core_rules():
    agreements = {a.id: a for a in load_agreements()}
    assert {"shared_in_trust", "time_out", "curiosity_first"} <= set(agreements)
    assert 5 <= len(agreements) <= 6
    assert agreements["time_out"].suggested_minutes == 20
    assert "never" in agreements["shared_in_trust"].text
    assert "come back" in agreements["time_out"].text


def test_ritual_prompts_match_the_issue():
    data = load_rituals()
    rituals = data["rituals"]

    def ids(rid):
        return [p["id"] for p in rituals[rid]["prompts"]]

    assert ids("daily_checkin") == [
        "devices_away",
        "timer",
        "connection_today",
        "feelings",
        "best_part",
        "challenging_part",
        "appreciation",
        "need",
    ]
    daily = {p["id"]: p for p in rituals["daily_checkin"]["prompts"]}
    assert (daily["connection_today"]["min"], daily["connection_today"]["max"]) == (0, 10)
    assert daily["timer"]["minutes"] == 15
    assert daily["need"]["required"] is False
    assert daily["best_part"]["required"] is True
    assert set(ids("weekly_review")) >= {
        "connecting_moment",
        "closer_area",
        "appreciation",
        "looking_ahead",
    }
    assert ids("monthly_checkin") == ["most_connecting", "want_to_grow", "appreciation"]
    assert len(data["feelings"]["pleasant"]) >= 3 and len(data["feelings"]["hard"]) >= 3


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


@pytest.mark.parametrize(
    "name", ["practices.yaml", "ladder.yaml", "agreements.yaml", "rituals.yaml"]
)
def test_user_facing_text_never_blames(name):
    data = yaml.safe_load((PRACTICES_FILE.parent / name).read_text(encoding="utf-8"))
    for text in _strings(data):
        lowered = text.lower()
        for word in BLAMING:
            assert word not in lowered, f"{name}: {text!r}"


def test_the_library_imports_without_django():
    code = (
        "import sys, reattune.domain.plan as p; p.generate_plan({'sign:numbness': 0.9}); "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


# --------------------------------------------------------------------------- alternatives


def test_every_focus_practice_has_an_alternative_sharing_a_need(library):
    for practice in library.focus():
        alts = alternatives(practice.id, library)
        assert alts, practice.id
        assert practice.id not in alts
        assert len(alts) == len(set(alts))
        top = library[alts[0]]
        assert set(top.addresses) & set(practice.addresses) or practice.id in (
            "communication_rules",
            "time_out",
            "repair",
        )
        assert all(library[a].is_focus for a in alts)


def test_alternatives_are_ranked_by_shared_needs_then_id(library):
    alts = alternatives("break_pursue_withdraw", library)
    shared = [
        len(set(library[a].addresses) & set(library["break_pursue_withdraw"].addresses))
        for a in alts
    ]
    assert shared == sorted(shared, reverse=True)
    assert "time_out" in alts
    pairs = list(zip(shared, alts, strict=True))
    for (n1, a1), (n2, a2) in zip(pairs, pairs[1:], strict=False):
        if n1 == n2:
            assert a1 < a2


def test_alternatives_for_rituals_and_unknown_ids(library):
    assert alternatives("daily_checkin", library) == []
    assert alternatives("vulnerability_ladder", library) == []
    with pytest.raises(ValueError):
        alternatives("no_such_practice", library)
    solo = alternatives("curiosity", library, solo=True)
    assert solo and all(library[a].solo for a in solo)
    assert "new_experiences" in alternatives("curiosity", library)
    assert "new_experiences" not in solo


# --------------------------------------------------------------------------- clear errors


def test_unknown_reference_names_file_field_and_problem(tmp_path):
    data = raw_practices()
    data["practices"]["repair"]["addresses"][2] = "sign:no_such_sign"
    with pytest.raises(PracticeError) as info:
        load_practices(write(tmp_path, data))
    err = info.value
    assert err.file == "practices.yaml"
    assert err.field == "practices.repair.addresses[2]"
    assert "no_such_sign" in err.problem and "concepts.yaml" in err.problem
    assert str(err).startswith("practices.yaml: practices.repair.addresses[2]: ")


def test_unknown_reference_kind_is_a_schema_error(tmp_path):
    data = raw_practices()
    data["practices"]["repair"]["addresses"][0] = "mood:grumpy"
    with pytest.raises(PracticeError) as info:
        load_practices(write(tmp_path, data))
    assert info.value.field == "practices.repair.addresses[0]"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda d: d["practices"]["repair"].pop("steps"), "practices.repair", "steps"),
        (
            lambda d: d["practices"]["repair"].__setitem__("frequency", "hourly"),
            "practices.repair.frequency",
            "hourly",
        ),
        (
            lambda d: d["practices"]["repair"].__setitem__("steps", []),
            "practices.repair.steps",
            "",
        ),
        (
            lambda d: d["practices"]["repair"].__setitem__("duration_minutes", 0),
            "practices.repair.duration_minutes",
            "",
        ),
        (
            lambda d: d["practices"]["role_growth"]["variants"].pop("hopes_intuited"),
            "practices.role_growth.variants",
            "",
        ),
        (
            lambda d: d["practices"]["time_out"]["variants"].__setitem__(
                "dreamer", {"summary": "x", "steps": ["y"]}
            ),
            "practices.time_out.variants",
            "dreamer",
        ),
        (lambda d: d["phrases"].__setitem__("sign:nope", "x"), "phrases.sign:nope", "nope"),
        (lambda d: d["general"].append("daily_checkin"), "general[10]", "not a focus"),
    ],
)
def test_schema_and_reference_errors_point_at_the_field(tmp_path, change, field, words):
    data = copy.deepcopy(raw_practices())
    change(data)
    with pytest.raises(PracticeError) as info:
        load_practices(write(tmp_path, data))
    assert info.value.field == field, str(info.value)
    assert words in str(info.value)


def test_missing_and_extra_practices_are_errors(tmp_path):
    data = raw_practices()
    del data["practices"]["repair"]
    with pytest.raises(PracticeError, match="missing practices from concepts.yaml: repair"):
        load_practices(write(tmp_path, data))
    data = raw_practices()
    data["practices"]["juggling"] = copy.deepcopy(data["practices"]["repair"])
    with pytest.raises(PracticeError) as info:
        load_practices(write(tmp_path, data))
    assert info.value.field == "practices.juggling"


def test_ritual_must_keep_its_kind(tmp_path):
    data = raw_practices()
    data["practices"]["daily_checkin"]["kind"] = "focus"
    with pytest.raises(PracticeError) as info:
        load_practices(write(tmp_path, data))
    assert info.value.field == "practices.daily_checkin.kind"


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "practices.yaml"
    path.write_text("version: 1\npractices: [unclosed\n", encoding="utf-8")
    with pytest.raises(PracticeError, match=r"practices.yaml: line \d+, column \d+: YAML"):
        load_practices(path)


def test_missing_file_is_a_practice_error(tmp_path):
    with pytest.raises(PracticeError, match="cannot read"):
        load_practices(tmp_path / "nope.yaml")


def test_ladder_agreements_and_rituals_are_validated(tmp_path):
    ladder = yaml.safe_load((PRACTICES_FILE.parent / "ladder.yaml").read_text(encoding="utf-8"))
    ladder["steps"][2]["prompts"] = ladder["steps"][2]["prompts"][:2]
    with pytest.raises(PracticeError) as info:
        load_ladder(write(tmp_path, ladder, "ladder.yaml"))
    assert info.value.field == "steps[2].prompts"
    ladder["steps"] = ladder["steps"][:5]
    with pytest.raises(PracticeError):
        load_ladder(write(tmp_path, ladder, "ladder.yaml"))

    agreements = {"version": 1, "agreements": [{"id": "a", "title": "t", "text": "x"}] * 3}
    with pytest.raises(PracticeError) as info:
        load_agreements(write(tmp_path, agreements, "agreements.yaml"))
    assert info.value.field == "agreements[0]" and "why" in info.value.problem

    rituals = yaml.safe_load(RITUALS_FILE.read_text(encoding="utf-8"))
    rituals["rituals"]["daily_checkin"]["prompts"][2].pop("max")
    with pytest.raises(PracticeError) as info:
        load_rituals(write(tmp_path, rituals, "rituals.yaml"))
    assert info.value.field == "rituals.daily_checkin.prompts[2]"
