"""The crash drill, small: SIGKILL `reattune serve` during API writes, lose nothing confirmed.

bench/crash_drill.py does the work; a longer run is described in docs/deploy.md. SQLite only
(the drill checks the database file with PRAGMA integrity_check), so it runs in the SQLite
pass of `make test`: in the PostgreSQL pass it would be the same SQLite drill again.
"""

import json
import subprocess
import sys

from tests.browser import REPO
from tests.cli_fixtures import sqlite_pass_only

pytest_plugins = ["tests.cli_fixtures"]  # migrated_source: `reattune manage migrate` once


@sqlite_pass_only
def test_it_loses_no_confirmed_write_and_keeps_the_database_intact(tmp_path, migrated_source):
    """The drill starts from a copy of the session's new installation (`reattune manage
    migrate`, once: tests/cli_fixtures.py) instead of migrating an empty folder itself."""
    results = tmp_path / "crash_drill.json"
    run = subprocess.run(
        [sys.executable, "bench/crash_drill.py", "--count", "40", "--kills", "2",
         "--seed", "20240607", "--workers", "1", "--threads", "3", "--results", str(results),
         "--data-from", str(migrated_source.data_dir)],
        cwd=REPO, capture_output=True, text=True, timeout=900,  # a hung drill, not a speed target (bench/crash_drill.py has figures)
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(results.read_text())
    assert result["integrity_check"] == "ok"
    assert result["missing_confirmed"] == 0 and result["unreadable_confirmed"] == 0
    assert result["kills"] >= 3  # two during the writes, one at the end
    assert result["confirmed"] > 0
    assert result["confirmed"] + result["cut_off"] + sum(result["other_statuses"].values()) == 40
    assert "OK" in run.stdout
