"""Encryption key rotation: add a new key, re-encrypt every stored value, retire old keys.

Keys live in the data directory's key file (or the file named by
REATTUNE_ENCRYPTION_KEYS_FILE), newest first. Keys given inline in REATTUNE_ENCRYPTION_KEYS
cannot be rewritten by us; rotate them by hand as docs/deploy.md describes.
"""

import os
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection, transaction

from reattune import paths
from reattune.core import crypto

BATCH = 500


def key_file() -> Path | None:
    named = os.environ.get("REATTUNE_ENCRYPTION_KEYS_FILE")
    if named:
        return Path(named)
    if os.environ.get("REATTUNE_ENCRYPTION_KEYS"):
        return None
    return settings.DATA_DIR / paths.ENCRYPTION_KEYS_FILE


def _write_keys(path: Path, keys: list[str]) -> None:
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def reencrypt_all(progress=print) -> int:
    """Re-encrypt every encrypted column under the newest key. Returns rows changed."""
    quote = connection.ops.quote_name
    changed = 0
    for model, fields in crypto.encrypted_fields():
        table, pk = model._meta.db_table, model._meta.pk.column
        columns = [model._meta.get_field(name).column for name in fields]
        # Table and column names come from the model registry, never from input.
        select = f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} FROM {quote(table)}"  # noqa: S608  # nosec B608
        set_clause = ", ".join(f"{quote(c)} = %s" for c in columns)
        update = f"UPDATE {quote(table)} SET {set_clause} WHERE {quote(pk)} = %s"  # noqa: S608  # nosec B608
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(select)
                rows = cursor.fetchall()
            with connection.cursor() as cursor:
                for row in rows:
                    values = [None if v is None else crypto.reencrypt(v) for v in row[1:]]
                    cursor.execute(update, [*values, row[0]])
                    changed += 1
        progress(f"  {model._meta.label}: {len(rows)} row(s) re-encrypted")
    return changed


def rotate(retire_old: bool = False, new_key: str | None = None, progress=print) -> int:
    path = key_file()
    if path is None:
        progress(
            "Keys come from REATTUNE_ENCRYPTION_KEYS; add a new key first in that variable "
            "(newest first), restart, then run rotate-keys again to re-encrypt."
        )
        return 2
    existing = [k for k in settings.ENCRYPTION_KEYS if k]
    new_key = new_key or Fernet.generate_key().decode()
    keys = [new_key, *[k for k in existing if k != new_key]]
    _write_keys(path, keys)
    settings.ENCRYPTION_KEYS = keys
    progress(f"Added a new key; {len(existing)} older key(s) kept for reading.")
    changed = reencrypt_all(progress)
    progress(f"Re-encrypted {changed} row(s) under the new key.")
    if retire_old:
        _write_keys(path, [new_key])
        settings.ENCRYPTION_KEYS = [new_key]
        progress(
            "Retired the old keys. Restart running app processes so they load the new key file."
        )
    else:
        progress("Old keys are still in the key file; run again with --retire-old to remove them.")
    progress(f"Back up {path} now: without it the encrypted text cannot be read.")
    return 0
