"""Couple-space writes. Each runs in one transaction; the policy is in docs/privacy.md.

The reads (active_membership, partner_of, find_open_invite) live in couples.membership.
"""

import zoneinfo
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from reattune.accounts.models import User
from reattune.core.errors import ActionError
from reattune.core.request_context import changed

# The reads live in couples.membership; re-exported for this app's views and api, and tests.
from reattune.couples.membership import (  # noqa: F401
    active_membership,
    find_open_invite,
    partner_of,
)
from reattune.couples.models import Invite, Membership, Space

INVITE_LIFETIME = timedelta(days=7)


class JoinError(ActionError):
    """Why an invite cannot be used, in words fit to show the person."""

    status = 409


MAX_TIMEZONE_LENGTH = 64  # Space.timezone; the longest IANA name is about half of that


def timezone_too_long(name: str | None) -> bool:
    return len((name or "").encode("utf-8", "surrogatepass")) > MAX_TIMEZONE_LENGTH


def valid_timezone(name: str) -> str:
    """The name if it is a known IANA time zone, otherwise UTC. Never raises.

    A very long name made zoneinfo look for a file whose name the system refuses (OSError);
    such a name is no time zone, so it never reaches zoneinfo.
    """
    if not name or timezone_too_long(name):
        return "UTC"
    try:
        zoneinfo.ZoneInfo(name)
        return name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return "UTC"


@transaction.atomic
def do_create_space(user: User, timezone_name: str = "UTC") -> Space:
    if active_membership(user) is not None:
        raise JoinError("You are already in a couple space.")
    space = Space.objects.create(timezone=valid_timezone(timezone_name))
    Membership.objects.create(user=user, space=space)
    changed(user)  # request.couple is read again
    return space


@transaction.atomic
def do_create_invite(user: User) -> str:
    """A new invite link token for the user's space. Earlier open invites are revoked."""
    membership = active_membership(user)
    if membership is None:
        raise JoinError("Create your space first.")
    space = Space.objects.select_for_update().get(pk=membership.space_id)
    if space.memberships.filter(left_at__isnull=True).count() >= Space.MAX_MEMBERS:
        raise JoinError("Your space already has two partners.")
    now = timezone.now()
    Invite.objects.filter(space=space, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    raw = Invite.new_raw()
    Invite.objects.create(
        space=space, created_by=user, token_hash=Invite.hash(raw), expires_at=now + INVITE_LIFETIME
    )
    return raw


@transaction.atomic
def do_revoke_invites(user: User) -> int:
    membership = active_membership(user)
    if membership is None:
        return 0
    return Invite.objects.filter(
        space_id=membership.space_id, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def _move_solo_content(user: User, from_space: Space, to_space: Space) -> None:
    """A person who was alone in their space brings what they wrote into the couple space."""
    from reattune.core.spaces import space_scoped_models

    for model in space_scoped_models():
        model.objects.filter(author=user, space=from_space).update(space=to_space)


@transaction.atomic
def do_join_space(user: User, raw_token: str | None) -> Space:
    if user.role != user.Role.PARTNER:  # a therapist reaches a couple only with consent (care)
        raise JoinError("This link is for a partner's account.")
    invite = Invite.find_by_secret(raw_token, Invite.objects.select_for_update())
    if invite is None or not invite.is_open:
        raise JoinError("This invite link is not valid any more. Ask your partner for a new one.")
    space = Space.objects.select_for_update().get(pk=invite.space_id)
    if space.closed_at is not None:
        raise JoinError("This invite link is not valid any more. Ask your partner for a new one.")
    current = active_membership(user)
    if current is not None and current.space_id == space.pk:
        raise JoinError("You are already in this space.")
    if space.memberships.filter(left_at__isnull=True).count() >= Space.MAX_MEMBERS:
        raise JoinError("This space already has two partners.")
    now = timezone.now()
    if current is not None:
        old = Space.objects.select_for_update().get(pk=current.space_id)
        if old.memberships.filter(left_at__isnull=True).exclude(user=user).exists():
            raise JoinError(
                "You are in a couple space with a partner. Leave it before joining another."
            )
        _move_solo_content(user, old, space)
        current.left_at = now
        current.save(update_fields=["left_at"])
        old.closed_at = now
        old.save(update_fields=["closed_at"])
    Membership.objects.create(user=user, space=space, joined_at=now)
    invite.used_at = now
    invite.save(update_fields=["used_at"])
    changed(user)  # request.couple is read again
    return space


@transaction.atomic
def do_leave_space(user: User, reopen_for_leaver: bool = True) -> Space | None:
    """End the couple space for both partners (docs/privacy.md, 'Leaving').

    The space closes, so nothing shared in it stays visible to anyone but its author. Each
    partner keeps their own writing and gets a fresh space of their own.
    """
    membership = active_membership(user)
    if membership is None:
        return None
    space = Space.objects.select_for_update().get(pk=membership.space_id)
    from reattune.exports.lifecycle import on_leave_space

    on_leave_space(user, space)  # e.g. therapist grants through this space end (docs/export.md)
    now = timezone.now()
    others = list(space.memberships.filter(left_at__isnull=True).exclude(user=user))
    space.memberships.filter(left_at__isnull=True).update(left_at=now)
    space.closed_at = now
    space.save(update_fields=["closed_at"])
    Invite.objects.filter(space=space, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    for other in others:
        fresh = Space.objects.create(timezone=space.timezone)
        Membership.objects.create(user_id=other.user_id, space=fresh, joined_at=now)
        from reattune.couples.models import Notice

        Notice.objects.create(user_id=other.user_id, kind=Notice.Kind.PARTNER_LEFT)
    changed(user)  # request.couple is read again
    if reopen_for_leaver:
        fresh = Space.objects.create(timezone=space.timezone)
        Membership.objects.create(user=user, space=fresh, joined_at=now)
        changed(user)  # request.couple is read again
        return fresh
    return None
