"""`reattune backup [--out DIR] [--keep N]` and `reattune restore FILE`.

Follows the test run's database: SQLite in the data directory (online backup API), or in the
PostgreSQL run fresh databases on the server named by DATABASE_URL (pg_dump -Fc). Round
trip: every encrypted row reads back the same after the restore, with the same keys.
"""

import os
import shutil
import sqlite3
import threading

import pytest

from reattune.exports import backup as backups
from tests.browser import app_env, fresh_database, run_cli
from tests.cli_fixtures import (
    KEY_FILES,
    MARKER_BODY,
    data_copy,
    demo_copy,
    dump,
    read_values,
    sqlite_pass_only,
)

pytest_plugins = ["tests.cli_fixtures"]  # demo_source: `reattune demo` once per session


def env_for(data_dir, database_url):
    env = app_env(data_dir, database_url)
    if os.environ.get("REATTUNE_PG_BIN"):  # app_env drops REATTUNE_*; the pg tools need it
        env["REATTUNE_PG_BIN"] = os.environ["REATTUNE_PG_BIN"]
    return env


def copy_keys(source_dir, target_dir):
    target_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in KEY_FILES:
        shutil.copy2(source_dir / name, target_dir / name)


def test_it_backs_up_checks_keeps_n_and_restores_every_encrypted_row(tmp_path, demo_source):
    """Two backups with --keep 1: the second removes the first (pruning by name and age is
    test_it_prunes_only_its_own_files); the one kept restores every encrypted row, and is
    refused where other keys are in place (one backup of the demo data serves both)."""
    out = tmp_path / "backups"
    before = demo_source.dump  # the demo couple and a marker entry (tests/cli_fixtures.py)
    assert len(read_values(before)) >= 8 and MARKER_BODY in read_values(before)
    with demo_copy(demo_source, tmp_path / "source", "reattune_backup_src") as copy:
        source = env_for(copy[0], copy[2])
        results = [run_cli(["backup", "--out", str(out), "--keep", "1"], source) for _ in range(2)]
    first = results[0]
    assert "Backup written to" in first.stdout
    assert ("Integrity check of the copy: ok" in first.stderr) or (
        "pg_restore --list): ok" in first.stderr
    )
    assert "does not hold the keys" in first.stderr and "encryption.keys" in first.stderr
    assert "Removed old backup" not in first.stdout
    assert "Removed old backup" in results[1].stdout
    kept = backups.backups_in(out)
    assert len(kept) == 1, kept
    newest = kept[-1]
    assert newest.name in results[1].stdout  # the second one is kept, the first removed
    assert newest.stat().st_mode & 0o777 == 0o600
    assert not list(out.glob("*.partial"))

    with fresh_database("reattune_backup_dst") as target_url:
        target_dir = tmp_path / "target"
        copy_keys(tmp_path / "source", target_dir)
        target = env_for(target_dir, target_url)
        result = run_cli(["restore", str(newest)], target)
        assert "encrypted value(s) read back" in result.stdout
        after = dump(target)
        assert {k: t["read"] for k, t in after.items()} == {k: t["read"] for k, t in before.items()}
        assert {k: t["raw"] for k, t in after.items()} == {k: t["raw"] for k, t in before.items()}

        # A second restore into the now non-empty place is refused and changes nothing.
        restored = target_dir / "reattune.sqlite3"
        was = None if target_url else restored.read_bytes()
        again = run_cli(["restore", str(newest)], target, check=False)
        assert again.returncode == 1
        assert "not empty" in again.stderr
        if target_url:
            assert dump(target) == after
        else:  # SQLite: the database file is byte for byte what the first restore wrote
            assert restored.read_bytes() == was

    # With other key files in the data directory, nothing is restored (SQLite: no file).
    with fresh_database("reattune_backup_dst") as target_url:
        other = tmp_path / "other-keys"
        target = env_for(other, target_url)  # fresh, new keys on first run
        result = run_cli(["restore", str(newest)], target, check=False)
    assert result.returncode == 1
    assert "keys cannot read" in result.stderr
    if not target_url:  # nothing restored (start-up may leave an empty 0600 file)
        target_db = other / "reattune.sqlite3"
        assert not target_db.exists() or target_db.stat().st_size == 0


