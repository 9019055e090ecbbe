"""The reconnection plan generator (reattune.domain.plan.generator)."""

import json
import random
import re

import pytest

from reattune.domain.plan import (
    Plan,
    PlanItem,
    alternatives,
    generate_plan,
    load_ladder,
    load_practices,
    solo_plan,
)
from reattune.domain.plan.generator import (
    BREAK_CYCLE,
    FLAG_TARGETS,
    HEAVY_LOAD,
    SAFETY_FIRST,
    SAFETY_TRIGGERS,
    show_level,
)

BLAMING = (
    "your fault",
    "you never",
    "you always",
    "blame",
    "should have",
    "wrong with you",
    "failed",
    "pursuer",
    "withdrawer",
)
PARTNERS = {"alex": {"pursuer", "fact_sharer"}, "sam": {"withdrawer", "hopes_intuited"}}


@pytest.fixture(scope="module")
def library():
    return load_practices()


def refs(library):
    concepts = library.concepts
    return [c.ref for kind in ("sign", "cause", "pattern") for c in concepts.all(kind)]


def all_reasons(plan: Plan) -> list[str]:
    items = [plan.daily, plan.ladder, plan.weekly, plan.monthly]
    items += [item for week in plan.weeks for item in week.focus]
    return [item.reason for item in items if item is not None]


def check_shape(plan: Plan, library, weeks: int = 6) -> None:
    assert [w.number for w in plan.weeks] == list(range(1, weeks + 1))
    assert plan.daily.practice_id == "daily_checkin" and plan.daily.reason
    assert plan.ladder.practice_id == "vulnerability_ladder"
    for week in plan.weeks:
        assert 1 <= len(week.focus) <= 3
        assert len(set(week.practice_ids)) == len(week.practice_ids)
        assert all(library[pid].is_focus for pid in week.practice_ids)
        assert 1 <= week.ladder_step <= len(load_ladder())
        assert all(item.reason.endswith(".") for item in week.focus)
    for reason in all_reasons(plan):
        lowered = reason.lower()
        assert reason[0].isupper()
        for word in BLAMING:
            assert word not in lowered, reason
        for partner in PARTNERS:
            assert not re.search(rf"\b{partner}\b", lowered), reason


# --------------------------------------------------------------------------- must / must not


def test_pursue_withdraw_chooses_breaking_the_cycle_in_week_one(library):
    plan = generate_plan({"pattern:pursue_withdraw": 0.6}, practices=library)
    assert BREAK_CYCLE in plan.weeks[0].practice_ids
    reason = plan.weeks[0].focus[0].reason
    assert reason.startswith("Because your answers suggest that one of you tends to reach out")


def test_without_pursue_withdraw_the_cycle_practice_is_not_chosen(library):
    plan = generate_plan(
        {"sign:logistics_only_talk": 0.9, "sign:fewer_touches": 0.7, "cause:life_load": 0.5},
        practices=library,
    )
    assert BREAK_CYCLE not in plan.focus_ids()


def test_weak_pursue_withdraw_below_the_noise_floor_is_ignored(library):
    plan = generate_plan({"pattern:pursue_withdraw": 0.2}, practices=library)
    assert plan.kind == "gentle"
    assert BREAK_CYCLE not in plan.focus_ids()


@pytest.mark.parametrize("trigger", SAFETY_TRIGGERS)
def test_safety_erosion_or_escalation_puts_rules_and_time_out_first(library, trigger):
    plan = generate_plan({trigger: 0.7, "sign:fewer_touches": 0.9}, practices=library)
    assert plan.safety_first
    assert plan.weeks[0].practice_ids[:2] == SAFETY_FIRST
    assert len(plan.weeks[0].focus) == 3  # the strongest other need is not pushed back
    assert [w.ladder_step for w in plan.weeks] == [1, 1, 2, 2, 3, 3]  # a slower climb
    for item in plan.weeks[0].focus[:2]:
        assert item.basis is not None


def test_without_safety_signals_rules_do_not_come_first(library):
    plan = generate_plan(
        {"sign:logistics_only_talk": 0.9, "sign:fewer_touches": 0.8}, practices=library
    )
    assert not plan.safety_first
    assert "communication_rules" not in plan.focus_ids()
    assert "time_out" not in plan.focus_ids()
    assert [w.ladder_step for w in plan.weeks] == [1, 2, 3, 4, 5, 6]


