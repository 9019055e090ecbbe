"""The one access helper. Every view and API endpoint reads content through these functions.

Anything the requester may not see answers 404, never 403, so its existence stays hidden.
"""

from typing import cast

from django.db.models import Q, QuerySet
from django.http import Http404

from reattune.core.request_context import context_of
from reattune.core.visibility import Visibility

# --- spaces: read from the person's couple context (core.request_context) -----------------


def active_space_id(user) -> int | None:
    """The id of the user's current couple space, or None.

    Within the user's own request this is request.couple (built once, with the partner and
    the space), so a page's later membership, space and partner lookups cost no query.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    return context_of(user).space_id


def active_space(user):
    """The user's current couple Space, or None (loaded with the membership: no own query)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return context_of(user).space


def visible_filter(user) -> Q:
    """Rows of a CoupleContent model that `user` may read."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return visible_filter_for(user.pk, active_space_id(user))


def visible_filter_for(user_id: int, space_id: int | None) -> Q:
    """visible_filter for a signed-in person given by id, in their active space (or None):
    for queries built once and run with each request's ids (core.prepared)."""
    own = Q(author_id=user_id)
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
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return revealed_filter_for(queryset.model, user.pk, active_space_id(user), period_field)


def revealed_filter_for(model, user_id: int, space_id: int | None, period_field: str) -> Q:
    """revealed_filter for a signed-in person given by id (see visible_filter_for)."""
    from django.db.models import Exists, OuterRef

    own_for_period = model.objects.filter(
        author_id=user_id, space_id=OuterRef("space_id"), **{period_field: OuterRef(period_field)}
    )
    return cast(
        Q, Q(author_id=user_id) | (visible_filter_for(user_id, space_id) & Exists(own_for_period))
    )


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

_grant_provider: list = []


def register_grant_provider(provider) -> None:
    """Set the therapist access rule (care.access.therapist_grant, from CareConfig.ready)."""
    _grant_provider[:] = [provider]


def therapist_grant(therapist, space_id, scope: str = "couple"):
    """The therapist's open grant on a couple space, or Http404.

    The rule lives in care.access.therapist_grant (registered by the care app); without it
    no therapist reads anything.
    """
    if not _grant_provider:
        raise Http404
    return _grant_provider[0](therapist, space_id, scope)


def therapist_visible(queryset: QuerySet, grant) -> QuerySet:
    """Rows of a CoupleContent model a therapist may read under `grant` (scope "journal"):
    what the partners shared in that space. Never anything private."""
    return queryset.filter(
        space_id=grant.space_id,
        visibility=Visibility.SHARED,
        author_id__in=getattr(grant, "member_ids", []),
    )
