"""Plan writes: (re)generate after a finished check-up, swap a practice (reads: queries.py)."""

from typing import Any

from django.db import transaction
from django.db.models import F

from reattune.accounts.models import User
from reattune.core.errors import ActionError
from reattune.core.visibility import Visibility
from reattune.couples.membership import active_membership, partner_of
from reattune.domain.plan import Plan as DomainPlan
from reattune.domain.plan import couple_input, generate_plan, solo_input, solo_plan
from reattune.plans.models import Plan


class PlanError(ActionError):
    """Why a plan change cannot be done, in words fit to show the person."""


def _build(user: User) -> tuple[str, Any] | None:
    """The plan from the latest results.

    A couple plan is shared, so it is built only from what the couple view shows both
    partners (domain.plan.couple_input: strained areas and listed patterns, never a sign or a
    single answer). A solo plan is private and built from what the person's own results page
    lists (domain.plan.solo_input).
    """
    from reattune.assessments.results import checkup_done, insight_for

    mine, my_latest = insight_for(user)
    if mine is None or not checkup_done(my_latest):
        return None
    partner = partner_of(user)
    if partner is not None:
        theirs, their_latest = insight_for(partner)
        if theirs is not None and checkup_done(their_latest):
            signals, roles = couple_input(mine, theirs)
            return Plan.Kind.COUPLE, generate_plan(signals, roles=roles)
    signals, roles = solo_input(mine)
    return Plan.Kind.SOLO, solo_plan(signals, roles=roles)


@transaction.atomic
def do_refresh_plan(user: User) -> Plan | None:
    """After a check-up: a new plan from the latest results; the previous one becomes history."""
    built = _build(user)
    if built is None:
        return None
    kind, domain_plan = built
    membership = active_membership(user)
    if membership is None:  # no space (left it without a fresh one): nothing to plan for
        return None
    space = membership.space
    if kind == Plan.Kind.COUPLE:
        Plan.objects.filter(space=space, active=True).update(active=False)
        visibility = Visibility.SHARED
    else:
        Plan.objects.filter(space=space, author=user, active=True).update(active=False)
        visibility = Visibility.PRIVATE
    return Plan.objects.create(
        author=user,
        space=space,
        visibility=visibility,
        kind=kind,
        data=domain_plan.to_dict(),
        starts_on=space.today(),
    )


@transaction.atomic
def do_swap(
    user: User, plan: Plan, week: int, old_id: str, new_id: str, version: int | None = None
) -> Plan:
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if version is not None and locked.version != version:
        raise PlanError(
            "Your partner changed this plan a moment ago. Have a look and try again.", status=409
        )
    try:
        changed = DomainPlan.from_dict(locked.data).swap(week, old_id, new_id)
    except (ValueError, KeyError) as error:
        raise PlanError(f"That swap is not possible: {error}") from error
    Plan.objects.filter(pk=locked.pk).update(data=changed.to_dict(), version=F("version") + 1)
    locked.refresh_from_db()
    return locked