def test_safety_and_pursue_withdraw_together_fill_week_one(library):
    plan = generate_plan(
        {"flag:escalation": 0.9, "pattern:pursue_withdraw": 0.9, "sign:numbness": 1.0},
        practices=library,
    )
    assert plan.weeks[0].practice_ids == (*SAFETY_FIRST, BREAK_CYCLE)


def test_escalation_flag_counts_for_its_practices(library):
    plan = generate_plan({"flag:escalation": 0.8}, practices=library)
    assert set(FLAG_TARGETS["flag:escalation"]) <= set(plan.focus_ids())
    assert (
        plan.weeks[0]
        .focus[0]
        .reason.startswith("Because your answers suggest that disagreements sometimes heat up")
    )


def _focus_ids(library):
    return [p.id for p in library.focus()]


@pytest.mark.parametrize("pid", _focus_ids(load_practices()))
def test_each_focus_practice_is_chosen_when_its_needs_show(library, pid):
    practice = library[pid]
    plan = generate_plan({ref: 1.0 for ref in practice.addresses}, practices=library)
    assert pid in plan.weeks[0].practice_ids + plan.weeks[1].practice_ids
    check_shape(plan, library)


@pytest.mark.parametrize("pid", _focus_ids(load_practices()))
def test_each_focus_practice_is_not_chosen_when_nothing_it_addresses_shows(library, pid):
    practice = library[pid]
    skip = set(practice.addresses)
    if pid in SAFETY_FIRST:  # safety first brings these in whenever trust shows as hurt
        skip |= set(SAFETY_TRIGGERS)
    signals = {ref: 1.0 for ref in refs(library) if ref not in skip}
    plan = generate_plan(signals, practices=library)
    assert pid not in plan.focus_ids()


def test_named_examples(library):
    care = generate_plan({"pattern:care_channel_mismatch": 0.8}, practices=library)
    # appreciation and care_language both address it equally: the tie goes by id
    assert care.weeks[0].practice_ids == ("appreciation", "care_language")
    touch = generate_plan({"sign:fewer_touches": 0.9}, practices=library)
    assert touch.weeks[0].practice_ids[0] == "small_connections"
    roles = generate_plan({"cause:role_conditioning": 0.9}, PARTNERS, practices=library)
    assert "role_growth" in roles.weeks[0].practice_ids
    item = next(i for i in roles.weeks[0].focus if i.practice_id == "role_growth")
    assert item.variant_for == {"alex": "fact_sharer", "sam": "hopes_intuited"}


# --------------------------------------------------------------------------- ranking & spread


def test_ties_are_broken_by_practice_id(library):
    for ref in refs(library):
        addressing = sorted(p.id for p in library.focus() if ref in p.addresses)
        if len(addressing) == 2 and ref not in HEAVY_LOAD:
            plan = generate_plan({ref: 0.6}, practices=library)
            if not plan.safety_first and ref != "pattern:pursue_withdraw":
                assert plan.weeks[0].practice_ids == tuple(addressing), ref


def test_higher_scores_come_first(library):
    plan = generate_plan(
        {"sign:fewer_touches": 0.4, "cause:care_channel_mismatch": 0.9}, practices=library
    )
    assert plan.weeks[0].practice_ids[0] == "care_language"


def test_spread_over_six_weeks_without_back_to_back_repeats(library):
    rng = random.Random(4)
    all_refs = refs(library)
    for _ in range(200):
        signals = {ref: round(rng.random(), 2) for ref in rng.sample(all_refs, rng.randint(1, 12))}
        plan = generate_plan(signals, practices=library)
        check_shape(plan, library)
        scores = {
            p.id: sum(signals.get(r, 0) for r in p.addresses if signals.get(r, 0) >= show_level(r))
            for p in library.focus()
        }
        ranked = sorted(scores, key=lambda pid: (-round(scores[pid], 9), pid))
        strongest = ranked[0] if scores[ranked[0]] > 0 else None
        for before, after in zip(plan.weeks, plan.weeks[1:], strict=False):
            repeated = set(before.practice_ids) & set(after.practice_ids)
            assert repeated <= {strongest}, (signals, before, after)
        every_week = set.intersection(*(set(w.practice_ids) for w in plan.weeks))
        assert every_week <= {strongest}
        assert len(plan.focus_ids()) >= 3


