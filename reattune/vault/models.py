"""The vault: what the browser encrypted, stored exactly as it arrived (docs/vault.md).

Nothing here is an EncryptedTextField: the ciphertext and the wrapped keys are encrypted in
the browser under a key the server never sees; encrypting them again would add nothing the
host could not undo. The server can see that a vault exists, how many items it holds, their
kinds, sizes and times, and never what they say.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class VaultKeyring(models.Model):
    """One per person: the vault key, wrapped by the passphrase and by the recovery key."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vault_keyring"
    )
    vault_id = models.UUIDField()
    format = models.PositiveSmallIntegerField(default=1)
    kdf = models.JSONField()
    wrapped_key_passphrase = models.TextField()
    wrapped_key_recovery = models.TextField()
    key_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)


class VaultItem(models.Model):
    class Kind(models.TextChoices):
        JOURNAL = "journal", "Journal entry"
        SAFETY = "safety", "Safety check"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vault_items"
    )
    keyring = models.ForeignKey(VaultKeyring, on_delete=models.CASCADE, related_name="items")
    item_id = models.UUIDField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    ciphertext = models.TextField()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["owner", "item_id"], name="vault_item_once")]
        indexes = [models.Index(fields=["owner", "kind", "created_at"])]
