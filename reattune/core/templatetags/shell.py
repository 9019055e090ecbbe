"""{% main_nav as nav %}: the app shell's destinations for the signed-in person.

At most five tabs (the bottom tab bar on a phone, one row in the header on a wide screen),
each with an icon, and the rest under "More". The current destination is the one whose
address is the longest prefix of the page's path (marked aria-current in the template).
"""

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse

from reattune.core.fragments import render_once

register = template.Library()

# 24x24 line icons, drawn with stroke="currentColor" (no fill), hand-written.
ICONS = {
    "today": "M12 7.5a4.5 4.5 0 1 0 0 9a4.5 4.5 0 1 0 0-9zM12 2v2.5M12 19.5V22M2 12h2.5M19.5 "
    "12H22M4.9 4.9l1.8 1.8M17.3 17.3l1.8 1.8M4.9 19.1l1.8-1.8M17.3 6.7l1.8-1.8",
    "plan": "M10 6h10M10 12h10M10 18h10M3.5 6l1.5 1.5L7.5 5M3.5 12l1.5 1.5L7.5 11M3.5 18l1.5 "
    "1.5L7.5 17",
    "coach": "M4 5.5h16v10.5H10l-5 4v-4H4z",
    "us": "M2.5 12a6 6 0 1 0 12 0a6 6 0 1 0-12 0M9.5 12a6 6 0 1 0 12 0a6 6 0 1 0-12 0",
    "more": "M3.5 12a1.75 1.75 0 1 0 3.5 0a1.75 1.75 0 1 0-3.5 0M10.25 12a1.75 1.75 0 1 0 3.5 0a1.75 1.75 0 1 0-3.5 0M17 12a1.75 1.75 0 1 0 3.5 0a1.75 1.75 0 1 0-3.5 0",
    "couples": "M2.5 12a6 6 0 1 0 12 0a6 6 0 1 0-12 0M9.5 12a6 6 0 1 0 12 0a6 6 0 1 0-12 0",
    "account": "M12 3.5a4 4 0 1 0 0 8a4 4 0 1 0 0-8zM4 21c.5-4 4-6 8-6s7.5 2 8 6",
}

PARTNER_TABS = (
    ("today", "Today", "home"),
    ("plan", "Plan", "plan"),
    ("coach", "Coach", "coach"),
    ("us", "Us", "couple"),
)
PARTNER_MORE = (
    ("Rituals", "rituals"),
    ("Progress", "rituals-progress"),
    ("Check-up", "checkup"),
    ("Journal", "journal"),
    ("Report", "report"),
    ("Support", "care"),
    ("Account", "account"),
)
THERAPIST_TABS = (
    ("couples", "Couples", "therapist-home"),
    ("account", "Account", "account"),
)
# Pages that belong to a destination without sharing its address's prefix. Today's check-in
# is started from Today, so Today stays marked while it is filled in (the longest prefix wins
# over Rituals' /rituals/). The two of you side by side is the couple view, opened first from
# Us. The vault is opened from the journal, its safety check from Support.
ALSO_UNDER = {
    "Today": ("/rituals/daily/",),
    "Us": ("/invite/", "/results/us/"),
    "Check-up": ("/results/", "/learn/"),
    "Journal": ("/vault/",),
    "Support": ("/vault/safety/",),
}


@functools.lru_cache(maxsize=64)
def _url(name: str, prefix: str) -> str:
    """The address of a named page without arguments: the same for everyone, so reversed
    once per process (and script prefix) instead of on every page."""
    return reverse(name)


@register.simple_tag
def address(name: str) -> str:
    """{% address 'home' %}: the same text as {% url 'home' %} for a named page without
    arguments, reversed once per process (and script prefix)."""
    return _url(name, get_script_prefix())


@functools.lru_cache(maxsize=16)
def _candidates(therapist: bool, prefix: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(label, address prefixes) of each destination that can be current, tabs first."""
    tabs = THERAPIST_TABS if therapist else PARTNER_TABS
    items = [(label, _url(name, prefix)) for _key, label, name in tabs]
    if not therapist:
        items += [(label, _url(name, prefix)) for label, name in PARTNER_MORE]
    return tuple((label, (url, *ALSO_UNDER.get(label, ()))) for label, url in items)


def _current(path: str, candidates: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """The label of the destination whose address is the longest prefix of `path`."""
    best, length = None, 0
    for label, prefixes in candidates:
        for prefix in prefixes:
            if path.startswith(prefix) and len(prefix) > length:
                best, length = label, len(prefix)
    return best


@functools.lru_cache(maxsize=64)
def _nav(therapist: bool, prefix: str, current_label: str | None) -> Mapping[str, Any]:
    """The tabs and the "More" list with the current one marked: the same for everyone with
    that role on that destination, so made once per process for each and shared by every
    request. Read-only all the way down (tuples and MappingProxyType, `_frozen`): no page can
    change what the next one is shown."""
    tabs = [
        {"key": key, "label": label, "url": _url(name, prefix), "icon": ICONS[key]}
        for key, label, name in (THERAPIST_TABS if therapist else PARTNER_TABS)
    ]
    more = (
        []
        if therapist
        else [{"label": label, "url": _url(name, prefix)} for label, name in PARTNER_MORE]
    )
    if not therapist:
        tabs.append({"key": "more", "label": "More", "url": "#more", "icon": ICONS["more"]})
    for item in [t for t in tabs if t["key"] != "more"] + more:
        if item["label"] == current_label:
            item["current"] = True
            break
    more_current = any(item.get("current") for item in more)
    if more_current:
        tabs[-1]["current"] = True
    return _frozen(
        {"tabs": tabs, "more": more, "therapist": therapist, "more_current": more_current}
    )


def _frozen(value: Any) -> Any:
    """`value` with every dict a read-only MappingProxyType and every list a tuple."""
    if isinstance(value, dict):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    return value


@register.simple_tag(takes_context=True)
def main_nav(context):
    """{"tabs": [...], "more": [...], "more_current": bool, "html": the rendered bar} or None
    for a visitor. The bar's HTML is rendered once per role and destination
    (core.fragments): only the CSRF token of its log-out form is the page's own."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    therapist = user.role == "therapist"
    prefix = get_script_prefix()
    current = _current(request.path, _candidates(therapist, prefix))
    nav = _nav(therapist, prefix, current)
    html = render_once(
        "includes/main_nav.html", (therapist, current), lambda: {"nav": nav}, context
    )
    return {**nav, "html": html}
