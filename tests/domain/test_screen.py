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
    SKIP_VALUE,
    URGENT_AREAS,
    ScreenAnswerError,
    ScreenResult,
    ScreenSubmissionError,
    evaluate_screen,
    load_safety_plan,
    load_screen,
    parse_safety_plan,
    parse_screen,
    parse_submission,
)

SCREEN = load_screen()
FREQUENCY_ITEMS = [i for i in SCREEN.items if i.scale.type == "frequency"]
YES_NO_ITEMS = [i for i in SCREEN.items if i.scale.type == "yes_no"]


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
    answers = {i.id: 0 for i in FREQUENCY_ITEMS} | {i.id: False for i in YES_NO_ITEMS}
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
            **{i.id: st.one_of(st.none(), st.booleans()) for i in YES_NO_ITEMS},
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
    urgent = any(
        SCREEN.item(k).urgent and SCREEN.item(k).area in expected
        for k, v in answers.items()
        if v is not None and v >= SCREEN.item(k).positive_at and v is not False
    )
    assert result.urgent == urgent


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


# --- urgent outcomes (issue 14, part 2) ------------------------------------------------------


@pytest.mark.parametrize(
    ("item_id", "value", "area"),
    [
        ("strangled", 1, "strangulation"),
        ("threat_to_kill", 1, "threats_to_kill"),
        ("weapon", 1, "weapons"),
        ("followed", 1, "stalking"),
        ("leaving", True, "separation_danger"),
    ],
)
def test_danger_assessment_factors_are_urgent(item_id, value, area):
    result = evaluate_screen({item_id: value})
    assert result.positive and result.urgent and result.areas == {area}
    assert result.outcome_ids == ("urgent", "positive", "couples_note")
    assert SCREEN.item(item_id).basis and "Danger Assessment" in SCREEN.item(item_id).basis


def test_the_urgent_text_says_leaving_is_the_most_dangerous_time():
    text = SCREEN.outcomes["urgent"].text
    assert "most dangerous time" in text and "specialist" in text and "emergency" in text


def test_the_data_file_cites_the_danger_assessment():
    header = SCREEN_FILE.read_text(encoding="utf-8")
    assert "Campbell" in header and "Danger Assessment" in header
    assert "2003;93(7):1089-1097" in header and "2009;24(4):653-674" in header


def test_an_urgent_area_without_urgency_or_basis_is_refused():
    for key in ("urgent", "basis"):
        data = raw_screen()
        index = next(i for i, item in enumerate(data["items"]) if item["area"] in URGENT_AREAS)
        del data["items"][index][key]
        with pytest.raises(SafetyDataError, match="must be urgent and name its basis"):
            parse_screen(data, "screen.yaml")


# --- submitted forms (bad input) -------------------------------------------------------------


def full(**answers):
    return {i.id: [answers.get(i.id, SKIP_VALUE)] for i in SCREEN.items}


def test_a_full_form_parses():
    answers = parse_submission({**full(hurt="2", unsafe_now="no"), "csrfmiddlewaretoken": ["x"]})
    assert answers["hurt"] == 2 and answers["unsafe_now"] is False
    assert sum(v is None for v in answers.values()) == len(SCREEN.items) - 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "No question was answered"),
        ({i.id: [""] for i in SCREEN.items}, "No question was answered"),
        (full(), "No question was answered"),
        ({"hurt": ["1"]}, "questions have no answer yet"),
        ({**full(hurt="1"), "money": []}, "1 of"),
        (full(hurt="4"), "not one of the choices"),
        (full(hurt="-1"), "not one of the choices"),
        (full(hurt="1.0"), "not one of the choices"),
        (full(hurt="\u00b2"), "not one of the choices"),  # passes str.isdigit(), int() fails
        (full(hurt="\u0663"), "not one of the choices"),  # an Arabic-Indic digit
        (full(hurt="01"), "not one of the choices"),
        (full(unsafe_now="1"), "not one of the choices"),
        (full(leaving="true"), "not one of the choices"),
        ({**full(hurt="1"), "nonsense": ["1"]}, "fields it does not know"),
        ({**full(hurt="1"), "hurt": ["1", "2"]}, "more than one answer"),
        ({**full(hurt="1"), "hurt": ["1", "1"]}, "more than one answer"),
    ],
)
def test_bad_submissions_are_refused_with_a_clear_message(fields, message):
    with pytest.raises(ScreenSubmissionError, match=message):
        parse_submission(fields)


def test_half_answered_names_the_missing_questions():
    fields = full(hurt="1")
    del fields["money"], fields["leaving"]
    with pytest.raises(ScreenSubmissionError) as caught:
        parse_submission(fields)
    assert set(caught.value.missing) == {"money", "leaving"}


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([i.id for i in SCREEN.items] + ["x", "skip"]),
        st.lists(
            st.sampled_from(["0", "1", "3", "9", "yes", "no", SKIP_VALUE, "", " 1"]), max_size=3
        ),
    )
)
def test_parse_submission_either_returns_full_answers_or_refuses(fields):
    try:
        answers = parse_submission(fields)
    except ScreenSubmissionError as error:
        assert str(error)
        return
    assert set(answers) == {i.id for i in SCREEN.items}
    assert any(v is not None for v in answers.values())
    evaluate_screen(answers)  # always on the scale
