"""Shared helpers for the rituals tests (not a test module)."""

import contextlib
import uuid
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.utils import timezone

from reattune.rituals import actions
from reattune.rituals.kinds import DAILY, MONTHLY, WEEKLY

DAILY_ANSWERS = {
    "connection_today": 7,
    "feelings": ["calm", "grateful"],
    "own_feelings": ["cosy"],
    "best_part": "{who} best part text",
    "challenging_part": "{who} challenging part text",
    "appreciation": "{who} appreciation text",
    "need": "{who} need text",
}
WEEKLY_ANSWERS = {
    "connecting_moment": "{who} connecting moment",
    "closer_area": "{who} closer area",
    "appreciation": "{who} weekly appreciation",
    "looking_ahead": "{who} looking ahead",
    "what_would_help": "",
}
MONTHLY_ANSWERS = {
    "most_connecting": "{who} most connecting",
    "want_to_grow": "{who} want to grow",
    "appreciation": "{who} monthly appreciation",
}
ANSWERS = {"daily": DAILY_ANSWERS, "weekly": WEEKLY_ANSWERS, "monthly": MONTHLY_ANSWERS}
KIND = {"daily": DAILY, "weekly": WEEKLY, "monthly": MONTHLY}


def answers(kind: str, who: str, **overrides) -> dict:
    values = {k: (v.format(who=who) if isinstance(v, str) else v) for k, v in ANSWERS[kind].items()}
    values.update(overrides)
    return values


def form_data(kind: str, who: str, **overrides) -> dict:
    """The same answers as a page form posts them."""
    data = answers(kind, who, **overrides)
    if kind == "daily":
        data["own_feelings"] = ", ".join(data.get("own_feelings") or [])
        data["connection_today"] = str(data["connection_today"])
    data.setdefault("submit_key", str(uuid.uuid4()))
    return data


def submit(kind: str, user, who: str | None = None, **overrides):
    entry, _ = actions.do_submit(
        KIND[kind], user, answers(kind, who or user.display_name.lower(), **overrides)
    )
    return entry


# The personas' time zones (tests/base.py make_world).
PERSONA_ZONES = ("Europe/Berlin", "America/Los_Angeles")


def window_start(minutes: int = 30) -> datetime:
    """Now, or `minutes` earlier when now + `minutes` would pass midnight in a persona's zone.

    Tests that freeze the clock at start + a few minutes read "today" at each step; a run
    started just before a couple's midnight would otherwise ask for tomorrow's check-in.
    """
    now = timezone.now()
    for name in PERSONA_ZONES:
        local = now.astimezone(ZoneInfo(name))
        midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        if midnight - local <= timedelta(minutes=minutes):
            return now - timedelta(minutes=minutes)
    return now


@contextlib.contextmanager
def frozen(moment: datetime):
    """Freeze django.utils.timezone.now (what Space.today() and the actions read)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


# --- objects for tests/access/rituals.yaml -------------------------------------------------


def access_timeout(world):
    """A running time-out called by alex in alex & sam's space."""
    return actions.do_start_timeout(world["alex"], 20, "alex timeout note")


def access_feed_token(world):
    """alex's private calendar address (the raw token)."""
    return actions.do_create_feed(world["alex"])


# --- marker factories for tests/test_marker.py (one row per model with encrypted fields) ---
# To register (tests/test_marker.py is not the rituals' file), add there:
#     from tests.rituals_helpers import MARKER_FACTORIES
#     FACTORIES.update(MARKER_FACTORIES)


def _marked(kind: str, mark) -> dict:
    values = {}
    for prompt in KIND[kind].answer_prompts():
        if prompt["kind"] == "scale":
            values[prompt["id"]] = 5
        elif prompt["kind"] == "feelings":
            values["feelings"] = ["calm"]
        else:
            values[prompt["id"]] = mark(prompt["id"])
    return values


def _with_private_marker(entry, mark, **more):
    # The answers kept private and the shared history are JSON the action builds; the marker
    # goes in directly.
    type(entry).objects.filter(pk=entry.pk).update(
        private_answers=mark("private_answers"), shared_history=mark("shared_history"), **more
    )
    entry.refresh_from_db()
    return entry


def _marker_daily(world, mark):
    entry, _ = actions.do_submit(DAILY, world["alex"], _marked("daily", mark))
    # The feelings field holds a JSON list the action builds; the marker goes in directly.
    return _with_private_marker(entry, mark, feelings=mark("feelings"))


def _marker_weekly(world, mark):
    entry, _ = actions.do_submit(WEEKLY, world["alex"], _marked("weekly", mark))
    return _with_private_marker(entry, mark)


def _marker_monthly(world, mark):
    entry, _ = actions.do_submit(MONTHLY, world["alex"], _marked("monthly", mark))
    return _with_private_marker(entry, mark)


def _marker_timeout(world, mark):
    return actions.do_start_timeout(world["alex"], 20, mark("note"))


MARKER_FACTORIES = {
    "rituals.DailyCheckIn": _marker_daily,
    "rituals.WeeklyReview": _marker_weekly,
    "rituals.MonthlyCheckIn": _marker_monthly,
    "rituals.TimeOut": _marker_timeout,
}
