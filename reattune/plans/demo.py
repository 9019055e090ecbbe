"""`reattune demo` step of the plans app: the demo couple's plans, dated like their check-ups.

Runs after the assessments step (INSTALLED_APPS order), which fills in both check-up rounds
(twelve and four weeks ago). The first round gave a six-week plan that began on the couple's
first day and is now history; the second round gave the plan they follow now, four weeks in
(week 5 of 6).
"""

from datetime import timedelta

from django.utils import timezone

from reattune.plans.actions import do_refresh_plan
from reattune.plans.models import Plan

#: Days before today of the two check-up rounds (assessments/demo.py) and so of each plan.
ROUNDS_DAYS_AGO = (84, 28)


def step(alex, sam, args):
    if Plan.objects.filter(author__in=[alex, sam]).exists():
        return
    current = do_refresh_plan(sam)  # both finished: one plan for the two of them
    if current is None:
        return
    first_ago, current_ago = ROUNDS_DAYS_AGO
    today = current.space.today()
    now = timezone.now()
    Plan.objects.create(  # the plan of the first round, followed to its end, now history
        author=current.author,
        space=current.space,
        visibility=current.visibility,
        kind=current.kind,
        data=current.data,
        starts_on=today - timedelta(days=first_ago),
        created_at=now - timedelta(days=first_ago),
        active=False,
    )
    Plan.objects.filter(pk=current.pk).update(
        starts_on=today - timedelta(days=current_ago),
        created_at=now - timedelta(days=current_ago),
    )
