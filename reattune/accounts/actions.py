"""Account writes with side effects. Each runs in one transaction."""

from django.contrib.auth import update_session_auth_hash
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest

from reattune.accounts.models import AccessToken, User, UserSession


@transaction.atomic
def do_create_user(
    email: str,
    password: str | None,
    display_name: str,
    timezone_name: str = "UTC",
    with_space: bool = True,
) -> User:
    from reattune.couples.actions import do_create_space

    user = User.objects.create_user(email=email, password=password, display_name=display_name)
    if with_space:
        do_create_space(user, timezone_name=timezone_name)
    return user


def end_sessions(user: User, keep_session_key: str | None = None) -> int:
    """Delete every stored session of `user` except the one named."""
    keys = UserSession.objects.filter(user=user).exclude(session_key=keep_session_key)
    session_keys = list(keys.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=session_keys).delete()
    keys.delete()
    return len(session_keys)


def remember_session(user: User, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.get_or_create(session_key=session_key, defaults={"user": user})


@transaction.atomic
def do_change_password(request: HttpRequest, user: User, new_password: str) -> int:
    """New password; every other session ends and every personal access token stops working.

    Someone who once knew the old password may have made a token with it, so no token
    outlives the change. Returns how many tokens were turned off.
    """
    user.set_password(new_password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    remember_session(user, request.session.session_key)
    end_sessions(user, keep_session_key=request.session.session_key)
    revoked, _ = AccessToken.objects.filter(user=user).delete()
    return revoked


@transaction.atomic
def do_create_token(user: User, name: str) -> tuple[AccessToken, str]:
    raw = AccessToken.new_raw()
    token = AccessToken.objects.create(user=user, name=name, token_hash=AccessToken.hash(raw))
    return token, raw


@transaction.atomic
def do_revoke_token(user: User, token_id: int) -> bool:
    deleted, _ = AccessToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


@transaction.atomic
def do_delete_account(user: User) -> None:
    """Delete the account and everything its owner wrote (docs/privacy.md, 'Deleting').

    The partner is left with their own data in a fresh space of their own; they learn only
    that their partner left.
    """
    from reattune.couples.actions import do_leave_space
    from reattune.exports.lifecycle import on_delete_user

    on_delete_user(user)  # what a cascade from the user row does not remove (docs/export.md)
    do_leave_space(user, reopen_for_leaver=False)
    end_sessions(user)
    AccessToken.objects.filter(user=user).delete()
    user.delete()
