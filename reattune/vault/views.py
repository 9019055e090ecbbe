"""The vault's pages: thin shells the browser fills in (static/reattune/vault.js).

Nothing a person keeps in the vault ever reaches these views: the pages carry only what the
server already knows (the screen's questions, the help lines for the person's country, the
outcome texts) and the browser encrypts and decrypts through /api/v1/vault. Every variant the
browser may need (locked, unlocked, each outcome of the safety check, help for each kind of
crisis language) is rendered here and hidden; the browser shows the one that fits, so the
server never learns which one that was (docs/vault.md).

The pages allow WebAssembly ('wasm-unsafe-eval') for Argon2id (vendor/hash-wasm); every other
page keeps the site's policy without it.
"""

import re
from typing import Any

from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from reattune.accounts.http import AuthedRequest
from reattune.core.decorators import partner_required
from reattune.core.middleware import CONTENT_SECURITY_POLICY
from reattune.domain.safety.screen import Screen
from reattune.vault.session import session_tag, session_wrap

#: The unlocked key is kept (non-extractable, in IndexedDB) at most this long after last use.
IDLE_SECONDS = 15 * 60

VAULT_CSP = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", 1
)

# What the crisis check finds, in the order help is shown (domain/safety/check.KIND_ORDER).
_VAULT_WHERE = (
    "Your words are locked in your vault, where only you can read them. The check ran in this "
    "browser: nothing about it was sent anywhere, and this help is shown to you alone."
)


def _crisis_check() -> dict[str, str]:
    """The browser's crisis detector (static/reattune/crisis.js) and its lexicons' address,
    when this install has both; otherwise the pages go without (no help card can show)."""
    from django.templatetags.static import static
    from django.urls import NoReverseMatch, reverse

    try:
        return {
            "crisis_js": static("reattune/crisis.js"),
            "lexicons_url": reverse("care-crisis-lexicons"),
        }
    except (NoReverseMatch, ValueError):
        return {}


def _page(
    request: AuthedRequest, template: str, context: dict[str, Any] | None = None
) -> HttpResponse:
    base = {
        "vault_tag": session_tag(request),
        "vault_wrap": session_wrap(request),
        "vault_idle_seconds": IDLE_SECONDS,
        "vault_idle_minutes": IDLE_SECONDS // 60,
        **_crisis_check(),
    }
    response = render(request, template, {**base, **(context or {})})
    response["Content-Security-Policy"] = VAULT_CSP
    return response


def _help_context(request: AuthedRequest) -> dict[str, Any]:
    from reattune.care import support
    from reattune.domain.safety.check import KIND_ORDER

    messages = [
        {"kind": kind, "text": f"{support.LEADS[kind]} {_VAULT_WHERE} {support.HELP[kind]}"}
        for kind in KIND_ORDER
    ]
    return {"crisis_messages": messages, "res": support.resources_for_user(request.user, request)}


def screen_scoring(screen: Screen) -> dict[str, Any]:
    """What the browser scores the vault safety check with (vault.js evaluateScreen, a port of
    domain/safety/screen.evaluate_screen): the items of data/safety/screen.yaml."""
    return {
        "version": screen.version,
        "items": [
            {
                "id": item.id,
                "area": item.area,
                "type": item.scale.type,
                "values": list(item.scale.values),
                "positive_at": item.positive_at,
                "urgent": item.urgent,
            }
            for item in screen.items
        ],
    }


@partner_required
@require_safe  # nothing is ever posted here: the browser talks to /api/v1/vault
def home(request: AuthedRequest) -> HttpResponse:
    return _page(request, "vault/home.html")


@partner_required
@require_safe  # nothing is ever posted here: the browser talks to /api/v1/vault
def journal(request: AuthedRequest) -> HttpResponse:
    return _page(request, "vault/journal.html", _help_context(request))


def _unnamed(form: Form) -> str:
    """The questions without `name` attributes (vault.js names them as it takes over the
    form's submit), so a form sent without the script carries no answer anywhere. Question
    text is escaped, so ' name="' can only be an attribute."""
    html = "".join(render_to_string("includes/field.html", {"field": field}) for field in form)
    return mark_safe(NAME_ATTRIBUTE.sub(' data-name="', html))  # noqa: S308  # nosec B308 B703 - Django-rendered, escaped HTML


NAME_ATTRIBUTE = re.compile(r'\sname="')


@partner_required
@require_safe  # nothing is ever posted here: the browser talks to /api/v1/vault
def safety(request: AuthedRequest) -> HttpResponse:
    from reattune.care.forms import ScreenForm
    from reattune.domain.safety.policy import load_safety_mode
    from reattune.domain.safety.screen import load_safety_plan, load_screen

    screen = load_screen()
    context = {
        **_help_context(request),
        "screen": screen,
        "fields_html": _unnamed(ScreenForm()),
        "scoring": screen_scoring(screen),
        "outcomes": screen.outcomes,
        "areas": screen.areas,
        "plan": load_safety_plan(),
        "rest_titles": list(load_safety_mode().rest_titles.values()),
        "quick_exit": True,
    }
    return _page(request, "vault/safety.html", context)
