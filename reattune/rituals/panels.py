"""The Today card on the home page: what is due today (the daily check-in; the weekly review
and the monthly check-in from the day queries.due_from gives until their period ends), each
started in one tap, and a time-out, if one is on."""

from django.urls import reverse
from django.utils import timezone

from reattune.core import access
from reattune.core.access import visible_filter_for
from reattune.rituals.kinds import prepared_per_kind


def _authors(model, period_field, user_id: int, space_id: int, period):
    """Who has a row for the period that this person may know exists (access.visible_to)."""
    return (
        model.objects.filter(visible_filter_for(user_id, space_id))
        .filter(space_id=space_id, **{period_field: period})
        .values_list("author_id", flat=True)
    )


_AUTHORS = prepared_per_kind(_authors, user_id=0, space_id=0)


def _review_items(user, space, today):
    """The weekly review and the monthly check-in, when due and not yet done by this person
    (or when the partner has done theirs: their answers wait for one's own)."""
    from reattune.rituals.kinds import MONTHLY, WEEKLY
    from reattune.rituals.queries import due_rule

    rule = due_rule(user, space)  # the one rule of what is due (queries.due_from)
    items = []
    for kind in (WEEKLY, MONTHLY):
        period = kind.period_of(today)
        # Existence only (who has done theirs), as access.partner_done tells it: no answers.
        authors = set(_AUTHORS[kind.key].rows(user_id=user.pk, space_id=space.pk, period=period))
        mine = user.pk in authors
        partner_done = any(author_id != user.pk for author_id in authors)
        if mine or (not partner_done and not rule.is_due(kind, period)):
            continue
        items.append(
            {
                "kind": kind,
                "title": kind.title,
                "partner_done": partner_done,
                "url": reverse(f"rituals-{kind.key}"),
                "minutes": kind.ritual.get("duration_minutes"),
            }
        )
    return items


def home_panel(request):
    user = request.user
    if not user.is_authenticated or user.role != user.Role.PARTNER:
        return None
    space = access.active_space(user)
    if space is None:
        return None
    from reattune.couples.membership import partner_of
    from reattune.domain.safety.check import check_text
    from reattune.rituals import queries
    from reattune.rituals.actions import open_timeout_for_page
    from reattune.rituals.kinds import DAILY

    today = space.today()
    # One query for all three, existence only (no answers): who has a check-in for today in
    # this space that this user may know exists (their own; their partner's once shared, as
    # access.partner_done tells it). Their partner's answers are readable (the reveal rule,
    # access.revealed_to) exactly when both are in: one's own row is the one the rule asks for.
    authors = set(_AUTHORS["daily"].rows(user_id=user.pk, space_id=space.pk, period=today))
    mine = user.pk in authors
    partner_done = any(author_id != user.pk for author_id in authors)
    theirs = mine and partner_done
    current = open_timeout_for_page(user, space.pk)
    timeout_mine = current is not None and current.author_id == user.pk
    # The partner reads the note here too: a way to the guidance when it reads like a crisis.
    note_needs_care = bool(
        current is not None
        and current.note
        and not timeout_mine
        and check_text(current.note, "partner") is not None
    )
    partner = partner_of(user)
    return (
        "rituals/home_panel.html",
        {
            "mine": mine,
            "theirs": theirs,
            "partner_done": partner_done,
            "partner": partner,
            "today": today,
            "period_url": reverse("rituals-daily-period", kwargs={"period": today}),
            # On one's own after a shared space closed, having checked in there today: say so,
            # not "three quick answers" (asked only of a person without a partner).
            "earlier_today": not mine
            and partner is None
            and queries.done_in_earlier_space(user, space, DAILY, today),
            "reviews": _review_items(user, space, today),
            "timeout": current,
            "running": current is not None and current.ends_at > timezone.now(),
            "timeout_mine": timeout_mine,
            "note_needs_care": note_needs_care,
            "ends_local": current.ends_at.astimezone(space.tzinfo()).strftime("%H:%M")
            if current
            else None,
        },
    )
