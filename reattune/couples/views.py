from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reattune.accounts import sealed
from reattune.accounts.http import AuthedRequest, Request
from reattune.accounts.sessions import (
    INVITE_SIGNUP_USED,
    PENDING_INVITE,
    PENDING_LIFETIME,
    pending_invite,
)
from reattune.core.decorators import partner_required
from reattune.core.prepared import Prepared
from reattune.couples import actions
from reattune.couples.models import Invite, Notice, Space
from reattune.couples.present import zone_label

INVITE_LINK = "invite_link"
INVITE_LINK_LIFETIME = 3600  # the link can be copied again from the couple page for an hour


def _home_panels(request: AuthedRequest) -> list[tuple[str, dict[str, Any]]]:
    """Cards that other features add to the home page, each a (template, context) pair."""
    from reattune.core.home import home_panels

    return home_panels(request)


def _waiting_invite(request: AuthedRequest, space: Space | None) -> Invite | None:
    """The couple invite this person opened (signed out, or before signing up) and has not
    acted on yet: invites are links, not addressed to anyone, so "their" invite is the one
    waiting in their session, sealed (accounts.sealed). None once it is used, declined, no
    longer open, or their own space's."""
    token = pending_invite(request)
    if not token:
        return None
    invite = actions.find_open_invite(token)
    if invite is None or (space is not None and invite.space_id == space.pk):
        sealed.drop(request, PENDING_INVITE)
        return None
    return invite


def _unseen_notices(user_id: int) -> QuerySet[Notice]:
    return Notice.objects.filter(user_id=user_id, seen_at__isnull=True)


_UNSEEN_NOTICES = Prepared(_unseen_notices, user_id=0)


@partner_required
def home(request: AuthedRequest) -> HttpResponse:
    membership = actions.active_membership(request.user)
    space = membership.space if membership else None
    notices = _UNSEEN_NOTICES.rows(user_id=request.user.pk)
    if notices:
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(seen_at=timezone.now())
    return render(
        request,
        "home.html",
        {
            "space": space,
            "partner": actions.partner_of(request.user),
            "notices": notices,
            "waiting_invite": _waiting_invite(request, space),
            "panels": _home_panels(request),
        },
    )


@partner_required
def couple(request: AuthedRequest) -> HttpResponse:
    return _couple_page(request)


def _couple_page(request: AuthedRequest, status: int = 200) -> HttpResponse:
    membership = actions.active_membership(request.user)
    space = membership.space if membership else None
    open_invite = (
        Invite.objects.filter(
            space=space,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
        if space
        else None
    )
    link = sealed.peek(request, INVITE_LINK)
    if link and not open_invite:
        sealed.drop(request, INVITE_LINK)
        link = None
    return render(
        request,
        "couples/couple.html",
        {
            "space": space,
            "partner": actions.partner_of(request.user),
            "open_invite": open_invite,
            "invite_link": link,
        },
        status=status,
    )


@partner_required
@require_POST
def invite_create(request: AuthedRequest) -> HttpResponse:
    try:
        raw = actions.do_create_invite(request.user)
    except actions.JoinError as error:
        messages.error(request, str(error))
        return redirect("couple")
    # Kept in the session, sealed (encrypted and for an hour), so the person can copy it again
    # from this page; the database holds only the invite's hash (docs/privacy.md).
    sealed.seal(
        request, INVITE_LINK, request.build_absolute_uri(f"/invite/{raw}/"), INVITE_LINK_LIFETIME
    )
    messages.success(request, "Your invite link is ready. It works once and for 7 days.")
    return redirect("couple")


@partner_required
@require_POST
def invite_revoke(request: AuthedRequest) -> HttpResponse:
    actions.do_revoke_invites(request.user)
    sealed.drop(request, INVITE_LINK)
    messages.success(request, "The invite link no longer works.")
    return redirect("couple")


@partner_required
@require_POST
def leave(request: AuthedRequest) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm that you want to leave.")
        return redirect("couple")
    actions.do_leave_space(request.user)
    messages.success(
        request, "You have left the shared space. Everything you wrote is still yours."
    )
    return redirect("home")


@partner_required
@require_POST
def set_timezone(request: AuthedRequest) -> HttpResponse:
    membership = actions.active_membership(request.user)
    asked = request.POST.get("timezone", "")
    name = actions.valid_timezone(asked)
    if membership and name == asked:
        membership.space.timezone = name
        membership.space.save(update_fields=["timezone"])
        messages.success(request, f"Your shared day now follows the clock in {zone_label(name)}.")
        return redirect("couple")
    messages.error(request, "That time zone is not known here. Choose one from the list.")
    if actions.timezone_too_long(asked):
        # Not something the page's own form sends: refused with the page, the reason and a
        # 4xx status (never a 500 from zoneinfo's file look-up).
        return _couple_page(request, status=422)
    return redirect("couple")


def invite_open(request: Request, token: str) -> HttpResponse:
    """The link a partner opens. The token moves into the session and out of the URL."""
    invite = actions.find_open_invite(token)
    if invite is None:
        return render(request, "couples/invite_invalid.html", status=404)
    # The token leaves the URL for the session, sealed: never readable in django_session.
    sealed.seal(request, PENDING_INVITE, token, PENDING_LIFETIME)
    request.session.pop(INVITE_SIGNUP_USED, None)  # a new visit to the link
    if request.user.is_authenticated:
        return redirect("invite-confirm")
    return render(request, "couples/invite_welcome.html", {"inviter": invite.created_by})


def invite_confirm(request: Request) -> HttpResponse:
    token = pending_invite(request)
    if not request.user.is_authenticated:
        return redirect("login")
    invite = actions.find_open_invite(token) if token else None
    if invite is None:
        sealed.drop(request, PENDING_INVITE)
        return render(request, "couples/invite_invalid.html", status=404)
    if request.user.role != request.user.Role.PARTNER:
        # The invite stays open for the partner it was meant for (do_join_space refuses too).
        return render(request, "couples/invite_therapist.html", status=403)
    if request.method == "POST" and "decline" in request.POST:
        # Nothing is stored about a declined invite: it leaves this session, and the link
        # stays open for its 7 days in case it was opened by mistake.
        sealed.drop(request, PENDING_INVITE)
        messages.success(
            request,
            f"You declined {invite.created_by}'s invite. Nothing was shared, and they are not told.",
        )
        return redirect("home")
    if request.method == "POST":
        try:
            actions.do_join_space(request.user, token)
        except actions.JoinError as error:
            messages.error(request, str(error))
            return redirect("home")
        finally:
            sealed.drop(request, PENDING_INVITE)
        messages.success(request, f"You and {invite.created_by} now share a space.")
        return redirect("home")
    current = actions.active_membership(request.user)
    has_partner = actions.partner_of(request.user) is not None
    return render(
        request,
        "couples/invite_confirm.html",
        {
            "inviter": invite.created_by,
            "has_partner": has_partner,
            "has_space": current is not None,
        },
    )
