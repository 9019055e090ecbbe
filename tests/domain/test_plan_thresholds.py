"""One source of truth for thresholds: the plan names only what the results list.

Over generated profiles: a solo plan names a sign, cause or help sign only when that person's
results page lists it; a shared plan names an area only when the couple view shows it strained
for at least one of them, says "you both" only for the couple view's shared concerns, and names
(or puts in week 1 for) a pattern only when the couple view lists it. The generator's cut-offs
are the insight's own objects, not copies.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from reattune.domain.instruments import insight as insight_module
from reattune.domain.instruments.insight import STRAIN_LEVEL, couple_insight
from reattune.domain.plan import generate_plan, solo_input, solo_plan
from reattune.domain.plan.generator import (
    BREAK_CYCLE,
    SAFETY_TRIGGERS,
    SHOW_LEVEL,
    show_level,
)
from tests.test_plan_leaks import LIBRARY, _profile, insight, shared_plan


def items_of(plan):
    items = [plan.daily, plan.ladder, plan.weekly, plan.monthly]
    items += [item for week in plan.weeks for item in week.focus]
    return [item for item in items if item is not None]


def test_cut_offs_are_the_insight_constants_themselves():
    assert SHOW_LEVEL["area"] is insight_module.STRAIN_LEVEL
    assert SHOW_LEVEL["sign"] is insight_module.SIGN_LEVEL
    assert SHOW_LEVEL["cause"] is insight_module.CAUSE_LEVEL
    assert SHOW_LEVEL["pattern"] is insight_module.PATTERN_LEVEL
    assert SHOW_LEVEL["flag"] is insight_module.HELP_LEVEL


@settings(max_examples=150, deadline=None)
@given(profile=_profile())
def test_a_solo_plan_names_only_what_the_own_results_page_lists(profile):
    ins = insight(profile)
    listed = {s["ref"] for s in ins.strongest_signs} | {c["ref"] for c in ins.likely_causes}
    listed |= {f"area:{a['id']}" for a in ins.areas if (a["strain"] or 0) >= STRAIN_LEVEL}
    if any(h["id"] == "escalating_conflict" for h in ins.help["signs"]):
        listed.add("flag:escalation")
    signals, roles = solo_input(ins)
    plan = solo_plan(signals, LIBRARY, roles=roles)
    for item in items_of(plan):
        if item.basis is not None:
            assert item.basis in listed, (item.basis, listed)
            assert item.reason.startswith(
                ("Because you said", "Because you feel", "Because your answers suggest")
            )
    assert plan.safety_first == any(ref in listed for ref in SAFETY_TRIGGERS)
    if plan.safety_first:  # nothing asked of the partner in week 1
        assert all(LIBRARY[pid].form == "solo" for pid in plan.weeks[0].practice_ids)


@settings(max_examples=150, deadline=None)
@given(a=_profile(), b=_profile())
def test_a_shared_plan_names_only_what_the_couple_view_shows(a, b):
    ins_a, ins_b = insight(a), insight(b)
    couple = couple_insight(ins_a, ins_b)
    concerns = {row["area"] for row in couple.shared_concerns}
    strained = {
        row["id"]
        for row in couple.areas
        if max(ins_a.area_strain(row["id"]) or 0, ins_b.area_strain(row["id"]) or 0) >= STRAIN_LEVEL
    }
    plan = shared_plan(ins_a, ins_b)
    for item in items_of(plan):
        if item.basis is None:
            continue
        kind, _, id_ = item.basis.removeprefix("agree:").partition(":")
        if kind == "area":
            assert id_ in strained
            if item.basis.startswith("agree:"):
                assert id_ in concerns
                assert item.reason.startswith("Because you both feel")
            else:
                assert id_ not in concerns
                assert item.reason.startswith("Because one of you feels")
        else:
            assert kind == "pattern" and id_ in couple.patterns, item.basis
    if "pursue_withdraw" not in couple.patterns:
        assert all(item.basis != "pattern:pursue_withdraw" for w in plan.weeks for item in w.focus)
    if plan.safety_first:  # only on what the couple view shows: a strained area
        assert "vulnerability" in strained


def _just_below(level: float) -> float:
    return round(level - 0.01, 2)


@pytest.mark.parametrize("ref", ["pattern:" + p for p in LIBRARY.concepts.ids("pattern")])
def test_a_pattern_below_the_couple_view_threshold_puts_nothing_in_week_one(ref):
    below = generate_plan({ref: _just_below(show_level(ref))}, practices=LIBRARY)
    assert below.kind == "gentle"
    assert below == generate_plan({}, practices=LIBRARY)
    at = generate_plan({ref: show_level(ref)}, practices=LIBRARY)
    assert at.kind == "couple"
    assert any(item.basis == ref for item in at.weeks[0].focus)
    if ref == "pattern:pursue_withdraw":
        assert BREAK_CYCLE not in below.weeks[0].practice_ids
        assert BREAK_CYCLE in at.weeks[0].practice_ids


@pytest.mark.parametrize(
    "ref", ["sign:walking_on_eggshells", "cause:life_load", "area:communication"]
)
def test_each_kind_shows_at_its_results_cut_off(ref):
    level = show_level(ref)
    assert generate_plan({ref: _just_below(level)}, practices=LIBRARY).kind == "gentle"
    assert generate_plan({ref: level}, practices=LIBRARY).kind == "couple"


@pytest.mark.parametrize("ref", ["sign:logistics_only_talk", "area:communication"])
def test_you_both_only_when_both_reach_the_level_the_couple_view_calls_agreement(ref):
    level = show_level(ref)
    one = generate_plan({ref: 0.9, f"agree:{ref}": _just_below(level)}, practices=LIBRARY)
    both = generate_plan({ref: 0.9, f"agree:{ref}": level}, practices=LIBRARY)
    assert not any(item.reason.startswith("Because you both") for item in items_of(one))
    assert any(item.reason.startswith("Because you both") for item in items_of(both))
