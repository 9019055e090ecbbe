"""Individual insight and couple patterns from constructed answer sets.

Answers are written as *keyed* targets per construct (what the answer means after reverse
keying), so the tests read in plain terms: "A pursues strongly", "B prefers words".
"""

from __future__ import annotations

import json

import pytest

from reattune.domain.concepts import load_concepts, load_learn
from reattune.domain.instruments import load_instruments, parse_instrument, score_response
from reattune.domain.instruments.insight import (
    IndividualInsight,
    couple_insight,
    individual_insight,
)

from ._helpers import tiny

CATALOG = load_instruments()
CHANNELS = ("words", "time", "acts", "touch", "gifts")


def answers(instrument_id: str, targets: dict[str, int], default: int | None = None) -> dict:
    """Raw answers giving each construct's items the keyed value in targets."""
    instrument = CATALOG.latest(instrument_id)
    out = {}
    for item in instrument.items:
        scale = instrument.scales[item.scale]
        key = item.care_channel if item.care_channel else item.construct
        target = targets.get(f"{item.construct}.{key}", targets.get(item.construct, default))
        if target is None:
            continue
        out[item.id] = scale.min + scale.max - target if item.reverse else target
    return out


def person(
    *,
    areas: dict[str, int] | None = None,
    area_default: int = 1,
    behind: dict[str, int] | None = None,
    receive: dict[str, int] | None = None,
    give: dict[str, int] | None = None,
    guess: dict[str, int] | None = None,
    pulse: int | None = None,
    help: dict[str, int] | None = None,
    take: tuple[str, ...] = ("connection_check", "whats_behind_it"),
) -> IndividualInsight:
    scores = {}
    if "connection_check" in take:
        scores["connection_check"] = score_response(
            CATALOG.latest("connection_check"),
            answers("connection_check", areas or {}, area_default),
        )
    if "whats_behind_it" in take:
        targets = {
            # everything neutral-to-low unless a test says otherwise
            "life_load": 2,
            "role_functioning": 2,
            "divided_attention": 2,
            "conflict_avoidance": 2,
            "safety_erosion": 2,
            "unspoken_grievances": 2,
            "learned_avoidance": 2,
            "mental_health": 2,
            "pursue_self": 3,
            "withdraw_self": 3,
            "pursue_partner": 3,
            "withdraw_partner": 3,
            "attachment_anxiety": 2,
            "attachment_avoidance": 2,
        }
        targets.update(behind or {})
        for question, values in (
            ("care_receive", receive),
            ("care_give", give),
            ("care_guess", guess),
        ):
            for channel in CHANNELS:
                targets[f"{question}.{channel}"] = (values or {}).get(channel, 3)
        scores["whats_behind_it"] = score_response(
            CATALOG.latest("whats_behind_it"), answers("whats_behind_it", targets)
        )
    if pulse is not None:
        scores["closeness_pulse"] = score_response(
            CATALOG.latest("closeness_pulse"), answers("closeness_pulse", {}, pulse)
        )
    if help is not None:
        scores["time_for_help"] = score_response(
            CATALOG.latest("time_for_help"), answers("time_for_help", help, 1)
        )
    return individual_insight(scores)


PURSUER = {"pursue_self": 5, "withdraw_self": 1}
WITHDRAWER = {"pursue_self": 1, "withdraw_self": 5}
SEES_PURSUER = {"pursue_partner": 5, "withdraw_partner": 1}
SEES_WITHDRAWER = {"pursue_partner": 1, "withdraw_partner": 5}


# --------------------------------------------------------------------------- pursue-withdraw


def test_pursue_withdraw_both_reports_agree():
    a = person(behind={**PURSUER, **SEES_WITHDRAWER})
    b = person(behind={**WITHDRAWER, **SEES_PURSUER})
    pw = couple_insight(a, b).pursue_withdraw
    assert pw["present"] is True
    assert (pw["pursuer"], pw["withdrawer"]) == ("a", "b")
    assert pw["own_reports_say"] == "a" and pw["partner_reports_say"] == "a"
    assert pw["agreement"] == "agree"
    assert pw["strength"] == pytest.approx(1.0)
    assert pw["wording"]


