"""Resetting a forgotten password on a self-hosted server.

Two ways in, one link: the host runs `reattune reset-password EMAIL` and passes the printed link
on, or, when the host configured e-mail (REATTUNE_EMAIL_HOST), the person asks for it on the
reset page and it arrives by e-mail. The link holds Django's password-reset token: it works once
(the token is bound to the password it replaces) and for PASSWORD_RESET_TIMEOUT seconds (one
hour). Setting a new password through it ends every session and turns off every personal access
token, as a password change does. The token never goes into the session; it stays in the link.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import ngettext

from reattune.accounts.actions import end_sessions
from reattune.accounts.forms import NewPasswordForm
from reattune.accounts.models import AccessToken, User

SENT_MESSAGE = (
    "If an account uses that address, a link to choose a new password is on its way. "
    "It works once, for one hour."
)


def email_configured() -> bool:
    return bool(getattr(settings, "EMAIL_HOST", ""))


def reset_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password-reset-confirm", kwargs={"uidb64": uid, "token": token})


def reset_link(user: User, base_url: str | None = None) -> str:
    base = (base_url or settings.SITE_URL or "http://127.0.0.1:8000").rstrip("/")
    return base + reset_path(user)


def user_for_link(uidb64: str, token: str) -> User | None:
    """The person the link was made for, while it is still valid; else None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
        user = User.objects.get(pk=pk, is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None


@transaction.atomic
def do_reset_password(user: User, new_password: str) -> int:
    """New password; every session ends and every personal access token stops working.
    Returns how many tokens were turned off."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    end_sessions(user)
    revoked, _ = AccessToken.objects.filter(user=user).delete()
    return revoked


class ResetRequestForm(forms.Form):
    email = forms.EmailField(label="Your e-mail address", max_length=254)


def password_reset(request):
    """Ask for a link by e-mail when the host set up e-mail; otherwise say how to get one."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and email_configured() and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email=email, is_active=True).first()
        if user is not None:
            # The configured site address first: the Host header is the asker's to choose.
            link = reset_link(user, None if settings.SITE_URL else request.build_absolute_uri("/"))
            send_mail(
                "Choose a new reattune password",
                "Someone asked to reset the password of your reattune account. If it was you, "
                f"open this link within an hour to choose a new one:\n\n{link}\n\n"
                "If it was not you, you can ignore this message: nothing changes.",
                None,
                [user.email],
            )
        # The same answer whether or not the address has an account.
        messages.success(request, SENT_MESSAGE)
        return redirect("login")
    status = 422 if request.method == "POST" and email_configured() else 200
    return render(
        request,
        "accounts/password_reset.html",
        {"form": form, "email_configured": email_configured()},
        status=status,
    )


def password_reset_confirm(request, uidb64: str, token: str):
    user = user_for_link(uidb64, token)
    if user is None:
        return render(request, "accounts/password_reset_invalid.html", status=404)
    form = NewPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        revoked = do_reset_password(user, form.cleaned_data["new_password"])
        text = "Your new password is set. Every device was logged out"
        if revoked:
            text += ngettext(
                " and your access token was turned off.",
                " and your %(n)d access tokens were turned off.",
                revoked,
            ) % {"n": revoked}
        else:
            text += "."
        messages.success(request, text + " Log in with the new password.")
        return redirect("login")
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/password_reset_confirm.html", {"form": form}, status=status)
