import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.cli_fixtures import sqlite_pass_only


@sqlite_pass_only  # no DATABASE_URL in its process: the same check in both passes
def test_it_refuses_to_start_with_a_malformed_host_instrument_naming_file_field_and_problem():
    folder = Path(tempfile.mkdtemp())
    (folder / "clinic_scale.yaml").write_text(
        "id: clinic_scale\nversion: 1\ntitle: Clinic\nintro: x\nkind: checkup\n"
        "scales: []\nconstructs: []\nitems: []\n"
    )
    env = {
        **os.environ,
        "REATTUNE_DATA_DIR": tempfile.mkdtemp(),
        "REATTUNE_INSTRUMENT_DIRS": str(folder),
    }
    env.pop("DATABASE_URL", None)  # the check fails before any database is touched
    result = subprocess.run(
        [sys.executable, "-m", "reattune", "manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,  # a hang guard, even on a busy machine
    )
    assert result.returncode != 0
    assert "clinic_scale.yaml: " in result.stderr
