from django.db import models
from django.utils import timezone

from reattune.core.visibility import CoupleContent


class Plan(CoupleContent):
    """A six-week plan. Couple plans are shared in the space; a solo plan is private.

    `data` is the generator's Plan.to_dict(): practice ids, reasons and weeks, no personal
    text. Older plans stay as history (active False).
    """

    class Kind(models.TextChoices):
        COUPLE = "couple", "For the two of you"
        SOLO = "solo", "For you, for now"
        GENTLE = "gentle", "A gentle start"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    data = models.JSONField()
    starts_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True, db_index=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
