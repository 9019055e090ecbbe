"""Check-up responses. Answers are saved as they are given, so nothing is lost on a pause.

A Response is CoupleContent: only its author reads its answers. The partner sees derived
scale scores and patterns in the couple view, and item answers only when the author turns
`share_items` on (docs/privacy.md).
"""

from django.db import models
from django.utils import timezone

from reattune.core.visibility import CoupleContent


class Response(CoupleContent):
    instrument_id = models.CharField(max_length=64)
    instrument_version = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    share_items = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["author", "instrument_id", "submitted_at"])]
        constraints = [
            # At most one unfinished response per person and instrument: resuming finds it.
            models.UniqueConstraint(
                fields=["author", "instrument_id"],
                condition=models.Q(submitted_at__isnull=True),
                name="one_open_response",
            )
        ]

    @property
    def key(self):
        return (self.instrument_id, self.instrument_version)


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item_id = models.CharField(max_length=64)
    value = models.SmallIntegerField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item_id"], name="one_answer_per_item")
        ]
