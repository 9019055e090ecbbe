"""The private calendar feed: the couple's rituals as recurring events (RFC 5545).

Events carry only the ritual's name and its general description from data/rituals.yaml:
no names, no answers, nothing anyone wrote. An open time-out adds one event at its end, with
a generic reminder to come back together.
"""

import hashlib
from datetime import datetime, timedelta

from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from reattune.rituals.kinds import DAILY, MONTHLY, WEEKLY
from reattune.rituals.models import Schedule, TimeOut

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _uid(space_id: int, what: str) -> str:
    digest = hashlib.sha256(f"reattune-space-{space_id}-{what}".encode()).hexdigest()[:24]
    return f"{what}-{digest}@reattune"


def _first_on_or_after(start, weekday: int):
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def build_calendar(space, schedule: Schedule | None, open_timeout: TimeOut | None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//reattune//rituals//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Our rituals (reattune)")
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    if space is None:
        return cal.to_ical()
    schedule = schedule or Schedule(space=space)
    tz = space.tzinfo()
    stamp = timezone.now()
    anchor = (schedule.updated_at or space.created_at).astimezone(tz).date()

    def add(kind, what, first_day, at, rrule):
        event = Event()
        event.add("uid", _uid(space.pk, what))
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.combine(first_day, at, tzinfo=tz))
        event.add("duration", timedelta(minutes=kind.ritual["duration_minutes"]))
        event.add("rrule", rrule)
        event.add("summary", kind.title)
        event.add("description", kind.ritual["intro"])
        event.add("transp", "TRANSPARENT")
        event.add("class", "PRIVATE")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", kind.title)
        alarm.add("trigger", timedelta(minutes=-10))
        event.add_component(alarm)
        cal.add_component(event)

    if schedule.daily_on:
        add(DAILY, "daily", anchor, schedule.daily_time, {"freq": "daily"})
    if schedule.weekly_on:
        code = WEEKDAY_CODES[schedule.weekly_day]
        first = _first_on_or_after(anchor, schedule.weekly_day)
        add(WEEKLY, "weekly", first, schedule.weekly_time, {"freq": "weekly", "byday": code})
    if schedule.monthly_on:
        code = f"{schedule.monthly_ordinal}{WEEKDAY_CODES[schedule.monthly_day]}"
        # DTSTART must be an occurrence: find the first matching day from the anchor on.
        first = _monthly_first(anchor, schedule.monthly_ordinal, schedule.monthly_day)
        add(MONTHLY, "monthly", first, schedule.monthly_time, {"freq": "monthly", "byday": code})
    if open_timeout is not None:
        event = Event()
        event.add("uid", _uid(space.pk, f"timeout-{open_timeout.pk}"))
        event.add("dtstamp", stamp)
        event.add("dtstart", open_timeout.ends_at.astimezone(tz))
        event.add("duration", timedelta(minutes=15))
        event.add("summary", "Time to come back together")
        event.add("description", "The time-out has ended. Come back to the conversation gently.")
        event.add("class", "PRIVATE")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", "Time to come back together")
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _monthly_first(anchor, ordinal: int, weekday: int):
    month = anchor.replace(day=1)
    for _ in range(3):
        day = _nth_weekday(month, ordinal, weekday)
        if day >= anchor:
            return day
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day


def _nth_weekday(month_first, ordinal: int, weekday: int):
    if ordinal > 0:
        return _first_on_or_after(month_first, weekday) + timedelta(weeks=ordinal - 1)
    following = (month_first.replace(day=28) + timedelta(days=4)).replace(day=1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)
