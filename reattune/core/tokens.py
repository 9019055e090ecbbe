"""One abstract model for every secret handed out as a link or a token.

Only the SHA-256 hash of the secret is stored; the secret itself is shown once. A secret is
found with `Model.find_by_secret(raw)`: one indexed lookup by its hash, then a constant-time
comparison of the stored hash. The models built on these bases are:

- `accounts.AccessToken` (`rt_`: API bearer tokens; HashedToken),
- `couples.Invite` (`inv_`: a partner's invite link; SingleUseToken),
- `care.TherapistInvite` (`thr_`: a therapist's invite link; SingleUseToken).

Password-reset links are not stored (Django's stateless token generator, accounts/reset.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import ClassVar, Self

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone


def hash_secret(raw: str | None) -> str:
    """The stored form of a secret: its SHA-256, hex."""
    return hashlib.sha256((raw or "").encode()).hexdigest()


class HashedToken(models.Model):
    """A secret known by its hash. Subclasses set PREFIX (and RAW_BYTES)."""

    PREFIX: ClassVar[str] = ""
    RAW_BYTES: ClassVar[int] = 32

    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @classmethod
    def new_raw(cls) -> str:
        """A new secret: the prefix and RAW_BYTES of randomness (URL-safe)."""
        return cls.PREFIX + secrets.token_urlsafe(cls.RAW_BYTES)

    @staticmethod
    def hash(raw: str | None) -> str:
        return hash_secret(raw)

    @classmethod
    def find_by_secret(cls, raw: str | None, queryset: QuerySet | None = None) -> Self | None:
        """The row whose hash is the secret's, or None (also for an empty or foreign secret).

        `queryset` narrows or extends the lookup (select_related, select_for_update, a filter);
        the comparison of the stored hash is constant-time.
        """
        if not raw or not isinstance(raw, str):
            return None
        digest = hash_secret(raw)
        rows = cls._default_manager.all() if queryset is None else queryset
        row = rows.filter(token_hash=digest).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            return None
        return row


class SingleUseToken(HashedToken):
    """A link that works once, until it expires or its maker revokes it."""

    RAW_BYTES: ClassVar[int] = 24

    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()
