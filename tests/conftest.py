"""Suite-wide checks that run around every test.

Test selection: with DATABASE_URL set (the PostgreSQL pass), the modules tests/engines.py lists
as engine-independent are not collected; they run in the SQLite pass.

Log output check: every log record emitted during a test, formatted as the app's own console
handler would write it (through reattune.core.logs.RedactingFilter), must hold no personal
text, password or secret. The personas' entries (tests/base.py) are written by most tests, so
this runs the whole suite's logs through the same marker check as tests/test_marker.py.
"""

import logging
import os
import re
from pathlib import Path

import pytest

from reattune.core.logs import RedactingFilter
from tests.base import PASSWORD
from tests.engines import runs_once

# The demo data directory built once per test session for the CLI drills (tests/cli_fixtures.py).
pytest_plugins = ["tests.cli_fixtures"]

FORBIDDEN_TEXT = ("private secret text", "shared text for the couple", PASSWORD)
FORBIDDEN_PATTERNS = re.compile(
    r"(rt_|inv_|cal_|thr_|ics_)[A-Za-z0-9_\-]{16,}"  # our raw tokens
    r"|gAAAAA[A-Za-z0-9_\-=]{20,}"  # Fernet ciphertext
)
WATCHED_LOGGERS = ("", "django", "reattune")


def pytest_ignore_collect(collection_path: Path, config):
    """The PostgreSQL pass skips collecting what runs once, on SQLite (tests/engines.py)."""
    if os.environ.get("DATABASE_URL") and runs_once(collection_path):
        return True
    return None


@pytest.fixture
def own_lexicons(tmp_path, monkeypatch):
    """A copy of the crisis lexicons nobody else edits while the test runs (the browser's JSON
    of them is built afresh from it: reattune.care.lexicons_json)."""
    import shutil

    from reattune.care import lexicons_json
    from reattune.domain.safety import crisis

    root = tmp_path / "lexicons"
    shutil.copytree(crisis.LEXICON_ROOT, root)
    monkeypatch.setattr(crisis, "LEXICON_ROOT", root)
    lexicons_json._built.cache_clear()
    yield root
    lexicons_json._built.cache_clear()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        # Applied in emit(), not as a handler filter: tests that look for the app's own
        # console handler find it by its RedactingFilter, and must not find this one.
        self.redact = RedactingFilter()
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        try:
            self.redact.filter(record)
            self.lines.append(self.format(record))
        except Exception as error:  # a record that cannot be formatted is itself a finding
            self.lines.append(f"unformattable log record: {error!r}")


@pytest.fixture(autouse=True)
def _logs_hold_no_personal_text():
    handler = _Collect()
    loggers = [logging.getLogger(name) for name in WATCHED_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    yield
    for logger in loggers:
        logger.removeHandler(handler)
    leaks = [
        line
        for line in handler.lines
        if any(text in line for text in FORBIDDEN_TEXT) or FORBIDDEN_PATTERNS.search(line)
    ]
    assert not leaks, "Log output holds personal text or secrets:\n" + "\n".join(leaks[:5])
