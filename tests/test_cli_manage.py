"""`reattune manage ...`, `reattune --help` and `python -m reattune`, in subprocesses.

SQLite in a temporary data directory (DATABASE_URL removed): nothing here depends on the
database engine. That arguments pass through to Django is checked in-process, through the
same main().
"""

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from reattune.cli import main
from tests.browser import REPO, app_env, run_cli

SUBCOMMANDS = ("serve", "manage", "demo", "rotate-keys")


def test_manage_check_runs_djangos_checks(tmp_path):
    result = run_cli(["manage", "check"], app_env(tmp_path / "data"))
    assert "System check identified no issues" in result.stdout, result.stdout


@pytest.fixture
def logging_kept():
    """Django's management utility runs django.setup() again, which configures logging anew
    with handlers bound to this test's captured stderr (closed when the test ends). Put back
    the handlers every logger had, so later tests in this process log as before."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    kept = [
        (lg, lg.handlers[:], lg.filters[:], lg.level, lg.propagate, lg.disabled) for lg in loggers
    ]
    yield
    for logger, handlers, filters, level, propagate, disabled in kept:
        logger.handlers[:] = handlers
        logger.filters[:] = filters
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled


@pytest.mark.django_db
def test_manage_passes_arguments_through(capsys, logging_kept):
    """In-process, through the same main() (a real process runs `manage check` above)."""
    assert main(["manage", "showmigrations", "journal", "--plan"]) == 0
    out = capsys.readouterr().out
    assert "journal.0001_initial" in out, out
    with pytest.raises(SystemExit) as exited:
        main(["manage", "no-such-command"])
    assert exited.value.code != 0
    err = capsys.readouterr().err
    assert "Unknown command" in err and "no-such-command" in err, err


def test_python_m_reattune_help_lists_the_commands(tmp_path):
    result = run_cli(["--help"], app_env(tmp_path / "data", data_checked=False))
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
        [str(script), "--version"], env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("reattune "), result.stdout
    serve_help = run_cli(["serve", "--help"], env)
    for option in ("--host", "--port", "--workers"):
        assert option in serve_help.stdout
    assert run_cli(["no-such-command"], env, check=False).returncode == 2
