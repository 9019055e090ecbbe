"""Therapist access rules: when a therapist may read a couple, and what.

core.access.therapist_grant asks this through the provider the care app registers
(CareConfig.ready), so core imports no feature app.
"""

from django.http import Http404

from reattune.care.models import TherapistConsent, TherapistGrant
from reattune.couples.models import Membership

THERAPIST_SCOPES = ("couple", "journal")


def therapist_grant(therapist, space_id, scope: str = "couple"):
    """The therapist's open grant on a couple space, or Http404.

    Open means: not revoked, the space still open, the therapist still a therapist, and every
    active member of the space has consented. Scope "couple" (scale scores, patterns, trends,
    the plan) needs nothing more; scope "journal" also needs every member's journal opt-in.
    Anything else (a partner, a revoked or half-consented grant, a wrong id) is a 404.
    """
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
