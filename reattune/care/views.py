from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from reattune.accounts import sealed
from reattune.accounts.http import AuthedRequest, Request
from reattune.accounts.models import User
from reattune.accounts.sessions import PENDING_LIFETIME, has_pending_invite
from reattune.care import actions, help, safety, support
from reattune.care.decorators import therapist_required
from reattune.care.forms import ScreenForm
from reattune.care.models import SafetyScreen, TherapistConsent, TherapistGrant, TherapistInvite
from reattune.care.therapist import couple_summary
from reattune.core import access
from reattune.core.decorators import partner_required
from reattune.domain.safety.policy import load_safety_mode
from reattune.domain.safety.resources import load_professional
from reattune.domain.safety.screen import (
    ScreenAnswerError,
    ScreenSubmissionError,
    load_safety_plan,
    load_screen,
    parse_submission,
)

PENDING_THERAPIST_INVITE = "pending_therapist_invite"
THERAPIST_LINK = "therapist_link"
THERAPIST_LINK_LIFETIME = 3600  # can be copied again from the help page for an hour
THERAPIST_SIGNUP_USED = "therapist_signup_used"


def _continue_after_offer(request: AuthedRequest) -> str:
    """Where a new person goes after the screen offer: joining their partner, or home."""
    return reverse("invite-confirm") if has_pending_invite(request) else reverse("home")


# --- the help page and the help card -----------------------------------------------------


@partner_required
def help_page(request: AuthedRequest) -> HttpResponse:
    user = request.user
    from reattune.couples.membership import partner_of

    space_id = access.active_space_id(user)
    # Without a space: no grants and no invite (a filter on a null space_id finds none).
    grants = (
        list(
            TherapistGrant.objects.filter(space_id=space_id)
            .select_related("therapist", "invited_by")
            .prefetch_related("consents")
            .order_by("-created_at")
        )
        if space_id is not None
        else []
    )
    open_grants = []
    for grant in grants:
        if grant.revoked_at is not None:
            continue
        consents = {c.partner_id: c for c in grant.consents.all()}
        open_grants.append(
            {
                "grant": grant,
                "mine": consents.get(user.pk),
                "partner_consented": any(pid != user.pk for pid in consents),
            }
        )
    reads = actions.audit_log_for(user)[:100]
    open_invite = (
        TherapistInvite.objects.filter(
            space_id=space_id, used_at__isnull=True, revoked_at__isnull=True
        )
        .order_by("-created_at")
        .first()
        if space_id is not None
        else None
    )
    link = sealed.peek(request, THERAPIST_LINK)  # sealed: never readable in django_session
    if link and not (open_invite and open_invite.is_open):
        sealed.drop(request, THERAPIST_LINK)
        link = None
    reasons = help.reasons_for(user)
    context = {
        **help.card_context(user),
        "reasons": reasons,
        "crisis_lines": help.needs_crisis_lines(reasons),
        "snoozed_until": help.snoozed_until(user),
        "professional": load_professional(support.resource_set()),
        "res": support.resources_for_user(user, request),
        "safety_mode": safety.safety_mode(user),
        "resting": safety.resting_context(user),
        "partner": partner_of(user),
        "open_grants": open_grants,
        "reads": reads,
        "open_invite": open_invite if open_invite and open_invite.is_open else None,
        "therapist_link": link,
    }
    # Vault safety check (reattune/vault/rest.py): the resting variant too, for the browser to
    # choose from; only for this person, and only when they have one.
    from reattune.care.safety import resting_if_positive
    from reattune.core.request_context import vault_rest

    rest = vault_rest(request)
    if rest:
        context.update(vault_rest=rest, vault_resting=resting_if_positive())
    return render(request, "care/help.html", context)


@partner_required
@require_POST
def snooze(request: AuthedRequest) -> HttpResponse:
    actions.do_snooze_help(request.user)
    messages.success(request, "We will not show this card again for a while.")
    return redirect("care" if request.POST.get("back") == "care" else "home")


# --- the safety screen -------------------------------------------------------------------


@partner_required
def welcome(request: AuthedRequest) -> HttpResponse:
    """Offered once right after sign-up: a gentle, skippable invitation to the screen."""
    return render(
        request,
        "care/welcome.html",
        {"screen": load_screen(), "continue_url": _continue_after_offer(request)},
    )


def _screen_in_vault(request: AuthedRequest) -> HttpResponse:
    """A person with a vault: to the vault's own safety check, where only they can read it."""
    text = "You have a vault, so your safety check is kept there, where only you can read it."
    if request.method == "POST":
        text += (
            " The answers you just sent were not kept: answer here, and your browser locks "
            "them before they are sent."
        )
    messages.info(request, text)
    return redirect("vault-safety")


