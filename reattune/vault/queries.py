"""Reads of the vault other modules share. Only ever the person's own rows."""

from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from reattune.accounts.models import User
from reattune.vault.models import VaultItem, VaultKeyring


def keyring_of(user: User) -> VaultKeyring | None:
    return VaultKeyring.objects.filter(owner=user).first()


def has_vault(user: User) -> bool:
    return VaultKeyring.objects.filter(owner=user).exists()


def holds(user: User, item_id: UUID | str | None = None) -> bool:
    """Whether the person has a vault; with item_id, whether that item is one of theirs
    (core.request_context.has_vault: the journal and care ask there, not here)."""
    if item_id is None:
        return has_vault(user)
    return VaultItem.objects.filter(owner=user, item_id=item_id).exists()


def items_of(user: User, kind: str | None = None) -> QuerySet[VaultItem]:
    """The person's items, newest first."""
    rows = VaultItem.objects.filter(owner=user)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-created_at", "-id")


def item_count(user: User, kind: str | None = None) -> int:
    return items_of(user, kind).count()


#: The most items one page of the list answers (GET /api/v1/vault/items?limit=).
PAGE_MAX = 500

#: What the list answers for each item, in order (the fields of api.VaultItemOut).
LIST_FIELDS = ("item_id", "kind", "ciphertext", "version", "created_at", "updated_at")


def item_page(
    user: User, kind: str | None, limit: int, after: UUID | str | None = None
) -> list[tuple[Any, ...]] | None:
    """One page of the person's items, newest first, as tuples of LIST_FIELDS (no model is
    built per row); `after`: the item_id the page before ended with. None when `after` is not
    one of their items (of this kind)."""
    rows = items_of(user, kind)
    if after is not None:
        last = rows.filter(item_id=after).values_list("created_at", "id").first()
        if last is None:
            return None
        created_at, pk = last
        rows = rows.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    return list(rows.values_list(*LIST_FIELDS)[:limit])
