"""The couple's time zone in words, on a 390x844 phone in chromium (axe on every page): the
couple page names the zone by city and country, the picker lists countries then cities, and
choosing one says it in the same words (the stored value, an IANA name, is never shown)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_foundation import follow, nav
from tests.browser.test_phone_walk import signed_up
from tests.browser.test_plan import names

pytestmark = pytest.mark.browser

MIN_TAP = 44


def test_the_time_zone_is_read_and_chosen_in_words(new_context):
    first, _ = names()
    page = signed_up(new_context, first)
    nav(page, "Us")
    fold = page.locator("#timezone")
    fold.locator("summary").click()
    picker = fold.get_by_label("Time zone")
    expect(picker).to_be_visible()
    box = picker.bounding_box()
    assert box is not None and box["height"] >= MIN_TAP, box
    options = picker.locator("option")
    assert options.count() > 300
    assert "/" not in " ".join(options.all_inner_texts())
    picker.select_option(label="Netherlands: Amsterdam")
    follow(page, fold.get_by_role("button", name="Change time zone"))
    expect(page.locator("body")).to_contain_text("follows the clock in Amsterdam, Netherlands")
    page.locator("#timezone summary").click()
    expect(page.locator("#timezone")).to_contain_text("follow the clock in Amsterdam, Netherlands")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Amsterdam")
    expect(page.locator("main")).not_to_contain_text("Europe/Amsterdam")
