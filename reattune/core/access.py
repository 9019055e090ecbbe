"""The one access helper. Every view and API endpoint reads content through these functions.

Anything the requester may not see answers 404, never 403, so its existence stays hidden.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from reattune.core.visibility import Visibility


def active_space_id(user) -> int | None:
    """The id of the user's current couple space, cached on the user object per request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_active_space_id"):
        from reattune.couples.models import Membership

        user._active_space_id = (
            Membership.objects.filter(user=user, left_at__isnull=True)
            .values_list("space_id", flat=True)
            .first()
        )
    return user._active_space_id


def forget_space(user) -> None:
    """Drop the cached space after joining or leaving."""
    if hasattr(user, "_active_space_id"):
        del user._active_space_id


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
