"""Vault writes. What the browser sends is stored exactly as it is: the server checks only
the shape (base64url, sizes, KDF minimums, kinds), since it cannot read any of it."""

import uuid
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from reattune.accounts.models import User
from reattune.core.errors import ActionError
from reattune.vault import format as vault_format
from reattune.vault.models import VaultItem, VaultKeyring

#: The most items one person's vault holds (each at most format.MAX_CIPHERTEXT_CHARS).
MAX_ITEMS = 5_000


class VaultError(ActionError):
    """Why the vault cannot do what was asked, in words fit to show the person."""


def _conflict(message: str) -> VaultError:
    return VaultError(message, status=409, code="conflict")


def check_keyring(
    vault_id: str, format: int, kdf: dict, wrapped_key_passphrase: str, wrapped_key_recovery: str
) -> None:
    if not vault_format.is_uuid4(vault_id):
        raise VaultError("vault_id must be a UUID4 in lower case, as the browser makes it.")
    if format != vault_format.FORMAT:
        raise VaultError(f"This server keeps vaults in format {vault_format.FORMAT} only.")
    check_key_material(kdf, wrapped_key_passphrase, wrapped_key_recovery)


def check_key_material(
    kdf: dict[str, Any], wrapped_key_passphrase: str, wrapped_key_recovery: str
) -> None:
    try:
        vault_format.check_kdf(kdf)
    except vault_format.FormatError as error:
        raise VaultError(f"The key settings are not accepted: {error}.") from error
    for name, value in (
        ("wrapped_key_passphrase", wrapped_key_passphrase),
        ("wrapped_key_recovery", wrapped_key_recovery),
    ):
        try:
            vault_format.check_wrapped_key(value)
        except vault_format.FormatError as error:
            raise VaultError(f"{name} is not a wrapped vault key: {error}.") from error


def check_item(kind: str, ciphertext: str) -> None:
    if kind not in vault_format.KINDS:
        raise VaultError(f"kind must be one of: {', '.join(vault_format.KINDS)}.")
    try:
        vault_format.check_ciphertext(ciphertext)
    except vault_format.FormatError as error:
        raise VaultError(f"The encrypted item is not accepted: {error}.") from error


# --- the keyring ---------------------------------------------------------------------------


def _same_keyring(keyring: VaultKeyring, values: dict[str, Any]) -> bool:
    return (
        str(keyring.vault_id) == values["vault_id"]
        and keyring.format == values["format"]
        and keyring.kdf == values["kdf"]
        and keyring.wrapped_key_passphrase == values["wrapped_key_passphrase"]
        and keyring.wrapped_key_recovery == values["wrapped_key_recovery"]
    )


def do_create_keyring(
    user: User,
    vault_id: str,
    format: int,
    kdf: dict,
    wrapped_key_passphrase: str,
    wrapped_key_recovery: str,
) -> tuple[VaultKeyring, bool]:
    """Set up the vault; returns (keyring, created). The same keyring sent again (a retry)
    returns the first; a different one while a vault exists is refused with 409."""
    check_keyring(vault_id, format, kdf, wrapped_key_passphrase, wrapped_key_recovery)
    values = {
        "vault_id": vault_id,
        "format": format,
        "kdf": dict(kdf),
        "wrapped_key_passphrase": wrapped_key_passphrase,
        "wrapped_key_recovery": wrapped_key_recovery,
    }
    existing = VaultKeyring.objects.filter(owner=user).first()
    if existing is None:
        try:
            with transaction.atomic():
                now = timezone.now()
                return (
                    VaultKeyring.objects.create(
                        owner=user, key_version=1, created_at=now, updated_at=now, **values
                    ),
                    True,
                )
        except IntegrityError:
            existing = VaultKeyring.objects.get(owner=user)
    if _same_keyring(existing, values):
        return existing, False
    raise _conflict(
        "You already have a vault. To start a new one, delete the one you have first "
        "(everything in it goes with it)."
    )


@transaction.atomic
def do_rewrap(
    keyring: VaultKeyring,
    key_version: int,
    kdf: dict,
    wrapped_key_passphrase: str,
    wrapped_key_recovery: str,
) -> VaultKeyring:
    """A new passphrase or recovery key: the same vault key wrapped again. Items stay as
    they are. `key_version` must be the current one (another window may have changed it)."""
    check_key_material(kdf, wrapped_key_passphrase, wrapped_key_recovery)
    updated = VaultKeyring.objects.filter(
        pk=keyring.pk, owner=keyring.owner, key_version=key_version
    ).update(
        kdf=dict(kdf),
        wrapped_key_passphrase=wrapped_key_passphrase,
        wrapped_key_recovery=wrapped_key_recovery,
        key_version=F("key_version") + 1,
        updated_at=timezone.now(),
    )
    if not updated:
        raise _conflict(
            "Your vault's keys changed in another window since this one opened. Reload, "
            "unlock again, and make the change once more."
        )
    keyring.refresh_from_db()
    return keyring


