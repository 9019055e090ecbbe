"""Page fragments that are the same for everyone but the CSRF token, rendered once.

The tab bar and the time-out bar's form are on every page and differ from one person to the
next only by the CSRF token in their forms. `render_once` renders such a template once per
process for each key (with the script prefix and the language), with a stand-in token, and
puts the page's own `{% csrf_token %}` in its place on each request: the same HTML as
rendering the template every time, without its template work.

Only for templates whose output depends on nothing but the values given here and the CSRF
token: no request, no user, no time, no data of anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Letters and digits only, so escaping leaves it as it is; no real token has this form.
STAND_IN = "csrfStandInForTheRequestsOwnToken"
_STAND_IN_INPUT = str(CsrfTokenNode().render(Context({"csrf_token": STAND_IN})))

_rendered: dict[tuple, str] = {}


def render_once(
    template_name: str, key: tuple, values: Callable[[], dict[str, Any]], context: Any
) -> SafeString:
    """`template_name` rendered with `values()`, once per process for each `key`, with the
    CSRF token of the page's `context` (a template Context) where the template has one."""
    whole_key = (template_name, key, get_script_prefix(), get_language())
    text = _rendered.get(whole_key)
    if text is None:
        text = get_template(template_name).render({**values(), "csrf_token": STAND_IN})
        _rendered[whole_key] = text  # a few keys in all: the same for everyone
    if _STAND_IN_INPUT in text:
        text = text.replace(_STAND_IN_INPUT, str(CsrfTokenNode().render(context)))
    return mark_safe(text)  # noqa: S308  # nosec B308 B703 - the template's own escaped output
