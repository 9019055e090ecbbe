"""Help resources for a person, and the crisis check after free text is saved.

The crisis check stores nothing: on a hit, only the author's next page (or the API response to
their own save) changes. Nothing is sent, logged or flagged anywhere a partner, a therapist or
the host's logs could see.
"""

from django.conf import settings
from django.shortcuts import render
from django.urls import Resolver404, resolve

from reattune.core.aftersave import register_after_save
from reattune.domain.safety.crisis import detect_crisis
from reattune.domain.safety.resources import (
    country_from_locale,
    load_resources,
    normalise_country,
    resources_for,
)

KIND_ORDER = ("harm_from_others", "suicide", "self_harm", "harm_to_others")

CRISIS_MESSAGES = {
    "harm_from_others": (
        "What you wrote sounds frightening. Your words are saved, and only you can see this "
        "page. If you are in danger now, please call the emergency number. The lines below "
        "help people whose partner or someone close hurts or threatens them: you can call "
        "them just to talk it through."
    ),
    "suicide": (
        "What you wrote sounds really painful. Your words are saved, and only you can see this "
        "page. You do not have to carry this alone: the people on these lines are there to "
        "listen, day and night. If you might act on these thoughts, call the emergency number "
        "now."
    ),
    "self_harm": (
        "What you wrote sounds like you are going through a lot. Your words are saved, and "
        "only you can see this page. The people on these lines listen without judging, and "
        "talking can help with the urge to hurt yourself."
    ),
    "harm_to_others": (
        "It sounds like things feel overwhelming right now. Your words are saved, and only you "
        "can see this page. If you feel you might hurt someone, step away if you can and "
        "reach out now: the people on these lines can help you through this moment. If "
        "anyone is in danger, call the emergency number."
    ),
}


def resource_set():
    """The shipped resources merged with the host's override folders (settings.RESOURCE_DIRS,
    in order, a later folder winning; else the REATTUNE_RESOURCES_DIR environment variable)."""
    dirs = [d for d in (getattr(settings, "RESOURCE_DIRS", None) or []) if d]
    return load_resources(dirs or None)


def country_for(user, request=None) -> str | None:
    """The country chosen in settings, else the browser's Accept-Language region."""
    code = normalise_country(getattr(user, "country", "") or "")
    if code:
        return code
    if request is not None:
        return country_from_locale(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    return None


def resources_for_user(user, request=None):
    return resources_for(country_for(user, request), resource_set())


def ordered_kinds(kinds) -> list[str]:
    return [k for k in KIND_ORDER if k in kinds]


def crisis_context(user, kinds, request=None) -> dict:
    kinds = ordered_kinds(kinds)
    res = resources_for_user(user, request)
    dv_first = "harm_from_others" in kinds
    groups = [("dv", res.dv_lines), ("crisis", res.crisis_lines)]
    if not dv_first:
        groups.reverse()
    return {
        "kinds": kinds,
        "crisis_messages": [CRISIS_MESSAGES[k] for k in kinds],
        "res": res,
        "line_groups": [(name, lines) for name, lines in groups if lines],
        "dv_first": dv_first,
    }


def _line(line, kind: str) -> dict:
    return {
        "kind": kind,
        "name": line.name,
        "phone": line.phone,
        "description": line.description,
        "url": line.url,
        "hours": line.hours,
        "region": line.region,
    }


def support_for(user, text, request=None) -> dict | None:
    """The `support` object of an API response to the author's own save, or None (no hit)."""
    result = detect_crisis(text)
    if not result:
        return None
    ctx = crisis_context(user, result.kinds, request)
    res = ctx["res"]
    lines = []
    for name, group in ctx["line_groups"]:
        lines += [_line(x, "domestic_violence" if name == "dv" else "crisis") for x in group]
    return {
        "kinds": ctx["kinds"],
        "message": ctx["crisis_messages"][0],
        "country": res.country,
        "emergency": {"number": res.emergency.number, "label": res.emergency.label},
        "lines": lines,
        "directory": [{"name": d.name, "url": d.url} for d in res.directory],
        "note": res.message,
    }


def _continue_url(request) -> str:
    """Where 'carry on' leads: the start page of the feature the text was saved in."""
    first = request.path.strip("/").split("/", 1)[0]
    if first:
        try:
            resolve(f"/{first}/")
            return f"/{first}/"
        except Resolver404:
            pass
    return "/home/"


@register_after_save
def crisis_after_save(request, text):
    """After-save hook: the text is saved already; on a hit the author sees help right now."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    result = detect_crisis(text)
    if not result:
        return None
    context = crisis_context(user, result.kinds, request)
    context["continue_url"] = _continue_url(request)
    return render(request, "care/crisis.html", context)
