"""The code stays clean under the project's own analysers, in the test run as well as `make lint`."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*args):
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=180)


def test_bandit_finds_nothing_unjustified():
    result = run(str(BIN / "bandit"), "-r", "reattune", "-q")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing():
    result = run(str(BIN / "ruff"), "check", "reattune", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_every_file_as_it_is():
    result = run(str(BIN / "ruff"), "format", "--check", "reattune", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold():
    """The layer rules in pyproject.toml ([tool.importlinter]): the domain imports no Django."""
    result = run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and "KEPT" in result.stdout


def test_mypy_passes_over_the_typed_modules():
    """Every app's views, actions, queries and page shaping ([tool.mypy] in pyproject.toml) type
    check. No cache: a cache left by an earlier, wider run can report modules only followed."""
    result = subprocess.run(
        [str(BIN / "mypy"), "--no-incremental", "--cache-dir", "/dev/null"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout
