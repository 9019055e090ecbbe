"""The PostgreSQL pass leaves out only what the database engine cannot change (tests/engines.py)."""

import ast
import io
import re
import tokenize

import pytest

from tests.engines import ONCE_ON_SQLITE, STATIC, TESTS, runs_once

# What behaves differently from one engine to the other, or needs a database of its own: a test
# module using any of these runs on both engines.
ENGINE_SENSITIVE = re.compile(
    r"transaction=True|transactional_db|TransactionTestCase|threading|Thread\(|ThreadPool"
    r"|select_for_update|IntegrityError|DatabaseError|OperationalError|connection\.vendor"
    r"|\.cursor\(|\braw\(|fresh_database|start_server|serve\(|DATABASE_URL|postgres|sqlite"
    r"|hypothesis\.extra\.django|live_server",
    re.IGNORECASE,
)


def listed_files():
    for name, reason in ONCE_ON_SQLITE.items():
        if reason == STATIC:
            continue  # reads the source, which names engines and settings as text
        path = TESTS / name
        yield from sorted(path.rglob("*.py")) if path.is_dir() else [path]


@pytest.mark.parametrize("name", sorted(ONCE_ON_SQLITE))
def test_it_lists_only_paths_that_exist(name):
    assert (TESTS / name).exists(), f"tests/{name} is listed in tests/engines.py but missing"


def prose_lines(source: str) -> set[int]:
    """The lines of a module that are prose: comments and docstrings (a string standing alone
    as a statement). What they say about engines is not what the code uses; strings the code
    uses (os.environ.get("DATABASE_URL"), SQL) are still read."""
    lines = {
        token.start[0]
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT and not token.line[: token.start[1]].strip()
    }
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def test_prose_lines_are_comments_and_docstrings_only():
    source = '"""DATABASE_URL"""\n# postgres\nx = "DATABASE_URL"  # sqlite\n'
    assert prose_lines(source) == {1, 2}


def test_no_listed_module_uses_what_differs_between_engines():
    found = []
    for path in listed_files():
        if path.is_relative_to(TESTS / "browser"):
            continue  # the browser tests drive a server of their own, once, on SQLite
        source = path.read_text(encoding="utf-8")
        prose = prose_lines(source)
        for number, line in enumerate(source.splitlines(), 1):
            if number not in prose and ENGINE_SENSITIVE.search(line):
                found.append(f"{path.relative_to(TESTS)}:{number}: {line.strip()}")
    assert not found, "Run these on both engines (take them out of tests/engines.py):\n" + (
        "\n".join(found)
    )


def test_the_selection_keeps_the_write_race_key_and_import_tests_on_both_engines():
    must_run_on_both = [
        "test_access_matrix.py",
        "test_api_fuzz.py",
        "test_no_get_changes.py",
        "test_rituals_concurrency.py",
        "test_rituals_reveal.py",
        "test_cli_rotate_keys.py",
        "test_keys_startup.py",
        "test_hashed_tokens.py",
        "test_login_throttle.py",
        "test_import_hostile.py",
        "test_cli_backup.py",
        "test_crash_drill.py",
        "test_care_privacy.py",
        "test_safety_mode.py",
        "test_query_counts.py",
    ]
    for name in must_run_on_both:
        assert (TESTS / name).exists(), name
        assert not runs_once(TESTS / name), f"{name} must run on PostgreSQL too"
    assert runs_once(TESTS / "domain" / "test_crisis.py")
    assert runs_once(TESTS / "browser")
