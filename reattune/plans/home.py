from datetime import date
from typing import Any

from reattune.couples.membership import active_membership
from reattune.domain.plan import Plan as DomainPlan
from reattune.domain.plan import load_practices, own_view
from reattune.plans.models import Plan
from reattune.plans.queries import current_plan, week_number


def this_week(plan: Plan, today: date, safety_mode: bool) -> dict[str, Any]:
    """This week's practices as the person's own view of the plan shows them (their own
    safety mode: plans.present.plan_context's "this_week"), with only what the card shows:
    each practice's id, title and whether it rests for now."""
    library = load_practices()
    current = week_number(plan, today)
    weeks = own_view(DomainPlan.from_dict(plan.data), safety_mode, library).weeks
    week = next((w for w in weeks if w.number == current), weeks[0])
    return {
        "focus": [
            {
                "practice_id": entry.practice_id,
                "title": library[entry.practice_id].title,
                "resting": entry.resting,
            }
            for entry in week.focus
        ]
    }


def plan_panel(request):
    plan = current_plan(request.user)
    if plan is None:
        return None
    from reattune.care.safety import safety_mode

    today = active_membership(request.user).space.today()
    panel = {"week": this_week(plan, today, safety_mode(request.user))}
    panel["number"] = week_number(plan, today)
    # Vault safety check (reattune/vault/rest.py): the resting variant too, for the
    # browser to choose from; only for this person, and only when they have one.
    from reattune.core.request_context import vault_rest

    rest = vault_rest(request)
    if rest:
        panel["vault_rest"] = rest
        panel["resting_week"] = this_week(plan, today, True)
    return "plans/home_panel.html", panel
