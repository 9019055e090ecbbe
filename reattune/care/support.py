"""Help resources for a person, and the one crisis check on every piece of free text.

Text that an action saves is checked by that action (``core.aftersave.check_saved``); the
adapters build support from its result with :func:`support_from` (API) or
:func:`support_context_from` / ``core.aftersave.after_save`` (pages). Text that is not saved
(coach drafts, a partner reading revealed words) goes through :func:`support_for` /
:func:`support_context`, which run the same check. The context the text lives in (see
``reattune.domain.safety.check``):

* ``private``: saved where the partner cannot read it (the author's own journal entry).
* ``shared``: saved, and the partner can read it now or once it is revealed.
* ``draft``: coach text analysed in memory and not stored.
* ``partner``: the partner reading revealed text; the reader gets guidance on how to respond and
  the help lines for the reader's own country, never anything about the author's care data.

The check stores nothing: on a hit, only the next page (or the API response) of the person who
wrote or read the text changes. Nothing is sent, logged or flagged anywhere.
"""

from django.conf import settings

from reattune.domain.safety.check import CONTEXTS, SafetyCheck, check_text
from reattune.domain.safety.check import ordered_kinds as _ordered
from reattune.domain.safety.resources import (
    country_from_locale,
    load_resources,
    normalise_country,
    resources_for,
)

SAFETY_CHECK_URL = "/care/safety/"

# The first sentence, by kind: how the words sound, never what the person "is".
LEADS = {
    "harm_from_others": "What you wrote sounds frightening.",
    "suicide": "What you wrote sounds really painful.",
    "self_harm": "What you wrote sounds like you are going through a lot.",
    "harm_to_others": "It sounds like things feel overwhelming right now.",
}

# Who can read the words: the only sentence that depends on the context. Each must be true.
WHERE = {
    "private": (
        "Your words are saved where your partner cannot read them, and this help is shown to "
        "you alone."
    ),
    "shared": (
        "Your words are saved and shared, so your partner can read them (or will, once they "
        "are revealed), as can a therapist you both allowed to read what you share. This help "
        "is shown to you alone."
    ),
    "draft": (
        "Nothing you typed here has been saved, and nothing has been sent to anyone: this help "
        "is shown to you alone."
    ),
}
# The coach (draft) does not comment on the words: it says plainly that this is a lot to carry.
DRAFT_LEADS = {
    "harm_from_others": "This sounds like a lot to carry, and frightening.",
    "suicide": "This sounds like a lot to carry.",
    "self_harm": "This sounds like a lot to carry.",
    "harm_to_others": "This sounds like a lot to carry.",
}

# What to do, by kind.
HELP = {
    "harm_from_others": (
        "If you are in danger now, please call the emergency number. The lines below help "
        "people whose partner or someone close hurts or threatens them: you can call them just "
        "to talk it through."
    ),
    "suicide": (
        "You do not have to carry this alone: the people on these lines are there to listen. If "
        "you might act on these thoughts, call the emergency number now."
    ),
    "self_harm": (
        "The people on these lines listen without judging, and talking can help with the urge "
        "to hurt yourself."
    ),
    "harm_to_others": (
        "If you feel you might hurt someone, step away if you can and reach out now: the people "
        "on these lines can help you through this moment. If anyone is in danger, call the "
        "emergency number."
    ),
}

# For a partner who reads what the author revealed: how to respond, with the reader's lines.
PARTNER_MESSAGES = {
    "harm_from_others": (
        "Your partner wrote about being hurt, threatened or afraid of being hurt. Please take "
        "it seriously. Here is how you can respond, and who you can call."
    ),
    "suicide": (
        "Your partner wrote about not wanting to live or about ending their life. Please take "
        "it seriously, even if it was said in passing. Here is how you can respond, and who you "
        "can call."
    ),
    "self_harm": (
        "Your partner wrote about hurting themselves. Please take it seriously. Here is how you "
        "can respond, and who you can call."
    ),
    "harm_to_others": (
        "Your partner wrote that they fear they might hurt someone. Please take it seriously. "
        "Here is how you can respond, and who you can call."
    ),
}
_ASK_SUICIDE = (
    "Ask them directly: \u201cAre you thinking about ending your life?\u201d Asking does not "
    "put the idea in their head; it shows them they can tell you."
)
PARTNER_GUIDANCE = {
    "harm_from_others": (
        "Take it seriously and believe them.",
        "Ask them directly whether they are safe right now, and what would help.",
        "Stay with them or stay in touch; let them choose the next step at their own pace.",
        "Call one of the lines below together. If anyone is in danger now, call the emergency "
        "number.",
    ),
    "suicide": (
        "Take it seriously: tell them you read it and that you are glad they told you.",
        _ASK_SUICIDE,
        "Stay with them, or stay in touch, and listen more than you advise.",
        "Call one of the lines below together. If they might act on it now, call the "
        "emergency number.",
    ),
    "self_harm": (
        "Take it seriously and stay calm: tell them you read it and that you care.",
        "Ask them directly whether they are hurting themselves, and whether they are safe now.",
        "Stay with them, or stay in touch, and listen more than you advise.",
        "Call one of the lines below together. If they are injured or in danger, call the "
        "emergency number.",
    ),
    "harm_to_others": (
        "Take it seriously and stay calm.",
        "Ask them directly whether they or anyone else is in danger right now.",
        "If you feel unsafe, put some distance between you first: your safety matters too.",
        "Call one of the lines below together. If anyone is in danger now, call the emergency "
        "number.",
    ),
}


