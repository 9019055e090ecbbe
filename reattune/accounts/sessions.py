"""Session slots of the accounts app, sealed through accounts.sealed.

The invite link a partner opened, sealed, and the hash of the invite that already made an
account in this visit (one account per visit); the new API token shown once.
"""

from reattune.accounts import sealed

PENDING_INVITE = "pending_invite"
INVITE_SIGNUP_USED = "invite_signup_used"
PENDING_LIFETIME = 24 * 3600  # to sign up or log in after opening the link
NEW_TOKEN = "new_token"  # noqa: S105  # nosec B105: a session slot name, not a secret
NEW_TOKEN_LIFETIME = 10 * 60  # shown once on the next page; gone after that anyway


def pending_invite(request) -> str | None:
    """The raw token of the couple invite this visitor opened, if still in their session."""
    return sealed.peek(request, PENDING_INVITE)


def has_pending_invite(request) -> bool:
    return sealed.present(request, PENDING_INVITE)


def on_login(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver (reattune/hooks.py): remember the session of a log-in, so
    ending a person's sessions is one indexed delete."""
    from reattune.accounts.actions import remember_session

    if request is not None and hasattr(request, "session"):
        remember_session(user, request.session.session_key)
