"""Encryption keys: the start-up check, rotation, and retiring old keys without losing a row.

Keys live in the data directory's key file (or the file named by
REATTUNE_ENCRYPTION_KEYS_FILE), newest first. That file is also the generation marker every
running process watches (reattune/core/crypto.py): replacing it reaches them all, no restart.

Rotation takes two steps (docs/deploy.md):

1. `reattune rotate-keys` puts a new key first in the file, keeping the old ones for reading,
   and re-encrypts every stored value under it. Each process encrypts under the new key from
   its next write on.
2. `reattune rotate-keys --retire-old`, at least GRACE_SECONDS later, removes the old keys.
   It refuses while the new key has been in place for less than the grace period (a request
   that read the old file just before the change may still be finishing its write), and it
   re-encrypts any value still under an old key, checks that none is left, and checks again
   after rewriting the file: if a value under an old key turned up meanwhile, the old keys go
   back into the file and nothing is retired.

Keys given inline in REATTUNE_ENCRYPTION_KEYS cannot be rewritten by us; rotate them by hand
as docs/deploy.md describes.
"""

import os
import sys
import time
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection, transaction

from reattune import paths
from reattune.core import crypto

BATCH = 500
# Re-encryption writes in short transactions (WRITE_ROWS rows each) and, on SQLite, pauses
# between them: SQLite has one writer at a time, and a request waiting for the lock polls
# every 100 ms at most, so back-to-back transactions could keep it waiting past its busy
# timeout (settings: 20 s) on a loaded machine, and it would answer 500.
WRITE_ROWS = 50
PAUSE_SECONDS = 0.12
GRACE_SECONDS = 120  # longer than any request may take between reading keys and committing
CAS_RETRIES = 5


class RowKeptChanging(Exception):
    """A row changed under every re-encryption attempt; the command says to try again."""


def key_file() -> Path | None:
    return getattr(settings, "ENCRYPTION_KEYS_FILE", None)


def _write_keys(path: Path, keys: list[str]) -> None:
    temporary = path.with_name(path.name + ".new")
    temporary.unlink(missing_ok=True)  # a leftover could carry wider permissions
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(keys) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)  # a new inode: every process sees the change on its next stat
    try:
        directory = os.open(path.parent, os.O_RDONLY)
    except OSError:
        directory = None  # the rename still stands; only its durability is left to the OS
    if directory is not None:
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    crypto.refresh()  # this process too, whatever happened to the directory sync


def _batches(table: str, pk: str, columns: list[str]):
    """Rows (pk, *values) of a table, BATCH at a time in primary-key order."""
    quote = connection.ops.quote_name
    # Table and column names come from the model registry, never from input.
    head = f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} FROM {quote(table)}"  # noqa: S608  # nosec B608
    tail = f"ORDER BY {quote(pk)} LIMIT {BATCH}"
    last = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(f"{head} {tail}")
            else:
                cursor.execute(f"{head} WHERE {quote(pk)} > %s {tail}", [last])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _rewrite_row(table: str, pk: str, columns: list[str], row: tuple) -> int:
    """Re-encrypt the values of one row that the newest key alone does not open.

    Compare-and-set: the UPDATE matches only while the row still holds the values we read,
    so an edit saved meanwhile is never overwritten with older text; we read it again.
    Returns the number of values rewritten.
    """
    quote = connection.ops.quote_name
    for _ in range(CAS_RETRIES):
        stale = [
            (column, value)
            for column, value in zip(columns, row[1:], strict=True)
            if value is not None and not crypto.opens_with_newest(value)
        ]
        if not stale:
            return 0
        sets = ", ".join(f"{quote(c)} = %s" for c, _ in stale)
        checks = " AND ".join(f"{quote(c)} = %s" for c, _ in stale)
        update = f"UPDATE {quote(table)} SET {sets} WHERE {quote(pk)} = %s AND {checks}"  # noqa: S608  # nosec B608
        params = [crypto.reencrypt(v) for _, v in stale] + [row[0]] + [v for _, v in stale]
        with connection.cursor() as cursor:
            cursor.execute(update, params)
            if cursor.rowcount == 1:
                return len(stale)
            select = (
                f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} "  # noqa: S608  # nosec B608
                f"FROM {quote(table)} WHERE {quote(pk)} = %s"
            )
            cursor.execute(select, [row[0]])
            fresh = cursor.fetchone()
        if fresh is None:
            return 0  # deleted meanwhile
        row = fresh
    raise RowKeptChanging(table)


