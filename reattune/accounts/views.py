from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from reattune.accounts import actions, sealed
from reattune.accounts.forms import (
    TIMEZONE_UNREADABLE,
    DeleteAccountForm,
    LoginForm,
    PasswordChangeForm,
    SignupForm,
    TokenForm,
)
from reattune.accounts.http import AuthedRequest, Request
from reattune.accounts.models import AccessToken, User
from reattune.accounts.present import locked_message
from reattune.accounts.sessions import (
    INVITE_SIGNUP_USED,
    NEW_TOKEN,
    NEW_TOKEN_LIFETIME,
    has_pending_invite,
    pending_invite,
)
from reattune.core import throttle
from reattune.core.decorators import signed_in_required

if TYPE_CHECKING:
    from reattune.couples.models import Invite


def _invite_for_signup(request: Request) -> Invite | None:
    """The still-open invite this visit may create one account for, or None."""
    from reattune.couples.membership import find_open_invite
    from reattune.couples.models import hash_invite

    token = pending_invite(request)
    if not token:
        return None
    invite = find_open_invite(token)
    if invite is None or request.session.get(INVITE_SIGNUP_USED) == hash_invite(token):
        return None
    return invite


def _after_login(request: Request) -> HttpResponse:
    user = cast(User, request.user)  # login() has just set it
    if user.role == User.Role.THERAPIST and not request.POST.get("next"):
        return redirect("therapist-home")
    if has_pending_invite(request):
        return redirect("invite-confirm")
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return redirect(target)
    return redirect("home")


def landing(request: Request) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html")


def signup(request: Request) -> HttpResponse:
    # Closed sign-up opens only for a still-open invite this visit has not yet used.
    invited = _invite_for_signup(request) is not None
    if not (settings.OPEN_SIGNUP or invited):
        return render(request, "accounts/signup_closed.html", status=403)
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signup_attempt = throttle.begin_signup(request)
        attempt = throttle.begin(data["email"], request) if signup_attempt.allowed else None
        if attempt is None or not attempt.allowed:
            form.add_error(None, locked_message(attempt or signup_attempt))
            status = 429
        elif User.objects.filter(email=data["email"]).exists():
            # Without email confirmation the address's existence cannot be fully hidden
            # here; the answer stays neutral and counts as a failed attempt (docs/privacy.md).
            user = authenticate(request, email=data["email"], password=data["password"])
            if user is None:
                form.add_error(
                    None,
                    "We could not create an account with these details. "
                    "If you already have one, log in instead.",
                )
            else:
                login(request, user)
                response = _after_login(request)
                throttle.succeeded(attempt, response)
                return response
        else:
            throttle.succeeded(attempt)  # a new account is no failed log-in
            user = actions.do_create_user(
                email=data["email"],
                password=data["password"],
                display_name=data["display_name"],
                timezone_name=data["timezone"],
                with_space=not invited,
            )
            if invited:
                from reattune.couples.models import hash_invite

                # One account per visit to the link: a second sign-up in this session (or
                # after the invite is revoked or used) finds sign-up closed again.
                request.session[INVITE_SIGNUP_USED] = hash_invite(pending_invite(request))
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # A new person is first offered the private, skippable safety questions (care).
            response = redirect("care-welcome")
            throttle.remember_device(response, data["email"])
            return response
    if form.has_error(NON_FIELD_ERRORS, TIMEZONE_UNREADABLE):
        status = 400
    return render(
        request, "accounts/signup.html", {"form": form, "invited": invited}, status=status
    )


def login_view(request: Request) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        # Checked and counted in one step, before the password is (core.throttle).
        attempt = throttle.begin(email, request)
        if not attempt.allowed:
            form.add_error(None, locked_message(attempt))
            status = 429
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            if user is None:
                form.add_error(None, "That email and password do not match an account.")
            else:
                login(request, user)
                response = _after_login(request)
                throttle.succeeded(attempt, response)
                return response
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


@require_POST
def logout_view(request: Request) -> HttpResponse:
    logout(request)
    response = redirect("landing")
    # The unlocked vault key the browser keeps (IndexedDB) goes with the session, whichever
    # page the person logged out from.
    response["Clear-Site-Data"] = '"storage"'
    return response


@signed_in_required
def account(request: AuthedRequest) -> HttpResponse:
    tokens = AccessToken.objects.filter(user=request.user).order_by("-created_at")
    context = {
        "tokens": tokens,
        "token_form": TokenForm(),
        "password_form": PasswordChangeForm(request.user),
        "delete_form": DeleteAccountForm(request.user),
        "new_token": sealed.take(request, NEW_TOKEN),
    }
    return render(request, "accounts/account.html", context)


@signed_in_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if form.is_valid():
        _, raw = actions.do_create_token(request.user, form.cleaned_data["name"])
        # Shown once on the next page from a sealed slot (encrypted, short-lived), then gone.
        sealed.seal(request, NEW_TOKEN, raw, NEW_TOKEN_LIFETIME)
    else:
        messages.error(request, "Give the token a short name (up to 60 characters).")
    return redirect(reverse("account") + "#tokens")


@signed_in_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    if not actions.do_revoke_token(request.user, token_id):
        raise Http404
    messages.success(request, "The token no longer works.")
    return redirect(reverse("account") + "#tokens")


def password_changed_message(revoked: int) -> str:
    if revoked == 0:
        return "Password changed. You were logged out everywhere else."
    tokens = "access token was" if revoked == 1 else "access tokens were"
    return (
        f"Password changed. You were logged out everywhere else and your {revoked} "
        f"{tokens} turned off. Make a new one below if a script still needs it."
    )


@signed_in_required
@require_POST
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST)
    if form.is_valid():
        revoked = actions.do_change_password(
            request, request.user, form.cleaned_data["new_password"]
        )
        messages.success(request, password_changed_message(revoked))
        return redirect("account")
    tokens = AccessToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/account.html",
        {
            "tokens": tokens,
            "token_form": TokenForm(),
            "password_form": form,
            "delete_form": DeleteAccountForm(request.user),
        },
        status=422,
    )


@signed_in_required
@require_POST
def account_delete(request: AuthedRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST)
    if form.is_valid():
        user = request.user
        logout(request)
        actions.do_delete_account(user)
        return render(request, "accounts/deleted.html")
    tokens = AccessToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/account.html",
        {
            "tokens": tokens,
            "token_form": TokenForm(),
            "password_form": PasswordChangeForm(request.user),
            "delete_form": form,
        },
        status=422,
    )
