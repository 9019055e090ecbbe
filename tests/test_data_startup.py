"""A broken data file of any kind stops start-up, naming the file, the field and the problem.

Each test runs the app from a copy of the package whose data folder has one broken file: the
first and the last file start-up reads, a coach lexicon and a host's resource folder (the
in-process checks of every kind of file are in tests/domain/test_datafile.py).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import reattune
from reattune.domain import datafile
from tests.cli_fixtures import sqlite_pass_only

PACKAGE = Path(reattune.__file__).resolve().parent


def test_every_shipped_schema_is_a_valid_draft_2020_12_schema():
    """Checked here, once, instead of at every start-up (reattune/domain/datafile.py)."""
    from jsonschema import Draft202012Validator

    schemas = sorted(datafile.SCHEMA_DIR.glob("*.json"))
    assert len(schemas) >= 8, schemas
    for path in schemas:
        Draft202012Validator.check_schema(datafile._schema(path.name))


def _start(tmp_path, relative=None, env_extra=None):
    shutil.copytree(PACKAGE, tmp_path / "reattune", ignore=shutil.ignore_patterns("__pycache__"))
    if relative is not None:
        path = tmp_path / "reattune" / "data" / relative
        path.write_text(path.read_text(encoding="utf-8") + "\ncolour: red\n", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "REATTUNE_DATA_DIR": tempfile.mkdtemp(),
        **(env_extra or {}),
    }
    env.pop("DATABASE_URL", None)  # the check fails before any database is touched
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the app's own settings, from the copy
    return subprocess.run(
        [sys.executable, "-m", "reattune", "manage", "check"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


# The processes below get no DATABASE_URL and fail before any database is touched: the
# PostgreSQL pass would run the very same processes again.
@sqlite_pass_only
@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        # The first file validate_all() reads, a coach lexicon and the last one it reads: each
        # kind's own message is checked in-process for every kind of file (BROKEN_TOP in
        # tests/domain/test_datafile.py, the same validate_all()); a real process per kind
        # would add only time.
        ("concepts.yaml", "concepts.yaml: (top): unknown field 'colour'"),
        ("lexicons/en/templates.yaml", "en/templates.yaml: (top level): unknown field 'colour'"),
        ("lexicons/en/crisis.yaml", "en/crisis.yaml: (top): unknown field 'colour'"),
    ],
)
def test_it_refuses_to_start_with_a_broken_data_file(tmp_path, relative, expected):
    result = _start(tmp_path, relative)
    assert result.returncode != 0
    assert expected in result.stderr


@sqlite_pass_only
def test_it_refuses_to_start_with_a_broken_host_resource_file(tmp_path):
    folder = tmp_path / "host_resources"
    folder.mkdir()
    (folder / "GB.yaml").write_text("kind: country\ncountry: GB\ncolour: red\n", encoding="utf-8")
    result = _start(tmp_path, env_extra={"REATTUNE_RESOURCE_DIRS": str(folder)})
    assert result.returncode != 0
    assert f"{folder / 'GB.yaml'}: (top level): unknown field 'colour'" in result.stderr


def test_the_running_app_stamped_the_data_files_it_found_good(settings):
    """AssessmentsConfig.ready() checked the files and left their fingerprint in the data dir."""
    from reattune.domain.data_check import fingerprint

    stamp = settings.DATA_DIR / ".data-check"
    resource_dirs = [d for d in settings.RESOURCE_DIRS if d]
    assert stamp.read_text(encoding="ascii").strip() == fingerprint(
        instrument_dirs=settings.INSTRUMENT_DIRS, resource_dirs=resource_dirs
    )
