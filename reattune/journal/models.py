import uuid

from django.db import models
from django.utils import timezone

from reattune.core.crypto import EncryptedTextField
from reattune.core.visibility import CoupleContent

MAX_ENTRY_CHARS = 20_000


class Entry(CoupleContent):
    title = EncryptedTextField(blank=True, default="")
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # The form's one-time key: a second submit of the same form finds the first entry.
    submit_key = models.UUIDField(default=uuid.uuid4)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["author", "submit_key"], name="entry_submit_once")
        ]
        indexes = [models.Index(fields=["space", "visibility", "created_at"])]
