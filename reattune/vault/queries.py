"""Reads of the vault other modules share. Only ever the person's own rows."""

from reattune.vault.models import VaultItem, VaultKeyring


def keyring_of(user) -> VaultKeyring | None:
    return VaultKeyring.objects.filter(owner=user).first()


def has_vault(user) -> bool:
    return VaultKeyring.objects.filter(owner=user).exists()


def items_of(user, kind: str | None = None):
    """The person's items, newest first."""
    rows = VaultItem.objects.filter(owner=user)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-created_at", "-id")


def item_count(user, kind: str | None = None) -> int:
    return items_of(user, kind).count()
