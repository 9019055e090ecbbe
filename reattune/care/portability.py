"""What care contributes to an export: nothing (docs/privacy.md, "Care and safety").

- The safety screen is never exported, not even to its author: an export file can end up on a
  shared computer, in a shared downloads folder or a family cloud drive, where a partner who
  finds it would learn that the safety questions were answered. The author can read their
  latest result on the safety page at any time and delete it there; deleting the account
  deletes it.
- The help-card snooze, therapist links, consents and the therapist audit log belong to this
  server and this couple space; they mean nothing on another instance. The chosen country is
  part of the account (accounts export).
"""

KINDS = []

NOT_EXPORTED = {
    "care.SafetyScreen": "Private safety answers: never in any export, to keep them from being "
    "found in a file on a shared device. Readable and deletable on the safety page.",
    "care.CarePreference": "Only when the help card was hidden until; not worth moving.",
    "care.TherapistInvite": "A link for this server only.",
    "care.TherapistGrant": "A therapist account on this server; ask them again on a new one.",
    "care.TherapistConsent": "Belongs to a therapist grant on this server.",
    "care.TherapistRead": "The audit log of this server.",
}


def export_user(user) -> dict[str, list[dict]]:
    return {}


def import_user(user, documents: dict[str, list[dict]], id_map) -> None:
    return None