@transaction.atomic
def do_delete_vault(keyring: VaultKeyring) -> None:
    """The keyring and every item in it, for good."""
    VaultItem.objects.filter(owner=keyring.owner).delete()
    keyring.delete()


# --- items ---------------------------------------------------------------------------------


def do_create_item(
    user: User,
    item_id: str,
    kind: str,
    ciphertext: str,
    replaces_entry: int | None = None,
    replaces_version: int | None = None,
) -> tuple[VaultItem, bool]:
    """Store an encrypted item; returns (item, created).

    The same item_id with the same ciphertext again (a double submit) returns the first; with
    a different one, 409. `replaces_entry`: the id of the person's own journal entry (private,
    or shared: it becomes private by moving in) this item now holds; it is deleted in the same
    transaction, so the words are never in both places or in neither. With
    `replaces_version`, only that version of it: words edited since (in another tab) are never
    deleted in favour of the older ones the browser encrypted."""
    keyring = VaultKeyring.objects.filter(owner=user).first()
    if keyring is None:
        raise _conflict("Set up your vault first: there is no vault to keep this in yet.")
    if not vault_format.is_uuid4(item_id):
        raise VaultError("item_id must be a UUID4 in lower case, as the browser makes it.")
    check_item(kind, ciphertext)
    if replaces_entry is not None and kind != VaultItem.Kind.JOURNAL:
        raise VaultError("Only a journal item can take the place of a journal entry.")
    key = uuid.UUID(item_id)
    existing = VaultItem.objects.filter(owner=user, item_id=key).first()
    if existing is None:
        if VaultItem.objects.filter(owner=user).count() >= MAX_ITEMS:
            raise VaultError(
                f"Your vault holds {MAX_ITEMS:,} items, as many as this server keeps for one "
                "person. Nothing was saved: delete some, or move entries out, to make room.",
                status=422,
                code="vault_full",
            )
        try:
            with transaction.atomic():
                return _create_item(
                    user, keyring, key, kind, ciphertext, replaces_entry, replaces_version
                ), True
        except IntegrityError:
            existing = VaultItem.objects.get(owner=user, item_id=key)
    if existing.kind == kind and existing.ciphertext == ciphertext:
        return existing, False
    raise _conflict(
        "An item with this id is already in your vault, with other contents. Nothing was "
        "changed: reload to see what is saved."
    )


def _create_item(
    user: User,
    keyring: VaultKeyring,
    key: uuid.UUID,
    kind: str,
    ciphertext: str,
    replaces_entry: int | None,
    replaces_version: int | None = None,
) -> VaultItem:
    from reattune.journal.actions import do_delete_entry
    from reattune.journal.models import Entry

    entry = None
    if replaces_entry is not None:
        # Private or shared: for a person with a vault, moving a shared entry in is how it
        # becomes private (journal.actions.MoveIntoVault), so it is never private and readable
        # here in between. Once moved, the partner no longer sees it.
        entry = Entry.objects.select_for_update().filter(author=user, pk=replaces_entry).first()
        if entry is None:
            raise Http404  # not there, or not theirs: the same answer
        if replaces_version is not None and entry.version != replaces_version:
            raise _conflict(
                "This entry was changed after your vault read it. Nothing was moved: reload "
                "the page and move it again, so the newest words go into your vault."
            )
    now = timezone.now()
    item = VaultItem.objects.create(
        owner=user,
        keyring=keyring,
        item_id=key,
        kind=kind,
        ciphertext=ciphertext,
        created_at=now,
        updated_at=now,
    )
    if entry is not None:
        _wipe_on_delete()
        do_delete_entry(entry)
        transaction.on_commit(_drop_old_pages)
    return item


# Moving an entry in deletes its row; SQLite would keep the deleted bytes (the entry encrypted
# with the server's key, which the host holds) in the database file until it writes over that
# space, and every page written since the last checkpoint in the write-ahead log. So for a
# move, deleted content is zeroed (secure_delete) and the log is written back and emptied once
# the move is committed. PostgreSQL keeps dead rows until VACUUM: docs/privacy.md says so, with
# the backups made before a move, which still hold the entry.


def _wipe_on_delete() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def _drop_old_pages() -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Waits for readers (the busy timeout); a log it could not empty now is emptied
            # at a later move or checkpoint.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@transaction.atomic
def do_update_item(item: VaultItem, ciphertext: str, expected_version: int) -> VaultItem:
    check_item(item.kind, ciphertext)
    updated = VaultItem.objects.filter(
        pk=item.pk, owner=item.owner, version=expected_version
    ).update(ciphertext=ciphertext, version=F("version") + 1, updated_at=timezone.now())
    if not updated:
        raise _conflict(
            "This changed in another window since you opened it. Your text is still here: "
            "copy it, reload, and apply it again."
        )
    item.refresh_from_db()
    return item


@transaction.atomic
def do_delete_item(item: VaultItem) -> None:
    item.delete()
