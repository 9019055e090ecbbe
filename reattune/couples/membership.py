"""Who is in which couple space: the reads of the couples app (its writes are in actions.py).

core.request_context builds request.couple through read_couple, which the couples app
registers (CouplesConfig.ready), so core imports no feature app.
"""

from django.db.models import QuerySet, Subquery

from reattune.accounts.models import User
from reattune.core.prepared import Prepared
from reattune.core.request_context import context_of
from reattune.couples.models import Invite, Membership, Space


def active_membership(user: User) -> Membership | None:
    """The user's active membership (its space loaded), from the request's couple context."""
    return context_of(user).membership


def _couple_rows(user_id: int) -> QuerySet[Membership]:
    first_space = (
        Membership.objects.filter(user_id=user_id, left_at__isnull=True)
        .order_by("pk")
        .values("space_id")[:1]
    )
    return (
        Membership.objects.filter(space_id=Subquery(first_space), left_at__isnull=True)
        .select_related("space", "user")
        .order_by("pk")
    )


_COUPLE_ROWS = Prepared(_couple_rows, user_id=0)


def read_couple(user: User) -> tuple[Membership | None, User | None]:
    """The user's membership (and space) and their partner, in one query.

    Every active membership of the space the user is in (the user's first active one), with
    the space and the user of each. Registered as core.request_context's couple reader
    (CouplesConfig.ready), which calls it once per request for request.couple.
    """
    rows = _COUPLE_ROWS.rows(user_id=user.pk)
    mine = next((m for m in rows if m.user_id == user.pk), None)
    other = next((m for m in rows if m.user_id != user.pk), None)
    if mine is not None:
        mine.user = user  # the caller's own user object, not a second copy of it
        mine.couple_joined_at = max(m.joined_at for m in rows)
    partner = other.user if mine is not None and other is not None else None
    return mine, partner


def partner_of(user: User) -> User | None:
    """The other active member of the user's space, or None (request.couple.partner)."""
    return context_of(user).partner


def find_open_invite(raw: str) -> Invite | None:
    invite = Invite.find_by_secret(raw, Invite.objects.select_related("space"))
    if invite is None or not invite.is_open or invite.space.closed_at is not None:
        return None
    return invite


def active_space_id(user: User) -> int | None:
    """The id of the user's current space (request.couple.space_id)."""
    return context_of(user).space_id


def space_for(user: User, space_id: int) -> Space:
    """The Space with this id: the user's own from their couple context, else from the table."""
    space = context_of(user).space
    if space is not None and space.pk == space_id:
        return space
    return Space.objects.get(pk=space_id)