def test_pursue_withdraw_other_way_round():
    a = person(behind={**WITHDRAWER, **SEES_PURSUER})
    b = person(behind={**PURSUER, **SEES_WITHDRAWER})
    cpl = couple_insight(a, b)
    assert (cpl.pursue_withdraw["pursuer"], cpl.pursue_withdraw["withdrawer"]) == ("b", "a")
    assert "pursue_withdraw" in cpl.patterns
    assert cpl.signals["b:role:pursuer"] == pytest.approx(1.0)
    assert cpl.signals["a:role:withdrawer"] == pytest.approx(1.0)


def test_pursue_withdraw_from_own_reports_only_is_partly_agreed():
    a = person(behind=PURSUER)  # partner reports stay neutral (3)
    b = person(behind=WITHDRAWER)
    pw = couple_insight(a, b).pursue_withdraw
    assert pw["present"] is True
    assert pw["own_reports_say"] == "a"
    assert pw["partner_reports_say"] == "unclear"
    assert pw["agreement"] == "partly"


def test_pursue_withdraw_reports_that_contradict_do_not_make_a_pattern():
    a = person(behind={**PURSUER, **SEES_PURSUER})  # A: "I pursue" and "my partner pursues"
    b = person(behind={**WITHDRAWER, **SEES_WITHDRAWER})  # B: "I withdraw", "A withdraws"
    pw = couple_insight(a, b).pursue_withdraw
    assert pw["own_reports_say"] == "a"
    assert pw["partner_reports_say"] == "b"
    assert pw["agreement"] == "disagree"
    assert pw["present"] is False


@pytest.mark.parametrize(
    ("a_behind", "b_behind"),
    [
        # everyone says both partners do both: no contrast between them
        (
            {"pursue_self": 5, "withdraw_self": 5, "pursue_partner": 5, "withdraw_partner": 5},
            {"pursue_self": 5, "withdraw_self": 5, "pursue_partner": 5, "withdraw_partner": 5},
        ),
        # both pursue
        ({**PURSUER, **SEES_PURSUER}, {**PURSUER, **SEES_PURSUER}),
        # both withdraw
        ({**WITHDRAWER, **SEES_WITHDRAWER}, {**WITHDRAWER, **SEES_WITHDRAWER}),
        # leaning the right way but too mild (neutral = 3 is position 0.5 < 0.6)
        (
            {"pursue_self": 3, "withdraw_self": 1, "pursue_partner": 1, "withdraw_partner": 3},
            {"pursue_self": 1, "withdraw_self": 3, "pursue_partner": 3, "withdraw_partner": 1},
        ),
        # all neutral
        ({}, {}),
    ],
)
def test_no_pursue_withdraw(a_behind, b_behind):
    cpl = couple_insight(person(behind=a_behind), person(behind=b_behind))
    assert cpl.pursue_withdraw["present"] is False
    assert cpl.pursue_withdraw["pursuer"] is None
    assert "pursue_withdraw" not in cpl.patterns


def test_pursue_withdraw_when_only_one_partner_answered_whats_behind_it():
    a = person(behind={**PURSUER, **SEES_WITHDRAWER})
    b = person(take=("connection_check",))
    cpl = couple_insight(a, b)
    assert "b:whats_behind_it" in cpl.missing
    assert cpl.pursue_withdraw["agreement"] == "incomplete"
    assert cpl.pursue_withdraw["present"] is True  # A's own and A's partner report
    assert cpl.care_channels["complete"] is False
    assert cpl.anxious_avoidant["complete"] is False


# --------------------------------------------------------------------------- anxious-avoidant