def _let_writers_in() -> None:
    """After a re-encryption transaction: give waiting app requests the SQLite write lock."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        time.sleep(PAUSE_SECONDS)


def scan(fix: bool, progress=print) -> tuple[int, int]:
    """(values checked, values not under the newest key); with fix, re-encrypt those.

    With fix the second number is how many values were rewritten. Works in batches, each in
    its own short transaction, so the app keeps serving. A value no configured key opens
    raises DecryptionFailed (nothing after it is touched).
    """
    crypto.refresh()
    checked = stale = 0
    for model, fields in crypto.encrypted_fields():
        meta = model._meta
        table, pk = meta.db_table, meta.pk.column
        columns = [meta.get_field(name).column for name in fields]
        rewritten = 0
        for rows in _batches(table, pk, columns):
            if fix:
                for start in range(0, len(rows), WRITE_ROWS):
                    before = rewritten
                    with transaction.atomic():
                        for row in rows[start : start + WRITE_ROWS]:
                            checked += sum(v is not None for v in row[1:])
                            rewritten += _rewrite_row(table, pk, columns, row)
                    if rewritten > before:  # a transaction that wrote nothing held no lock
                        _let_writers_in()
                continue
            for row in rows:
                for value in row[1:]:
                    if value is None:
                        continue
                    checked += 1
                    if not crypto.opens_with_newest(value):
                        crypto.decrypt(value, where=meta.label)  # opens at all?
                        stale += 1
        if rewritten:
            progress(f"  {meta.label}: {rewritten} value(s) re-encrypted")
        stale += rewritten
    return checked, stale


def reencrypt_all(progress=print) -> int:
    """Re-encrypt every value not yet under the newest key. Returns how many were rewritten."""
    return scan(fix=True, progress=progress)[1]


def _refuse(message: str, progress) -> int:
    progress(message)
    return 1


def rotate(new_key: str | None = None, progress=print) -> int:
    """Step 1: a new key first in the file, old keys kept for reading, everything re-encrypted."""
    path = key_file()
    problem = crypto.key_problem()
    if problem:
        return _refuse(f"Nothing was changed: {problem}.", progress)
    if path is None:
        if len(crypto.current_keys()) < 2:
            progress(
                "Keys come from REATTUNE_ENCRYPTION_KEYS; add a new key first in that variable "
                "(newest first), restart, then run rotate-keys again to re-encrypt."
            )
            return 2
        try:
            changed = reencrypt_all(progress)
        except (RowKeptChanging, crypto.DecryptionFailed):
            return _refuse("Some stored text could not be re-encrypted; run this again.", progress)
        progress(
            f"Re-encrypted {changed} value(s) under the first key in REATTUNE_ENCRYPTION_KEYS. "
            "Remove the older keys from that variable (and restart) only when every process "
            "has been restarted with the new key first."
        )
        return 0
    existing = crypto.current_keys()
    new_key = new_key or Fernet.generate_key().decode()
    _write_keys(path, [new_key, *[k for k in existing if k != new_key]])
    progress(
        f"Added a new key; {len(existing)} older key(s) kept for reading. Running app "
        "processes encrypt under the new key from their next write on (no restart needed)."
    )
    try:
        changed = reencrypt_all(progress)
    except RowKeptChanging:
        return _refuse("A row kept changing while it was re-encrypted; run this again.", progress)
    except crypto.DecryptionFailed:
        return _refuse(
            "Some stored text cannot be opened by any key in the key file, so it was left as "
            "it is; every key is still in the file.",
            progress,
        )
    progress(f"Re-encrypted {changed} value(s) under the new key.")
    progress(
        "The old keys stay in the key file for reading. To remove them, run "
        f"`reattune rotate-keys --retire-old` in {GRACE_SECONDS} s or later."
    )
    progress(f"Back up {path} now: without it the encrypted text cannot be read.")
    return 0


def retire(grace: float = GRACE_SECONDS, wait: bool = False, progress=print) -> int:
    """Step 2: remove every key but the newest, only when no row and no process needs them."""
    path = key_file()
    if path is None:
        progress("Keys come from REATTUNE_ENCRYPTION_KEYS; remove old keys there by hand.")
        return 2
    problem = crypto.key_problem()
    if problem:
        return _refuse(f"Nothing was retired: {problem}.", progress)
    keys = crypto.current_keys()
    if len(keys) < 2:
        progress("The key file holds one key only: there is nothing to retire.")
        return 0
    age = time.time() - path.stat().st_mtime
    if age < grace:
        if not wait:
            return _refuse(
                f"Nothing was retired: the newest key was put in place {age:.0f} s ago. A "
                "running process may still be finishing a write it encrypted under an older "
                f"key; run this again in {grace - age:.0f} s (or add --wait).",
                progress,
            )
        progress(f"Waiting {grace - age:.1f} s so every running process uses the newest key...")
        time.sleep(grace - age)
    try:
        scan(fix=True, progress=progress)
        checked, stale = scan(fix=False)
    except RowKeptChanging:
        return _refuse("Nothing was retired: a row kept changing; run this again.", progress)
    except crypto.DecryptionFailed:
        return _refuse(
            "Nothing was retired: some stored text cannot be opened by any key in the key "
            "file. Every key is still in the file.",
            progress,
        )
    if stale:
        return _refuse(
            f"Nothing was retired: {stale} value(s) are still under an older key right after "
            "re-encrypting. Is another process writing with its own copy of an older key "
            "file? Give every process the current key file, then try again.",
            progress,
        )
    _write_keys(path, keys[:1])
    try:
        _, stale = scan(fix=False)
    except crypto.DecryptionFailed:
        stale = 1
    if stale:
        _write_keys(path, keys)
        return _refuse(
            "Nothing was retired: a value under an older key was saved while the old keys were "
            "being removed, so they are back in the key file and that value is readable. "
            "Try again in a moment.",
            progress,
        )
    progress(
        f"Retired {len(keys) - 1} old key(s); all {checked} stored value(s) open with the "
        "newest key. Running processes follow the key file without a restart."
    )
    progress(f"Back up {path} now: without it the encrypted text cannot be read.")
    return 0


def _missing(path: Path) -> str:
    return (
        f"the encryption key file {path} is missing, and the database already holds "
        "encrypted text. Put your backed-up key file back in place (mode 0600) and start "
        "again. reattune never makes a new key over existing data: what is saved under a new "
        "key could not be read together with what is stored now."
    )


def startup_problem() -> str | None:
    """Why `reattune serve` must not start with these keys, or None.

    Refuses when the key file is missing, empty or invalid while the database holds
    encrypted values, or when the keys cannot open a sample of them. A missing key file with
    no encrypted value anywhere (a new installation) gets a new key here, but only the data
    directory's own file: a file named by REATTUNE_ENCRYPTION_KEYS_FILE is shared with other
    processes, and a key made up on one machine would split the data.
    """
    path = key_file()
    problem = crypto.key_problem()
    sampled, failed = crypto.sample_problem()
    default = settings.DATA_DIR / paths.ENCRYPTION_KEYS_FILE
    if path is not None and not path.exists():
        if sampled == 0 and path == default:
            try:
                paths.write_private(path, Fernet.generate_key().decode() + "\n")
            except FileExistsError:
                pass
            crypto.refresh()
            return crypto.key_problem()
        if sampled:
            return _missing(path)
        return (
            f"the encryption key file {path} (REATTUNE_ENCRYPTION_KEYS_FILE) is missing. "
            "Copy the key file every app process shares to that place and start again."
        )
    if problem:
        return (
            f"{problem}. Put your backed-up key file in place (one key a line, newest first) "
            "and start again."
        )
    if failed:
        created = path is not None and path.resolve() in paths.CREATED
        if created:
            # Made by this very start, before anything was encrypted with it: take it back, so
            # nothing else ever writes under a key that does not belong to this data.
            path.unlink(missing_ok=True)
            return _missing(path)
        where = f"the key file {path}" if path is not None else "REATTUNE_ENCRYPTION_KEYS"
        return (
            f"the keys in {where} cannot open {failed} of {sampled} sampled stored values: "
            "they are not the keys this data was written with. Put the right key file in "
            "place and start again; nothing was changed."
        )
    return None


def startup_check(stream=None) -> int:
    """0 when the keys fit the data; otherwise a clear message on stderr and 1."""
    stream = stream or sys.stderr
    problem = startup_problem()
    if problem is None:
        return 0
    print(f"reattune cannot start: {problem}", file=stream, flush=True)
    return 1