def test_the_strongest_need_may_stay(library):
    plan = generate_plan(
        {
            "pattern:care_channel_mismatch": 1.0,
            "cause:care_channel_mismatch": 1.0,
            "sign:loneliness_together": 1.0,
            "sign:fewer_touches": 0.3,
        },
        practices=library,
    )
    weeks_with_it = sum("care_language" in w.practice_ids for w in plan.weeks)
    assert weeks_with_it >= 3


def test_many_strong_needs_give_three_a_week(library):
    signals = {ref: 1.0 for ref in refs(library) if ref not in HEAVY_LOAD}
    plan = generate_plan(signals, practices=library)
    assert all(len(w.focus) == 3 for w in plan.weeks)
    heavy = generate_plan({ref: 1.0 for ref in refs(library)}, practices=library)
    assert all(len(w.focus) == 2 for w in heavy.weeks[1:])
    assert len(plan.focus_ids()) >= 12


def test_a_heavy_load_asks_for_less(library):
    plan = generate_plan({"cause:life_load": 0.9, "sign:hollow_time": 0.5}, practices=library)
    assert all(len(w.focus) == 1 for w in plan.weeks)


def test_weeks_parameter(library):
    assert len(generate_plan({}, practices=library, weeks=3).weeks) == 3
    long = generate_plan({"sign:numbness": 0.9}, practices=library, weeks=12)
    assert [w.ladder_step for w in long.weeks][-1] == len(load_ladder())
    for bad in (0, 53, 2.5, True):
        with pytest.raises(ValueError):
            generate_plan({}, practices=library, weeks=bad)


# --------------------------------------------------------------------------- reasons


def test_reason_says_you_both_when_both_said_it(library):
    plan = generate_plan(
        {"sign:logistics_only_talk": 0.8, "agree:sign:logistics_only_talk": 1.0},
        practices=library,
    )
    assert plan.daily.reason.startswith(
        "Because you both said talk has become mostly about running the household, "
    )
    curiosity = next(i for i in plan.weeks[0].focus if i.practice_id == "curiosity")
    assert curiosity.basis == "agree:sign:logistics_only_talk"
    assert curiosity.reason.startswith("Because you both said talk has become mostly about")


def test_reason_says_one_of_you_otherwise(library):
    plan = generate_plan({"sign:logistics_only_talk": 0.8}, practices=library)
    assert plan.daily.reason.startswith(
        "Because one of you feels talk has become mostly about running the household, "
    )
    assert not any("both said" in r for r in all_reasons(plan))
    low_agree = generate_plan(
        {"sign:logistics_only_talk": 0.8, "agree:sign:logistics_only_talk": 0.0},
        practices=library,
    )
    assert low_agree == plan


def test_agree_key_alone_gives_the_strength(library):
    plan = generate_plan({"agree:cause:life_load": 1.0}, practices=library)
    assert plan.kind == "couple"
    assert plan.weeks[0].focus[0].reason.startswith("Because you both said stress")


def test_reason_rests_on_the_strongest_signal(library):
    plan = generate_plan(
        {"sign:fewer_touches": 0.4, "sign:mechanical_intimacy": 0.9}, practices=library
    )
    item = next(i for i in plan.weeks[0].focus if i.practice_id == "small_connections")
    assert item.basis == "sign:mechanical_intimacy"
    assert "routine" in item.reason


def test_no_signals_gives_a_gentle_general_plan(library):
    for signals in (None, {}, {"sign:numbness": 0.1}, {"help_sign:hopelessness": 0.9}):
        plan = generate_plan(signals, practices=library)
        assert plan.kind == "gentle"
        check_shape(plan, library)
        assert plan.weeks[0].practice_ids == library.general[:2]
        assert all(item.basis is None for w in plan.weeks for item in w.focus)
        assert plan.weeks[0].focus[0].reason.startswith("A good place for any couple to start")
        assert len(plan.focus_ids()) >= 8


def test_few_signals_are_topped_up_from_the_general_list(library):
    plan = generate_plan({"sign:fewer_touches": 0.6}, practices=library)
    assert plan.kind == "couple"
    assert plan.weeks[0].practice_ids[0] == "small_connections"
    filler = plan.weeks[0].focus[1]
    assert filler.basis is None and filler.practice_id in library.general
    assert filler.reason.startswith("Something that helps most couples")


# --------------------------------------------------------------------------- determinism


