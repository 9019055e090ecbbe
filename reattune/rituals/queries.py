"""Ritual reads the pages and the API share (the writes are in actions.py)."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from reattune.accounts.models import User
from reattune.core import access
from reattune.couples.membership import partner_of
from reattune.couples.models import Space
from reattune.domain.plan.library import Ladder, LadderStep, load_ladder
from reattune.rituals.kinds import Kind, week_start
from reattune.rituals.models import LadderState, Schedule


def own_entry(kind: Kind, user: User, space: Space, period: date) -> Any:
    """The person's own entry of this ritual for the period in this space, or None."""
    return (
        access.owned_by(kind.model.objects.all(), user)
        .filter(space=space, **{kind.period_field: period})
        .first()
    )


# How long a couple has been here before a review has something to look back on, counting the
# day it falls on: a week of days for the weekly review, four weeks for the monthly check-in.
SETTLE_DAYS = {"weekly": 7, "monthly": 28}


def due_from(kind: Kind, period: date, schedule: Schedule, started: date) -> date | None:
    """The day from which `kind` is due in `period` (until the period ends), or None when it is
    not due in that period at all: turned off in the couple's schedule, or the couple started
    too late in the period for a review of it (SETTLE_DAYS). The one rule of what is due, for
    the Today card, the rituals page and the API; the daily check-in is due on its day.

    The weekly review falls on its chosen weekday, the monthly check-in on its chosen weekday
    of the month (first ... fourth or last), or later in the period once the couple has been
    here long enough: a couple starting on a Monday gets its first weekly review that Sunday,
    and its first monthly check-in four weeks on, never on its very first day.
    """
    if kind.key == "daily":
        return period
    from reattune.rituals.calendar import _nth_weekday

    if kind.key == "weekly":
        if not schedule.weekly_on:
            return None
        chosen = period + timedelta(days=schedule.weekly_day)
    else:
        if not schedule.monthly_on:
            return None
        chosen = _nth_weekday(period, schedule.monthly_ordinal, schedule.monthly_day)
    day = max(chosen, started + timedelta(days=SETTLE_DAYS[kind.key] - 1))
    return day if day <= kind.period_last_day(period) else None


@dataclass(frozen=True)
class DueRule:
    """What `due_from` needs for one couple, read once: their schedule, the day the couple
    formed (progress.formed_day) and today in their time zone."""

    schedule: Schedule
    started: date
    today: date

    def due_from(self, kind: Kind, period: date) -> date | None:
        return due_from(kind, period, self.schedule, self.started)

    def is_due(self, kind: Kind, period: date) -> bool:
        """Due today: its day has come and its period has not ended (a past week is no longer
        due, whether or not it was done)."""
        day = self.due_from(kind, period)
        return day is not None and day <= self.today <= kind.period_last_day(period)

    def next_due(self, kind: Kind, period: date) -> date | None:
        """The day `kind` is next due from `period` on: this period's day, or the next
        period's when the couple started too late in this one; None when it is turned off."""
        return self.due_from(kind, period) or self.due_from(kind, kind.following(period))


def due_rule(user: User, space: Space) -> DueRule:
    """The couple's DueRule: one read of the schedule, and the day the couple formed
    (progress.formed_day: the reviews are the couple's, so a partner who checked in alone
    before still starts afresh with the other)."""
    from reattune.rituals.actions import schedule_for
    from reattune.rituals.progress import formed_day

    return DueRule(schedule_for(space), formed_day(user, space), space.today())


def period_status(
    kind: Kind, user: User, space: Space, period: date, due: DueRule | None = None
) -> dict[str, Any]:
    """Where one ritual stands for one period, for this person.

    ``mine``: their own entry or None; ``theirs``: the partner's entry, only once the reveal
    rule allows it (core.access.revealed_to: after their own is in); ``partner_done``: whether
    the partner has shared for the period (existence only, never content). With `due` (the
    couple's DueRule), also ``due`` (whether it is due today) and ``due_from`` (the day it is
    next due, DueRule.next_due).
    """
    rows = kind.model.objects.select_related("author").filter(
        space=space, **{kind.period_field: period}
    )
    mine = access.owned_by(rows, user).first()
    theirs = (
        access.revealed_to(rows, user, kind.period_field).exclude(author=user).first()
        if mine
        else None
    )
    done = theirs is not None or access.partner_done(
        kind.model.objects.all(), user, **{kind.period_field: period}
    )
    status = {"kind": kind, "period": period, "mine": mine, "theirs": theirs, "partner_done": done}
    if due is not None:
        status["due"] = due.is_due(kind, period)
        status["due_from"] = due.next_due(kind, period)
    return status


def ladder_state(user: User, space: Space) -> LadderState:
    """The person's ladder row in this space (not saved until they change it: a row not made
    yet starts this week)."""
    state = LadderState.objects.filter(author=user, space=space).first()
    if state is None:
        state = LadderState(author=user, space=space, since_week=week_start(space.today()))
    return state


@dataclass(frozen=True)
class LadderStatus:
    """Where a person stands on the vulnerability ladder this week, for the page and the API.

    ``prompt``: this week's prompt of their step (LadderStep.prompt_for_week), or the resting
    text while they are in safety mode (care.safety.resting_prompt: their own view only).
    ``partner_step``: the partner's step this week, when asked for and there is a partner.
    """

    ladder: Ladder
    this_week: date
    state: LadderState
    step: LadderStep
    prompt: str
    partner_step: LadderStep | None = None


def ladder_status(user: User, space: Space, with_partner: bool = False) -> LadderStatus:
    """The one reading of a person's ladder step and prompt (and their partner's step, when
    `with_partner`); a row not made yet reads as step 1 from this week."""
    from reattune.care.safety import resting_prompt  # steps back after a positive safety screen

    ladder = load_ladder()
    this_week = week_start(space.today())
    state = ladder_state(user, space)
    step = ladder.step(state.current_step(this_week, len(ladder)))
    partner_step = None
    partner = partner_of(user) if with_partner else None
    if partner is not None:
        theirs = (
            access.visible_to(LadderState.objects.all(), user)
            .filter(space=space, author=partner)
            .first()
        ) or LadderState(since_week=this_week)
        partner_step = ladder.step(theirs.current_step(this_week, len(ladder)))
    return LadderStatus(
        ladder=ladder,
        this_week=this_week,
        state=state,
        step=step,
        prompt=resting_prompt(user, step.prompt_for_week(this_week)),
        partner_step=partner_step,
    )


def done_in_earlier_space(
    user: User, space: Space, kind: Kind | None = None, period: date | None = None
) -> bool:
    """Whether this person wrote rituals in a space they are no longer in (one that closed
    when they or their partner left it): those rows stay with that space and are not counted
    or shown in this one, so pages here must not say "your first" or "not shared yet".
    With `kind` and `period`: for that one period (a day, a week, a month); else any ritual
    (one existence query per kind, asked only of a person with none here).
    """
    from reattune.rituals.kinds import KINDS

    kinds = [kind] if kind is not None else list(KINDS.values())
    for each in kinds:
        rows = each.model.objects.filter(author=user).exclude(space=space)
        if period is not None:
            rows = rows.filter(**{each.period_field: period})
        if rows.exists():
            return True
    return False
