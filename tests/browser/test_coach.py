"""The coach as a person uses it: typing shows feedback live, then the opener builder."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import unique_email
from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_foundation import follow, nav, sign_up, visit

pytestmark = pytest.mark.browser


def test_typing_a_blaming_sentence_shows_the_words_and_a_kinder_way(new_context):
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    visit(page, "/signup/")
    sign_up(page, "Robin", unique_email("robin"))
    nav(page, "Coach")

    # Typing (no button pressed): htmx asks for feedback after a short pause.
    box = page.get_by_label("What do you want to say?")
    box.press_sequentially("You never listen to me and you are so lazy.", delay=5)
    feedback = page.locator("#feedback")
    expect(feedback).to_contain_text("What your words may sound like", timeout=10_000)
    expect(feedback.locator("mark.concern").first).to_be_visible()
    expect(feedback.locator("mark.concern", has_text="never").first).to_be_visible()
    expect(feedback).to_contain_text("Criticism of character")
    expect(feedback).to_contain_text("Another way to say it")
    assert "I feel" in feedback.locator("blockquote.rewrite").inner_text()
    axe_check(page)

    # Without waiting for the live update, the button gives the same page.
    follow(page, page.get_by_role("button", name="Check my words"))
    expect(page.locator("#feedback")).to_contain_text("Another way to say it")

    # The opener builder turns three answers into a calm opening.
    follow(page, page.get_by_role("link", name="Build a gentle opening"))
    page.get_by_label("What do you miss?").fill("our long talks after dinner")
    page.get_by_label("How do you feel about it?").fill("lonely")
    page.get_by_label("What would you like?").fill("twenty minutes together after dinner")
    follow(page, page.get_by_role("button", name="Build my opening"))
    opening = page.locator("#opener blockquote")
    expect(opening).to_contain_text("lonely")
    assert "you never" not in opening.inner_text().lower()


def test_a_caring_reply_is_suggested_and_a_draft_saves_only_to_the_private_journal(new_context):
    page = new_context(check_axe_on_every_page=True).new_page()
    visit(page, "/signup/")
    sign_up(page, "Noa", unique_email("noa"))
    nav(page, "Coach")

    follow(page, page.get_by_role("link", name=re.compile("find a caring first reply")))
    page.get_by_label("What your partner said").fill(
        "I felt so alone at the party when you stayed with your friends all night."
    )
    follow(page, page.get_by_role("button", name="Suggest replies"))
    replies = page.locator("#replies li")
    expect(replies.first).to_be_visible()
    assert replies.count() >= 2
    expect(page.locator("#replies")).to_contain_text("Advice can wait")

    # Nothing is stored until the person chooses to save it; then only in their private journal.
    follow(page, page.get_by_role("link", name="Back to the coach"))
    draft = "I miss our walks and I would like one this Sunday."
    page.get_by_label("What do you want to say?").fill(draft)
    follow(page, page.get_by_role("button", name="Save to my private journal"))
    expect(page.locator("main")).to_contain_text("Your partner cannot see it")
    expect(page.locator("main")).to_contain_text(draft)
    nav(page, "Journal")
    expect(page.locator("main")).to_contain_text("Draft from the coach")