def test_same_input_same_plan_regardless_of_dict_order(library):
    signals = {
        "sign:logistics_only_talk": 0.8,
        "agree:sign:logistics_only_talk": 1.0,
        "cause:life_load": 0.6,
        "pattern:pursue_withdraw": 0.7,
        "pattern:perception_gap": 0.5,
        "sign:fewer_touches": 0.5,
        "sign:walking_on_eggshells": 0.55,
    }
    first = generate_plan(signals, PARTNERS, practices=library)
    items = list(signals.items())
    for seed in range(10):
        random.Random(seed).shuffle(items)
        roles = {k: set(reversed(sorted(v))) for k, v in reversed(list(PARTNERS.items()))}
        again = generate_plan(dict(items), roles, practices=library)
        assert again == first
        assert json.dumps(again.to_dict()) == json.dumps(first.to_dict())


def test_variants_follow_roles(library):
    plan = generate_plan({"pattern:pursue_withdraw": 0.9}, PARTNERS, practices=library)
    item = plan.weeks[0].focus[0]
    assert item.practice_id == BREAK_CYCLE
    assert item.variant_for == {"alex": "pursuer", "sam": "withdrawer"}
    assert plan.daily.variant_for == {"alex": "fact_sharer", "sam": "hopes_intuited"}
    no_roles = generate_plan({"pattern:pursue_withdraw": 0.9}, practices=library)
    assert no_roles.weeks[0].focus[0].variant_for is None
    one = generate_plan({"pattern:pursue_withdraw": 0.9}, {"alex": {"pursuer"}}, practices=library)
    assert one.weeks[0].focus[0].variant_for == {"alex": "pursuer"}


@pytest.mark.parametrize(
    "signals",
    [
        {"sign:numbness": 1.5},
        {"sign:numbness": -0.1},
        {"sign:numbness": float("nan")},
        {"sign:numbness": "high"},
        {"sign:numbness": True},
        {"sign:no_such_sign": 0.5},
        {"numbness": 0.5},
        {"flag:panic": 0.5},
        {"agree:sign:nope": 1.0},
        {"mood:grumpy": 0.5},
    ],
)
def test_bad_signals_are_rejected(library, signals):
    with pytest.raises(ValueError):
        generate_plan(signals, practices=library)


def test_bad_roles_are_rejected(library):
    with pytest.raises(ValueError, match="unknown role"):
        generate_plan({}, {"alex": {"chaser"}}, practices=library)


# --------------------------------------------------------------------------- solo plan


def test_solo_plan_core_and_fit(library):
    plan = solo_plan(
        {"pattern:pursue_withdraw": 0.8, "sign:holding_back_feelings": 0.6},
        practices=library,
        roles={"alex": {"pursuer"}},
    )
    assert plan.kind == "solo"
    assert plan.weeks[0].practice_ids == ("self_awareness", "appreciation")
    assert plan.weeks[1].practice_ids == ("honest_opening", "curiosity")
    assert {"self_awareness", "honest_opening", "appreciation", "curiosity"} <= set(
        plan.focus_ids()
    )
    later = [pid for w in plan.weeks[2:] for pid in w.practice_ids]
    assert BREAK_CYCLE in later
    assert all(library[pid].solo for pid in plan.focus_ids())
    assert plan.weekly is None and plan.monthly is None
    item = next(i for w in plan.weeks for i in w.focus if i.practice_id == BREAK_CYCLE)
    assert item.variant_for == {"alex": "pursuer"}
    assert "on your side" in item.reason  # the solo wording
    check_shape(plan, library)


def test_solo_plan_never_says_you_both(library):
    plan = solo_plan(
        {"sign:logistics_only_talk": 0.9, "agree:sign:logistics_only_talk": 1.0},
        practices=library,
    )
    reasons = all_reasons(plan)
    assert not any("both said" in r or "one of you feels" in r for r in reasons)
    assert any(r.startswith("Because you said talk has become") for r in reasons)
    assert "each other" not in plan.weeks[1].focus[1].reason  # curiosity, solo wording


def test_solo_plan_without_signals(library):
    plan = solo_plan({}, practices=library)
    assert plan.kind == "solo"
    check_shape(plan, library)
    assert plan.weeks[0].focus[0].reason.startswith("A good step to take on your own")
    assert set(plan.focus_ids()) == {
        "self_awareness",
        "appreciation",
        "honest_opening",
        "curiosity",
    }
    assert plan.daily.reason.startswith("Take a few quiet minutes")


