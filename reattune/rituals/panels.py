"""The rituals card on the home page: today's check-in and a time-out, if one is on."""

from django.urls import reverse
from django.utils import timezone

from reattune.core import access


def home_panel(request):
    user = request.user
    if not user.is_authenticated or user.role != user.Role.PARTNER:
        return None
    space_id = access.active_space_id(user)
    if space_id is None:
        return None
    from reattune.couples.actions import partner_of
    from reattune.couples.models import Space
    from reattune.rituals.actions import open_timeout
    from reattune.rituals.models import DailyCheckIn

    space = Space.objects.get(pk=space_id)
    today = space.today()
    mine = DailyCheckIn.objects.filter(author=user, space=space, day=today).exists()
    theirs = mine and (
        access.revealed_to(DailyCheckIn.objects.all(), user, "day")
        .filter(space=space, day=today)
        .exclude(author=user)
        .exists()
    )
    current = open_timeout(space_id)
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
            "timeout_mine": current is not None and current.author_id == user.pk,
            "ends_local": current.ends_at.astimezone(space.tzinfo()).strftime("%H:%M")
            if current
            else None,
        },
    )
