"""axe_check reuses the results of a document already checked in this run, and only of that.

A fake page stands in for the browser: it serves a document's HTML and viewport and counts
how often axe-core itself was asked to run.
"""

import pytest

from tests.browser import conftest as browser_conftest
from tests.browser.conftest import axe_check

LOGIN = (
    '<html lang="en"><body><main><h1>Log in</h1><form>'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    "<p>Today is {date}. Hello, Robin{suffix}.</p>"
    '<label for="e">Email</label><input id="e" value="robin-{suffix}@example.org">'
    "</form></main></body></html>"
)


class FakePage:
    def __init__(self, html, violations=(), width=390, state="[]", drawn_during_axe=None):
        self.html = html
        self.width = width
        self.state = state  # the controls' state, focus and media, as the snapshot gives them
        self.violations = list(violations)
        self.axe_runs = 0
        self.drawn_during_axe = drawn_during_axe
        self.url = "http://127.0.0.1/login/"

    def evaluate(self, script, *args):
        if script == browser_conftest._SNAPSHOT:
            return [self.html, self.width, 844, self.state]
        if script == browser_conftest._AXE_RUN:
            self.axe_runs += 1
            if self.drawn_during_axe:
                self.html = self.drawn_during_axe
            return self.violations
        if "typeof window.axe" in script:
            return True
        raise AssertionError(f"unexpected script: {script[:60]}")


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(browser_conftest, "_AXE_CACHE", [tmp_path / "axe-results"])


def login(**values):
    fields = {"token": "a1B2", "date": "7 Dec 2026", "suffix": "6e2f"} | values
    return LOGIN.format(**fields)


def test_it_checks_a_document_once_whatever_its_token_dates_and_random_names():
    first = FakePage(login())
    axe_check(first)
    again = FakePage(login(token="zz99", date="8 Dec 2026", suffix="b78a"))
    axe_check(again)
    assert (first.axe_runs, again.axe_runs) == (1, 0)


def test_it_checks_again_when_the_structure_the_words_or_the_viewport_differ():
    axe_check(FakePage(login()))
    other_words = FakePage(login().replace("Log in", "Sign in"))
    other_markup = FakePage(login().replace('<label for="e">', '<label for="x">'))
    wider = FakePage(login(), width=1366)
    for page in (other_words, other_markup, wider):
        axe_check(page)
    assert [p.axe_runs for p in (other_words, other_markup, wider)] == [1, 1, 1]


def test_it_checks_again_when_a_control_the_focus_or_the_media_differ():
    axe_check(FakePage(login(), state='[[[false,false,"on"]],null,[false]]'))
    ticked = FakePage(login(), state='[[[true,false,"on"]],null,[false]]')
    focused = FakePage(login(), state='[[[false,false,"on"]],["INPUT","e",null],[false]]')
    printed = FakePage(login(), state='[[[false,false,"on"]],null,[true]]')
    for page in (ticked, focused, printed):
        axe_check(page)
    assert [p.axe_runs for p in (ticked, focused, printed)] == [1, 1, 1]


def test_a_number_of_another_length_is_another_document():
    # A long run of digits can overflow a box that a short one fits in.
    axe_check(FakePage(login(date="7")))
    longer = FakePage(login(date="7" * 40))
    axe_check(longer)
    assert longer.axe_runs == 1


def test_it_keeps_nothing_when_the_page_changed_while_axe_ran():
    axe_check(FakePage(login(), drawn_during_axe=login().replace("Log in", "Welcome")))
    again = FakePage(login())
    axe_check(again)
    assert again.axe_runs == 1


def test_it_never_keeps_a_failing_result():
    blocking = {"id": "label", "impact": "critical", "help": "h", "helpUrl": "u", "nodes": []}
    for _ in range(2):
        failing = FakePage(login(), violations=[blocking])
        with pytest.raises(pytest.fail.Exception):
            axe_check(failing)
        assert failing.axe_runs == 1
