"""The database, its -wal and -shm files and the key files are private to their owner (0600).

Checked in a real `reattune` process started with umask 022 (files would be 0644 by
default), while its connection is open so -wal and -shm exist: in a new data directory, in a
pre-made data folder, with REATTUNE_SQLITE_PATH elsewhere, and for a database file that an
older version left 0644. SQLite only: PostgreSQL keeps its files on the database server.
"""

import json
import os
import subprocess
import sys

import pytest

from tests.browser import REPO, app_env

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="SQLite files; PostgreSQL keeps its own"
)

# Runs inside `reattune manage shell`: write once (WAL: -wal and -shm now exist), report modes.
# No migrations: the files are made private when the settings load (reattune/paths.py), before
# any connection; one write through the app's own connection is what brings -wal and -shm.
REPORT = """
import json, os, stat
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x)")
    cursor.execute("INSERT INTO probe VALUES (1)")
name = settings.DATABASES["default"]["NAME"]
files = {
    "database": name, "wal": name + "-wal", "shm": name + "-shm",
    "encryption.keys": str(settings.DATA_DIR / "encryption.keys"),
    "secret.key": str(settings.DATA_DIR / "secret.key"),
}
print("MODES " + json.dumps({k: oct(stat.S_IMODE(os.stat(p).st_mode)) for k, p in files.items()}))
"""


def _modes(env) -> dict:
    def loose_umask():
        os.umask(0o022)

    result = subprocess.run(
        [sys.executable, "-m", "reattune", "manage", "shell", "-c", REPORT],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
        preexec_fn=loose_umask,  # noqa: PLW1509 - only sets the umask
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("MODES ")]
    return json.loads(line[len("MODES ") :])


ALL_PRIVATE = {
    "database": "0o600",
    "wal": "0o600",
    "shm": "0o600",
    "encryption.keys": "0o600",
    "secret.key": "0o600",
}


def test_a_new_data_directory_has_only_private_files(tmp_path):
    assert _modes(app_env(tmp_path / "data")) == ALL_PRIVATE
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700


def test_a_pre_made_open_folder_still_gets_private_files(tmp_path):
    folder = tmp_path / "premade"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)  # noqa: S103 - the open folder is what this test is about
    assert _modes(app_env(folder)) == ALL_PRIVATE


def test_a_database_elsewhere_through_reattune_sqlite_path_is_private(tmp_path):
    elsewhere = tmp_path / "shared-disk"
    elsewhere.mkdir(mode=0o755)
    env = app_env(tmp_path / "data")
    env["REATTUNE_SQLITE_PATH"] = str(elsewhere / "couple.sqlite3")
    modes = _modes(env)
    assert modes == ALL_PRIVATE
    assert (elsewhere / "couple.sqlite3").exists()


def test_a_database_left_0644_by_an_older_version_is_made_private(tmp_path):
    data = tmp_path / "data"
    env = app_env(data)
    _modes(env)
    for suffix in ("", "-wal", "-shm"):
        path = data / f"reattune.sqlite3{suffix}"
        if path.exists():
            os.chmod(path, 0o644)
    assert _modes(env) == ALL_PRIVATE


def test_replace_private_writes_whole_files_readable_by_their_owner_only(tmp_path):
    from reattune.paths import replace_private

    target = tmp_path / "kept.json"
    target.write_text("old")
    target.chmod(0o644)
    replace_private(target, b"new")
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o600
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(OSError):  # a folder where the file should be: the replace fails
        replace_private(tmp_path / "a-folder", b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder", "kept.json"]
