"""What a phone walk-through (390x844) found, as a person sees it.

- Revealed check-in answers: each of one's own answers shows once, under the partner's answer
  to the same question, not a second time under "Your answers".
- After a partner leaves, both checked in that day in the space that closed: Today, Rituals
  and the day's page tell them they use reattune on their own now and what they can do, never
  "Your first check-in can be tonight" or "You have not shared yours yet".
- A help-line country is named on Support as on the account page ("Netherlands"), not as its
  resource file names it ("Nederland").
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.test_foundation import follow, nav, visit
from tests.browser.test_plan import fits_width, make_couple_by_requests, names
from tests.browser.test_reactions import share_short_check_in

pytestmark = pytest.mark.browser

UNTRUE_AFTER_LEAVING = ("Your first check-in can be tonight", "You have not shared yours yet")


def on_screen(page: Page) -> str:
    """The main part's text as shown (innerText leaves out what CSS hides)."""
    return page.locator("main").inner_text()


def test_on_a_phone_each_own_answer_shows_once_beside_the_partners(new_context):
    first, second = names()
    a, b, _, _ = make_couple_by_requests(new_context, first, second, second_viewport=PHONE)
    mine, theirs = f"{first}: a walk by the river", f"{second}: coffee in the sun"
    day_url = share_short_check_in(a, mine)
    share_short_check_in(b, theirs)
    visit(a, day_url)
    shown = on_screen(a)
    assert shown.count(mine) == 1, shown
    assert shown.count(theirs) == 1, shown
    pair = a.locator(".partner-answers .pair-mine", has_text=mine)
    expect(pair).to_be_visible()
    expect(pair).to_contain_text(f"You: {mine}")
    # The pairing per question stays: the partner's answer, then one's own under it.
    assert a.get_by_text(theirs).bounding_box()["y"] < pair.bounding_box()["y"]
    expect(a.locator(".mine-answers")).to_contain_text(
        f"Each of your answers is shown under {second}'s answer to the same question."
    )
    expect(a.locator(".mine-answers dd.is-paired").first).to_be_hidden()
    fits_width(a)


def test_after_a_partner_leaves_today_says_what_is_true_for_both(new_context):
    first, second = names()
    a, b, _, _ = make_couple_by_requests(new_context, first, second, second_viewport=PHONE)
    day_url = share_short_check_in(a, f"{first}: lunch outside")
    share_short_check_in(b, f"{second}: an early night")

    nav(a, "Us")
    leave = a.locator("#leave")
    leave.locator(":scope > summary").click()
    leave.get_by_label("I want to leave this space").check()
    follow(a, leave.get_by_role("button", name="Leave"))

    for page in (a, b):
        visit(page, "/home/")
        today = page.locator("#due-daily")
        expect(today).to_contain_text("You checked in today in the space you shared before")
        expect(today).to_contain_text("You use reattune on your own now")
        expect(today.get_by_role("link", name="Start today's check-in")).to_be_visible()
        fits_width(page)
        for path in ("/rituals/", day_url):
            visit(page, path)
            shown = on_screen(page)
            for untrue in UNTRUE_AFTER_LEAVING:
                assert untrue not in shown, (path, shown)
            assert "You use reattune on your own now" in shown, (path, shown)
            fits_width(page)
        expect(page.get_by_role("link", name="data download")).to_be_visible()
        expect(page.get_by_role("link", name="Start the daily check-in here")).to_be_visible()


def test_support_names_the_country_as_the_account_page_does(new_context):
    first, second = names()
    a, _b, _, _ = make_couple_by_requests(new_context, first, second, second_viewport=PHONE)
    visit(a, "/account/")
    a.get_by_label("Country").select_option(label="Netherlands")
    follow(a, a.get_by_role("button", name="Save country"))
    visit(a, "/care/")
    shown = on_screen(a)
    assert "Nederland" not in shown, shown
    expect(a.locator("#lines summary")).to_contain_text("Every help line for Netherlands")
    a.locator("#lines > summary").click()
    expect(a.get_by_text("Showing lines for Netherlands.")).to_be_visible()
    fits_width(a)
