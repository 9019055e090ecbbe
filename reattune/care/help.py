"""The help card: why it appears, from the person's own "Is it time for help" answers, the
daily check-in connection ratings they can see (their own, and their partner's once revealed
under the reveal rule) and the couple's time-outs (both partners see those). Nothing here reads
anything the person could not already see.

In the person's own safety mode (care.safety.policy) the card does not recommend couples
therapy: the texts point to support on their own. A reason with ``lines == "crisis"``
(hopelessness) is shown with the crisis lines of the person's country.
"""

from datetime import timedelta

from django.utils import timezone

from reattune.domain.safety.help_rules import (
    DEFAULT_SNOOZE_DAYS,
    HELP_CARD_INTRO,
    HELP_CARD_INTRO_SOLO,
    HELP_CARD_NOTE,
    HELP_CARD_TITLE,
    help_reasons,
)

INSTRUMENT = "time_for_help"
SERIES_DAYS = 42
TIMEOUT_DAYS = 28


def time_for_help_scores(user) -> dict:
    """construct id -> ScaleScore of the person's latest submitted "time for help" answers."""
    from reattune.assessments import results

    latest = results.latest_per_instrument(results.submitted(user, [INSTRUMENT]))
    response = latest.get(INSTRUMENT)
    if response is None:
        return {}
    answers = results.answers_for([response]).get(response.pk, {})
    return dict(results.scores_for(response, answers))


def checkin_series(user, today=None) -> list[tuple]:
    """(day, connection 0..10) of the daily check-ins the person may read, recent days only."""
    from reattune.core import access
    from reattune.rituals.models import DailyCheckIn

    space_id = access.active_space_id(user)
    if space_id is None:
        return []
    today = today or timezone.localdate()
    rows = (
        access.revealed_to(DailyCheckIn.objects.all(), user, "day")
        .filter(space_id=space_id, day__gte=today - timedelta(days=SERIES_DAYS))
        .values_list("day", "connection_today")
    )
    return list(rows)


def timeout_series(user, today=None) -> list[tuple]:
    """(day, True if a time-out was called that day) for each of the last 28 days of the
    person's couple space: the escalation series of help_rules. Both partners see time-outs."""
    from reattune.core import access
    from reattune.rituals.models import TimeOut

    space = access.active_space(user)
    if space is None:
        return []
    today = today or space.today()
    tz = space.tzinfo()
    first = today - timedelta(days=TIMEOUT_DAYS - 1)
    rows = access.visible_to(TimeOut.objects.all(), user).filter(
        space_id=space.pk, started_at__date__gte=first - timedelta(days=1)
    )
    days = set()
    for started in rows.values_list("started_at", flat=True):
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


def snoozed_until(user):
    from reattune.care.models import CarePreference

    pref = CarePreference.objects.filter(user=user).first()
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
    if needs_crisis_lines(reasons):
        from reattune.care.support import resources_for_user

        context["res"] = resources_for_user(user, request)
    return "care/home_panel.html", context
