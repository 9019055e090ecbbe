"""The rituals card on the home page: today's check-in and a time-out, if one is on."""

from django.urls import reverse
from django.utils import timezone

from reattune.core import access


def home_panel(request):
    user = request.user
    if not user.is_authenticated or user.role != user.Role.PARTNER:
        return None
    space = access.active_space(user)
    if space is None:
        return None
    from reattune.couples.membership import partner_of
    from reattune.domain.safety.check import check_text
    from reattune.rituals.actions import open_timeout_for_page
    from reattune.rituals.models import DailyCheckIn

    today = space.today()
    # One query for both: the authors of today's check-ins this user may read under the reveal
    # rule (their own always; their partner's only once their own is in).
    authors = set(
        access.revealed_to(DailyCheckIn.objects.all(), user, "day")
        .filter(space=space, day=today)
        .values_list("author_id", flat=True)
    )
    mine = user.pk in authors
    theirs = mine and any(author_id != user.pk for author_id in authors)
    current = open_timeout_for_page(user, space.pk)
    timeout_mine = current is not None and current.author_id == user.pk
    # The partner reads the note here too: a way to the guidance when it reads like a crisis.
    note_needs_care = bool(
        current is not None
        and current.note
        and not timeout_mine
        and check_text(current.note, "partner") is not None
    )
    return (
        "rituals/home_panel.html",
        {
            "mine": mine,
            "theirs": theirs,
            "partner_done": theirs
            or access.partner_done(DailyCheckIn.objects.all(), user, day=today),
            "partner": partner_of(user),
            "period_url": reverse("rituals-daily-period", kwargs={"period": today}),
            "timeout": current,
            "running": current is not None and current.ends_at > timezone.now(),
            "timeout_mine": timeout_mine,
            "note_needs_care": note_needs_care,
            "ends_local": current.ends_at.astimezone(space.tzinfo()).strftime("%H:%M")
            if current
            else None,
        },
    )