@partner_required
def screen(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("skip"):
        return redirect(_continue_after_offer(request))
    try:
        actions.refuse_readable_screen(request.user)
    except actions.KeepScreenInVault:
        return _screen_in_vault(request)
    form = ScreenForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        fields = {k: request.POST.getlist(k) for k in request.POST if k != "skip"}
        try:
            answers = parse_submission(fields)
            actions.do_save_screen(request.user, answers)
        except actions.KeepScreenInVault:
            return _screen_in_vault(request)
        except ScreenSubmissionError as error:
            form.is_valid()  # bound: the page shows the person's own choices again
            form.add_error(None, str(error))
            for item_id in error.missing:
                form.add_error(item_id, 'Choose an answer, or "Prefer not to say".')
            status = 422
        except ScreenAnswerError:
            form.add_error(None, "Something in the answers did not fit. Nothing was saved.")
            status = 422
        else:
            return redirect("care-safety-result")
    return render(
        request,
        "care/screen.html",
        {"form": form, "screen": load_screen(), "quick_exit": True},
        status=status,
    )


@partner_required
def screen_result(request: AuthedRequest) -> HttpResponse:
    user = request.user
    row = SafetyScreen.objects.filter(author=user).first()
    if row is None:
        return redirect("care-safety")
    result = safety.result_from_json(row.result)
    scr = load_screen()
    pol = safety.policy(user)
    context = {
        "row": row,
        "result": result,
        "urgent": scr.outcomes["urgent"] if result.urgent else None,
        "outcomes": [
            scr.outcomes[k] for k in result.outcome_ids if k in scr.outcomes and k != "urgent"
        ],
        "resting_titles": (
            [load_safety_mode().rest_titles[f] for f in pol.resting] if pol.active else []
        ),
        "resting": safety.resting_context(user),
        "areas": [scr.areas[a] for a in sorted(result.areas) if a in scr.areas],
        "res": support.resources_for_user(user, request),
        "plan": load_safety_plan() if result.positive else None,
        "quick_exit": True,
        "continue_url": _continue_after_offer(request),
    }
    return render(request, "care/screen_result.html", context)


@partner_required
@require_POST
def screen_delete(request: AuthedRequest) -> HttpResponse:
    actions.do_delete_screens(request.user)
    messages.success(request, "Your answers are deleted.")
    return redirect("care")


# --- country -----------------------------------------------------------------------------


@partner_required
@require_POST
def set_country(request: AuthedRequest) -> HttpResponse:
    try:
        actions.do_set_country(request.user, request.POST.get("country", "").strip())
    except actions.CareError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Saved. Help pages now show lines for this country.")
    return redirect(reverse("account") + "#country")


# --- therapist access: the partners' side --------------------------------------------------


@partner_required
@require_POST
def therapist_invite_create(request: AuthedRequest) -> HttpResponse:
    if safety.rests(request.user, "therapist_invite"):
        # Resting for this person only (their safety mode); nothing is created.
        messages.info(request, "Inviting a couples therapist is resting for you for now.")
        return redirect(reverse("care") + "#therapist")
    try:
        raw = actions.do_create_therapist_invite(
            request.user, share_journal=request.POST.get("share_journal") == "yes"
        )
    except actions.CareError as error:
        messages.error(request, str(error))
        return redirect("care")
    link = request.build_absolute_uri(reverse("therapist-invite-open", args=[raw]))
    sealed.seal(request, THERAPIST_LINK, link, THERAPIST_LINK_LIFETIME)
    messages.success(request, "The link for your therapist is ready. It works once and for 7 days.")
    return redirect(reverse("care") + "#therapist")


@partner_required
@require_POST
def therapist_invite_revoke(request: AuthedRequest) -> HttpResponse:
    actions.do_revoke_therapist_invites(request.user)
    sealed.drop(request, THERAPIST_LINK)
    messages.success(request, "The link no longer works.")
    return redirect(reverse("care") + "#therapist")


@partner_required
@require_POST
def therapist_consent(request: AuthedRequest, grant_id: int) -> HttpResponse:
    if (
        safety.rests(request.user, "therapist_invite")
        and not TherapistConsent.objects.filter(grant_id=grant_id, partner=request.user).exists()
    ):
        # A new agreement to couples therapy rests for this person (their safety mode only).
        messages.info(request, "Agreeing to a couples therapist is resting for you for now.")
        return redirect(reverse("care") + "#therapist")
    share = request.POST.get("share_journal") == "yes"
    if actions.do_consent(request.user, grant_id, share) is None:
        raise Http404
    messages.success(request, "Saved.")
    return redirect(reverse("care") + "#therapist")


@partner_required
@require_POST
def therapist_revoke(request: AuthedRequest, grant_id: int) -> HttpResponse:
    if actions.do_revoke_grant(request.user, grant_id) is None:
        raise Http404
    messages.success(request, "Done. Your therapist cannot see anything here any more.")
    return redirect(reverse("care") + "#therapist")


# --- therapist access: the therapist's side ------------------------------------------------


def therapist_invite_open(request: Request, token: str) -> HttpResponse:
    invite = actions.find_open_therapist_invite(token)
    if invite is None:
        return render(request, "care/therapist_invite_invalid.html", status=404)
    sealed.seal(request, PENDING_THERAPIST_INVITE, token, PENDING_LIFETIME)
    request.session.pop(THERAPIST_SIGNUP_USED, None)  # a new visit to the link
    if request.user.is_authenticated:
        return redirect("therapist-invite-confirm")
    return render(request, "care/therapist_invite_welcome.html", {"inviter": invite.created_by})


def therapist_invite_confirm(request: Request) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(reverse("login") + "?next=" + reverse("therapist-invite-confirm"))
    token = sealed.peek(request, PENDING_THERAPIST_INVITE)
    invite = actions.find_open_therapist_invite(token) if token else None
    if invite is None or not token:
        sealed.drop(request, PENDING_THERAPIST_INVITE)
        return render(request, "care/therapist_invite_invalid.html", status=404)
    if request.user.role != User.Role.THERAPIST:
        return render(request, "care/therapist_invite_partner.html", status=403)
    if request.method == "POST":
        try:
            actions.do_accept_therapist_invite(request.user, token)
        except actions.CareError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                "Thank you. You will see this couple's results once both partners agree.",
            )
        finally:
            sealed.drop(request, PENDING_THERAPIST_INVITE)
        return redirect("therapist-home")
    return render(request, "care/therapist_invite_confirm.html", {"inviter": invite.created_by})


