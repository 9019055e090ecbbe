"""Reactions between two partners in chromium (a fresh couple): once both have shared the
daily check-in, one taps a heart under the other's answer, the other sees it on their page;
tapping it again takes it back. Every page shown passes axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP
from tests.browser.test_foundation import follow, visit
from tests.browser.test_plan import make_couple, names

pytestmark = pytest.mark.browser

BEST = "What was the best part of your day?"


def share_short_check_in(page: Page, best: str) -> str:
    visit(page, "/rituals/daily/")
    page.locator('input[name="connection_today"][value="6"]').check(force=True)
    page.get_by_role("checkbox", name="calm", exact=True).check(force=True)
    page.get_by_label(BEST).fill(best)
    follow(page, page.get_by_role("button", name="Share now"))
    assert re.search(r"/rituals/daily/\d{4}-\d{2}-\d{2}/$", page.url), page.url
    return page.url


def test_a_heart_for_the_partners_answer_reaches_them_and_can_be_taken_back(new_context):
    first, second = names()
    a, b, _, _ = make_couple(new_context, first, second, second_viewport=DESKTOP)
    day_url = share_short_check_in(a, f"{first}: a walk by the river")
    # Nothing to react to before both have shared.
    expect(a.locator(".partner-answers form.reactions")).to_have_count(0)
    share_short_check_in(b, f"{second}: coffee in the sun")

    visit(a, day_url)
    theirs = a.locator(".partner-answers")
    expect(theirs).to_contain_text(f"{second}: coffee in the sun")
    group = theirs.get_by_role("group", name=f"React to {second}'s answer: {BEST}")
    heart = group.get_by_role("button", name="Heart")
    expect(heart).to_have_attribute("aria-pressed", "false")
    follow(a, heart)
    group = a.locator(".partner-answers").get_by_role(
        "group", name=f"React to {second}'s answer: {BEST}"
    )
    expect(group.get_by_role("button", name="Heart")).to_have_attribute("aria-pressed", "true")

    visit(b, day_url)
    mine = b.locator(".answers").first
    expect(mine).to_contain_text(f"{first} sent you a heart.")

    # Tapped again, it is taken back; the partner no longer sees it.
    follow(a, group.get_by_role("button", name="Heart"))
    expect(
        a.locator(".partner-answers")
        .get_by_role("group", name=f"React to {second}'s answer: {BEST}")
        .get_by_role("button", name="Heart")
    ).to_have_attribute("aria-pressed", "false")
    visit(b, day_url)
    expect(b.locator(".answers").first).not_to_contain_text("sent you a heart")
