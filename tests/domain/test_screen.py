"""The private safety screen and the safety plan outline. No Django."""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reattune.domain.safety.resources import SafetyDataError
from reattune.domain.safety.screen import (
    REQUIRED_AREAS,
    SCREEN_FILE,
    ScreenAnswerError,
    ScreenResult,
    evaluate_screen,
    load_safety_plan,
    load_screen,
    parse_safety_plan,
    parse_screen,
)

SCREEN = load_screen()
FREQUENCY_ITEMS = [i for i in SCREEN.items if i.scale.type == "frequency"]


def raw_screen():
    return yaml.safe_load(SCREEN_FILE.read_text(encoding="utf-8"))


def test_screen_covers_every_required_area():
    assert REQUIRED_AREAS <= {i.area for i in SCREEN.items}
    assert SCREEN.item("unsafe_now").urgent
    for key in ("positive", "couples_note", "urgent", "noted", "negative"):
        assert SCREEN.outcomes[key].text


def test_screen_texts_reassure_about_privacy():
    assert "partner" in SCREEN.intro and "not see" in SCREEN.intro
    assert "skip" in SCREEN.intro.lower()


def test_no_answers_is_negative():
    result = evaluate_screen({})
    assert result == ScreenResult(positive=False)
    assert result.outcome_ids == ("negative",)


def test_all_never_is_negative():
    answers = {i.id: 0 for i in FREQUENCY_ITEMS} | {"unsafe_now": False}
    result = evaluate_screen(answers)
    assert not result.positive and not result.areas and not result.noted
    assert result.answered == len(SCREEN.items)


@pytest.mark.parametrize(
    ("item_id", "area"),
    [
        ("hurt", "physical_harm"),
        ("threatened", "threats"),
        ("afraid", "fear"),
        ("monitored", "monitoring"),
        ("money", "financial_control"),
        ("cut_off", "isolation"),
        ("sexual", "sexual_pressure"),
    ],
)
def test_violence_threats_fear_and_control_count_the_first_time(item_id, area):
    result = evaluate_screen({item_id: 1})
    assert result.positive
    assert result.areas == {area}
    assert result.outcome_ids == ("positive", "couples_note")


def test_insults_once_or_twice_are_noted_not_positive():
    result = evaluate_screen({"insulted": 1})
    assert not result.positive
    assert result.noted == {"insults"}
    assert result.outcome_ids == ("noted",)


@pytest.mark.parametrize("value", [2, 3])
def test_insults_sometimes_or_often_are_positive(value):
    result = evaluate_screen({"insulted": value})
    assert result.positive and result.areas == {"insults"}


def test_feeling_unsafe_now_is_positive_and_urgent():
    for value in (True, 1):
        result = evaluate_screen({"unsafe_now": value})
        assert result.positive and result.urgent
        assert result.areas == {"immediate_danger"}
        assert result.outcome_ids[0] == "urgent"
    assert not evaluate_screen({"unsafe_now": False}).positive
    assert not evaluate_screen({"unsafe_now": 0}).urgent


def test_several_areas_are_all_reported():
    result = evaluate_screen({"hurt": 3, "money": 2, "insulted": 1, "afraid": 0, "sexual": None})
    assert result.positive
    assert result.areas == {"physical_harm", "financial_control"}
    assert result.noted == {"insults"}
    assert result.answered == 4


def test_skipped_answers_never_count():
    result = evaluate_screen({i.id: None for i in SCREEN.items})
    assert not result.positive and result.answered == 0


@pytest.mark.parametrize(
    "answers",
    [
        {"nonsense": 1},
        {"hurt": 4},
        {"hurt": -1},
        {"hurt": True},
        {"hurt": "often"},
        {"hurt": 1.0},
        {"unsafe_now": 2},
        {"unsafe_now": "yes"},
    ],
)
def test_bad_answers_are_refused(answers):
    with pytest.raises(ScreenAnswerError):
        evaluate_screen(answers)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            **{i.id: st.one_of(st.none(), st.integers(0, 3)) for i in FREQUENCY_ITEMS},
            "unsafe_now": st.one_of(st.none(), st.booleans()),
        },
    )
)
def test_positive_exactly_when_an_item_reaches_its_threshold(answers):
    result = evaluate_screen(answers)
    expected = {
        SCREEN.item(k).area
        for k, v in answers.items()
        if v is not None and v >= SCREEN.item(k).positive_at and v is not False
    }
    assert result.positive == bool(expected)
    assert result.areas == expected
    assert not (result.areas & result.noted)


def test_broken_screens_name_file_field_and_problem():
    data = raw_screen()
    data["items"][0]["area"] = "nowhere"
    with pytest.raises(SafetyDataError, match=r"screen.yaml: items\[0\]\.area: unknown area"):
        parse_screen(data, "screen.yaml")

    data = raw_screen()
    data["items"][0]["positive_at"] = 7
    with pytest.raises(SafetyDataError, match=r"items\[0\]\.positive_at"):
        parse_screen(data, "screen.yaml")

    data = raw_screen()
    data["items"][0]["positive_at"] = 0
    with pytest.raises(SafetyDataError, match="above the lowest value"):
        parse_screen(data, "screen.yaml")

    data = raw_screen()
    data["items"] = [i for i in data["items"] if i["area"] != "sexual_pressure"]
    with pytest.raises(SafetyDataError, match="sexual_pressure"):
        parse_screen(data, "screen.yaml")

    data = raw_screen()
    del data["outcomes"]["couples_note"]
    with pytest.raises(SafetyDataError, match="outcomes"):
        parse_screen(data, "screen.yaml")

    data = raw_screen()
    data["items"].append(copy.deepcopy(data["items"][0]))
    with pytest.raises(SafetyDataError, match="duplicate item id"):
        parse_screen(data, "screen.yaml")


def test_safety_plan_outline():
    plan = load_safety_plan()
    ids = [s.id for s in plan.sections]
    for needed in ("people", "ready_to_go", "safe_place", "phone_and_accounts", "emergency"):
        assert needed in ids
    assert all(s.points for s in plan.sections)
    assert plan.private_note
    with pytest.raises(SafetyDataError, match="sections"):
        parse_safety_plan(
            {
                "kind": "safety_plan",
                "id": "p",
                "version": 1,
                "title": "t",
                "intro": "i",
                "sections": [],
            },
            "plan.yaml",
        )
