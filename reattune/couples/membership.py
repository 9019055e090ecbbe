"""Who is in which couple space: the reads of the couples app (its writes are in actions.py).

core.access asks these through the reader the couples app registers (CouplesConfig.ready),
so core imports no feature app.
"""

from django.db.models import Subquery

from reattune.couples.models import Invite, Membership, Space, hash_invite


def active_membership(user) -> Membership | None:
    memo = getattr(user, "_couple_memo", None)  # set for request.user only (core.middleware)
    if memo is None:
        return (
            Membership.objects.filter(user=user, left_at__isnull=True)
            .select_related("space")
            .first()
        )
    if "membership" not in memo:
        _remember_couple(user, memo)
    return memo["membership"]


def _remember_couple(user, memo: dict) -> None:
    """Fill the request's memo with the user's membership (and space) and their partner.

    One query instead of two: every active membership of the space the user is in (the user's
    first active one, as active_membership picks it), with the space and the user of each.
    """
    first_space = (
        Membership.objects.filter(user=user, left_at__isnull=True)
        .order_by("pk")
        .values("space_id")[:1]
    )
    rows = list(
        Membership.objects.filter(space_id=Subquery(first_space), left_at__isnull=True)
        .select_related("space", "user")
        .order_by("pk")
    )
    mine = next((m for m in rows if m.user_id == user.pk), None)
    other = next((m for m in rows if m.user_id != user.pk), None)
    if mine is not None:
        mine.user = user  # the request's own user object, not a second copy of it
    memo["membership"] = mine
    memo["partner"] = other.user if mine is not None and other is not None else None


def partner_of(user):
    """The other active member of the user's space, or None.

    Within one request the answer is remembered on request.user together with the user's
    membership (a home page asks up to six times); joining or leaving clears them
    (core.access.forget_space).
    """
    memo = getattr(user, "_couple_memo", None)
    if memo is not None:
        if "partner" not in memo:
            _remember_couple(user, memo)
        return memo["partner"]
    membership = active_membership(user)
    if membership is None:
        return None
    other = (
        Membership.objects.filter(space_id=membership.space_id, left_at__isnull=True)
        .exclude(user=user)
        .select_related("user")
        .first()
    )
    return other.user if other else None


def find_open_invite(raw: str) -> Invite | None:
    invite = (
        Invite.objects.filter(token_hash=hash_invite(raw or "")).select_related("space").first()
    )
    if invite is None or not invite.is_open or invite.space.closed_at is not None:
        return None
    return invite


def active_space_id(user) -> int | None:
    """The id of the user's current space (uncached: core.access.active_space_id caches it).

    On request.user (which carries the request's couple memo, core.middleware) this reads the
    memoized membership, so the page's later membership, space and partner lookups cost no
    further query.
    """
    if getattr(user, "_couple_memo", None) is not None:
        membership = active_membership(user)
        return membership.space_id if membership else None
    return (
        Membership.objects.filter(user=user, left_at__isnull=True)
        .values_list("space_id", flat=True)
        .first()
    )


def space_for(user, space_id: int) -> Space:
    """The Space with this id, from the request's couple memo when it has it."""
    memo = getattr(user, "_couple_memo", None)
    membership = memo.get("membership") if memo else None
    if membership is not None and membership.space_id == space_id:
        return membership.space
    return Space.objects.get(pk=space_id)
