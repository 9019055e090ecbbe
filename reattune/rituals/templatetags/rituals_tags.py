"""The time-out bar on every page (includes/timeout_button.html):

    {% timeout_state as bar %}{% if bar.timeout %}{% open_timeout_bar bar %}
    {% else %}{% timeout_bar bar %}{% endif %}

Without an open time-out the bar is the same for everyone but the CSRF token of its form, so
`timeout_bar` renders it once per process (core.fragments); a running or ended time-out is
drawn by the inclusion tag `open_timeout_bar`, each time.
"""

from typing import Any

from django import template
from django.db import DatabaseError
from django.utils import timezone
from django.utils.safestring import SafeString

from reattune.core.fragments import render_once

register = template.Library()

TEMPLATE = "rituals/timeout_bar.html"


@register.simple_tag(takes_context=True)
def timeout_state(context) -> dict[str, Any]:
    """What the bar shows for this page's person (at most one query, shared with Today)."""
    return _bar(context)


@register.simple_tag(takes_context=True)
def timeout_bar(context, bar: dict[str, Any]) -> SafeString:
    """The bar without an open time-out: rituals/timeout_bar.html as an include would show
    it, rendered once per process for each `show` (only the CSRF token is the page's own)."""

    def once() -> dict[str, Any]:
        from reattune.rituals.models import TimeOut

        return {
            "show": bar["show"],
            "timeout": None,
            "lengths": TimeOut.LENGTHS,
            "suggested": TimeOut.SUGGESTED,
        }

    return render_once(TEMPLATE, (bool(bar["show"]),), once, context)


@register.inclusion_tag(TEMPLATE, takes_context=True)
def open_timeout_bar(context, bar: dict[str, Any]) -> dict[str, Any]:
    """The bar with a running or ended time-out (`bar` from timeout_state)."""
    return bar


def _bar(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != user.Role.PARTNER:
        return {"show": False}
    from reattune.core.access import active_space_id
    from reattune.rituals.actions import open_timeout_for_page
    from reattune.rituals.models import TimeOut

    try:
        space_id = active_space_id(user)
        # The home page's rituals card already asked in this request: no second query.
        current = open_timeout_for_page(user, space_id) if space_id else None
    except DatabaseError:
        return {"show": False}
    from reattune.couples.membership import partner_of

    now = timezone.now()
    # A time-out is a pause between two people: someone alone is not offered one (a time-out
    # still open from before their partner left is still shown, so it can be ended).
    with_partner = space_id is not None and partner_of(user) is not None
    return {
        "show": with_partner or current is not None,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "timeout": current,
        "running": current is not None and current.ends_at > now,
        "ends_local": (
            current.ends_at.astimezone(current.space.tzinfo()).strftime("%H:%M")
            if current
            else None
        ),
        "mine": current is not None and current.author_id == user.pk,
        "lengths": TimeOut.LENGTHS,
        "suggested": TimeOut.SUGGESTED,
    }