def test_anxious_avoidant_present():
    a = person(behind={"attachment_anxiety": 5, "attachment_avoidance": 1})
    b = person(behind={"attachment_anxiety": 1, "attachment_avoidance": 5})
    cpl = couple_insight(a, b)
    aa = cpl.anxious_avoidant
    assert aa["present"] is True
    assert (aa["anxious"], aa["avoidant"]) == ("a", "b")
    assert "anxious_avoidant" in cpl.patterns
    assert cpl.signals["pattern:anxious_avoidant"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((5, 1), (5, 1)),  # both anxious
        ((1, 5), (1, 5)),  # both avoidant
        ((1, 1), (1, 1)),  # both at ease
        ((5, 5), (5, 5)),  # both high on both: no contrast
        ((4, 1), (1, 3)),  # avoidance only neutral
    ],
)
def test_anxious_avoidant_absent(a, b):
    pa = person(behind={"attachment_anxiety": a[0], "attachment_avoidance": a[1]})
    pb = person(behind={"attachment_anxiety": b[0], "attachment_avoidance": b[1]})
    cpl = couple_insight(pa, pb)
    assert cpl.anxious_avoidant["present"] is False
    assert "anxious_avoidant" not in cpl.patterns


# --------------------------------------------------------------------------- care channels


def low_but(channel: str, high: int = 5, low: int = 2) -> dict[str, int]:
    return {c: (high if c == channel else low) for c in CHANNELS}


def test_care_channel_mismatch_present():
    a = person(give=low_but("acts"), receive=low_but("time"), guess=low_but("acts"))
    b = person(give=low_but("time"), receive=low_but("words"), guess=low_but("time"))
    cpl = couple_insight(a, b)
    care = cpl.care_channels
    assert care["mismatch"] is True
    assert care["a_to_b"]["gives_most"] == ["acts"]
    assert care["a_to_b"]["partner_prefers"] == ["words"]
    assert care["a_to_b"]["fit"] == pytest.approx(0.25)
    assert care["a_to_b"]["mismatch"] is True
    assert care["b_to_a"]["mismatch"] is False  # B gives time, A likes time
    # A guessed B likes acts, B likes words; B guessed A likes time: right
    assert care["a_guess_of_b"]["hit"] is False
    assert care["a_guess_of_b"]["guessed"] == ["acts"]
    assert care["a_guess_of_b"]["actual"] == ["words"]
    assert care["b_guess_of_a"]["hit"] is True
    assert care["b_guess_of_a"]["closeness"] == pytest.approx(1.0)
    assert "care_channel_mismatch" in cpl.patterns
    assert cpl.signals["pattern:care_channel_mismatch"] == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("a_give", "b_receive"),
    [
        (low_but("words"), low_but("words")),  # gives what the other likes
        (low_but("acts"), {c: 4 for c in CHANNELS}),  # the other likes everything alike
        (low_but("acts"), {c: 1 for c in CHANNELS}),  # no clear preference at all
        ({c: 4 for c in CHANNELS}, low_but("touch")),  # gives in every way, touch included
        (low_but("acts", low=4), low_but("words")),  # gives words well enough (agree)
    ],
)
def test_care_channel_mismatch_absent(a_give, b_receive):
    a = person(give=a_give)
    b = person(receive=b_receive, give=low_but("time"))  # A likes everything neutral
    cpl = couple_insight(a, b)
    assert cpl.care_channels["a_to_b"]["mismatch"] is False
    assert cpl.care_channels["mismatch"] is False
    assert "care_channel_mismatch" not in cpl.patterns


def test_a_good_guess_is_not_a_shared_strength_it_would_tell_one_answer():
    """Each care channel is one question: "you each guessed well" would tell each partner
    the other's answer to the channel they guessed, so the couple view never says it."""
    a = person(receive=low_but("touch"), guess=low_but("words"))
    b = person(receive=low_but("words"), guess=low_but("touch"))
    cpl = couple_insight(a, b)
    assert cpl.care_channels["a_guess_of_b"]["hit"] is True  # computed, for tests only
    assert not any(s["kind"] == "care" for s in cpl.shared_strengths)
    shared = cpl.to_dict()["care_channels"]
    assert set(shared) == {"mismatch", "wording", "learn"}


def test_the_couple_view_names_no_care_channel():
    a = person(give=low_but("acts"), receive=low_but("time"), guess=low_but("acts"))
    b = person(give=low_but("time"), receive=low_but("words"), guess=low_but("time"))
    cpl = couple_insight(a, b)
    assert "care_channel_mismatch" in cpl.patterns
    text = json.dumps(cpl.to_dict())
    for channel in CHANNELS:
        assert f'"{channel}"' not in text
    assert "pattern:care_channel_mismatch" not in cpl.to_dict()["signals"]