def resource_set():
    """The shipped resources merged with the host's override folders (settings.RESOURCE_DIRS,
    in order, a later folder winning).
    Works without Django settings too (the `reattune coach` command)."""
    configured = settings.configured
    dirs = [
        d for d in ((getattr(settings, "RESOURCE_DIRS", None) if configured else None) or []) if d
    ]
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
    return list(_ordered(kinds))


def message_for(kinds, context: str = "private") -> str:
    """The wording shown with the help lines: true for who can read the text."""
    kinds = ordered_kinds(kinds)
    first = kinds[0]
    if context == "partner":
        return PARTNER_MESSAGES[first]
    if context == "draft":
        return f"{DRAFT_LEADS[first]} {WHERE['draft']} {HELP[first]}"
    return f"{LEADS[first]} {WHERE[context]} {HELP[first]}"


def crisis_context(user, kinds, request=None, context: str = "private", res=None) -> dict:
    """Template context of the crisis page (res, line groups, messages) for these kinds."""
    kinds = ordered_kinds(kinds)
    if res is None:
        res = resources_for_user(user, request)
    dv_first = "harm_from_others" in kinds
    groups = [("dv", res.dv_lines), ("crisis", res.crisis_lines)]
    if not dv_first:
        groups.reverse()
    if "harm_to_others" in kinds and context != "partner":
        # Someone afraid of what they might do is offered the lines for people worried about
        # their own behaviour, first when that is what the words are about.
        behaviour = ("behaviour", res.behaviour_lines)
        groups.insert(0 if kinds[0] == "harm_to_others" else len(groups), behaviour)
    return {
        "kinds": kinds,
        "context": context,
        "crisis_messages": [message_for([k], context) for k in kinds],
        "res": res,
        "line_groups": [(name, lines) for name, lines in groups if lines],
        "dv_first": dv_first,
    }


LINE_KINDS = {"dv": "domestic_violence", "crisis": "crisis", "behaviour": "own_behaviour"}


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


def build_support(check, res) -> dict:
    """The `support` dict for a SafetyCheck and a CountryResources (no Django needed)."""
    ctx = crisis_context(None, check.kinds, None, check.context, res=res)
    lines = []
    for name, group in ctx["line_groups"]:
        lines += [_line(x, LINE_KINDS[name]) for x in group]
    partner = check.context == "partner"
    return {
        "kinds": ctx["kinds"],
        "context": check.context,
        "message_key": check.message_key,
        "message": message_for(check.kinds, check.context),
        "guidance": list(PARTNER_GUIDANCE[check.kinds[0]]) if partner else [],
        "country": res.country,
        "country_name": res.name,
        "emergency": {"number": res.emergency.number, "label": res.emergency.label},
        "lines": lines,
        "directory": [{"name": d.name, "url": d.url} for d in res.directory],
        "note": res.message,
        "safety_check_url": None if partner else SAFETY_CHECK_URL,
    }


def support_from(user, found: SafetyCheck | None, request=None) -> dict | None:
    """The `support` object for a check an action already ran (None: no hit).

    The lines are for ``user``'s country (or the request's Accept-Language region).
    """
    if found is None:
        return None
    return build_support(found, resources_for_user(user, request))


def support_context_from(user, found: SafetyCheck | None, request=None) -> dict | None:
    """Template context (as :func:`support_context`) for a check an action already ran."""
    if found is None:
        return None
    res = resources_for_user(user, request)
    ctx = crisis_context(user, found.kinds, request, found.context, res=res)
    ctx["support"] = build_support(found, res)
    return ctx


def support_for(user, text, request=None, context: str = "private") -> dict | None:
    """The `support` object of an API response, or None (no crisis language).

    ``user`` is the person who sees it: the author (private, shared, draft) or the partner
    who reads revealed text (partner); the lines are for that person's country.
    """
    check = check_text(text, context)
    if check is None:
        return None
    return build_support(check, resources_for_user(user, request))


def support_context(user, text, request=None, context: str = "private") -> dict | None:
    """Template context for a page that shows support inline, or None (no hit).

    Render it with ``{% include "care/includes/support.html" %}``: it gives ``support`` (the
    same dict as :func:`support_for`) plus ``res``, ``dv_first`` and ``crisis_messages``.
    """
    return support_context_from(user, check_text(text, context), request)


def _continue_url(request) -> str:
    """Where 'carry on' leads: the start page of the feature the text was saved in."""
    from django.urls import Resolver404, resolve

    first = request.path.strip("/").split("/", 1)[0]
    if first:
        try:
            resolve(f"/{first}/")
            return f"/{first}/"
        except Resolver404:
            pass
    return "/home/"


def crisis_after_save(request, text, context: str = "private", *, check=None):
    """After-save hook: the text is saved already; on a hit its author sees help right now.

    ``check`` is the result of the check the saving action ran (core.aftersave.after_save);
    without it (a caller that passes only the text) the text is checked here.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if check is not None:
        ctx = support_context_from(user, check, request)
    else:
        ctx = support_context(user, text, request, context)
    if ctx is None:
        return None
    from django.shortcuts import render

    ctx["continue_url"] = _continue_url(request)
    return render(request, "care/crisis.html", ctx)


__all__ = [
    "CONTEXTS",
    "build_support",
    "country_for",
    "crisis_after_save",
    "crisis_context",
    "message_for",
    "resources_for_user",
    "support_context",
    "support_context_from",
    "support_for",
    "support_from",
]
