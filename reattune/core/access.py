"""The one access helper. Every view and API endpoint reads content through these functions.

Anything the requester may not see answers 404, never 403, so its existence stays hidden.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from reattune.core.visibility import Visibility


def active_space_id(user) -> int | None:
    """The id of the user's current couple space, cached on the user object per request.

    On request.user (which carries the request's couple memo, core.middleware) this reads the
    memoized membership, so the page's later membership, space and partner lookups cost no
    further query.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_active_space_id"):
        if getattr(user, "_couple_memo", None) is not None:
            from reattune.couples.actions import active_membership

            membership = active_membership(user)
            user._active_space_id = membership.space_id if membership else None
        else:
            from reattune.couples.models import Membership

            user._active_space_id = (
                Membership.objects.filter(user=user, left_at__isnull=True)
                .values_list("space_id", flat=True)
                .first()
            )
    return user._active_space_id


def active_space(user):
    """The user's current couple Space, or None; from the request's couple memo when it has it."""
    space_id = active_space_id(user)
    if space_id is None:
        return None
    memo = getattr(user, "_couple_memo", None)
    membership = memo.get("membership") if memo else None
    if membership is not None and membership.space_id == space_id:
        return membership.space
    from reattune.couples.models import Space

    return Space.objects.get(pk=space_id)


def forget_space(user) -> None:
    """Drop the cached space (and the request's couple memo) after joining or leaving."""
    if hasattr(user, "_active_space_id"):
        del user._active_space_id
    memo = getattr(user, "_couple_memo", None)
    if memo is not None:
        memo.clear()


def visible_filter(user) -> Q:
    """Rows of a CoupleContent model that `user` may read."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    own = Q(author=user)
    space_id = active_space_id(user)
    if space_id is None:
        return own
    return own | Q(space_id=space_id, visibility=Visibility.SHARED)


def visible_to(queryset: QuerySet, user) -> QuerySet:
    return queryset.filter(visible_filter(user))


def owned_by(queryset: QuerySet, user) -> QuerySet:
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(author=user)


def get_visible_or_404(queryset: QuerySet, user, **lookup):
    try:
        return visible_to(queryset, user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def get_own_or_404(queryset: QuerySet, user, **lookup):
    """For changes: only the author may edit or delete; others get the same 404."""
    try:
        return owned_by(queryset, user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


# --- the reveal rule (rituals: check-ins, weekly reviews, monthly check-ins) -----------------


def revealed_filter(queryset: QuerySet, user, period_field: str) -> Q:
    """Rows of `queryset` that `user` may read under the reveal rule.

    Their own rows, or rows they may see at all (visible_filter: shared, in their active space)
    for a period in which they have written their own row in that same space. So a partner's
    answers for a day stay closed until one's own answers for that day are in.
    """
    from django.db.models import Exists, OuterRef

    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    own_for_period = queryset.model.objects.filter(
        author=user, space_id=OuterRef("space_id"), **{period_field: OuterRef(period_field)}
    )
    return Q(author=user) | (visible_filter(user) & Exists(own_for_period))


def revealed_to(queryset: QuerySet, user, period_field: str) -> QuerySet:
    return queryset.filter(revealed_filter(queryset, user, period_field))


def get_revealed_or_404(queryset: QuerySet, user, period_field: str, **lookup):
    try:
        return revealed_to(queryset, user, period_field).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def partner_done(queryset: QuerySet, user, **period) -> bool:
    """Whether someone else in the user's active space has a (shared) row for the period.

    Existence only, never content: this is the "your partner has checked in" line shown
    before the reveal. Reads nothing the user could not already see exists.
    """
    space_id = active_space_id(user)
    if space_id is None:
        return False
    return (
        visible_to(queryset, user)
        .filter(space_id=space_id, visibility=Visibility.SHARED, **period)
        .exclude(author=user)
        .exists()
    )


# --- therapists (care) ---------------------------------------------------------------------

THERAPIST_SCOPES = ("couple", "journal")


def therapist_grant(therapist, space_id, scope: str = "couple"):
    """The therapist's open grant on a couple space, or Http404.

    Open means: not revoked, the space still open, the therapist still a therapist, and every
    active member of the space has consented. Scope "couple" (scale scores, patterns, trends,
    the plan) needs nothing more; scope "journal" also needs every member's journal opt-in.
    Anything else (a partner, a revoked or half-consented grant, a wrong id) is a 404.
    """
    from reattune.care.models import TherapistConsent, TherapistGrant
    from reattune.couples.models import Membership

    if scope not in THERAPIST_SCOPES or not getattr(therapist, "is_authenticated", False):
        raise Http404
    if therapist.role != therapist.Role.THERAPIST:
        raise Http404
    try:
        grant = TherapistGrant.objects.select_related("space").get(
            therapist=therapist,
            space_id=int(space_id),
            revoked_at__isnull=True,
            space__closed_at__isnull=True,
        )
    except (TherapistGrant.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error
    members = set(
        Membership.objects.filter(space_id=grant.space_id, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    consents = {
        partner_id: share
        for partner_id, share in TherapistConsent.objects.filter(grant=grant).values_list(
            "partner_id", "share_journal"
        )
    }
    if len(members) < 2 or not members <= set(consents):
        raise Http404
    if scope == "journal" and not all(consents[m] for m in members):
        raise Http404
    grant.member_ids = sorted(members)
    return grant


def therapist_visible(queryset: QuerySet, grant) -> QuerySet:
    """Rows of a CoupleContent model a therapist may read under `grant` (scope "journal"):
    what the partners shared in that space. Never anything private."""
    return queryset.filter(
        space_id=grant.space_id,
        visibility=Visibility.SHARED,
        author_id__in=getattr(grant, "member_ids", []),
    )
