"""Reconnection plans: the practice library, the ritual content and the plan generator.

Plain Python (no Django)::

    from reattune.domain.plan import load_practices, generate_plan, solo_plan, alternatives
    practices = load_practices()
    plan = generate_plan({"sign:logistics_only_talk": 0.8}, roles=None, practices=practices)
    plan.weeks[0].focus[0].reason
    Plan.from_dict(plan.to_dict()) == plan
"""

from .generator import (
    MIN_SIGNAL,
    STRONG_SIGNAL,
    Plan,
    PlanItem,
    Week,
    alternatives,
    generate_plan,
    solo_plan,
)
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

__all__ = [
    "MIN_SIGNAL",
    "ROLES",
    "STRONG_SIGNAL",
    "Agreement",
    "Ladder",
    "LadderStep",
    "Plan",
    "PlanItem",
    "Practice",
    "PracticeError",
    "PracticeLibrary",
    "Variant",
    "Week",
    "alternatives",
    "generate_plan",
    "load_agreements",
    "load_ladder",
    "load_practices",
    "load_rituals",
    "missing_phrases",
    "solo_plan",
]