def therapist_signup(request: Request) -> HttpResponse:
    """Therapist accounts are made only through a couple's link."""
    from reattune.accounts.forms import SignupForm

    token = sealed.peek(request, PENDING_THERAPIST_INVITE)
    if (
        not token
        or actions.find_open_therapist_invite(token) is None
        or request.session.get(THERAPIST_SIGNUP_USED)
    ):
        # One account per visit to a still-open link.
        return render(request, "care/therapist_invite_invalid.html", status=404)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        from reattune.accounts.present import locked_message
        from reattune.core import throttle

        signup_attempt = throttle.begin_signup(request)  # sign-ups are counted per address
        if not signup_attempt.allowed:
            form.add_error(None, locked_message(signup_attempt))
        elif User.objects.filter(email=data["email"]).exists():
            form.add_error(
                None,
                "We could not create an account with these details. "
                "If you already have one, log in instead.",
            )
        else:
            user = actions.do_create_therapist(
                data["email"], data["password"], data["display_name"]
            )
            request.session[THERAPIST_SIGNUP_USED] = True
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("therapist-invite-confirm")
    return render(request, "care/therapist_signup.html", {"form": form})


@therapist_required
def therapist_home(request: AuthedRequest) -> HttpResponse:
    grants = (
        TherapistGrant.objects.filter(therapist=request.user, revoked_at__isnull=True)
        .select_related("space")
        .order_by("-created_at", "-pk")
    )
    couples: list[dict[str, Any]] = []
    for grant in grants:
        try:
            # The access helper's answer carries the members it checked consent for.
            member_ids = access.therapist_grant(request.user, grant.space_id, "couple").member_ids
        except Http404:
            couples.append({"grant": grant, "open": False, "member_ids": ()})
            continue
        couples.append({"grant": grant, "open": True, "member_ids": member_ids})
    # Every couple's names in one query. Ordered by id (member_ids is sorted): an unordered
    # list comes back in whatever order the database stores rows, which on PostgreSQL moves
    # when a row is updated (a log-in), and the page would change.
    names = dict(
        User.objects.filter(pk__in=[pk for c in couples for pk in c["member_ids"]]).values_list(
            "pk", "display_name"
        )
    )
    for couple in couples:
        couple["names"] = " and ".join(names[pk] for pk in couple["member_ids"]) or None
    return render(request, "care/therapist_home.html", {"couples": couples})


def _journal_allowed(user: User, space_id: int) -> bool:
    try:
        access.therapist_grant(user, space_id, "journal")
    except Http404:
        return False
    return True


@therapist_required
def therapist_couple(request: AuthedRequest, space_id: int) -> HttpResponse:
    grant = access.therapist_grant(request.user, space_id, "couple")
    actions.do_record_read(grant, request.user, "results and plan")
    context = {
        "grant": grant,
        "space_id": grant.space_id,
        **couple_summary(grant),
        "journal_allowed": _journal_allowed(request.user, space_id),
    }
    return render(request, "care/therapist_couple.html", context)


@therapist_required
def therapist_journal(request: AuthedRequest, space_id: int) -> HttpResponse:
    from reattune.journal.models import Entry

    grant = access.therapist_grant(request.user, space_id, "journal")
    actions.do_record_read(grant, request.user, "shared journal")
    entries = access.therapist_visible(Entry.objects.all(), grant).select_related("author")
    return render(
        request,
        "care/therapist_journal.html",
        {"grant": grant, "space_id": grant.space_id, "entries": entries[:200]},
    )
