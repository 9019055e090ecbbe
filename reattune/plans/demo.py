"""`reattune demo` step of the plans app: one plan for the demo couple from their check-ups.

Runs after the assessments step (INSTALLED_APPS order), which fills in both check-ups.
"""

from reattune.plans.actions import do_refresh_plan
from reattune.plans.models import Plan


def step(alex, sam, args):
    if not Plan.objects.filter(author__in=[alex, sam], active=True).exists():
        do_refresh_plan(sam)  # both finished: one plan for the two of them
