"""Online backup and restore of the database (docs/deploy.md, "Backups and crash safety").

SQLite: the online backup API (sqlite3.Connection.backup), which copies a consistent
snapshot while the app keeps running; never a file copy of a live database. PostgreSQL:
`pg_dump -Fc`. Every copy is checked (PRAGMA integrity_check / pg_restore --list) before it
counts. The key files are not in a backup: they must be backed up separately.
"""

import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404 - runs pg_dump/pg_restore by absolute path, no shell
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SQLITE_SUFFIX = ".sqlite3"
PG_SUFFIX = ".pgdump"
NAME = re.compile(r"^reattune-\d{8}-\d{6}(?:-\d+)?(\.sqlite3|\.pgdump)$")
PAGES_PER_STEP = 1024

Say = Callable[[str], None]


class BackupError(Exception):
    """Why a backup or restore cannot go on, in words fit for the host."""


@dataclass
class Database:
    vendor: str  # "sqlite" or "postgresql"
    settings: dict

    @property
    def sqlite_path(self) -> Path:
        return Path(self.settings["NAME"])


def current_database() -> Database:
    from django.db import connections

    connection = connections["default"]
    return Database(vendor=connection.vendor, settings=connection.settings_dict)


def key_files_hint() -> str:
    """Where the keys are, for the reminder. Names only, never the keys."""
    from django.conf import settings

    from reattune import keys, paths

    key_file = keys.key_file()
    where = (
        str(key_file)
        if key_file
        else "REATTUNE_ENCRYPTION_KEYS (set in the environment: keep a copy of that value)"
    )
    secret = (
        "REATTUNE_SECRET_KEY"
        if os.environ.get("REATTUNE_SECRET_KEY") or os.environ.get("REATTUNE_SECRET_KEY_FILE")
        else str(settings.DATA_DIR / paths.SECRET_KEY_FILE)
    )
    return (
        "Reminder: this backup does not hold the keys. Back up the key files separately, and "
        f"keep them apart from the database backups:\n  encryption keys: {where}\n"
        f"  secret key:      {secret}\n"
        "Without the encryption keys a backup cannot be read; with them, anyone can read it."
    )


# --- names and retention -------------------------------------------------------------------


