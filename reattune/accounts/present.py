"""Wording the accounts pages share with other apps' sign-up pages."""

from django.utils.translation import ngettext

from reattune.core.throttle import Attempt


def locked_message(attempt: Attempt) -> str:
    """What a throttled log-in or sign-up attempt (core.throttle.Attempt) is told."""
    minutes = attempt.wait_minutes
    wait = ngettext("a minute", "%(n)d minutes", minutes) % {"n": minutes}
    return f"Too many attempts. Please wait {wait} and try again."
