"""The coach: feedback on a draft as you type, validating replies, and an opener builder.

What is typed here is never logged and never stored, unless the person presses "Save to my
private journal" (docs/privacy.md). A person with a vault may instead press "Keep it in my
vault instead": the browser hands the draft to the vault journal (static/reattune/coach.js)
and encrypts it there, and nothing of it is posted to these views.

Every text is first given to the one safety check (reattune.care.support): on crisis language
the coach gives no feedback, rewrite or opener, only plain words and the help lines (context
"draft"); on "listen", a partner's crisis sentence shows how to respond (context "partner").
"""

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reattune.accounts.http import AuthedRequest
from reattune.care.safety import resting_context, rests, safety_mode
from reattune.care.support import support_context
from reattune.coach.present import feedback
from reattune.core.decorators import partner_required
from reattune.domain.coach import MAX_CHARS, TextTooLong, build_opener, validating_responses


def _resting_page(request: AuthedRequest, feature: str) -> HttpResponse:
    return render(
        request,
        "coach/resting.html",
        {"resting": resting_context(request.user), "resting_feature": feature},
    )


def _vault_draft(request: AuthedRequest) -> dict[str, Any]:
    """Whether the page offers "Keep it in my vault": only to a person with a vault.
    The draft then goes to the vault journal inside the browser (static/reattune/coach.js,
    sessionStorage of this tab) and is encrypted there; nothing of it is posted here."""
    from reattune.vault.queries import has_vault
    from reattune.vault.session import session_tag

    if not has_vault(request.user):
        return {"has_vault": False}
    # The draft carries this log-in's tag: the vault journal drops a draft from another log-in
    # (someone else signing in on the same tab after a time-out).
    return {"has_vault": True, "vault_tag": session_tag(request)}


def _feedback_context(text: str, request: AuthedRequest | None = None) -> dict[str, Any]:
    if not text.strip():
        return {"empty": True}
    if request is not None:
        support = support_context(request.user, text, request, "draft")
        if support is not None:
            return {"support": support["support"]}
    try:
        return {"result": feedback(text)}
    except TextTooLong:
        return {"too_long": True, "length": len(text)}


@partner_required
def coach(request: AuthedRequest) -> HttpResponse:
    if rests(request.user, "coach_rewrite"):
        return _resting_page(request, "coach_rewrite")
    text = request.POST.get("text", "") if request.method == "POST" else ""
    context = {
        "text": text,
        "max_chars": MAX_CHARS,
        "save_key": uuid.uuid4(),
        "safety_mode": safety_mode(request.user),
        **_vault_draft(request),
    }
    # Vault safety check (reattune/vault/rest.py): the resting variant too, for the browser to
    # choose from; only for this person, and only when they have one.
    from reattune.care.safety import resting_if_positive
    from reattune.core.request_context import vault_rest

    rest = vault_rest(request)
    if rest:
        context.update(vault_rest=rest, resting=resting_if_positive())
    status = 200
    if request.method == "POST":
        context.update(_feedback_context(text, request))
        status = 422 if context.get("too_long") else 200
    return render(request, "coach/coach.html", context, status=status)


@partner_required
@require_POST
def live_feedback(request: AuthedRequest) -> HttpResponse:
    """The htmx fragment under the text box (debounced while typing)."""
    if rests(request.user, "coach_rewrite"):
        return render(request, "coach/feedback.html", {"empty": True, "max_chars": MAX_CHARS})
    context = _feedback_context(request.POST.get("text", ""), request)
    context["max_chars"] = MAX_CHARS
    return render(request, "coach/feedback.html", context)


@partner_required
@require_POST
def save(request: AuthedRequest) -> HttpResponse:
    """Save the draft to the private journal; the only way coach text is ever stored."""
    from reattune.journal.actions import EntryError, do_create_entry

    text = request.POST.get("text", "")
    try:
        key = uuid.UUID(request.POST.get("save_key", ""))
    except ValueError:
        key = None
    try:
        entry, _ = do_create_entry(
            request.user,
            body=text,
            title="Draft from the coach",
            visibility="private",
            submit_key=key,
        )
    except EntryError as error:
        context = {
            "text": text,
            "max_chars": MAX_CHARS,
            "save_key": uuid.uuid4(),
            "save_error": str(error),
            "safety_mode": safety_mode(request.user),
            **_vault_draft(request),
            **_feedback_context(text, request),
        }
        return render(request, "coach/coach.html", context, status=error.status)
    messages.success(request, "Saved to your private journal. Your partner cannot see it.")
    from reattune.core.aftersave import after_save, saved_check

    # the check do_create_entry ran on the saved draft decides the next page
    return after_save(
        request, saved_check(entry), redirect("journal-detail", entry.pk), [(text, "private")]
    )


@partner_required
def listen(request: AuthedRequest) -> HttpResponse:
    text = request.POST.get("text", "") if request.method == "POST" else ""
    context = {"text": text, "max_chars": MAX_CHARS}
    status = 200
    support = support_context(request.user, text, request, "partner")
    if request.method == "POST" and support is not None:
        context["support"] = support["support"]
    elif request.method == "POST" and text.strip():
        try:
            context["replies"] = validating_responses(text)
        except TextTooLong:
            context["too_long"], status = True, 422
    return render(request, "coach/listen.html", context, status=status)


OPENER_FIELD_LIMIT = 1000


@partner_required
def opener(request: AuthedRequest) -> HttpResponse:
    if rests(request.user, "coach_opener"):
        return _resting_page(request, "coach_opener")
    fields = {name: request.POST.get(name, "") for name in ("miss", "feel", "like")}
    context = {**fields, "limit": OPENER_FIELD_LIMIT, "save_key": uuid.uuid4()}
    # Vault safety check (reattune/vault/rest.py): the resting variant too, for the browser to
    # choose from; only for this person, and only when they have one.
    from reattune.care.safety import resting_if_positive
    from reattune.core.request_context import vault_rest

    rest = vault_rest(request)
    if rest:
        context.update(vault_rest=rest, resting=resting_if_positive())
    status = 200
    if request.method == "POST":
        if any(len(v) > OPENER_FIELD_LIMIT for v in fields.values()):
            context["error"], status = (
                f"Please keep each answer under {OPENER_FIELD_LIMIT:,} characters.",
                422,
            )
        elif not any(v.strip() for v in fields.values()):
            context["error"], status = "Fill in at least one of the three boxes.", 422
        else:
            support = support_context(request.user, "\n".join(fields.values()), request, "draft")
            if support is not None:
                context["support"] = support["support"]
            else:
                context["opener"] = build_opener(**fields).to_dict()
    return render(request, "coach/opener.html", context, status=status)