def _new_path(directory: Path, suffix: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = directory / f"reattune-{stamp}{suffix}"
    number = 1
    while path.exists() or path.with_name(path.name + ".partial").exists():
        path = directory / f"reattune-{stamp}-{number}{suffix}"
        number += 1
    return path


def _sort_key(path: Path):
    match = re.match(r"^reattune-(\d{8}-\d{6})(?:-(\d+))?", path.name)
    return (match.group(1), int(match.group(2) or 0)) if match else ("", 0)


def backups_in(directory: Path) -> list[Path]:
    """Our backups in `directory`, oldest first. Only files named like ours."""
    if not directory.is_dir():
        return []
    return sorted(
        (p for p in directory.iterdir() if p.is_file() and NAME.match(p.name)), key=_sort_key
    )


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; returns what was deleted."""
    if keep < 1:
        raise BackupError("--keep must be at least 1.")
    existing = backups_in(directory)
    doomed = existing[:-keep] if len(existing) > keep else []
    for path in doomed:
        path.unlink()
    return doomed


# --- SQLite --------------------------------------------------------------------------------


def sqlite_integrity(path: Path) -> str:
    connection = sqlite3.connect(path, timeout=30)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    return "; ".join(str(row[0]) for row in rows)


def _sqlite_copy(source: Path, target: Path, say: Say) -> None:
    """Online backup API: a consistent snapshot, even while others write."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:

        def progress(status, remaining, total):
            if total > PAGES_PER_STEP:
                say(f"  copied {total - remaining:,} of {total:,} pages")

        src.backup(dst, pages=PAGES_PER_STEP, progress=progress)
        # The copy is one self-contained file (no -wal beside it).
        dst.execute("PRAGMA journal_mode=DELETE")
        dst.commit()
    finally:
        dst.close()
        src.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_sqlite(database: Database, directory: Path, say: Say) -> Path:
    source = database.sqlite_path
    if not source.exists():
        raise BackupError(f"There is no database at {source} to back up.")
    final = _new_path(directory, SQLITE_SUFFIX)
    partial = final.with_name(final.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        _sqlite_copy(source, partial, say)
        result = sqlite_integrity(partial)
        if result != "ok":
            raise BackupError(f"The copy failed its integrity check ({result}); it was removed.")
        _fsync(partial)
        os.replace(partial, final)
    finally:
        if partial.exists():
            partial.unlink()
    say("Integrity check of the copy: ok")
    return final


# --- PostgreSQL ----------------------------------------------------------------------------


def _version_key(path: Path):
    return [int(part) if part.isdigit() else 0 for part in path.parent.parent.name.split(".")]


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: REATTUNE_PG_BIN, then PATH, then the newest /usr/lib/postgresql."""
    configured = os.environ.get("REATTUNE_PG_BIN")
    if configured and (Path(configured) / name).is_file():
        return str(Path(configured) / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=_version_key)
    if candidates:
        return str(candidates[-1])
    raise BackupError(
        f"{name} was not found (on PATH, in REATTUNE_PG_BIN or under /usr/lib/postgresql). "
        "Install the PostgreSQL client of your server's version (apt-get install "
        "postgresql-client)."
    )


def _pg_env(settings: dict) -> dict[str, str]:
    """Connection for the pg tools through the environment: no password on the command line."""
    env = dict(os.environ)
    pairs = {
        "PGDATABASE": settings.get("NAME"),
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
    }
    for name, value in pairs.items():
        if value:
            env[name] = str(value)
    options = settings.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _run(args: list[str], env: dict, what: str) -> subprocess.CompletedProcess:
    # Fixed argument list, the tool found by absolute path, no shell.
    result = subprocess.run(  # noqa: S603  # nosec B603
        args, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or "").strip().splitlines()[-3:]
        raise BackupError(f"{what} failed: " + " / ".join(detail))
    return result


def pg_check(path: Path, env: dict | None = None) -> int:
    """pg_restore --list must read the whole table of contents; returns its entry count."""
    result = _run(
        [pg_tool("pg_restore"), "--list", str(path)], env or dict(os.environ), "pg_restore --list"
    )
    entries = [line for line in result.stdout.splitlines() if line and not line.startswith(";")]
    if not any(" TABLE DATA " in line for line in entries):
        raise BackupError("The dump holds no table data; it was removed.")
    return len(entries)


def backup_postgresql(database: Database, directory: Path, say: Say) -> Path:
    final = _new_path(directory, PG_SUFFIX)
    partial = final.with_name(final.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    env = _pg_env(database.settings)
    try:
        _run([pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(partial)], env, "pg_dump")
        entries = pg_check(partial, env)
        _fsync(partial)
        os.replace(partial, final)
    finally:
        if partial.exists():
            partial.unlink()
    say(f"Check of the dump (pg_restore --list): ok, {entries} entries")
    return final


def backup(directory: Path, keep: int | None, say: Say) -> tuple[Path, list[Path]]:
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1.")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    database = current_database()
    if database.vendor == "sqlite":
        path = backup_sqlite(database, directory, say)
    elif database.vendor == "postgresql":
        path = backup_postgresql(database, directory, say)
    else:
        raise BackupError(f"Backups of {database.vendor} databases are not supported.")
    removed = prune(directory, keep) if keep else []
    return path, removed


# --- checking that the keys open the data ---------------------------------------------------


def check_encrypted(
    cursor, quote: Callable[[str], str], say: Say, present: dict[str, set[str]] | None = None
) -> int:
    """Decrypt every encrypted value reachable through `cursor`; returns how many.

    `present` ({table: columns}, from a checked schema) leaves out encrypted columns an older
    backup does not have yet (migrations add them when reattune starts). Raises BackupError
    naming the first table whose values the configured keys cannot open.
    """
    from reattune.core import crypto

    checked = 0
    for model, names in crypto.encrypted_fields():
        table = model._meta.db_table
        columns = [model._meta.get_field(name).column for name in names]
        if present is not None:
            columns = [c for c in columns if c in present.get(table, set())]
            if not columns:
                continue
        cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)}")  # noqa: S608  # nosec B608 - names come from the model registry, not from input
        for row in cursor.fetchall():
            for value in row:
                if value is None:
                    continue
                try:
                    crypto.decrypt(value, where=table)
                except crypto.DecryptionFailed as error:
                    raise BackupError(
                        f"The configured encryption keys cannot read the values in {table}. "
                        "Put the key files that belong to this backup (encryption.keys) in "
                        "the data directory, or set REATTUNE_ENCRYPTION_KEYS[_FILE], then try "
                        "again."
                    ) from error
                checked += 1
    say(f"Encrypted values readable with the configured keys: {checked:,}")
    return checked


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- is it ours? -----------------------------------------------------------------------------

# Without these, a database is not a reattune one, whatever else it holds.
CORE_APPS = ("accounts", "couples", "journal")


def check_schema(applied: set[tuple[str, str]], present: dict[str, set[str]], source) -> None:
    """Refuse a database that is not a whole reattune database of this version or older.

    `applied`: the (app, migration) rows of its django_migrations; `present`: its tables and
    their columns. Refused: no reattune migrations (another application's database, or only
    an empty django_migrations), migrations this reattune does not have (a newer reattune or
    another application), a migration recorded without the ones it needs, or a table or
    column its migrations made that is missing (a partial copy).
    """
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    ours = {app for app, _ in graph.nodes}
    if not all(any(app == core for app, _ in applied) for core in CORE_APPS):
        raise BackupError(
            f"{source} is not a reattune database: it records none of reattune's own tables. "
            "Nothing was changed."
        )
    unknown = sorted(
        f"{app}.{name}" for app, name in applied if app in ours and (app, name) not in graph.nodes
    )
    if unknown:
        raise BackupError(
            f"{source} was made by a newer reattune or by another application (it records "
            f"changes this reattune does not know, e.g. {unknown[0]}). Nothing was changed."
        )
    known = [key for key in applied if key in graph.nodes]
    for key in known:
        missing = [dep for dep in graph.forwards_plan(key) if dep not in applied]
        if missing:
            app, name = missing[0]
            raise BackupError(
                f"{source} is an incomplete reattune database (it lacks {app}.{name}). "
                "Nothing was changed."
            )
    state = loader.project_state(nodes=known, at_end=True)
    for model in state.apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.app_label not in ours:
            continue
        table = meta.db_table
        if table not in present:
            raise BackupError(
                f"{source} is an incomplete reattune database (the table {table} is missing). "
                "Nothing was changed."
            )
        for field in meta.local_fields:
            if field.column and field.column not in present[table]:
                raise BackupError(
                    f"{source} is an incomplete reattune database (the column "
                    f"{table}.{field.column} is missing). Nothing was changed."
                )


def _sqlite_schema(connection) -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    tables = [
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    present = {
        table: {
            row[1]
            for row in connection.execute(f"PRAGMA table_info({_sqlite_quote(table)})")  # nosec B608
        }
        for table in tables
    }
    applied: set[tuple[str, str]] = set()
    if {"app", "name"} <= present.get("django_migrations", set()):
        applied = {
            (str(app), str(name))
            for app, name in connection.execute("SELECT app, name FROM django_migrations")
        }
    return applied, present


# --- restore -------------------------------------------------------------------------------


def _sqlite_has_tables(path: Path) -> bool:
    connection = sqlite3.connect(path)
    try:
        count = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]
    finally:
        connection.close()
    return count > 0


def restore_sqlite(database: Database, source: Path, say: Say) -> int:
    target = database.sqlite_path
    wal = target.with_name(target.name + "-wal")
    if (target.exists() and target.stat().st_size and _sqlite_has_tables(target)) or (
        wal.exists() and wal.stat().st_size
    ):
        raise BackupError(
            f"The database {target} is not empty. Restore only into an empty data directory "
            "(or set REATTUNE_DATA_DIR / REATTUNE_SQLITE_PATH to a new place); nothing was "
            "changed."
        )
    try:
        result = sqlite_integrity(source)
    except sqlite3.Error as error:
        raise BackupError(
            f"{source} is not a reattune SQLite backup ({error}). Nothing was changed."
        ) from error
    if result != "ok":
        raise BackupError(f"{source} failed its integrity check ({result}); nothing was changed.")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = target.with_name(target.name + ".restoring")
    if partial.exists():
        partial.unlink()
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        try:
            _sqlite_copy(source, partial, say)
            connection = sqlite3.connect(partial)
            try:
                applied, present = _sqlite_schema(connection)
                check_schema(applied, present, source)
                checked = check_encrypted(connection.cursor(), _sqlite_quote, say, present)
            finally:
                connection.close()
        except sqlite3.Error as error:
            raise BackupError(
                f"{source} cannot be read as a reattune database ({error}). Nothing was changed."
            ) from error
        _fsync(partial)
        for leftover in (target, wal, target.with_name(target.name + "-shm")):
            if leftover.exists():
                leftover.unlink()
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return checked


def _pg_is_empty() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
        return cursor.fetchone()[0] == 0


def restore_postgresql(database: Database, source: Path, say: Say) -> int:
    from django.db import DatabaseError, connection, transaction

    if not _pg_is_empty():
        raise BackupError(
            f"The database {database.settings.get('NAME')!r} is not empty. Restore only into "
            "an empty database (createdb a new one and point DATABASE_URL at it); nothing was "
            "changed."
        )
    env = _pg_env(database.settings)
    pg_check(source, env)
    listing = _run([pg_tool("pg_restore"), "--list", str(source)], env, "pg_restore --list")
    tables = set(re.findall(r" TABLE DATA \S+ (\S+) ", listing.stdout))
    needed = {"django_migrations", "accounts_user", "couples_space", "journal_entry"}
    if not needed <= tables:
        raise BackupError(
            f"{source} is not a whole reattune database dump (it lacks "
            f"{sorted(needed - tables)[0]}). Nothing was changed."
        )
    connection.close()  # pg_restore works on its own connection
    _run(
        [
            pg_tool("pg_restore"),
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "-d",
            str(database.settings.get("NAME")),
            str(source),
        ],
        env,
        "pg_restore",
    )
    # The same checks as a SQLite restore; the database was empty before, so a refusal empties
    # it again and "nothing was changed" stays true.
    try:
        with connection.cursor() as cursor:
            applied, present = _pg_schema(cursor)
        check_schema(applied, present, source)
        with transaction.atomic(), connection.cursor() as cursor:
            return check_encrypted(cursor, connection.ops.quote_name, say, present)
    except (BackupError, DatabaseError) as error:
        _pg_empty_again()
        if isinstance(error, BackupError):
            raise
        raise BackupError(
            f"{source} cannot be read as a reattune database ({type(error).__name__}). Nothing "
            "was changed."
        ) from error


def _pg_schema(cursor) -> tuple[set[tuple[str, str]], dict[str, set[str]]]:
    cursor.execute("SELECT app, name FROM django_migrations")
    applied = {(app, name) for app, name in cursor.fetchall()}
    cursor.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema()"
    )
    present: dict[str, set[str]] = {}
    for table, column in cursor.fetchall():
        present.setdefault(table, set()).add(column)
    return applied, present


def _pg_empty_again() -> None:
    """Drop what a refused restore brought in (the target was empty before it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute(f"DROP SCHEMA {schema} CASCADE")  # nosec B608 - the current schema name
        cursor.execute(f"CREATE SCHEMA {schema}")  # nosec B608 - the current schema name


def restore(source: Path, say: Say) -> int:
    if not source.is_file():
        raise BackupError(f"There is no file {source}.")
    database = current_database()
    if database.vendor == "sqlite":
        if source.suffix == PG_SUFFIX:
            raise BackupError("This is a PostgreSQL dump; this reattune uses SQLite.")
        return restore_sqlite(database, source, say)
    if database.vendor == "postgresql":
        if source.suffix == SQLITE_SUFFIX:
            raise BackupError("This is a SQLite backup; this reattune uses PostgreSQL.")
        return restore_postgresql(database, source, say)
    raise BackupError(f"Restoring {database.vendor} databases is not supported.")
