"""Loose ends of the phone-first work, on a 390x844 phone in chromium (axe on every page):

- the private safety check is answered with large tap rows like the check-up's, each at least
  44 px tall around a native radio that keyboards and screen readers use as usual;
- a partner who opens an invite link and wanders off the join page finds the invite waiting as
  the first card of their home, and can decline it there.
(Someone on their own is not told a review takes "minutes together": tests/test_rituals_due.py;
a new person has no review due on their first day: tests/browser/test_due_today.py.)
"""

import pytest
from playwright.sync_api import expect

from tests.browser import unique_email
from tests.browser.conftest import PHONE
from tests.browser.test_foundation import follow, nav, path_of, sign_up, visit
from tests.browser.test_plan import names

pytestmark = pytest.mark.browser

MIN_TAP = 44


def test_the_safety_check_is_answered_with_large_tap_rows(new_context):
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    first, _ = names()
    visit(page, "/signup/")
    sign_up(page, first, unique_email("s"))
    visit(page, "/care/safety/")
    rows = page.locator("form fieldset.question label.choice")
    count = rows.count()
    assert count >= 6, f"expected every answer of every question as a row, found {count}"
    for i in range(count):
        row = rows.nth(i)
        box = row.bounding_box()
        assert box is not None, f"answer row {i} is not shown"
        assert box["height"] >= MIN_TAP, f"answer row {i} is {box['height']:.0f} px tall"
        assert box["width"] >= MIN_TAP, f"answer row {i} is {box['width']:.0f} px wide"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], "a row overflows"
    # Still native radios, grouped and named by their question.
    first_group = page.locator("form fieldset.question").first
    question = first_group.locator("legend").inner_text()
    radios = page.get_by_role("group", name=question).get_by_role("radio")
    assert radios.count() >= 2
    # A tap anywhere on the row (its words, not the small circle) chooses the answer.
    row = first_group.locator("label.choice").first
    row.locator("span").click()
    expect(row.locator("input[type=radio]")).to_be_checked()
    # The keyboard moves between answers as with any radio group.
    page.keyboard.press("ArrowDown")
    expect(first_group.locator("label.choice").nth(1).locator("input")).to_be_checked()


def test_an_invite_left_on_the_join_page_waits_on_home_and_can_be_declined(new_context):
    first, second = names()
    a = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    b = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    visit(a, "/signup/")
    sign_up(a, first, unique_email("a"))
    nav(a, "Us")
    follow(a, a.get_by_role("button", name="Make an invite link"))
    link = a.get_by_label("Invite link").input_value()

    visit(b, link)
    follow(b, b.get_by_role("link", name="Create an account"))
    sign_up(b, second, unique_email("b"))
    assert path_of(b) == "/invite/confirm/", b.url
    expect(b.locator(".invite-shares")).to_contain_text("stay yours alone")
    nav(b, "Today")  # wanders off without joining
    cards = b.locator("main .card")
    card = cards.first
    expect(card).to_contain_text("You have an invite waiting")
    expect(card.get_by_role("button", name=f"Join {first}")).to_be_visible()
    expect(b.locator("main")).not_to_contain_text("invite your partner")
    decline = card.get_by_role("button", name="Decline")
    box = decline.bounding_box()
    assert box is not None and box["height"] >= MIN_TAP, box
    follow(b, decline)
    assert path_of(b) == "/home/", b.url
    expect(b.locator("main")).to_contain_text(f"You declined {first}")
    expect(b.locator("main")).not_to_contain_text("You have an invite waiting")
    nav(b, "Us")
    expect(b.locator("main")).not_to_contain_text(first)
