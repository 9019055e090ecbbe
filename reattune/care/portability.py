"""What care contributes to an export: nothing (docs/privacy.md, "Care and safety").

- The safety screen is never exported, not even to its author: an export file can end up on a
  shared computer, in a shared downloads folder or a family cloud drive, where a partner who
  finds it would learn that the safety questions were answered. The author can read their
  latest result on the safety page at any time and delete it there; deleting the account
  deletes it.
- The therapist audit log is exported (kind `therapist_reads`): a person has a right to know
  who looked at their couple's material and when. It is a record of what happened on this
  server, so an import reads it but adds nothing.
- The help-card snooze, therapist links and consents belong to this server and this couple
  space; they mean nothing on another instance. The chosen country is part of the account
  (accounts export).

Lifecycle (reattune/exports/lifecycle.py): the therapist audit log outlives grants and
accounts. A therapist deleting their account ends their grants but erases none of the log;
the log of a couple space goes only when neither partner of it has an account any more.
"""

from reattune.exports.registry import Kind

KINDS = [
    Kind(
        "therapist_reads",
        version=1,
        models=("care.TherapistRead",),
        description="When a therapist your couple invited looked at your shared material: "
        "when, who and which page, never what was on it. A record of this server: an import "
        "adds none of it.",
        csv_columns=("at", "therapist", "page", "space"),
    )
]

NOT_EXPORTED = {
    "care.SafetyScreen": "Private safety answers: never in any export, to keep them from being "
    "found in a file on a shared device. Readable and deletable on the safety page.",
    "care.CarePreference": "Only when the help card was hidden until; not worth moving.",
    "care.TherapistInvite": "A link for this server only.",
    "care.TherapistGrant": "A therapist account on this server; ask them again on a new one.",
    "care.TherapistConsent": "Belongs to a therapist grant on this server.",
}


def export_user(user) -> dict[str, list[dict]]:
    from reattune.care.actions import audit_log_for
    from reattune.exports.registry import stable_id, to_json_value

    space_ids: dict[int, str] = {}
    rows = []
    for read in audit_log_for(user).select_related("grant__space").order_by("at", "pk"):
        space = read.grant.space
        if space.pk not in space_ids:
            space_ids[space.pk] = stable_id(space)
        rows.append(
            {
                "at": to_json_value(read.at),
                "therapist": read.therapist_name,
                "page": read.page,
                "space": space_ids[space.pk],
            }
        )
    return {"therapist_reads": rows}


def import_user(user, documents: dict[str, list[dict]], id_map) -> None:
    """Nothing is added: these reads happened on the server that made the export."""
    count = len(documents.get("therapist_reads", []))
    if count:
        id_map.skipped("therapist_reads", count)


def on_leave_space(user, space) -> None:
    """The space closes for both partners: a therapist's access through it ends for good, and
    a therapist link not yet used stops working. The audit log stays (see on_delete_user)."""
    from django.utils import timezone

    from reattune.care.models import TherapistGrant, TherapistInvite

    now = timezone.now()
    TherapistGrant.objects.filter(space=space, revoked_at__isnull=True).update(revoked_at=now)
    TherapistInvite.objects.filter(
        space=space, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)


def on_delete_user(user) -> None:
    """Therapist: end their open grants (the audit rows stay, with their name). Partner: the
    therapist grants, consents and audit log of a space nobody else was ever in go too."""
    from django.utils import timezone

    from reattune.care.models import TherapistGrant
    from reattune.couples.models import Membership

    if user.role == user.Role.THERAPIST:
        TherapistGrant.objects.filter(therapist=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        return
    spaces = set(Membership.objects.filter(user=user).values_list("space_id", flat=True))
    shared = set(
        Membership.objects.filter(space_id__in=spaces)
        .exclude(user=user)
        .values_list("space_id", flat=True)
    )
    TherapistGrant.objects.filter(space_id__in=spaces - shared).delete()