def test_solo_plan_leaves_out_practices_that_need_both(library):
    plan = solo_plan({"sign:hollow_time": 1.0, "sign:forced_activities": 1.0}, practices=library)
    assert "new_experiences" not in plan.focus_ids()


# --------------------------------------------------------------------------- round trip & swap


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: generate_plan({}, practices=lib),
        lambda lib: generate_plan(
            {"pattern:pursue_withdraw": 0.9, "agree:sign:numbness": 1.0, "flag:escalation": 0.6},
            PARTNERS,
            practices=lib,
        ),
        lambda lib: solo_plan({"sign:numbness": 0.8}, lib, roles={"alex": {"withdrawer"}}),
    ],
)
def test_to_dict_and_from_dict_round_trip(library, make):
    plan = make(library)
    data = json.loads(json.dumps(plan.to_dict()))
    assert Plan.from_dict(data) == plan
    assert Plan.from_dict(data).to_dict() == data
    assert set(data) == {
        "version",
        "kind",
        "safety_first",
        "roles",
        "daily",
        "weekly",
        "monthly",
        "ladder",
        "weeks",
    }
    assert set(data["weeks"][0]) == {"number", "focus", "ladder_step"}
    assert set(data["weeks"][0]["focus"][0]) == {"practice_id", "reason", "variant_for", "basis"}


@pytest.mark.parametrize(
    "mangle",
    [
        lambda d: d.update(version=99),
        lambda d: d.update(kind="party"),
        lambda d: d.update(weeks=[]),
        lambda d: d["weeks"][0].update(number=3),
        lambda d: d["weeks"][0].update(focus=[]),
        lambda d: d["weeks"][0].update(ladder_step=0),
        lambda d: d["weeks"][0]["focus"][0].update(reason=None),
        lambda d: d["daily"].update(variant_for={"alex": "chaser"}),
        lambda d: d.update(roles={"alex": ["chaser"]}),
        lambda d: d.pop("daily"),
    ],
)
def test_from_dict_rejects_malformed_plans(library, mangle):
    data = generate_plan({"sign:numbness": 0.9}, PARTNERS, practices=library).to_dict()
    mangle(data)
    with pytest.raises(ValueError):
        Plan.from_dict(data)


def test_swap_keeps_the_need(library):
    plan = generate_plan(
        {"sign:logistics_only_talk": 0.9, "agree:sign:logistics_only_talk": 1.0},
        PARTNERS,
        practices=library,
    )
    week = plan.weeks[0]
    old = week.practice_ids[0]
    new = next(a for a in alternatives(old, library) if a not in week.practice_ids)
    swapped = plan.swap(1, old, new, library)
    assert swapped.weeks[0].practice_ids[0] == new
    assert swapped.weeks[1:] == plan.weeks[1:]
    assert swapped.daily == plan.daily
    item = swapped.weeks[0].focus[0]
    assert item.reason.startswith("Because you both said") or item.reason.startswith("Chosen")
    assert Plan.from_dict(swapped.to_dict()) == swapped
    with pytest.raises(ValueError):
        plan.swap(1, old, "daily_checkin", library)
    with pytest.raises(ValueError):
        plan.swap(1, "repair" if "repair" not in week.practice_ids else "boundaries", new, library)
    with pytest.raises(ValueError):
        plan.swap(9, old, new, library)


def test_swap_in_a_solo_plan_keeps_to_solo_practices(library):
    plan = solo_plan({}, practices=library)
    with pytest.raises(ValueError):
        plan.swap(1, "appreciation", "new_experiences", library)
    swapped = plan.swap(1, "appreciation", "care_language", library)
    assert swapped.weeks[0].practice_ids == ("self_awareness", "care_language")
    assert swapped.weeks[0].focus[1].reason.startswith("Chosen instead of")


def test_plan_item_defaults():
    item = PlanItem("appreciation", "Share one.")
    assert item.variant_for is None and item.basis is None
    assert PlanItem.from_dict(item.to_dict()) == item


def test_practices_argument_must_be_a_library(library):
    with pytest.raises(TypeError):
        generate_plan({}, practices={"appreciation": 1})
    assert solo_plan({}, library) == solo_plan({}, practices=library) == solo_plan({})


# --------------------------------------------------------------------------- own view


