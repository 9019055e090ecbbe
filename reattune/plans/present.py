"""Page shaping for the plan: the plan page, the home card, the therapist view and the report."""

from datetime import date
from typing import Any

from reattune.domain.plan import (
    OwnView,
    PracticeLibrary,
    ViewItem,
    alternatives,
    load_ladder,
    load_practices,
    own_view,
)
from reattune.domain.plan import Plan as DomainPlan
from reattune.plans import queries
from reattune.plans.models import Plan


def _own_view(plan: Plan, today: date, safety_mode: bool) -> tuple[PracticeLibrary, int, OwnView]:
    """What every shaping of a plan starts from: the practice library, the current week's
    number and the person's own view of the plan (domain.plan.own_view)."""
    library = load_practices()
    view = own_view(DomainPlan.from_dict(plan.data), safety_mode, library)
    return library, queries.week_number(plan, today), view


def plan_context(plan: Plan, today: date, safety_mode: bool = False) -> dict[str, Any]:
    """Plan data joined with practice titles, for the page, the API and the report.

    ``safety_mode`` is the VIEWER's own (care.safety.safety_mode(viewer)): their own view of
    the plan (domain.plan.own_view) puts practices they can do on their own first and rests
    the conjoint-risky ones. Pass it only for the person who is looking (the report passes its
    reader's); a therapist's view of the shared plan leaves it False.
    """
    library, current, view = _own_view(plan, today, safety_mode)
    ladder = load_ladder()
    solo = plan.kind == Plan.Kind.SOLO

    def item(entry: ViewItem, taken: frozenset[str] = frozenset()) -> dict[str, Any]:
        practice = library[entry.practice_id]
        offer_swap = not (entry.resting or entry.added)
        return {
            "practice_id": entry.practice_id,
            "reason": entry.reason,
            "form": entry.form,
            "resting": entry.resting,
            "added": entry.added,
            "title": practice.title,
            "duration": practice.duration_minutes,
            "alternatives": [
                (a, library[a].title)
                for a in alternatives(entry.practice_id, library, solo=solo)
                if a not in taken  # a practice already in that week cannot come in twice
            ]
            if offer_swap
            else [],
        }

    in_week = {
        w["number"]: frozenset(f["practice_id"] for f in w["focus"]) for w in plan.data["weeks"]
    }
    weeks = []
    for week in view.weeks:
        step = (
            ladder.steps[min(week.ladder_step, len(ladder.steps)) - 1]
            if week.ladder_step and not week.ladder_resting
            else None
        )
        weeks.append(
            {
                "number": week.number,
                "current": week.number == current,
                "focus": [item(f, in_week.get(week.number, frozenset())) for f in week.focus],
                "ladder": step,
            }
        )
    return {
        "plan": plan,
        "kind": plan.get_kind_display(),
        "current_week": current,
        "daily": item(view.daily),
        "weeks": weeks,
        "this_week": next((w for w in weeks if w["current"]), weeks[0]),
        "safety_notice": view.notice,
    }


def plan_outline(plan: Plan, today: date, safety_mode: bool = False) -> dict[str, Any]:
    """What the report shows of a plan: the same view as plan_context (the reader's own, with
    their own safety mode), its titles only, without what only the plan page uses (swap
    alternatives, ladder steps, reasons, lengths). A practice resting for now says so."""
    library, current, view = _own_view(plan, today, safety_mode)

    def title(entry: ViewItem) -> str:
        text = library[entry.practice_id].title
        return f"{text} (resting for now)" if entry.resting else text

    return {
        "kind": plan.get_kind_display(),
        "starts_on": plan.starts_on,
        "current_week": current,
        "daily": title(view.daily),
        "weeks": [
            {
                "number": week.number,
                "current": week.number == current,
                "focus": [title(entry) for entry in week.focus],
            }
            for week in view.weeks
        ],
    }


def this_week(plan: Plan, today: date, safety_mode: bool) -> dict[str, Any]:
    """Today's plan card: this week as the person's own view of the plan shows it
    (plan_context's "this_week"), with only what the card shows: the week's number and each
    practice's id, title and whether it rests for now."""
    library, current, view = _own_view(plan, today, safety_mode)
    week = next((w for w in view.weeks if w.number == current), view.weeks[0])
    return {
        "number": current,
        "focus": [
            {
                "practice_id": entry.practice_id,
                "title": library[entry.practice_id].title,
                "resting": entry.resting,
            }
            for entry in week.focus
        ],
    }
