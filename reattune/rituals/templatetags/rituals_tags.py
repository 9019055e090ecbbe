"""{% timeout_bar %}: the time-out button (and a running time-out) on every page."""

from django import template
from django.db import DatabaseError
from django.utils import timezone

from reattune.core.fragments import render_once

register = template.Library()

TEMPLATE = "rituals/timeout_bar.html"


@register.simple_tag(takes_context=True)
def timeout_bar(context):
    """The bar as `{% include %}`-ing rituals/timeout_bar.html with _bar(context) would show
    it. Without an open time-out it is the same for everyone but the CSRF token of its form,
    so rendered once per process (core.fragments)."""
    values = _bar(context)
    if values.get("timeout") is None:

        def once():
            from reattune.rituals.models import TimeOut

            return {
                "show": values["show"],
                "timeout": None,
                "lengths": TimeOut.LENGTHS,
                "suggested": TimeOut.SUGGESTED,
            }

        return render_once(TEMPLATE, (bool(values["show"]),), once, context)
    # An open time-out: rendered as an inclusion tag renders (template.library.InclusionNode).
    new_context = context.new(values)
    csrf_token = context.get("csrf_token")
    if csrf_token is not None:
        new_context["csrf_token"] = csrf_token
    return context.template.engine.get_template(TEMPLATE).render(new_context)


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
