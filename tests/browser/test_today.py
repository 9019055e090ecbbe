"""Today and the short check-in, on a phone (390x844), with a fresh couple.

Today shows what is due and starts the check-in in one tap; the check-in's first input is on
the first screen; an empty check-in shows every required answer's problem at once (beside
each answer, aria-invalid, a summary at the top linking to each), keeps what was typed and
does not restart the timer; the three short answers are enough to share. Every page shown
passes axe-core.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_foundation import follow
from tests.browser.test_plan import make_couple, names

pytestmark = pytest.mark.browser

REQUIRED = {
    "connection_today": "How connected did you feel to each other today?",
    "feelings": "Which feelings were with you today?",
    "best_part": "What was the best part of your day?",
}


def in_first_screen(page: Page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def test_today_starts_the_check_in_in_one_tap_and_the_first_answer_is_on_screen(new_context):
    first, second = names()
    a, _b, _, _ = make_couple(new_context, first, second)
    follow(a, a.get_by_role("link", name="Today"))
    today = a.get_by_role("region", name=re.compile(r"^Today"))
    expect(today).to_be_visible()
    start = today.get_by_role("link", name="Start today's check-in")
    assert in_first_screen(a, start), "the check-in's button is below the first screen"
    follow(a, start)
    assert a.url.endswith("/rituals/daily/"), a.url
    first_answer = a.locator("#f-connection_today + span")
    assert in_first_screen(a, first_answer), "the first answer is below the first screen"
    # Required answers are marked in words and for assistive technology.
    scale = a.get_by_role("radiogroup", name=REQUIRED["connection_today"])
    expect(scale).to_have_attribute("aria-required", "true")
    expect(a.get_by_label(REQUIRED["best_part"])).to_have_attribute("aria-required", "true")
    for label in REQUIRED.values():
        expect(a.locator("legend, label", has_text=label).first).to_contain_text("(required)")
    expect(a.get_by_label("What felt hardest today?")).not_to_have_attribute(
        "aria-required", "true"
    )


def test_an_empty_check_in_shows_every_problem_at_once_and_keeps_what_was_typed(new_context):
    first, second = names()
    a, b, _, _ = make_couple(new_context, first, second)
    follow(a, a.get_by_role("link", name="Today"))
    follow(a, a.get_by_role("link", name="Start today's check-in"))
    a.get_by_role("button", name="Start the timer").click()
    expect(a.get_by_role("button", name="Pause")).to_be_visible()
    a.get_by_label("What felt hardest today?").fill("A long day at work")
    follow(a, a.get_by_role("button", name="Share now"))

    summary = a.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(3)
    for pid, label in REQUIRED.items():
        expect(summary.get_by_role("link", name=label)).to_have_attribute("href", f"#f-{pid}")
        expect(a.locator(f"#err-{pid}")).to_be_visible()
    expect(a.get_by_role("radiogroup", name=REQUIRED["connection_today"])).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(a.locator("fieldset.feelings")).to_have_attribute("aria-invalid", "true")
    best = a.get_by_label(REQUIRED["best_part"])
    expect(best).to_have_attribute("aria-invalid", "true")
    expect(best).to_have_attribute("aria-describedby", re.compile(r"\berr-best_part\b"))
    expect(a.get_by_label("What felt hardest today?")).to_have_value("A long day at work")
    # The fifteen minutes go on: the timer picks up where it was, it does not start again.
    expect(a.get_by_role("button", name="Pause")).to_be_visible()
    expect(a.locator("[data-timer-display]")).not_to_have_text("15:00")

    # The summary's link leads to the answer.
    a.get_by_role("link", name=REQUIRED["best_part"]).click()
    expect(best).to_be_focused()

    # Two answers given, one still missing: only that one is asked about; the rest is kept.
    a.locator('input[name="connection_today"][value="7"]').check(force=True)
    for word in ("calm", "hopeful"):
        a.get_by_role("checkbox", name=word, exact=True).check(force=True)
    best.fill("")
    follow(a, a.get_by_role("button", name="Share now"))
    expect(a.locator("#error-summary").get_by_role("link")).to_have_count(1)
    expect(a.locator("#err-best_part")).to_be_visible()
    expect(a.locator("#err-feelings")).to_have_count(0)
    expect(a.locator('input[name="connection_today"][value="7"]')).to_be_checked()
    expect(a.locator('input[name="feelings"][value="hopeful"]')).to_be_checked()

    # Three short answers are enough to share.
    a.get_by_label(REQUIRED["best_part"]).fill("Coffee together before work")
    follow(a, a.get_by_role("button", name="Share now"))
    assert re.search(r"/rituals/daily/\d{4}-\d{2}-\d{2}/(#.*)?$", a.url), a.url
    mine = a.locator(".answers").first
    expect(mine).to_contain_text("Coffee together before work")
    expect(mine).to_contain_text("A long day at work")
    follow(a, a.get_by_role("link", name="Today"))
    expect(a.get_by_role("region", name=re.compile(r"^Today"))).to_contain_text(
        "You have shared today's check-in"
    )
    axe_check(b)
