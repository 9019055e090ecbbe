"""When to suggest professional help.

:func:`help_reasons` turns the latest "Is it time for help" scores and the recent check-in
trends into a list of :class:`HelpReason`. Each reason says kindly why the help card appears.
An empty list means: no card. The caller shows the card to each partner, lets them dismiss it
for a while (``DEFAULT_SNOOZE_DAYS``) and never shows anything about the other partner's answers.

Rules (all thresholds live in :class:`HelpRuleConfig`):

1. ``low_connection``: in the last 21 days (ending today, or the latest date in the series),
   at least 14 days had a connection rating of 3 or lower on the 0..10 check-in scale. Days
   without a rating do not count as low. Several ratings on one day: the lowest counts.
2. ``stopped_trying``, ``escalation``, ``hopelessness``, ``spill_over``, ``past_in_the_way``:
   the matching construct of the "Is it time for help" instrument
   (``reattune/data/instruments/time_for_help.yaml``: mean of 1..5 after reverse keying, higher
   is a stronger sign) is above 3.5, i.e. in its top band, "Worth talking to someone".
3. ``escalation`` also fires from the escalation series (0..10 per day for how heated
   disagreements got; True/False are read as 10/0): over the last 28 days, with at least 3
   ratings in each fortnight, the recent fortnight's mean is at least 2 points above the
   earlier one and at least 5; or at least 6 of the last 14 days were rated 7 or more.
   The app feeds it from time-outs (reattune.care.help.timeout_series): each of the last 28
   days is True when a time-out was called in the couple space that day, False otherwise. So
   it fires when time-outs were called on 6 or more of the last 14 days, or on at least half
   of them after a calmer fortnight before.

Safety mode (``couples_therapy=False``): reasons that recommend a couples therapist are worded
for support on one's own instead (``SOLO_REASON_TEXTS``), and so is the card's intro.
``hopelessness`` carries ``lines="crisis"``: the card shows the crisis lines with it.

Construct ids are the instrument's: stopped_trying, escalating_conflict, hopelessness,
spill_over, past_in_the_way. The spellings ``escalation`` and ``spillover`` are accepted too.
Plain Python: no Django.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_SNOOZE_DAYS = 30

#: Construct ids of reattune/data/instruments/time_for_help.yaml -> reason id.
CONSTRUCT_REASONS = {
    "stopped_trying": "stopped_trying",
    "escalating_conflict": "escalation",
    "hopelessness": "hopelessness",
    "spill_over": "spill_over",
    "past_in_the_way": "past_in_the_way",
}
CONSTRUCT_ALIASES = {"escalation": "escalating_conflict", "spillover": "spill_over"}

#: Order in which reasons are listed on the card.
REASON_ORDER = (
    "low_connection",
    "stopped_trying",
    "escalation",
    "hopelessness",
    "spill_over",
    "past_in_the_way",
)

HELP_CARD_TITLE = "It might be a good time for some support"
HELP_CARD_INTRO = (
    "Asking for help is not a sign that something has failed. It is a way of recommitting: "
    "of saying that this relationship is worth real care. Here is why we are suggesting it now."
)
HELP_CARD_INTRO_SOLO = (
    "Asking for help is not a sign that something has failed. It is a way of looking after "
    "yourself. Here is why we are suggesting it now."
)
HELP_CARD_NOTE = (
    "This is a gentle suggestion based on your answers, not a diagnosis, and not medical "
    "advice. If you or anyone is in danger, call your local emergency number."
)

REASON_TEXTS = {
    "low_connection": (
        "On most days over the last three weeks, connection has felt low. Long stretches like "
        "this are common, and they are often easier to turn around with some outside support. "
        "Reaching out is a way of investing in each other."
    ),
    "stopped_trying": (
        "Your answers suggest that reaching for each other has become rare, or feels pointless "
        "right now. That often happens when people are tired and hurt, not because they have "
        "stopped caring. A couples therapist can help you both find a way back in, gently."
    ),
    "escalation": (
        "Disagreements seem to be getting bigger rather than settling. That is exhausting for "
        "both of you. Helping couples slow down so each person feels heard is exactly what a "
        "couples therapist is good at."
    ),
    "hopelessness": (
        "You said it is hard to believe things can get better. That feeling deserves care. "
        "Talking with someone, together or on your own, can bring back a sense of what is "
        "possible. If it ever feels like too much, the lines below are there at any hour."
    ),
    "spill_over": (
        "The distance between you seems to be reaching into work, friendships or family life. "
        "When it spreads like that, outside support can lighten the load, and this is a good "
        "moment to ask for it."
    ),
    "past_in_the_way": (
        "Old hurts or mental health seem to be getting in the way of feeling close. That is no "
        "one's fault. A therapist, for you on your own or for both of you, can help with this "
        "in ways an app cannot."
    ),
}


#: In safety mode: the same reasons, pointing to support for the person on their own.
SOLO_REASON_TEXTS = {
    "low_connection": (
        "On most days over the last three weeks, connection has felt low. Long stretches like "
        "this are hard to carry, and talking with someone on your own can help."
    ),
    "stopped_trying": (
        "Your answers suggest that reaching out has become rare, or feels pointless right now. "
        "That often happens when someone is tired and hurt. A counsellor who sees you on your "
        "own can help you think about what you need."
    ),
    "escalation": (
        "Disagreements seem to be getting bigger rather than settling. That is exhausting. A "
        "counsellor who sees you on your own, or a domestic-violence line if you ever feel "
        "afraid, can help you think about what keeps you safe and well."
    ),
    "hopelessness": (
        "You said it is hard to believe things can get better. That feeling deserves care. "
        "Talking with someone on your own can help; the lines below are there at any hour."
    ),
    "spill_over": (
        "What is happening at home seems to be reaching into work, friendships or family life. "
        "Outside support for you can lighten the load."
    ),
    "past_in_the_way": (
        "Old hurts or mental health seem to be weighing on you. That is no one's fault. A "
        "therapist who sees you on your own can help with this in ways an app cannot."
    ),
}

#: Reasons shown together with the crisis lines of the person's country.
CRISIS_LINE_REASONS = frozenset({"hopelessness"})


@dataclass(frozen=True)
class HelpReason:
    id: str
    text: str
    lines: str | None = None  # "crisis": show the crisis lines with this reason


@dataclass(frozen=True)
class HelpRuleConfig:
    construct_threshold: float = 3.5  # strictly above: the top band of time_for_help
    low_window_days: int = 21
    low_days_needed: int = 14
    low_max_rating: int = 3
    escalation_half_days: int = 14
    escalation_min_points: int = 3
    escalation_rise: float = 2.0
    escalation_recent_floor: float = 5.0
    escalation_high_rating: int = 7
    escalation_high_days: int = 6


DEFAULT_CONFIG = HelpRuleConfig()


def _number(value: object) -> float | None:
    """A finite float from a score (or an object with a ``value``, such as ScaleScore)."""
    if value is not None and not isinstance(value, int | float):
        value = getattr(value, "value", None)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _daily(series: Iterable | None) -> dict[dt.date, float]:
    """date -> lowest rating that day (booleans as 10/0); bad rows are skipped."""
    out: dict[dt.date, float] = {}
    for row in series or ():
        try:
            day, value = row
        except (TypeError, ValueError):
            continue
        day = _as_date(day)
        if isinstance(value, bool):
            value = 10.0 if value else 0.0
        value = _number(value)
        if day is None or value is None:
            continue
        out[day] = min(value, out.get(day, value))
    return out


def _window(days: Mapping[dt.date, float], end: dt.date, length: int, skip: int = 0) -> list[float]:
    """Ratings of the ``length`` days ending ``skip`` days before ``end`` (no date arithmetic
    that could overflow at the ends of the calendar)."""
    return [v for d, v in days.items() if skip <= (end - d).days < skip + length]


def low_connection(
    checkin_series: Iterable | None,
    today: dt.date | None = None,
    config: HelpRuleConfig = DEFAULT_CONFIG,
) -> bool:
    days = _daily(checkin_series)
    if not days:
        return False
    end = today or max(days)
    recent = _window(days, end, config.low_window_days)
    return sum(1 for v in recent if v <= config.low_max_rating) >= config.low_days_needed


def escalation_rising(
    escalation_series: Iterable | None,
    today: dt.date | None = None,
    config: HelpRuleConfig = DEFAULT_CONFIG,
) -> bool:
    days = _daily(escalation_series)
    if not days:
        return False
    end = today or max(days)
    half = config.escalation_half_days
    recent = _window(days, end, half)
    earlier = _window(days, end, half, skip=half)
    high = sum(1 for v in recent if v >= config.escalation_high_rating)
    if high >= config.escalation_high_days:
        return True
    if len(recent) < config.escalation_min_points or len(earlier) < config.escalation_min_points:
        return False
    recent_mean = sum(recent) / len(recent)
    earlier_mean = sum(earlier) / len(earlier)
    return (
        recent_mean >= earlier_mean + config.escalation_rise
        and recent_mean >= config.escalation_recent_floor
    )


def _construct_scores(scores: Mapping | None) -> dict[str, float]:
    out: dict[str, float] = {}
    if not isinstance(scores, Mapping):
        return out
    for key, value in scores.items():
        cid = CONSTRUCT_ALIASES.get(key, key)
        number = _number(value)
        if cid in CONSTRUCT_REASONS and number is not None:
            out[cid] = number
    return out


def help_reasons(
    time_for_help_scores: Mapping | None = None,
    checkin_series: Iterable | None = None,
    escalation_series: Iterable | None = None,
    *,
    today: dt.date | None = None,
    config: HelpRuleConfig = DEFAULT_CONFIG,
    couples_therapy: bool = True,
) -> list[HelpReason]:
    """Why the help card should appear (empty list: it should not).

    ``time_for_help_scores``: construct id -> mean score 1..5 (or None); ScaleScore objects work.
    ``checkin_series``: (date, connection 0..10 or None) per day. ``escalation_series``:
    (date, 0..10 or bool or None). ``today`` ends the windows (default: latest date given).
    ``couples_therapy=False`` (the person's safety mode): texts for support on one's own.
    """
    found: set[str] = set()
    for cid, value in _construct_scores(time_for_help_scores).items():
        if value > config.construct_threshold:
            found.add(CONSTRUCT_REASONS[cid])
    if low_connection(checkin_series, today, config):
        found.add("low_connection")
    if escalation_rising(escalation_series, today, config):
        found.add("escalation")
    texts = REASON_TEXTS if couples_therapy else SOLO_REASON_TEXTS
    return [
        HelpReason(rid, texts[rid], "crisis" if rid in CRISIS_LINE_REASONS else None)
        for rid in REASON_ORDER
        if rid in found
    ]