# --------------------------------------------------------------------------- perception gaps


def test_perception_gap_present():
    a = person(areas={"communication": 3, "affection": 2})
    b = person(areas={"communication": 1, "affection": 1})
    cpl = couple_insight(a, b)
    gaps = {g["area"]: g for g in cpl.perception_gaps}
    assert set(gaps) == {"communication", "affection"}
    assert gaps["communication"]["feels_more"] == "a"
    assert gaps["communication"]["difference"] == pytest.approx(0.5)
    assert "perception_gap" in cpl.patterns
    assert cpl.signals["gap:communication"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("a_level", "b_level"),
    [
        (3, 2),  # both feel strain (0.75 and 0.5): a shared concern, not a gap
        (1, 0),  # neither does
        (2, 2),  # same
        (4, 4),
    ],
)
def test_no_perception_gap(a_level, b_level):
    a = person(areas={"time_together": a_level})
    b = person(areas={"time_together": b_level})
    cpl = couple_insight(a, b)
    assert all(g["area"] != "time_together" for g in cpl.perception_gaps)
    if min(a_level, b_level) >= 2:
        assert any(c["area"] == "time_together" for c in cpl.shared_concerns)


def test_shared_strengths_and_mutual_avoidance():
    a = person(area_default=0, behind={"conflict_avoidance": 5}, pulse=7)
    b = person(area_default=0, behind={"conflict_avoidance": 4}, pulse=6)
    cpl = couple_insight(a, b)
    ids = {s["id"] for s in cpl.shared_strengths}
    assert set(load_concepts().ids("area")) <= ids
    assert "closeness" in ids
    assert cpl.mutual_avoidance["present"] is True
    assert "mutual_avoidance" in cpl.patterns
    calm = couple_insight(person(), person(behind={"conflict_avoidance": 5}))
    assert calm.mutual_avoidance["present"] is False


def test_couple_view_needs_both():
    with pytest.raises(ValueError, match="needs both"):
        couple_insight(person(), None)


# --------------------------------------------------------------------------- individual


def test_individual_areas_signs_causes():
    ins = person(
        areas={"communication": 4, "inner_state": 3},
        area_default=0,
        behind={"life_load": 5, "safety_erosion": 1},
    )
    areas = {a["id"]: a for a in ins.areas}
    assert areas["communication"]["strain"] == 1.0
    assert areas["communication"]["band"] == "A lot of strain"
    assert areas["inner_state"]["strain"] == 0.75
    assert areas["affection"]["band"] == "Steady"
    signs = [s["id"] for s in ins.strongest_signs]
    assert len(signs) == 5
    assert all(load_concepts().get("sign", s).area == "communication" for s in signs)
    causes = {c["id"]: c for c in ins.likely_causes}
    assert "life_load" in causes
    learn = load_learn()
    assert causes["life_load"]["explanation"] == learn["cause:life_load"].body[0]
    assert causes["life_load"]["try"] == list(learn["cause:life_load"].try_practices)
    assert causes["life_load"]["source"] == "measured"
    # derived from the logistics-only sign, which is at its highest
    assert causes["transactional_talk"]["source"] == "derived"
    assert "safety_erosion" not in causes
    kinds = {(s["kind"], s["id"]) for s in ins.strengths}
    assert ("area", "affection") in kinds and ("cause_low", "safety_erosion") in kinds
    assert ins.signals["sign:logistics_only_talk"] == 1.0
    assert ins.signals["cause:life_load"] == 1.0
    assert ins.missing == []


def test_individual_calm_answers_have_no_causes_or_signs():
    ins = person(area_default=0)
    assert ins.strongest_signs == []
    assert ins.likely_causes == []
    assert ins.help["suggested"] is False


def test_individual_help_and_roles():
    ins = person(behind={**PURSUER, "attachment_anxiety": 5}, help={"hopelessness": 5}, pulse=2)
    assert ins.help["suggested"] is True
    assert [h["id"] for h in ins.help["signs"]] == ["hopelessness"]
    assert ins.signals["help_sign:hopelessness"] == 1.0
    assert ins.tension["self"]["lean"] == "pursue"
    assert ins.signals["role:pursuer"] == 1.0
    assert ins.signals["cause:attachment_needs"] == 1.0
    assert ins.closeness["band"] == "Feeling apart"


