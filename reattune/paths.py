"""Where reattune keeps its files, and the first-run creation of its secrets.

Kept free of Django so the CLI can prepare the data directory before settings load.

Only a brand-new data directory gets a new encryption key: once a SQLite database exists
next to it (or at REATTUNE_SQLITE_PATH), a missing key file is never replaced here, and
`reattune serve` refuses to start until the backed-up key file is back (reattune/keys.py).
With DATABASE_URL this module cannot see whether the database holds data; a key file it
creates is recorded in CREATED, and the start-up check refuses (and removes that new file)
when the database already holds text written under another key.
"""

import os
import secrets
import stat
from pathlib import Path

from cryptography.fernet import Fernet

SECRET_KEY_FILE = "secret.key"  # noqa: S105  # nosec B105 - a file name, not a secret
ENCRYPTION_KEYS_FILE = "encryption.keys"
SQLITE_FILE = "reattune.sqlite3"
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")

# Key files this process created (absolute paths): the start-up check names them.
CREATED: set[Path] = set()


def data_dir() -> Path:
    configured = os.environ.get("REATTUNE_DATA_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    import platformdirs

    return Path(platformdirs.user_data_dir("reattune", appauthor=False))


def _env_or_file(name: str) -> str | None:
    """NAME, or the contents of the file named by NAME_FILE (as settings.env reads them)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name)


def uses_database_url() -> bool:
    return bool(os.environ.get("DATABASE_URL") or os.environ.get("DATABASE_URL_FILE"))


def sqlite_file(directory: Path | None = None) -> Path | None:
    """The SQLite database file, or None when DATABASE_URL selects PostgreSQL."""
    if uses_database_url():
        return None
    configured = _env_or_file("REATTUNE_SQLITE_PATH")
    if configured:
        return Path(configured).expanduser()
    return (directory or data_dir()) / SQLITE_FILE


def encryption_keys_file(directory: Path | None = None) -> Path | None:
    """The key file the app reads (and rotate-keys rewrites), or None for inline keys."""
    named = os.environ.get("REATTUNE_ENCRYPTION_KEYS_FILE")
    if named:
        return Path(named).expanduser()
    if os.environ.get("REATTUNE_ENCRYPTION_KEYS"):
        return None
    return (directory or data_dir()) / ENCRYPTION_KEYS_FILE


def parse_keys(text: str) -> list[str]:
    """Keys from a key file or variable: newest first, one a line or comma separated."""
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


def read_keys(path: Path) -> list[str]:
    """The keys in a key file; [] when it is missing or empty (the start-up check says so)."""
    try:
        return parse_keys(path.read_text())
    except FileNotFoundError:
        return []


def write_private(path: Path, text: str) -> None:
    """Create a new file readable by its owner only (0600), failing if it already exists."""
    # O_EXCL: two processes starting at once must not overwrite each other's fresh key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def replace_private(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all, readable by its owner only (0600): the data goes to
    a partial file beside it (``.NAME.PID-THREAD.partial``), which then replaces ``path``, so a
    reader sees the old file or the new one. Raises OSError, leaving no partial file behind."""
    import threading

    partial = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def make_private(path: Path) -> None:
    """Take group and other permissions off an existing file (a no-op when already 0600)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except FileNotFoundError:
        pass
    except PermissionError:
        pass  # not ours to change (e.g. a key file mounted read-only by root)


def prepare_sqlite_file(database: Path) -> None:
    """The SQLite database and its -wal/-shm files, private to the owner (0600).

    SQLite creates -wal and -shm with the permissions of the database file, so the database
    is created here, empty and 0600, before the first connection; files left 0644 by older
    versions or copied in by hand are tightened at each start.
    """
    database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        write_private(database, "")
    except FileExistsError:
        pass
    for path in (database, *(Path(f"{database}{suffix}") for suffix in SQLITE_COMPANIONS)):
        make_private(path)


def _has_database(directory: Path) -> bool:
    database = sqlite_file(directory)
    if database is None:
        return False  # PostgreSQL: not visible from here; the start-up check looks.
    # With WAL, the first writes may sit in -wal before they reach the database file.
    for path in (database, Path(f"{database}-wal")):
        try:
            if path.stat().st_size > 0:
                return True
        except FileNotFoundError:
            pass
    return False


def ensure_data_dir(directory: Path | None = None) -> Path:
    """Create the data directory and, on first run, the secret and encryption key files (0600).

    The encryption key file is made only while there is no database yet (see the module
    docstring); an existing database with a missing key file is left for the start-up
    check to refuse, never given a new key.
    """
    directory = directory or data_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    files = [(directory / SECRET_KEY_FILE, lambda: secrets.token_urlsafe(50) + "\n")]
    key_file = encryption_keys_file(directory)
    if key_file == directory / ENCRYPTION_KEYS_FILE and not _has_database(directory):
        files.append((key_file, lambda: Fernet.generate_key().decode() + "\n"))
    for path, make in files:
        if path.exists():
            make_private(path)
            continue
        try:
            write_private(path, make())
        except FileExistsError:
            continue
        if path.name == ENCRYPTION_KEYS_FILE:
            CREATED.add(path.resolve())
    return directory
