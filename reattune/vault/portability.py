"""What the vault contributes to an export: the keyring and every item, as they are stored.

Everything stays encrypted in the export, under the person's vault key: the file is no
easier to read than the vault (the export's other files are readable, as they always were).
`reattune vault decrypt EXPORT.zip` opens it on the person's own machine with their
passphrase or recovery key.

Safety checks kept in the vault are NOT exported, like the safety screen outside it
(care/portability.py): the file can end up on a shared computer, and even encrypted, a row of
kind "safety" would tell a partner who finds it that the safety questions were answered. They
stay in the vault on this server (and in its backups) until their author deletes them. An
import still accepts safety rows, should a file hold any. An import brings the vault back intact (the same vault_id, items
and versions), so the same passphrase opens it on another server; rows already here are not
added again. Deleting the account deletes the vault (a database cascade from the user).
"""

from reattune.exports.registry import (
    MAX_INT,
    ImportProblem,
    Kind,
    choice,
    integer,
    parse_datetime,
    text,
    to_json_value,
)

KINDS = [
    Kind(
        "vault_keyring",
        version=1,
        models=("vault.VaultKeyring",),
        description="Your vault's key, wrapped by your passphrase and by your recovery key "
        "(never the key itself), and the settings of the passphrase's key derivation.",
    ),
    Kind(
        "vault_items",
        version=1,
        models=("vault.VaultItem",),
        description="The journal entries you keep in your vault, still encrypted: only your "
        "passphrase or recovery key opens them (reattune vault decrypt). Safety checks in the "
        "vault are never exported, like the safety questions outside it.",
    ),
]

BATCH = 500
# The kinds of vault items an export carries (see above: never "safety").
EXPORTED_ITEM_KINDS = ("journal",)


def export_user(user) -> dict[str, list[dict]]:
    from reattune.vault.models import VaultItem, VaultKeyring

    keyring = VaultKeyring.objects.filter(owner=user).first()
    if keyring is None:
        return {"vault_keyring": [], "vault_items": []}
    vault_id = str(keyring.vault_id)
    keyrings = [
        {
            "id": vault_id,
            "vault_id": vault_id,
            "format": keyring.format,
            "kdf": keyring.kdf,
            "wrapped_key_passphrase": keyring.wrapped_key_passphrase,
            "wrapped_key_recovery": keyring.wrapped_key_recovery,
            "key_version": keyring.key_version,
            "created_at": to_json_value(keyring.created_at),
            "updated_at": to_json_value(keyring.updated_at),
        }
    ]
    items = []
    rows = VaultItem.objects.filter(owner=user, kind__in=EXPORTED_ITEM_KINDS)
    rows = rows.order_by("created_at", "pk")
    for item in rows.iterator(chunk_size=BATCH):
        items.append(
            {
                "id": str(item.item_id),
                "vault_id": vault_id,
                "kind": item.kind,
                "ciphertext": item.ciphertext,
                "version": item.version,
                "created_at": to_json_value(item.created_at),
                "updated_at": to_json_value(item.updated_at),
            }
        )
    return {"vault_keyring": keyrings, "vault_items": items}


def _problem(error) -> ImportProblem:
    return ImportProblem(str(error))


def import_user(user, documents: dict[str, list[dict]], id_map) -> None:
    import uuid

    from reattune.vault import format as vault_format
    from reattune.vault.actions import VaultError, check_item, check_keyring
    from reattune.vault.models import VaultItem, VaultKeyring

    keyring_rows = list(id_map.rows(documents, "vault_keyring"))
    item_rows = documents.get("vault_items") or []
    if len(keyring_rows) > 1:
        raise ImportProblem("An export holds at most one vault.")
    if not keyring_rows:
        if item_rows:
            raise ImportProblem("The export holds vault items but not the vault's key.")
        return
    row = keyring_rows[0]
    vault_id = text(row, "vault_id", max_length=36)
    if row.get("id", vault_id) != vault_id:
        raise ImportProblem("The vault's 'id' and 'vault_id' differ.")
    values = {
        "format": integer(row, "format", 1, MAX_INT),
        "kdf": row.get("kdf"),
        "wrapped_key_passphrase": text(row, "wrapped_key_passphrase", max_length=200),
        "wrapped_key_recovery": text(row, "wrapped_key_recovery", max_length=200),
    }
    try:
        check_keyring(vault_id, **values)
    except VaultError as error:
        raise _problem(error) from error
    key_version = integer(row, "key_version", 1, MAX_INT)
    created_at = parse_datetime(row, "created_at")
    updated_at = parse_datetime(row, "updated_at", required=False) or created_at

    keyring = VaultKeyring.objects.filter(owner=user).first()
    if keyring is not None and str(keyring.vault_id) != vault_id:
        raise ImportProblem(
            "You have another vault here already, and an account holds one vault. Delete the "
            "vault here first (or import into another account) to bring this one in."
        )
    if keyring is None:
        keyring = VaultKeyring.objects.create(
            owner=user,
            vault_id=vault_id,
            key_version=key_version,
            created_at=created_at,
            updated_at=updated_at,
            **values,
        )
        id_map.created("vault_keyring")
    else:
        # The same vault: what is here may be newer (a passphrase changed since the export).
        id_map.existing("vault_keyring")

    present = set(VaultItem.objects.filter(owner=user).values_list("item_id", flat=True))
    pending = []
    for item in id_map.rows(documents, "vault_items"):
        # Every row is checked, those already here too: a bad file is refused as a whole.
        item_id = text(item, "id", max_length=36)
        if not vault_format.is_uuid4(item_id):
            raise ImportProblem("'id' is not a vault item id (a UUID4 in lower case).")
        if text(item, "vault_id", max_length=36) != vault_id:
            raise ImportProblem("This item belongs to another vault than the one in the file.")
        kind = choice(item, "kind", vault_format.KINDS)
        ciphertext = text(item, "ciphertext", max_length=vault_format.MAX_CIPHERTEXT_CHARS)
        try:
            check_item(kind, ciphertext)
        except VaultError as error:
            raise _problem(error) from error
        fields = {
            "kind": kind,
            "ciphertext": ciphertext,
            "version": integer(item, "version", 1, MAX_INT),
            "created_at": parse_datetime(item, "created_at"),
            "updated_at": parse_datetime(item, "updated_at"),
        }
        key = uuid.UUID(item_id)
        if key in present:
            id_map.existing("vault_items")
            continue
        present.add(key)
        pending.append(VaultItem(owner=user, keyring=keyring, item_id=key, **fields))
    for start in range(0, len(pending), BATCH):
        VaultItem.objects.bulk_create(pending[start : start + BATCH])
    id_map.created("vault_items", len(pending))
