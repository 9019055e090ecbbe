"""The suite-wide log check (tests/conftest.py) catches what it is meant to catch."""

import logging

from tests import conftest


def test_it_flags_personal_text_that_reaches_the_log_output():
    handler = conftest._Collect()
    # Outside the loggers the suite watches, so this test's own deliberate leak stays here.
    logger = logging.getLogger("logcheck.probe")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning("oops: %s", "alex private secret text")
        logger.warning("token rt_%s", "A" * 30)
    finally:
        logger.removeHandler(handler)
    flagged = [
        line
        for line in handler.lines
        if any(t in line for t in conftest.FORBIDDEN_TEXT)
        or conftest.FORBIDDEN_PATTERNS.search(line)
    ]
    # The personal text gets through the filter (it cannot know it): flagged. The token is
    # redacted by the filter before it is written: not flagged.
    assert flagged == ["WARNING logcheck.probe oops: alex private secret text"]
