"""Plan reads: the plan a person follows now, and which of its weeks is current."""

from datetime import date

from reattune.accounts.models import User
from reattune.core.access import active_space_id, visible_to
from reattune.plans.models import Plan


def current_plan(user: User) -> Plan | None:
    """The plan the user should follow: the couple plan of their space, else their solo plan."""
    space_id = active_space_id(user)
    rows = visible_to(Plan.objects.filter(active=True), user).filter(space_id=space_id)
    couple = rows.filter(kind=Plan.Kind.COUPLE).first()
    return couple or rows.filter(author=user).first()


def week_number(plan: Plan, today: date) -> int:
    weeks = len(plan.data.get("weeks", [])) or 6
    return max(1, min(weeks, (today - plan.starts_on).days // 7 + 1))
