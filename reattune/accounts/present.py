"""Wording the accounts pages share with other apps' sign-up pages."""


def locked_message(attempt) -> str:
    """What a throttled log-in or sign-up attempt (core.throttle.Attempt) is told."""
    minutes = attempt.wait_minutes
    wait = "a minute" if minutes == 1 else f"{minutes} minutes"
    return f"Too many attempts. Please wait {wait} and try again."
