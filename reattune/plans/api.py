from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from reattune.accounts.http import ApiRequest
from reattune.api.base import may_refuse, partner_auth
from reattune.api.types import JsonInt
from reattune.core.request_context import CoupleContext
from reattune.plans import actions, queries
from reattune.plans.models import Plan

router = Router(tags=["plan"], auth=partner_auth())


class SwapIn(Schema):
    week: JsonInt
    old: str
    new: str
    version: JsonInt | None = None


def _out(plan: Plan, couple: CoupleContext) -> dict[str, Any]:
    """The plan as stored, and `view`: what THIS user is shown of it (their own safety mode
    only; never the partner's)."""
    from reattune.domain.plan import Plan as DomainPlan
    from reattune.domain.plan import own_view
    from reattune.domain.plan.view import shared_safe

    today = couple.today
    stored = DomainPlan.from_dict(plan.data)
    return {
        "id": plan.pk,
        "kind": plan.kind,
        "starts_on": plan.starts_on.isoformat(),
        "current_week": queries.week_number(plan, today),
        "version": plan.version,
        "plan": shared_safe(stored).to_dict(),
        "view": own_view(stored, couple.safety_mode).to_dict(),
    }


@router.get("", summary="My current plan (the couple's, or my own for now)")
def current(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    plan = queries.current_plan(user)
    if plan is None:
        raise HttpError(404, "No plan yet: it appears once you finish the check-up.")
    return _out(plan, request.couple)


@router.post("/swap", summary="Swap a practice for another that meets the same need")
@may_refuse
def swap(request: ApiRequest, payload: SwapIn) -> dict[str, Any]:
    user = request.auth
    plan = queries.current_plan(user)
    if plan is None:
        raise HttpError(404, "No plan yet.")
    plan = actions.do_swap(user, plan, payload.week, payload.old, payload.new, payload.version)
    return _out(plan, request.couple)