@sqlite_pass_only
def test_it_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "reattune-20260101-000000.sqlite3"
    bogus.write_bytes(b"not a database at all" * 100)
    result = run_cli(["restore", str(bogus)], app_env(tmp_path / "data"), check=False)
    assert result.returncode == 1
    assert "Restore refused" in result.stderr


def test_it_copies_a_live_sqlite_database_with_the_online_backup_api(tmp_path):
    """Writers keep committing during the backup; the copy is a consistent snapshot."""
    live = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(live)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER)")
    setup.executemany("INSERT INTO t (a, b) VALUES (?, ?)", [(i, -i) for i in range(20000)])
    setup.commit()
    setup.close()
    stop = threading.Event()

    def writer():
        connection = sqlite3.connect(live, timeout=30)
        while not stop.is_set():
            # Each transaction keeps a + b == 0 on every row it writes.
            connection.execute("INSERT INTO t (a, b) VALUES (1, -1)")
            connection.execute("UPDATE t SET a = a + 1, b = b - 1 WHERE id % 97 = 0")
            connection.commit()
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        database = backups.Database("sqlite", {"NAME": str(live)})
        messages = []
        (tmp_path / "out").mkdir()
        copy = backups.backup_sqlite(database, tmp_path / "out", messages.append)
    finally:
        stop.set()
        thread.join()
    assert backups.sqlite_integrity(copy) == "ok"
    check = sqlite3.connect(copy)
    assert check.execute("SELECT count(*) FROM t WHERE a + b != 0").fetchone()[0] == 0
    assert check.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    check.close()


def test_it_prunes_only_its_own_files(tmp_path):
    names = [
        "reattune-20260101-000000.sqlite3",
        "reattune-20260102-000000.sqlite3",
        "reattune-20260102-000000-1.sqlite3",
        "reattune-20260103-000000.pgdump",
        "notes.txt",
        "reattune-important.sqlite3",
    ]
    for name in names:
        (tmp_path / name).write_text("x")
    removed = backups.prune(tmp_path, keep=2)
    assert sorted(p.name for p in removed) == names[:2]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted(names[2:])


# --- restore refuses what is not a whole reattune database ----------------------------------


def _sqlite_with(path, statements, rows=()):
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.executemany(
        "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, ?)", rows
    )
    connection.commit()
    connection.close()
    return path


MIGRATIONS_TABLE = (
    "CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT, applied TEXT)"
)


