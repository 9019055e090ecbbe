"""A ritual answer with crisis language, by two partners at once (a fresh couple per test).

- Keep it private: A writes a daily check-in whose best part says they want to die. Before
  anything is shared A is told that B would read it and chooses to keep that answer to
  themselves; B shares and reads the rest of A's check-in, never that answer.
- Share it as written: A writes it in the weekly review, first chooses to change it (the words
  are still in the form), saves the same words, is asked again and shares them as written;
  B shares and reads the answer with guidance on how to respond and the help lines.

Every page shown passes axe-core.
"""

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_foundation import follow, nav, visit
from tests.browser.test_plan import make_couple_by_requests, names

pytestmark = pytest.mark.browser

DAILY = {
    "best": "What was the best part of your day?",
    "hard": "What felt hardest today?",
    "thanks": "One specific thing you appreciated about your partner today",
}
WEEKLY = [
    "One moment this week when you felt connected",
    "One area where you would like a little more closeness",
    "A specific way your partner showed care this week",
    "Looking at the coming week, what is on your mind?",
]


def crisis_sentence() -> str:
    return f"Some nights I want to die and I do not know why ({secrets.token_hex(3)})."


def fill_daily(page: Page, best: str, hard: str, thanks: str) -> None:
    visit(page, "/rituals/daily/")
    page.locator('input[name="connection_today"][value="6"]').check(force=True)
    page.get_by_role("checkbox", name="calm", exact=True).check(force=True)
    page.get_by_label(DAILY["best"]).fill(best)
    page.get_by_label(DAILY["hard"]).fill(hard)
    page.get_by_label(DAILY["thanks"]).fill(thanks)


def share_weekly(page: Page, answers: list[str]) -> None:
    visit(page, "/rituals/weekly/")
    for label, text in zip(WEEKLY, answers, strict=True):
        page.get_by_label(label).fill(text)
    follow(page, page.get_by_role("button", name="Share my answers"))


def test_a_crisis_answer_kept_private_never_reaches_the_partner(new_context):
    first, second = names()
    a, b, _, _ = make_couple_by_requests(new_context, first, second)
    crisis = crisis_sentence()
    marker = secrets.token_hex(3)

    fill_daily(a, crisis, f"{first} hard part {marker}", f"{first} thanks {marker}")
    follow(a, a.get_by_role("button", name="Share my answers"))
    # Told before anything of that answer is shared, with the words still there.
    expect(a.get_by_role("heading", level=1)).to_have_text(f"Before {second} reads this")
    expect(a.locator(".before-sharing")).to_contain_text(crisis)
    expect(a.locator("main")).to_contain_text("your partner cannot read it")
    expect(a.locator("#support")).to_be_visible()
    follow(a, a.get_by_role("button", name="Keep it just for me"))
    assert re.fullmatch(r".*/rituals/daily/\d{4}-\d{2}-\d{2}/", a.url), a.url
    day_url = a.url
    mine = a.locator(".answers").first
    expect(mine).to_contain_text(crisis)
    expect(mine).to_contain_text("Just for you")

    # B checks in and reads the rest of A's answers, not that one.
    fill_daily(b, f"{second} best {marker}", f"{second} hard {marker}", f"{second} thanks")
    follow(b, b.get_by_role("button", name="Share my answers"))
    assert b.url == day_url
    theirs = b.locator(".partner-answers")
    expect(theirs).to_contain_text(f"{first} hard part {marker}")
    expect(theirs).to_contain_text(f"{first} thanks {marker}")
    expect(b.locator("main")).not_to_contain_text(crisis)
    expect(b.locator("main")).not_to_contain_text("Just for you")
    expect(b.locator("[data-support]")).to_have_count(0)
    nav(b, "Rituals")
    expect(b.locator("main")).not_to_contain_text(crisis)


def test_a_crisis_answer_shared_as_written_comes_with_guidance_for_the_partner(new_context):
    first, second = names()
    a, b, _, _ = make_couple_by_requests(new_context, first, second)
    crisis = crisis_sentence()
    mine = [f"{first} weekly {n} {secrets.token_hex(2)}" for n in range(4)]
    mine[1] = crisis

    share_weekly(a, mine)
    expect(a.get_by_role("heading", level=1)).to_have_text(f"Before {second} reads this")
    # Change it first: the form comes back with the words, nothing lost.
    follow(a, a.get_by_role("button", name="Change what I wrote"))
    expect(a.get_by_label(WEEKLY[1])).to_have_value(crisis)
    expect(a.get_by_label(WEEKLY[0])).to_have_value(mine[0])
    follow(a, a.get_by_role("button", name="Save my changes"))
    # The same words are asked about again; this time A shares them as written.
    expect(a.get_by_role("heading", level=1)).to_have_text(f"Before {second} reads this")
    follow(a, a.get_by_role("button", name="Share it as written"))
    expect(a.get_by_text("Shared as you wrote it.")).to_be_visible()
    expect(a.locator(".answers").first).not_to_contain_text("Just for you")

    share_weekly(b, [f"{second} weekly {n}" for n in range(4)])
    theirs = b.locator(".partner-answers")
    expect(theirs).to_contain_text(crisis)
    support = b.locator('[data-support="partner"]')
    expect(support).to_be_visible()
    expect(support.get_by_role("heading", name="How you can respond")).to_be_visible()
    expect(support.locator("ol.guidance li").first).to_be_visible()
    # Guidance for the reader, nothing about the author's own care.
    expect(support).not_to_contain_text("Take the private safety check")
