"""What is due on a couple's first day, on a 390x844 phone in chromium (axe on every page):
Today offers the daily check-in and no review yet (the weekly review waits a week, the monthly
check-in four weeks); the rituals page says when each is next due. The rule itself, and the
wording for someone on their own once a review is due, are tests/test_rituals_due.py's."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_foundation import nav, visit
from tests.browser.test_phone_walk import signed_up
from tests.browser.test_plan import names

pytestmark = pytest.mark.browser

DAY = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} [A-Z][a-z]+"


def test_a_new_person_sees_no_review_due_on_their_first_day(new_context):
    first, _ = names()
    page = signed_up(new_context, first)
    nav(page, "Today")
    card = page.locator(".today-card")
    expect(card.locator("#due-daily")).to_be_visible()
    expect(card.get_by_role("link", name="Start today's check-in")).to_be_visible()
    expect(card.locator("#due-weekly, #due-monthly")).to_have_count(0)
    expect(card).not_to_contain_text("Due now")

    visit(page, "/rituals/")
    when = page.locator(".ritual-card .due-when")
    expect(when).to_have_count(2)
    for i in range(2):
        expect(when.nth(i)).to_have_text(re.compile(rf"^Next due on {DAY}\.$"))
    expect(page.locator("main")).not_to_contain_text("Due now")