@sqlite_pass_only  # SQLite files; the PostgreSQL checks are the test after it
def test_restore_refuses_foreign_partial_and_newer_databases(tmp_path, migrated_source):
    """Each refused with a message and nothing restored; a whole database restores."""
    # The database of a new installation: `reattune manage migrate` on a fresh folder.
    real = shutil.copy2(migrated_source.data_dir / "reattune.sqlite3", tmp_path / "new.sqlite3")
    connection = sqlite3.connect(real)
    applied = connection.execute("SELECT app, name, applied FROM django_migrations").fetchall()
    connection.close()

    def variant(name, *statements):
        path = tmp_path / name
        shutil.copy2(real, path)
        connection = sqlite3.connect(path)
        for statement in statements:
            connection.execute(statement)
        connection.commit()
        connection.close()
        return path

    cases = {
        "only django_migrations, empty": (
            _sqlite_with(tmp_path / "a.sqlite3", [MIGRATIONS_TABLE]),
            "is not a reattune database",
        ),
        "only django_migrations, with reattune's rows": (
            _sqlite_with(tmp_path / "b.sqlite3", [MIGRATIONS_TABLE], applied),
            "incomplete reattune database",
        ),
        "not SQLite": (tmp_path / "c.sqlite3", "is not a reattune SQLite backup"),
        "another application": (
            _sqlite_with(
                tmp_path / "d.sqlite3",
                [MIGRATIONS_TABLE, "CREATE TABLE blog_post (id INTEGER PRIMARY KEY)"],
                [("blog", "0001_initial", "2026-01-01"), ("auth", "0001_initial", "2026-01-01")],
            ),
            "is not a reattune database",
        ),
        "a newer reattune": (
            variant(
                "e.sqlite3",
                "INSERT INTO django_migrations (app, name, applied) "
                "VALUES ('journal', '9999_from_the_future', '2030-01-01')",
            ),
            "newer reattune",
        ),
        "a table missing": (variant("f.sqlite3", "DROP TABLE journal_entry"), "journal_entry"),
        "a column missing": (
            variant("g.sqlite3", "ALTER TABLE couples_notice DROP COLUMN seen_at"),
            "couples_notice.seen_at",
        ),
        "a migration without the ones it needs": (
            variant(
                "h.sqlite3",
                "DELETE FROM django_migrations WHERE app = 'rituals' AND name = '0001_initial'",
            ),
            "lacks rituals.0001_initial",
        ),
    }
    (tmp_path / "c.sqlite3").write_bytes(b"SQLite format 2\x00 but not really" * 50)
    for label, (path, message) in cases.items():
        target = tmp_path / f"target-{path.stem}" / "reattune.sqlite3"
        database = backups.Database("sqlite", {"NAME": str(target)})
        with pytest.raises(backups.BackupError) as caught:
            backups.restore_sqlite(database, path, lambda line: None)
        assert message in str(caught.value), (label, str(caught.value))
        assert "Traceback" not in str(caught.value)
        assert not target.exists(), label
    # a whole database restores
    target = tmp_path / "whole" / "reattune.sqlite3"
    backups.restore_sqlite(backups.Database("sqlite", {"NAME": str(target)}), real, print)
    assert target.exists()

    # on the command line: one line, exit 1, no traceback
    result = run_cli(
        ["restore", str(cases["only django_migrations, with reattune's rows"][0])],
        app_env(tmp_path / "cli"),
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Restore refused: ")
    assert "incomplete reattune database" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="the PostgreSQL run only (scripts/with-postgres.sh)"
)
def test_a_postgresql_restore_of_a_newer_or_partial_dump_is_refused_and_leaves_it_empty(
    tmp_path, migrated_source
):
    """The PostgreSQL run: the same schema checks as for SQLite, after pg_restore; a refusal
    empties the target again, so "nothing was changed" holds."""
    import psycopg

    cases = {
        "newer reattune": "INSERT INTO django_migrations (app, name, applied) "
        "VALUES ('journal', '9999_from_the_future', now())",
        "couples_notice.seen_at": "ALTER TABLE couples_notice DROP COLUMN seen_at",
    }
    for message, statement in cases.items():
        out = tmp_path / message.replace(" ", "_")
        # A new installation (`reattune manage migrate` on a fresh folder), then the change.
        with data_copy(migrated_source, tmp_path / f"source-{out.name}", "reattune_backup_src") as (
            source_dir,
            _,
            source_url,
        ):
            source = env_for(source_dir, source_url)
            with psycopg.connect(source_url, autocommit=True) as connection:
                connection.execute(statement)
            run_cli(["backup", "--out", str(out)], source)
        (dump,) = backups.backups_in(out)
        with fresh_database("reattune_backup_dst") as target_url:
            target = env_for(tmp_path / f"target-{out.name}", target_url)
            copy_keys(tmp_path / f"source-{out.name}", tmp_path / f"target-{out.name}")
            result = run_cli(["restore", str(dump)], target, check=False)
            with psycopg.connect(target_url) as connection:
                tables = connection.execute(
                    "SELECT count(*) FROM information_schema.tables "
                    "WHERE table_schema = current_schema()"
                ).fetchone()[0]
        assert result.returncode == 1, result.stdout + result.stderr
        assert message in result.stderr and "Nothing was changed" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert tables == 0
