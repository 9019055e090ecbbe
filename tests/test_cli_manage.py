"""`reattune manage ...`, `reattune --help` and `python -m reattune`, in subprocesses.

SQLite in a temporary data directory (DATABASE_URL removed): nothing here depends on the
database engine.
"""

import subprocess
import sys
from pathlib import Path

from tests.browser import REPO, app_env, run_cli

SUBCOMMANDS = ("serve", "manage", "demo", "rotate-keys")


def test_manage_check_runs_djangos_checks(tmp_path):
    result = run_cli(["manage", "check"], app_env(tmp_path / "data"))
    assert "System check identified no issues" in result.stdout, result.stdout


def test_manage_passes_arguments_through(tmp_path):
    env = app_env(tmp_path / "data")
    result = run_cli(["manage", "showmigrations", "journal", "--plan"], env)
    assert "journal.0001_initial" in result.stdout, result.stdout
    unknown = run_cli(["manage", "no-such-command"], env, check=False)
    assert unknown.returncode != 0
    assert "Unknown command" in unknown.stderr, unknown.stderr


def test_python_m_reattune_help_lists_the_commands(tmp_path):
    result = run_cli(["--help"], app_env(tmp_path / "data"))
    assert result.stdout.startswith("usage: reattune"), result.stdout
    for name in SUBCOMMANDS:
        assert name in result.stdout
    # --help sets nothing up: no data directory appears.
    assert not (tmp_path / "data").exists()


def test_console_script_and_version(tmp_path):
    script = Path(sys.executable).parent / "reattune"
    assert script.is_file(), f"{script}: the `reattune` console script is not installed"
    env = app_env(tmp_path / "data")
    result = subprocess.run(
        [str(script), "--version"], env=env, cwd=REPO, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("reattune "), result.stdout
    serve_help = run_cli(["serve", "--help"], env)
    for option in ("--host", "--port", "--workers"):
        assert option in serve_help.stdout
    assert run_cli(["no-such-command"], env, check=False).returncode == 2
