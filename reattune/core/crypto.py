"""Field encryption at rest with MultiFernet.

Keys come from settings.ENCRYPTION_KEYS, newest first: new values are encrypted under the
first key; any listed key may decrypt. A value that no key opens raises DecryptionFailed:
the field never hands back ciphertext or an empty string in its place (fail closed).

Key changes reach every running process. When the keys come from a file (the data
directory's encryption.keys or REATTUNE_ENCRYPTION_KEYS_FILE), that file is the generation
marker: `reattune rotate-keys` replaces it atomically (a new inode), and each process looks
at it (one stat) before every encryption, and again before giving up on a value that its
keys do not open. So a process encrypts under the newest key from the moment the new file
is in place, and reads rows re-encrypted by another process without a restart.
"""

import os
import threading
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionFailed(Exception):
    """No configured key can open a stored value. The message never carries the value."""


@lru_cache(maxsize=4)
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("No encryption key configured (REATTUNE_ENCRYPTION_KEYS).")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured("An encryption key is not a valid Fernet key.") from error


def _identity(path: Path) -> tuple | None:
    """What changes whenever the key file is replaced or edited; None when it is missing."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


_lock = threading.Lock()
_seen: dict[str, tuple | None] = {}  # key file -> identity last read
_refused: dict[str, str] = {}  # key file -> why its current content was not taken


def _key_file() -> Path | None:
    return getattr(settings, "ENCRYPTION_KEYS_FILE", None)


def _remember_current_file() -> None:
    path = _key_file()
    if path is not None:
        _seen[str(path)] = _identity(path)


def _unfit(old: list[str], new: list[str]) -> str | None:
    """Why a running process must not switch from keys `old` to `new`; None if it may.

    A rotation keeps the old newest key (rotate: [new, old]; retire: [newest]), so a file
    that still holds our newest key is taken at once. Anything else is taken only if its keys
    open the stored data: an overwritten or wrong key file never makes a process write text
    that the real key cannot read. Raises DatabaseError when the data cannot be checked.
    """
    if not new:
        return "holds no key"
    try:
        ring = MultiFernet([Fernet(key.encode()) for key in new])
    except (ValueError, TypeError):
        return "holds a key that is not a valid encryption key"
    if not old or old[0] in new:
        return None
    for _, token in sample_values(per_model=1, oldest=False):
        try:
            ring.decrypt(token.encode("ascii"))
        except (InvalidToken, ValueError):
            return "holds keys that do not open the stored data"
    return None


def _put_keys(keys: list[str]) -> None:
    """Put `keys` in force for every thread of this process.

    Not `settings.ENCRYPTION_KEYS = keys`: Django's LazySettings drops its cached value first
    and sets the new one after, and a thread reading in that gap caches the old keys for good
    (it would keep encrypting under a retired key). Here the value underneath is set first and
    the cached one replaced in one step, so a reader finds the old keys or the new, never a
    stale cache. The caller holds _lock.
    """
    settings.ENCRYPTION_KEYS  # noqa: B018 - set up the settings and fill the cache first
    underneath = object.__getattribute__(settings, "_wrapped")  # LazySettings' Settings
    underneath.ENCRYPTION_KEYS = keys
    settings.__dict__["ENCRYPTION_KEYS"] = keys


def refresh() -> bool:
    """Take the key file's keys if it changed since it was read. True if the keys changed.

    One stat when nothing changed. A changed file that is missing, empty, invalid or holds
    keys that do not fit the stored data is not taken: the process keeps the keys it has
    (nothing is written under a wrong key) and key_problem() says why, for /healthz.
    """
    path = _key_file()
    if path is None:
        return False
    name = str(path)
    if name in _seen and _seen[name] == _identity(path):
        return False
    with _lock:
        identity = _identity(path)
        if name in _seen and _seen[name] == identity:
            return False
        from django.db import DatabaseError

        from reattune import paths

        try:
            keys = paths.read_keys(path) if identity is not None else []
        except OSError:
            keys = []
        try:
            reason = _unfit(list(settings.ENCRYPTION_KEYS), keys)
        except DatabaseError:
            return False  # not checkable now: keep the keys we have and look again next time
        # Replaced again while we read it? Then the identity differs and the next call reloads.
        if reason is not None:
            _refused[name] = "is missing" if identity is None else reason
            _seen[name] = identity
            return False
        _refused.pop(name, None)
        changed = keys != list(settings.ENCRYPTION_KEYS)
        _put_keys(keys)
        # Marked as read only now: another thread's fast path above, finding the file seen,
        # must also find its keys in force (never a moment with the old keys and no reload).
        _seen[name] = identity
        return changed


def current_keys() -> list[str]:
    """The keys in force now (the key file as it is on disk), newest first."""
    refresh()
    return list(settings.ENCRYPTION_KEYS)


def keyring() -> MultiFernet:
    return _keyring(tuple(settings.ENCRYPTION_KEYS))


# A key file this very process created (reattune/paths.py; with DATABASE_URL it cannot see
# the data first): before the first value is encrypted under it, the stored data is checked.
_new_key_unchecked = False


def _check_new_key() -> None:
    global _new_key_unchecked
    with _lock:
        if not _new_key_unchecked:
            return
        ring = keyring()
        for _, token in sample_values(per_model=1, oldest=False):
            try:
                ring.decrypt(token.encode("ascii"))
            except (InvalidToken, ValueError) as error:
                raise ImproperlyConfigured(
                    f"The encryption key file {_key_file()} was missing and has just been "
                    "made anew, but the database holds text written under another key. Put "
                    "your backed-up key file in its place; nothing was saved."
                ) from error
        _new_key_unchecked = False


def encrypt(text: str) -> str:
    refresh()
    if _new_key_unchecked:
        _check_new_key()
    return keyring().encrypt(text.encode("utf-8")).decode("ascii")


def _open(token: str, keys: tuple[str, ...]) -> str:
    return _keyring(keys).decrypt(token.encode("ascii")).decode("utf-8")


def decrypt(token: str, where: str = "a value") -> str:
    tried = tuple(settings.ENCRYPTION_KEYS)
    try:
        return _open(token, tried)
    except (InvalidToken, UnicodeError, ValueError, ImproperlyConfigured) as error:
        first = error
    # Perhaps another process rotated the keys and re-encrypted this row: look again. The
    # reload may be done (or under way) in another thread of this process, so refresh()
    # returning False says nothing: what counts is whether the keys differ from the ones tried.
    refresh()
    now = tuple(settings.ENCRYPTION_KEYS)
    if now != tried:
        try:
            return _open(token, now)
        except (InvalidToken, UnicodeError, ValueError):
            pass
    elif isinstance(first, ImproperlyConfigured):
        raise first
    raise DecryptionFailed(f"Could not decrypt {where} with the configured keys.") from None


def opens_with_newest(token: str) -> bool:
    """True when the newest key alone opens the value (nothing older is needed for it)."""
    keys = settings.ENCRYPTION_KEYS
    if not keys:
        return False
    try:
        Fernet(keys[0].encode()).decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError, TypeError):
        return False
    return True


def reencrypt(token: str) -> str:
    """The same plaintext under the newest key (used by rotate-keys)."""
    try:
        return keyring().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError) as error:
        raise DecryptionFailed("Could not re-encrypt a value with the configured keys.") from error


def key_problem() -> str | None:
    """Why the keys cannot be used, in words safe to show (no key, no value); None if fine."""
    refresh()
    path = _key_file()
    where = f"the key file {path}" if path is not None else "REATTUNE_ENCRYPTION_KEYS"
    if path is not None and str(path) in _refused:
        return f"{where} {_refused[str(path)]}; this process keeps using the keys it read before"
    if path is not None and not path.exists():
        return f"{where} is missing"
    keys = settings.ENCRYPTION_KEYS
    if not keys:
        return f"{where} holds no key"
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            return f"key {number} in {where} is not a valid encryption key"
    return None


_complete_tables: set[str] = set()  # tables known to have every encrypted column


def _present_columns(connection, model, columns: list[str]) -> list[str]:
    """The columns the table has now: before or during a migration a new one may be missing."""
    table = model._meta.db_table
    if table in _complete_tables:
        return columns
    with connection.cursor() as cursor:
        present = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    found = [c for c in columns if c in present]
    if len(found) == len(columns):
        _complete_tables.add(table)  # columns are only ever added by migrations
    return found


def sample_values(per_model: int = 3, oldest: bool = True):
    """(label, stored token) for a few stored values of every encrypted column.

    The encrypted values of the newest (and, with oldest, the oldest) rows of each model,
    read with raw SQL (so nothing is decrypted on the way); one query per model and end.
    Tables and columns that do not exist yet are skipped.
    """
    from django.db import connection

    quote = connection.ops.quote_name
    tables = set(connection.introspection.table_names())
    for model, fields in encrypted_fields():
        meta = model._meta
        if meta.db_table not in tables:
            continue
        names = {meta.get_field(name).column: name for name in fields}
        columns = _present_columns(connection, model, list(names))
        if not columns:
            continue
        for order in ("DESC", "ASC") if oldest else ("DESC",):
            # Names come from the model registry, never from input.
            query = (
                f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(meta.db_table)} "  # noqa: S608  # nosec B608
                f"ORDER BY {quote(meta.pk.column)} {order} LIMIT {int(per_model)}"
            )
            with connection.cursor() as cursor:
                cursor.execute(query)
                for row in cursor.fetchall():
                    for column, token in zip(columns, row, strict=True):
                        if token is not None:
                            yield f"{meta.label}.{names[column]}", token


def sample_problem(per_model: int = 3, oldest: bool = True) -> tuple[int, int]:
    """(values sampled, values no configured key opens)."""
    sampled = failed = 0
    for label, token in sample_values(per_model, oldest):
        sampled += 1
        try:
            decrypt(token, where=label)
        except (DecryptionFailed, ImproperlyConfigured):
            failed += 1
    return sampled, failed


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token. Not searchable or orderable in the database, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return decrypt(value, where=f"{self.model._meta.label}.{self.name}")

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(value)

    def get_lookup(self, lookup_name):
        # Ciphertext differs on every write, so only null checks mean anything.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


def encrypted_fields():
    """(model, [field names]) for every concrete model with encrypted fields."""
    from django.apps import apps

    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


def _note_new_key_file() -> None:
    global _new_key_unchecked
    from reattune import paths

    path = _key_file()
    _new_key_unchecked = path is not None and path.resolve() in paths.CREATED


_remember_current_file()
_note_new_key_file()
