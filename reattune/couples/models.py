import zoneinfo
from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone as dj_timezone

from reattune.core.tokens import SingleUseToken, hash_secret


class Space(models.Model):
    """A couple's shared space. At most two active members; a day is counted in its timezone."""

    MAX_MEMBERS = 2

    timezone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(default=dj_timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    def tzinfo(self):
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def local_now(self) -> datetime:
        return dj_timezone.now().astimezone(self.tzinfo())

    def today(self):
        return self.local_now().date()


class Membership(models.Model):
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="memberships")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField(default=dj_timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # Not a column: when the couple as it is now formed (the latest join of the space's active
    # members), set by membership.read_couple from the rows it reads anyway.
    couple_joined_at: datetime

    class Meta:
        constraints = [
            # A user belongs to at most one space at a time.
            models.UniqueConstraint(
                fields=["user"], condition=Q(left_at__isnull=True), name="one_active_space"
            )
        ]


hash_invite = hash_secret  # the stored form of an invite token (core.tokens)


class Invite(SingleUseToken):
    """A single-use invite link. Only the hash of its token is stored."""

    PREFIX = "inv_"

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invites")
    created_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")


class Notice(models.Model):
    """A one-line message for a person, shown once on their home page. Carries no content."""

    class Kind(models.TextChoices):
        PARTNER_LEFT = "partner_left", "Your partner has left your shared space."

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(default=dj_timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)
