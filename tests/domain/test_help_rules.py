"""Help-needed rules: positive and negative per rule. No Django."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reattune.domain.safety.help_rules import (
    CONSTRUCT_REASONS,
    REASON_ORDER,
    REASON_TEXTS,
    HelpReason,
    HelpRuleConfig,
    help_reasons,
)

TODAY = dt.date(2026, 3, 1)
INSTRUMENT = Path(__file__).resolve().parents[2] / "reattune/data/instruments/time_for_help.yaml"


def days(values, end=TODAY):
    """[(date, value)] ending at ``end``, oldest first."""
    n = len(values)
    return [(end - dt.timedelta(days=n - 1 - i), v) for i, v in enumerate(values)]


def ids(reasons):
    return [r.id for r in reasons]


# ---- nothing to say


def test_no_data_no_card():
    assert help_reasons() == []
    assert help_reasons(None, None, None) == []
    assert help_reasons({}, [], []) == []


def test_calm_scores_no_card():
    scores = {cid: 2.0 for cid in CONSTRUCT_REASONS}
    assert help_reasons(scores, days([7] * 21), days([1] * 28)) == []


# ---- instrument constructs


@pytest.mark.parametrize(("construct", "reason"), sorted(CONSTRUCT_REASONS.items()))
def test_each_construct_in_its_top_band_gives_its_reason(construct, reason):
    assert ids(help_reasons({construct: 4.0})) == [reason]
    assert ids(help_reasons({construct: 5})) == [reason]


@pytest.mark.parametrize("construct", sorted(CONSTRUCT_REASONS))
@pytest.mark.parametrize("value", [1.0, 2.5, 3.0, 3.5, None, float("nan"), "4", True])
def test_each_construct_below_the_top_band_or_unusable_gives_nothing(construct, value):
    assert help_reasons({construct: value}) == []


def test_brief_spellings_are_accepted():
    assert ids(help_reasons({"escalation": 4.5, "spillover": 4.5})) == ["escalation", "spill_over"]


def test_unknown_constructs_are_ignored():
    assert help_reasons({"something_else": 5.0}) == []


def test_score_objects_with_a_value_work():
    class Score:
        value = 4.2

    assert ids(help_reasons({"hopelessness": Score()})) == ["hopelessness"]


def test_construct_ids_match_the_instrument():
    data = yaml.safe_load(INSTRUMENT.read_text(encoding="utf-8"))
    assert {c["id"] for c in data["constructs"]} == set(CONSTRUCT_REASONS)
    # the threshold is the lower edge of the instrument's top band
    bands = data["x-help-bands"]
    assert bands[-2]["max"] == HelpRuleConfig().construct_threshold
    assert data["scales"][0]["max"] == 5


# ---- long runs of low connection


def test_low_connection_fourteen_of_twenty_one_days():
    series = days([2] * 14 + [6] * 7)
    assert ids(help_reasons(checkin_series=series)) == ["low_connection"]


def test_low_connection_thirteen_days_is_not_enough():
    series = days([3] * 13 + [6] * 8)
    assert help_reasons(checkin_series=series) == []


def test_low_connection_boundary_rating_three_counts_four_does_not():
    assert ids(help_reasons(checkin_series=days([3] * 14))) == ["low_connection"]
    assert help_reasons(checkin_series=days([4] * 21)) == []


def test_low_connection_only_the_last_21_days_count():
    old_low = days([1] * 30, end=TODAY - dt.timedelta(days=21))
    recent_good = days([8] * 21)
    assert help_reasons(checkin_series=old_low + recent_good) == []
    # ...but the same data seen from back then did qualify
    assert help_reasons(checkin_series=old_low, today=TODAY - dt.timedelta(days=21))


def test_low_connection_missing_days_do_not_count_as_low():
    series = days([2, None] * 10 + [2])  # 11 low days, 10 gaps
    assert help_reasons(checkin_series=series) == []


def test_low_connection_lowest_rating_of_a_day_counts():
    series = days([2] * 14) + [(TODAY - dt.timedelta(days=i), 9) for i in range(14)]
    assert ids(help_reasons(checkin_series=series)) == ["low_connection"]


def test_low_connection_ignores_malformed_rows():
    series = days([2] * 14) + [("not a date", 1), (TODAY, "x"), None, (TODAY,)]
    assert ids(help_reasons(checkin_series=series)) == ["low_connection"]


def test_dates_may_be_strings_or_datetimes():
    series = [((TODAY - dt.timedelta(days=i)).isoformat(), 1) for i in range(14)]
    assert ids(help_reasons(checkin_series=series)) == ["low_connection"]
    series = [(dt.datetime(2026, 3, 1, 8) - dt.timedelta(days=i), 1) for i in range(14)]
    assert ids(help_reasons(checkin_series=series)) == ["low_connection"]


# ---- rising escalation


def test_escalation_rising_over_two_fortnights():
    series = days([2] * 14 + [6] * 14)
    assert ids(help_reasons(escalation_series=series)) == ["escalation"]


def test_escalation_steady_is_not_rising():
    assert help_reasons(escalation_series=days([4] * 28)) == []


def test_escalation_small_rise_or_low_level_is_not_enough():
    assert help_reasons(escalation_series=days([3] * 14 + [4] * 14)) == []
    assert help_reasons(escalation_series=days([0] * 14 + [3] * 14)) == []


def test_escalation_needs_enough_points_in_each_fortnight():
    sparse = days([1] + [None] * 13 + [8, None, 8] + [None] * 11)
    assert help_reasons(escalation_series=sparse) == []


def test_escalation_often_very_heated_counts_even_without_a_rise():
    series = days([8] * 28)
    assert ids(help_reasons(escalation_series=series)) == ["escalation"]
    assert help_reasons(escalation_series=days([8] * 5 + [0] * 9)) == []


def test_escalation_accepts_booleans():
    series = days([False] * 14 + [True] * 6 + [False] * 8)
    assert ids(help_reasons(escalation_series=series)) == ["escalation"]


def test_escalation_from_both_sources_is_listed_once():
    reasons = help_reasons({"escalating_conflict": 4.5}, escalation_series=days([9] * 14))
    assert ids(reasons) == ["escalation"]


# ---- the card as a whole


def test_everything_at_once_in_a_stable_order():
    scores = {cid: 5.0 for cid in CONSTRUCT_REASONS}
    reasons = help_reasons(scores, days([1] * 21), days([9] * 14))
    assert ids(reasons) == list(REASON_ORDER)
    assert all(isinstance(r, HelpReason) and r.text == REASON_TEXTS[r.id] for r in reasons)


def test_texts_are_kind_and_never_blaming():
    for text in REASON_TEXTS.values():
        lowered = text.lower()
        assert len(text) > 60
        for word in ("fail", "fault", "wrong with", "diagnos", "disorder", "you should", "must"):
            if word == "fault":
                continue  # used only as "no one's fault"
            assert word not in lowered or "not a sign" in lowered, (word, text)
    assert "no one's fault" in REASON_TEXTS["past_in_the_way"]


def test_custom_thresholds():
    config = HelpRuleConfig(low_days_needed=7, construct_threshold=3.0)
    assert ids(help_reasons({"hopelessness": 3.2}, days([1] * 7), config=config)) == [
        "low_connection",
        "hopelessness",
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*CONSTRUCT_REASONS, "escalation", "spillover", "other"]),
        st.one_of(st.none(), st.floats(allow_nan=True), st.integers(-5, 10), st.text(max_size=3)),
    ),
    st.lists(st.tuples(st.dates(), st.one_of(st.none(), st.integers(-3, 13))), max_size=60),
    st.lists(st.tuples(st.dates(), st.one_of(st.none(), st.booleans(), st.integers(0, 10)))),
)
def test_never_raises_and_only_known_reasons(scores, checkins, escalations):
    reasons = help_reasons(scores, checkins, escalations)
    assert [r.id for r in reasons] == [
        rid for rid in REASON_ORDER if rid in {r.id for r in reasons}
    ]


# --- safety mode and crisis lines (issue 14, part 4) -------------------------------------------


def test_in_safety_mode_no_reason_recommends_couples_therapy():
    from reattune.domain.safety.help_rules import REASON_ORDER, SOLO_REASON_TEXTS

    assert set(SOLO_REASON_TEXTS) == set(REASON_ORDER)
    for text in SOLO_REASON_TEXTS.values():
        assert "couples" not in text.lower() and "together" not in text.lower()
        assert "each other" not in text.lower()
    scores = dict.fromkeys(
        ("stopped_trying", "escalating_conflict", "hopelessness", "spill_over", "past_in_the_way"),
        4.5,
    )
    solo = help_reasons(scores, couples_therapy=False)
    assert [r.text for r in solo] == [SOLO_REASON_TEXTS[r.id] for r in solo]
    assert any("couples therapist" in r.text for r in help_reasons(scores))


def test_hopelessness_comes_with_the_crisis_lines():
    reasons = help_reasons({"hopelessness": 4.5, "spill_over": 4.5})
    assert {r.id: r.lines for r in reasons} == {"hopelessness": "crisis", "spill_over": None}


def test_escalation_from_a_time_out_series():
    import datetime as dt

    today = dt.date(2026, 12, 6)
    days = [today - dt.timedelta(days=i) for i in range(28)]
    six = [(d, i % 2 == 0 and i < 12) for i, d in enumerate(days)]
    assert [r.id for r in help_reasons(escalation_series=six, today=today)] == ["escalation"]
    few = [(d, i in (1, 5, 9)) for i, d in enumerate(days)]
    assert help_reasons(escalation_series=few, today=today) == []
