"""Reconnection plans: the practice library, the ritual content and the plan generator.

Plain Python (no Django)::

    from reattune.domain.plan import load_practices, generate_plan, solo_plan, alternatives
    practices = load_practices()
    plan = generate_plan({"sign:logistics_only_talk": 0.8}, roles=None, practices=practices)
    plan.weeks[0].focus[0].reason
    Plan.from_dict(plan.to_dict()) == plan

Which results a plan may be built from: inputs.py (couple_input for the shared plan, only what
the couple view shows; solo_input for a private plan). What a person is shown of it, with
safety first while their own safety check is positive: view.py (own_view).
"""

from .generator import (
    SHOW_LEVEL,
    Plan,
    PlanItem,
    Week,
    alternatives,
    generate_plan,
    solo_plan,
)
from .inputs import couple_input, solo_input
from .library import (
    ROLES,
    Agreement,
    Ladder,
    LadderStep,
    Practice,
    PracticeError,
    PracticeLibrary,
    Variant,
    load_agreements,
    load_ladder,
    load_practices,
    load_rituals,
    missing_phrases,
)
from .view import OwnView, ViewItem, ViewWeek, own_view

__all__ = [
    "ROLES",
    "SHOW_LEVEL",
    "Agreement",
    "OwnView",
    "Ladder",
    "LadderStep",
    "Plan",
    "PlanItem",
    "Practice",
    "PracticeError",
    "PracticeLibrary",
    "Variant",
    "ViewItem",
    "ViewWeek",
    "Week",
    "alternatives",
    "couple_input",
    "generate_plan",
    "load_agreements",
    "load_ladder",
    "load_practices",
    "load_rituals",
    "missing_phrases",
    "own_view",
    "solo_input",
    "solo_plan",
]
