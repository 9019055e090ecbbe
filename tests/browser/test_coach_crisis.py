"""The coach and a cry for help: typing a crisis sentence shows help lines, never a rewrite."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import unique_email
from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_foundation import follow, nav, sign_up, visit

pytestmark = pytest.mark.browser

CRISIS = "You always ignore me and I want to kill myself."


def test_a_crisis_sentence_in_the_coach_shows_help_lines_and_no_rewrite(new_context):
    # The browser says en-GB, so the help lines are the United Kingdom's.
    page = new_context(viewport=PHONE, check_axe_on_every_page=True, locale="en-GB").new_page()
    visit(page, "/signup/")
    sign_up(page, "Kit", unique_email("kit"))
    nav(page, "Coach")

    # Typing (no button pressed): the live feedback shows help, not feedback on the words.
    box = page.get_by_label("What do you want to say?")
    box.press_sequentially(CRISIS, delay=5)
    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("This sounds like a lot to carry", timeout=10_000)
    expect(feedback).to_contain_text("Samaritans")
    expect(feedback.get_by_role("link", name="999", exact=True)).to_be_visible()
    expect(feedback.get_by_role("link", name="Take the private safety check")).to_be_visible()
    expect(feedback).not_to_contain_text("Another way to say it")
    expect(feedback).not_to_contain_text("Blame")
    assert feedback.locator("blockquote.rewrite").count() == 0
    assert feedback.locator("mark").count() == 0
    axe_check(page)

    # The button gives the same answer as a whole page.
    follow(page, page.get_by_role("button", name="Check my words"))
    expect(page.locator("#feedback")).to_contain_text("Samaritans")
    expect(page.locator("#feedback")).not_to_contain_text("Another way to say it")

    # The safety check link leads to the private questions.
    follow(page, page.get_by_role("link", name="Take the private safety check"))
    expect(page).to_have_url(re.compile(r"/care/safety/$"))


def test_listen_shows_how_to_respond_to_a_partner_in_crisis(new_context):
    page = new_context(check_axe_on_every_page=True, locale="en-GB").new_page()
    visit(page, "/signup/")
    sign_up(page, "Ari", unique_email("ari"))
    nav(page, "Coach")
    follow(page, page.get_by_role("link", name=re.compile("find a caring first reply")))
    page.get_by_label("What your partner said").fill("Sometimes I feel like I want to die.")
    follow(page, page.get_by_role("button", name="Suggest replies"))
    support = page.locator("#support")
    expect(support).to_contain_text("How you can respond")
    expect(support).to_contain_text("Ask them directly")
    expect(support).to_contain_text("Samaritans")
    assert page.locator("#replies").count() == 0
