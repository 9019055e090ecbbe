"""Template tags of the vault."""

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def first_on_page(context: dict[str, Any], name: str) -> bool:
    """True the first time `name` is asked for while one request's page is drawn, False after.

    vault/includes/rest.html draws the browser's safety-mode switch (one marked root and its
    scripts) once a page, however many parts of it (the help card, the plan card) include it,
    each maybe in a template rendered on its own. The names drawn are kept in the request's
    one context (request.couple, core.request_context), which ends with the request."""
    couple = getattr(context.get("request"), "couple", None)
    if couple is None:
        return True
    drawn: set[str] = couple.once("first_on_page", set)
    if name in drawn:
        return False
    drawn.add(name)
    return True