def test_practice_forms_are_set_and_solo_forms_can_be_done_alone(library):
    from reattune.domain.plan.library import FORMS

    assert {p.form for p in library.values()} == set(FORMS)
    assert all(p.solo for p in library.values() if p.form == "solo")
    for pid in ("honest_opening", "communication_rules", "repair", "vulnerability_ladder"):
        assert library[pid].form == "conjoint_risky"


def test_own_view_outside_safety_mode_is_the_plan_itself(library):
    from reattune.domain.plan import own_view

    plan = generate_plan(
        {"area:vulnerability": 0.75, "pattern:pursue_withdraw": 1.0}, practices=library
    )
    view = own_view(plan, False, library)
    assert view.notice is None and not view.safety_mode
    for week, seen in zip(plan.weeks, view.weeks, strict=True):
        assert tuple(i.practice_id for i in seen.focus) == week.practice_ids
        assert tuple(i.reason for i in seen.focus) == tuple(i.reason for i in week.focus)
        assert not any(i.resting or i.added for i in seen.focus)
    assert view.ladder.reason == plan.ladder.reason


@pytest.mark.parametrize("kind", ["couple", "solo"])
def test_own_view_in_safety_mode_puts_individual_and_safety_practices_first(library, kind):
    from reattune.domain.plan import own_view
    from reattune.domain.plan.view import SAFETY_PRACTICES, TEXT

    signals = {"area:vulnerability": 0.75, "pattern:pursue_withdraw": 1.0, "sign:numbness": 0.9}
    plan = (
        generate_plan(signals, practices=library)
        if kind == "couple"
        else solo_plan({"sign:walking_on_eggshells": 0.75}, library)
    )
    view = own_view(plan, True, library)
    assert view.safety_mode and view.notice
    order = {"solo": 0, "together": 1, "conjoint_risky": 2}
    for week, seen in zip(plan.weeks, view.weeks, strict=True):
        ids = [i.practice_id for i in seen.focus]
        assert ids[: len(SAFETY_PRACTICES)] == list(SAFETY_PRACTICES)
        assert set(week.practice_ids) <= set(ids)  # nothing of the plan disappears silently
        forms = [order[i.form] for i in seen.focus]
        assert forms == sorted(forms)
        for item in seen.focus:
            assert item.resting == (item.form == "conjoint_risky")
            if item.resting:
                assert item.reason == TEXT["resting"]
            if item.added:
                assert item.practice_id not in week.practice_ids
        assert seen.ladder_resting
    assert view.ladder.resting
    if kind == "couple":
        assert "communication_rules" in plan.weeks[0].practice_ids
        assert any(i.resting for i in view.weeks[0].focus)
        assert "partner's plan looks the same" in view.notice
    # the plan itself is untouched
    assert (
        own_view(plan, False, library).weeks[0].focus[0].practice_id
        == (plan.weeks[0].practice_ids[0])
    )


def test_solo_plan_safety_first_asks_nothing_of_the_partner_in_week_one(library):
    for trigger in ("sign:walking_on_eggshells", "cause:safety_erosion", "flag:escalation"):
        plan = solo_plan({trigger: 0.9}, library)
        assert plan.safety_first
        assert all(library[pid].form == "solo" for pid in plan.weeks[0].practice_ids)
        assert "appreciation" not in plan.weeks[0].practice_ids
    calm = solo_plan({"sign:numbness": 0.9}, library)
    assert not calm.safety_first
    assert calm.weeks[0].practice_ids == ("self_awareness", "appreciation")


def test_stored_shared_plans_that_quote_one_answer_are_read_without_it(library):
    from reattune.domain.plan import own_view
    from reattune.domain.plan.view import shared_safe

    old = generate_plan(
        {"sign:walking_on_eggshells": 0.9, "area:affection": 0.75}, practices=library
    )
    assert "eggshells" in json.dumps(old.to_dict())  # as plans were stored before
    safe = shared_safe(old, library)
    text = json.dumps(safe.to_dict())
    assert "eggshells" not in text and "sign:" not in text
    assert safe.focus_ids() == old.focus_ids()  # same practices, neutral words
    assert "Because one of you feels some strain around touch and affection" in text
    assert "eggshells" not in json.dumps(own_view(old, False, library).to_dict())
    private = solo_plan({"sign:walking_on_eggshells": 0.9}, library)
    assert shared_safe(private, library) == private  # a solo plan is its author's own
