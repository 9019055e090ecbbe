"""What care stores (docs/privacy.md, "Care and safety").

- CarePreference: per person, until when the help card is snoozed. No content.
- SafetyScreen: one person's private safety screen. Answers AND the evaluated result are
  encrypted, so nothing readable in the database says whether a screen was positive. Not a
  CoupleContent model: it belongs to a person, not to a couple space, and the couple access
  helper never reads it. Only its author reads it (care.safety).
- TherapistInvite / TherapistGrant / TherapistConsent / TherapistRead: a couple's therapist,
  the invite link (only its hash), each partner's consent, and the audit log of every read.
  No crisis flag is stored anywhere: a crisis hit only changes the author's next page.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from reattune.core.crypto import EncryptedTextField
from reattune.core.tokens import SingleUseToken, hash_secret  # noqa: F401  (care.actions)


class CarePreference(models.Model):
    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="+")
    help_snoozed_until = models.DateTimeField(null=True, blank=True)


class SafetyScreen(models.Model):
    author = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    screen_version = models.PositiveIntegerField(default=1)
    answers = EncryptedTextField()  # JSON: item id -> value (None for "prefer not to say")
    result = EncryptedTextField()  # JSON: positive, urgent, areas, noted

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["author", "created_at"])]


class TherapistInvite(SingleUseToken):
    """A single-use link a partner gives their therapist. Only the hash is stored."""

    PREFIX = "thr_"

    space = models.ForeignKey("couples.Space", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    share_journal = models.BooleanField(default=False)  # the inviter's own opt-in


class TherapistGrant(models.Model):
    """A therapist linked to a couple space. Reads are allowed only while it is not revoked,
    the space is open, and every active member has a consent row (core.access.therapist_grant).
    """

    space = models.ForeignKey("couples.Space", on_delete=models.CASCADE, related_name="+")
    # SET_NULL, not CASCADE: a therapist deleting their account must not erase the couple's
    # audit log (TherapistRead hangs on the grant). Their open grants are revoked first
    # (care.portability.on_delete_user); a grant without a therapist never opens.
    therapist = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["space", "therapist"],
                condition=Q(revoked_at__isnull=True),
                name="care_one_open_grant",
            )
        ]


class TherapistConsent(models.Model):
    grant = models.ForeignKey(TherapistGrant, on_delete=models.CASCADE, related_name="consents")
    partner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)
    share_journal = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grant", "partner"], name="care_consent_once")
        ]


class TherapistRead(models.Model):
    """The audit log: who read which page of which couple, when. Never any content.

    Kept for as long as either partner of the space has an account, whatever happens to the
    grant or the therapist's account (docs/privacy.md, "A couple's therapist"): `therapist_name`
    keeps "who" readable after the therapist deleted their account.
    """

    grant = models.ForeignKey(TherapistGrant, on_delete=models.CASCADE, related_name="reads")
    therapist = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    therapist_name = models.CharField(max_length=60, default="")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    page = models.CharField(max_length=40)

    class Meta:
        ordering = ["-at", "-id"]
