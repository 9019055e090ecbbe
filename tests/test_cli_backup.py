"""`reattune backup [--out DIR] [--keep N]` and `reattune restore FILE`.

Follows the test run's database: SQLite in the data directory (online backup API), or in the
PostgreSQL run fresh databases on the server named by DATABASE_URL (pg_dump -Fc). Round
trip: every encrypted row reads back the same after the restore, with the same keys.
"""

import os
import shutil
import sqlite3
import threading

from reattune.exports import backup as backups
from tests.browser import app_env, fresh_database, run_cli
from tests.test_cli_rotate_keys import WRITE_MARKER, _dump, _read_values

KEY_FILES = ("encryption.keys", "secret.key")


def env_for(data_dir, database_url):
    env = app_env(data_dir, database_url)
    if os.environ.get("REATTUNE_PG_BIN"):  # app_env drops REATTUNE_*; the pg tools need it
        env["REATTUNE_PG_BIN"] = os.environ["REATTUNE_PG_BIN"]
    return env


def copy_keys(source_dir, target_dir):
    target_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in KEY_FILES:
        shutil.copy2(source_dir / name, target_dir / name)


def test_it_backs_up_checks_keeps_n_and_restores_every_encrypted_row(tmp_path):
    out = tmp_path / "backups"
    with fresh_database("reattune_backup_src") as source_url:
        source = env_for(tmp_path / "source", source_url)
        run_cli(["demo"], source)
        run_cli(["manage", "shell", "-c", WRITE_MARKER], source)
        before = _dump(source)
        assert len(_read_values(before)) >= 8

        results = [run_cli(["backup", "--out", str(out), "--keep", "2"], source) for _ in range(3)]
    first = results[0]
    assert "Backup written to" in first.stdout
    assert ("Integrity check of the copy: ok" in first.stderr) or (
        "pg_restore --list): ok" in first.stderr
    )
    assert "does not hold the keys" in first.stderr and "encryption.keys" in first.stderr
    assert "Removed old backup" in results[2].stdout
    kept = backups.backups_in(out)
    assert len(kept) == 2, kept
    newest = kept[-1]
    assert newest.stat().st_mode & 0o777 == 0o600
    assert not list(out.glob("*.partial"))

    with fresh_database("reattune_backup_dst") as target_url:
        target_dir = tmp_path / "target"
        copy_keys(tmp_path / "source", target_dir)
        target = env_for(target_dir, target_url)
        result = run_cli(["restore", str(newest)], target)
        assert "encrypted value(s) read back" in result.stdout
        after = _dump(target)
        assert {k: t["read"] for k, t in after.items()} == {k: t["read"] for k, t in before.items()}
        assert {k: t["raw"] for k, t in after.items()} == {k: t["raw"] for k, t in before.items()}

        # A second restore into the now non-empty place is refused and changes nothing.
        again = run_cli(["restore", str(newest)], target, check=False)
        assert again.returncode == 1
        assert "not empty" in again.stderr
        assert _dump(target) == after


def test_it_refuses_a_restore_whose_keys_do_not_open_the_data(tmp_path):
    """With other key files in the data directory, nothing is restored (SQLite: no file)."""
    with fresh_database("reattune_backup_src") as source_url:
        source = env_for(tmp_path / "source", source_url)
        run_cli(["demo"], source)
        run_cli(["backup", "--out", str(tmp_path / "b")], source)
    (backup_file,) = backups.backups_in(tmp_path / "b")
    with fresh_database("reattune_backup_dst") as target_url:
        target = env_for(tmp_path / "target", target_url)  # fresh, new keys on first run
        result = run_cli(["restore", str(backup_file)], target, check=False)
    assert result.returncode == 1
    assert "keys cannot read" in result.stderr
    if not target_url:  # nothing restored (start-up may leave an empty 0600 file)
        target_db = tmp_path / "target" / "reattune.sqlite3"
        assert not target_db.exists() or target_db.stat().st_size == 0


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
