"""The three rituals with the reveal rule, described once: model, period, prompts.

A period is a day (daily check-in), a week starting on Monday (weekly review) or a calendar
month (monthly check-in), always in the couple space's own timezone (Space.today()).
"""

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from reattune.core.prepared import Prepared
from reattune.domain.plan.library import load_rituals
from reattune.rituals.models import DailyCheckIn, MonthlyCheckIn, WeeklyReview

MAX_OWN_FEELINGS = 3
MAX_FEELING_CHARS = 40


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


@dataclass(frozen=True)
class Kind:
    key: str  # daily | weekly | monthly: used in URLs and the API
    ritual_id: str  # the id in data/rituals.yaml
    model: type[DailyCheckIn] | type[WeeklyReview] | type[MonthlyCheckIn]
    period_field: str
    noun: str  # "day", "week", "month"

    def period_of(self, day: date) -> date:
        if self.key == "weekly":
            return week_start(day)
        if self.key == "monthly":
            return month_start(day)
        return day

    def period_last_day(self, period: date) -> date:
        if self.key == "weekly":
            return period + timedelta(days=6)
        if self.key == "monthly":
            return month_end(period)
        return period

    def previous(self, period: date) -> date:
        return self.period_of(period - timedelta(days=1))

    def following(self, period: date) -> date:
        return self.period_last_day(period) + timedelta(days=1)

    @property
    def ritual(self):
        return load_rituals()["rituals"][self.ritual_id]

    @property
    def title(self) -> str:
        return self.ritual["title"]

    def prompts(self):
        return self.ritual["prompts"]

    def answer_prompts(self):
        """Prompts that take an answer (not reminders or timers), in order."""
        return [p for p in self.prompts() if p["kind"] in ("scale", "feelings", "text")]

    def text_prompts(self):
        return [p for p in self.prompts() if p["kind"] == "text"]

    def label_period(self, period: date) -> str:
        if self.key == "weekly":
            return f"the week of {period:%-d %B %Y}"
        if self.key == "monthly":
            return f"{period:%B %Y}"
        return f"{period:%A %-d %B %Y}"


DAILY = Kind("daily", "daily_checkin", DailyCheckIn, "day", "day")
WEEKLY = Kind("weekly", "weekly_review", WeeklyReview, "week", "week")
MONTHLY = Kind("monthly", "monthly_checkin", MonthlyCheckIn, "month", "month")
KINDS = {k.key: k for k in (DAILY, WEEKLY, MONTHLY)}


def prepared_per_kind(build, **example) -> dict[str, Prepared]:
    """One query per kind, built once (core.prepared): `build(model, period_field, **params)`
    with `period` (a date) among the parameters."""
    return {
        kind.key: Prepared(
            functools.partial(build, kind.model, kind.period_field),
            **example,
            period=date(2000, 1, 3),
        )
        for kind in KINDS.values()
    }


def feelings_vocabulary():
    """{"pleasant": (...), "hard": (...)}: the words offered by the feelings picker."""
    return load_rituals()["feelings"]


def all_feeling_words() -> frozenset[str]:
    vocabulary = feelings_vocabulary()
    return frozenset(vocabulary["pleasant"]) | frozenset(vocabulary["hard"])
