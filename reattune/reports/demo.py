"""Demo step: both demo partners include their sections, so the demo report is complete."""

from reattune.reports.build import do_set_included


def step(alex, sam, args):
    for user in (alex, sam):
        do_set_included(user, True)
