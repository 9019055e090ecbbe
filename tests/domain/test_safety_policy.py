"""The safety-mode policy: one pure function from a person's latest safety result to what
rests for them. No Django."""

from __future__ import annotations

import dataclasses

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reattune.domain.safety.policy import (
    FEATURES,
    NONE,
    SAFETY_MODE_FILE,
    SafetyPolicy,
    load_safety_mode,
    parse_safety_mode,
    policy_for,
)
from reattune.domain.safety.resources import SafetyDataError
from reattune.domain.safety.screen import ScreenResult, evaluate_screen, load_screen

SCREEN = load_screen()


def test_no_result_rests_nothing():
    assert policy_for(None) == NONE
    assert not NONE.active and NONE.resting == () and NONE.suggestions == ()
    for feature in FEATURES:
        assert NONE.rests(feature) is False


def test_a_negative_or_noted_result_rests_nothing():
    assert policy_for(ScreenResult(positive=False)) == NONE
    assert policy_for(evaluate_screen({"insulted": 1})) == NONE


def test_a_positive_result_rests_every_couple_feature_and_offers_help():
    policy = policy_for(evaluate_screen({"afraid": 1}))
    assert policy.active and not policy.urgent
    assert policy.resting == FEATURES
    for feature in (
        "agreements",
        "ladder",
        "ritual_prompts",
        "coach_rewrite",
        "coach_opener",
        "therapist_invite",
        "couples_therapy",
        "conjoint_practices",
    ):
        assert policy.rests(feature)
    targets = [s.target for s in policy.suggestions]
    assert targets == ["help_lines", "safety_plan", "individual_support"]
    assert policy.resting_text and "partner does not see any change" in policy.resting_text
    assert policy.urgent_note is None


def test_an_urgent_result_adds_the_leaving_note():
    policy = policy_for(evaluate_screen({"strangled": 1}))
    assert policy.active and policy.urgent
    assert "most dangerous time" in policy.urgent_note


def test_the_policy_is_frozen_and_unknown_features_are_refused():
    policy = policy_for(evaluate_screen({"hurt": 1}))
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.agreements = False  # type: ignore[misc]
    with pytest.raises(KeyError):
        policy.rests("journal")
    assert isinstance(policy, SafetyPolicy)
    data = policy.to_dict()
    assert data["active"] is True and len(data["suggestions"]) == 3


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            i.id: (
                st.one_of(st.none(), st.booleans())
                if i.scale.type == "yes_no"
                else st.one_of(st.none(), st.integers(0, 3))
            )
            for i in SCREEN.items
        },
    )
)
def test_safety_mode_is_exactly_a_positive_result(answers):
    result = evaluate_screen(answers)
    policy = policy_for(result)
    assert policy.active == result.positive
    assert policy.urgent == (result.positive and result.urgent)
    assert all(policy.rests(f) == result.positive for f in FEATURES)


def test_the_data_file_names_every_feature():
    text = load_safety_mode()
    assert set(text.rest_titles) == set(FEATURES)
    data = yaml.safe_load(SAFETY_MODE_FILE.read_text(encoding="utf-8"))
    data["rests"] = [r for r in data["rests"] if r["id"] != "ladder"]
    with pytest.raises(SafetyDataError, match="ladder"):
        parse_safety_mode(data, "safety_mode.yaml")
    data = yaml.safe_load(SAFETY_MODE_FILE.read_text(encoding="utf-8"))
    data["suggestions"][0]["target"] = "somewhere"
    with pytest.raises(SafetyDataError, match="suggestions"):
        parse_safety_mode(data, "safety_mode.yaml")
