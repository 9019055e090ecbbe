"""Plan reads: the plan a person follows now, and which of its weeks is current."""

from datetime import date

from django.db.models import Q, QuerySet

from reattune.accounts.models import User
from reattune.core.access import active_space_id, visible_filter_for, visible_to
from reattune.core.prepared import Prepared
from reattune.plans.models import Plan


def _candidates(user_id: int, space_id: int) -> QuerySet[Plan]:
    """The active couple plans of the space and the person's own active plans there, newest
    first (Plan.Meta.ordering), that the person may see (access.visible_to)."""
    return (
        Plan.objects.filter(active=True)
        .filter(visible_filter_for(user_id, space_id))
        .filter(space_id=space_id)
        .filter(Q(kind=Plan.Kind.COUPLE) | Q(author_id=user_id))
    )


_CANDIDATES = Prepared(_candidates, user_id=0, space_id=0)


def current_plan(user: User) -> Plan | None:
    """The plan the user should follow: the couple plan of their space, else their solo plan."""
    space_id = active_space_id(user)
    if space_id is None:
        rows = visible_to(Plan.objects.filter(active=True), user).filter(space_id=space_id)
        return rows.filter(kind=Plan.Kind.COUPLE).first() or rows.filter(author=user).first()
    # One query for both: the newest couple plan, else the newest of the person's own.
    candidates = _CANDIDATES.rows(user_id=user.pk, space_id=space_id)
    couple = next((p for p in candidates if p.kind == Plan.Kind.COUPLE), None)
    return couple or next((p for p in candidates if p.author_id == user.pk), None)


def week_number(plan: Plan, today: date) -> int:
    weeks = len(plan.data.get("weeks", [])) or 6
    return max(1, min(weeks, (today - plan.starts_on).days // 7 + 1))