def test_individual_missing_and_plain_scores():
    cc = CATALOG.latest("connection_check")
    plain = dict(score_response(cc, answers("connection_check", {}, 3)))
    ins = individual_insight({"connection_check": plain, "whats_behind_it": None})
    assert [m["instrument"] for m in ins.missing] == ["whats_behind_it"]
    assert ins.areas[0]["strain"] == 0.75
    assert ins.strongest_signs == []  # sign detail needs the ScoreSet
    assert ins.tension["self"]["lean"] is None


def test_safety_instruments_are_ignored():
    data = tiny(id="safety_hook", kind="safety")
    instrument = parse_instrument(data)
    scores = score_response(instrument, {"t1": 2, "t2": 0})
    ins = individual_insight({"safety_hook": scores})
    assert ins.completed == []
    assert ins.signals == {}


# --------------------------------------------------------------------------- shapes & privacy

SIGNAL_PREFIXES = (
    "area:",
    "sign:",
    "cause:",
    "help_sign:",
    "outcome:",
    "role:",
    "partner_role:",
    "attachment:",
    "care_receive:",
    "care_give:",
    "care_guess:",
)


def full_pair():
    a = person(
        areas={"communication": 3},
        behind={**PURSUER, **SEES_WITHDRAWER, "attachment_anxiety": 5},
        give=low_but("acts"),
        receive=low_but("words"),
        pulse=3,
        help={"escalating_conflict": 4},
    )
    b = person(
        behind={**WITHDRAWER, **SEES_PURSUER, "attachment_avoidance": 5},
        give=low_but("touch"),
        receive=low_but("time"),
        pulse=5,
    )
    return a, b


def test_signal_keys_and_ranges():
    a, b = full_pair()
    for key, value in a.signals.items():
        assert key.startswith(SIGNAL_PREFIXES), key
        assert 0 <= value <= 1
    cpl = couple_insight(a, b)
    for key, value in cpl.signals.items():
        assert key.startswith(("pattern:", "area:", "gap:", "a:", "b:")), key
        assert 0 <= value <= 1
    assert set(cpl.patterns) == {
        "pursue_withdraw",
        "anxious_avoidant",
        "care_channel_mismatch",
        "perception_gap",
    }
    for pattern in cpl.patterns:
        assert load_concepts().has("pattern", pattern)


def test_to_dict_is_json_and_private():
    a, b = full_pair()
    own = json.loads(json.dumps(a.to_dict()))
    assert own["strongest_signs"] and own["note"]
    shared = json.dumps(a.shared_view())
    couple = json.dumps(couple_insight(a, b).to_dict())
    for text in (shared, couple):
        assert "sign:" not in text.replace("help_sign:", "")
        assert "care_receive" not in text
        for instrument in CATALOG.values():
            for item in instrument.items:
                assert f'"{item.id}"' not in text


def test_shared_view_leaves_out_causes_that_can_rest_on_one_answer():
    """Mental health and learned avoidance are two-question scales scored from one answer:
    they stay on the owner's page, never in what the partner, report or therapist read."""
    ins = person(behind={"mental_health": 5, "learned_avoidance": 5, "life_load": 5})
    own = {c["id"] for c in ins.likely_causes}
    assert {"mental_health", "learned_avoidance", "life_load"} <= own
    shared = {c["id"] for c in ins.shared_view()["likely_causes"]}
    assert "life_load" in shared
    assert not shared & {"mental_health", "learned_avoidance"}


def test_area_with_too_few_answers_says_so():
    cc = CATALOG.latest("connection_check")
    ins = individual_insight({"connection_check": score_response(cc, {"cc_comm_1": 3})})
    communication = ins.areas[0]
    assert communication["strain"] is None and communication["band"] is None
    assert (communication["n_answered"], communication["n_items"]) == (1, 7)
    assert "area:communication" not in ins.signals
    # the single answer still counts as a sign (0.75), even without an area score
    assert [s["id"] for s in ins.strongest_signs] == ["logistics_only_talk"]
