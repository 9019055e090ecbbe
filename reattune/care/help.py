"""The help card: why it appears, from the person's own "Is it time for help" answers, the
daily check-in connection ratings they can see (their own, and their partner's once revealed
under the reveal rule) and the couple's time-outs (both partners see those). Nothing here reads
anything the person could not already see.

In the person's own safety mode (care.safety.policy) the card does not recommend couples
therapy: the texts point to support on their own. A reason with ``lines == "crisis"``
(hopelessness) is shown with the crisis lines of the person's country.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from reattune.core.prepared import Prepared
from reattune.domain.safety.help_rules import (
    DEFAULT_SNOOZE_DAYS,
    HELP_CARD_INTRO,
    HELP_CARD_INTRO_SOLO,
    HELP_CARD_NOTE,
    HELP_CARD_TITLE,
    SOLO_REASON_TEXTS,
    help_reasons,
)

INSTRUMENT = "time_for_help"
SERIES_DAYS = 42
TIMEOUT_DAYS = 28


def _help_responses(author_id: int):
    from reattune.assessments.models import Response

    return Response.objects.filter(
        author_id=author_id, submitted_at__isnull=False, instrument_id__in=[INSTRUMENT]
    ).order_by("submitted_at", "pk")  # as assessments.results.submitted orders them


def _answers(response_id: int):
    from reattune.assessments.models import Answer

    return Answer.objects.filter(response_id=response_id).values_list("item_id", "value")


_HELP_RESPONSES = Prepared(_help_responses, author_id=0)
_ANSWERS = Prepared(_answers, response_id=0)


def time_for_help_scores(user) -> dict:
    """construct id -> ScaleScore of the person's latest submitted "time for help" answers."""
    from reattune.assessments import results

    latest = results.latest_per_instrument(_HELP_RESPONSES.rows(author_id=user.pk))
    response = latest.get(INSTRUMENT)
    if response is None:
        return {}
    answers = dict(_ANSWERS.rows(response_id=response.pk))
    return dict(results.scores_for(response, answers))


def _checkin_series(user_id: int, space_id: int, since):
    from reattune.core.access import revealed_filter_for
    from reattune.rituals.models import DailyCheckIn

    return (
        DailyCheckIn.objects.filter(revealed_filter_for(DailyCheckIn, user_id, space_id, "day"))
        .filter(space_id=space_id, day__gte=since)
        .values_list("day", "connection_today")
    )


def _timeout_starts(user_id: int, space_id: int, since):
    from reattune.core.access import visible_filter_for
    from reattune.rituals.models import TimeOut

    return (
        TimeOut.objects.filter(visible_filter_for(user_id, space_id))
        .filter(space_id=space_id, started_at__gte=since)
        .values_list("started_at", flat=True)
    )


_CHECKIN_SERIES = Prepared(_checkin_series, user_id=0, space_id=0, since=date(2000, 1, 1))
_TIMEOUT_STARTS = Prepared(
    _timeout_starts, user_id=0, space_id=0, since=datetime(2000, 1, 1, tzinfo=UTC)
)


def checkin_series(user, today=None) -> list[tuple]:
    """(day, connection 0..10) of the daily check-ins the person may read, recent days only."""
    from reattune.core import access

    space_id = access.active_space_id(user)
    if space_id is None:
        return []
    today = today or timezone.localdate()
    return _CHECKIN_SERIES.rows(
        user_id=user.pk, space_id=space_id, since=today - timedelta(days=SERIES_DAYS)
    )


def timeout_series(user, today=None) -> list[tuple]:
    """(day, True if a time-out was called that day) for each of the last 28 days of the
    person's couple space: the escalation series of help_rules. Both partners see time-outs."""
    from reattune.core import access

    space = access.active_space(user)
    if space is None:
        return []
    today = today or space.today()
    tz = space.tzinfo()
    first = today - timedelta(days=TIMEOUT_DAYS - 1)
    # From the first moment of the day before `first` in the current time zone (the
    # couple's, in a request), as started_at__date__gte that day reads it.
    since = datetime.combine(first - timedelta(days=1), time.min)
    since = timezone.make_aware(since, timezone.get_current_timezone())
    days = set()
    for started in _TIMEOUT_STARTS.rows(user_id=user.pk, space_id=space.pk, since=since):
        days.add(started.astimezone(tz).date())
    return [
        (first + timedelta(days=i), (first + timedelta(days=i)) in days)
        for i in range(TIMEOUT_DAYS)
    ]


def reasons_for(user, today=None) -> list:
    from reattune.care.safety import policy
    from reattune.core import access

    if today is None:
        space = access.active_space(user)
        today = space.today() if space else timezone.localdate()
    return help_reasons(
        time_for_help_scores(user),
        checkin_series(user, today),
        timeout_series(user, today),
        today=today,
        couples_therapy=not policy(user).couples_therapy,
    )


def _care_preference(user_id: int):
    from reattune.care.models import CarePreference

    return CarePreference.objects.filter(user_id=user_id).order_by("pk")[:1]


_CARE_PREFERENCE = Prepared(_care_preference, user_id=0)


def snoozed_until(user):
    pref = _CARE_PREFERENCE.first(user_id=user.pk)
    if pref and pref.help_snoozed_until and pref.help_snoozed_until > timezone.now():
        return pref.help_snoozed_until
    return None


def card_context(user) -> dict:
    from reattune.care.safety import policy

    return {
        "title": HELP_CARD_TITLE,
        "intro": HELP_CARD_INTRO_SOLO if policy(user).couples_therapy else HELP_CARD_INTRO,
        "note": HELP_CARD_NOTE,
        "snooze_days": DEFAULT_SNOOZE_DAYS,
    }


def needs_crisis_lines(reasons) -> bool:
    return any(getattr(r, "lines", None) == "crisis" for r in reasons)


def home_panel(request):
    """The help card on home, while there is a reason and it is not snoozed."""
    user = request.user
    if not user.is_authenticated or user.role != user.Role.PARTNER:
        return None
    if snoozed_until(user):
        return None
    reasons = reasons_for(user)
    if not reasons:
        return None
    context = {**card_context(user), "reasons": reasons}
    from reattune.core.request_context import vault_rest

    rest = vault_rest(request)
    if rest:
        # A safety check in the vault (reattune/vault/rest.py): the card as safety mode words
        # it too (the same reasons, for support on one's own); the browser shows the one that
        # fits. Only ever the person's own card.
        context.update(
            vault_rest=rest,
            resting_intro=HELP_CARD_INTRO_SOLO,
            resting_reasons=[replace(r, text=SOLO_REASON_TEXTS[r.id]) for r in reasons],
        )
    if needs_crisis_lines(reasons):
        from reattune.care.support import resources_for_user

        context["res"] = resources_for_user(user, request)
    return "care/home_panel.html", context
