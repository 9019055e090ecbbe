"""The weekly review, the monthly check-in and the agreements, by two partners at once.

Each test uses a fresh couple (set up through the sign-up and invite forms by direct requests:
one partner on a phone, the other on a laptop), so the shared demo couple stays as other
browser tests expect it.

- weekly review and monthly check-in: A shares; B sees only that A has done it, never A's
  words; B shares; then each reads the other's answers;
- agreements: both accept the communication rules and each sees the other's acceptance.

Every page shown passes axe-core; on the phone no page is wider than the screen.
"""

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_foundation import follow, nav, path_of, visit
from tests.browser.test_plan import fits_width, make_couple_by_requests, names

pytestmark = pytest.mark.browser

PROMPTS = {
    "weekly": [
        "One moment this week when you felt connected",
        "One area where you would like a little more closeness",
        "A specific way your partner showed care this week",
        "Looking at the coming week, what is on your mind?",
        "What would help you feel prepared and supported this week?",
    ],
    "monthly": [
        "What feels most connecting between you right now?",
        "Where would you like to grow, as a partner or as a person?",
        "What from this past month are you grateful to your partner for?",
    ],
}
TITLES = {"weekly": "Weekly review", "monthly": "Monthly check-in"}
NOUNS = {"weekly": "week", "monthly": "month"}


def answers_for(who: str, kind: str) -> dict[str, str]:
    marker = secrets.token_hex(3)
    return {label: f"{who} {kind} answer {n} {marker}" for n, label in enumerate(PROMPTS[kind])}


def share(page: Page, kind: str, answers: dict[str, str]) -> str:
    """From the rituals page: start the ritual, answer every prompt, share. Returns the URL."""
    nav(page, "Rituals")
    follow(page, page.get_by_role("link", name=f"Start the {TITLES[kind].lower()}"))
    assert path_of(page) == f"/rituals/{kind}/"
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLES[kind])
    for label, text in answers.items():
        page.get_by_label(label).fill(text)
    follow(page, page.get_by_role("button", name="Share my answers"))
    assert re.fullmatch(rf"/rituals/{kind}/\d{{4}}-\d{{2}}-\d{{2}}/", path_of(page)), page.url
    expect(page.get_by_text("Thank you for sharing.")).to_be_visible()
    mine = page.locator(".answers").first
    for label, text in answers.items():
        expect(mine).to_contain_text(label)
        expect(mine).to_contain_text(text)
    return page.url


def assert_shows_none_of(page: Page, answers: dict[str, str]) -> None:
    shown = page.content()
    leaked = [text for text in answers.values() if text in shown]
    assert not leaked, f"{page.url} shows the partner's words before they shared: {leaked}"


@pytest.mark.parametrize("kind", ["weekly", "monthly"])
def test_the_partners_answers_appear_only_after_sharing_ones_own(new_context, kind):
    first, second = names()
    a, b, _, _ = make_couple_by_requests(new_context, first, second)
    a_answers, b_answers = answers_for(first, kind), answers_for(second, kind)
    noun = NOUNS[kind]

    # A, on the phone, shares first and waits for B.
    period_url = share(a, kind, a_answers)
    fits_width(a)
    expect(a.locator(".partner-answers")).to_contain_text(
        f"{second} has not shared for this {noun} yet."
    )

    # B sees that A has done it, and nothing of what A wrote: on the rituals page...
    nav(b, "Rituals")
    card = b.locator(".ritual-card", has=b.get_by_role("heading", name=TITLES[kind]))
    expect(card).to_contain_text(f"{first} has checked in. Their answers appear once you share")
    assert_shows_none_of(b, a_answers)
    # ...on the page of this week or month...
    visit(b, period_url)
    expect(b.locator(".partner-answers")).to_contain_text(
        f"{first} has checked in. Share your own answers to see theirs."
    )
    assert_shows_none_of(b, a_answers)
    # ...and on the form, which is empty for B.
    follow(b, b.get_by_role("link", name=f"Start the {TITLES[kind].lower()}"))
    expect(b.locator(".partner-status")).to_contain_text(
        f"{first} has shared their answers. You will see them as soon as you share yours."
    )
    expect(b.get_by_label(PROMPTS[kind][0])).to_have_value("")
    assert_shows_none_of(b, a_answers)

    # B shares; now B reads A's answers beside their own.
    assert share(b, kind, b_answers) == period_url
    theirs = b.locator(".partner-answers")
    expect(theirs.get_by_role("heading", name=f"{first}'s answers")).to_be_visible()
    for label, text in a_answers.items():
        expect(theirs).to_contain_text(label)
        expect(theirs).to_contain_text(text)
    expect(theirs).to_contain_text("Curiosity first")

    # And A, back on the phone, reads B's.
    nav(a, "Rituals")
    card = a.locator(".ritual-card", has=a.get_by_role("heading", name=TITLES[kind]))
    expect(card).to_contain_text(f"You have shared your answers, and so has {second}.")
    follow(a, card.get_by_role("link", name="Read both"))
    assert a.url == period_url
    theirs = a.locator(".partner-answers")
    for text in b_answers.values():
        expect(theirs).to_contain_text(text)
    fits_width(a)


def test_both_accept_the_agreements_and_each_sees_the_others_acceptance(new_context):
    first, second = names()
    a, b, _, _ = make_couple_by_requests(new_context, first, second)
    rules = (
        ("shared_in_trust", "What is shared in trust stays safe"),
        ("time_out", "Either of us can call a time-out, and we both come back"),
        ("curiosity_first", "Curiosity before advice"),
    )
    date = r"\d{1,2} [A-Z][a-z]+ \d{4}"

    nav(a, "Rituals")
    follow(a, a.get_by_role("link", name="Our agreements"))
    assert path_of(a) == "/rituals/agreements/"
    for agreement_id, title in rules:
        card = a.locator(f"#agreement-{agreement_id}")
        expect(card.get_by_role("heading", name=title)).to_be_visible()
        expect(card.locator(".status")).to_have_text("Not accepted yet.")
        follow(a, card.get_by_role("button", name="I agree"))
        expect(a.get_by_text("Accepted. Thank you.")).to_be_visible()
        card = a.locator(f"#agreement-{agreement_id}")
        expect(card.locator(".status")).to_have_text(
            re.compile(rf"^You accepted this on {date}\. {second} has not yet\.$")
        )
        expect(card.get_by_role("button", name="Take my acceptance back")).to_be_visible()
    fits_width(a)

    # B sees A's acceptance of each, and accepts too.
    visit(b, "/rituals/agreements/")
    for agreement_id, _ in rules:
        card = b.locator(f"#agreement-{agreement_id}")
        expect(card.locator(".status")).to_have_text(
            re.compile(rf"^{first} accepted this on {date}\.$")
        )
        follow(b, card.get_by_role("button", name="I agree"))
        card = b.locator(f"#agreement-{agreement_id}")
        expect(card.locator(".status")).to_have_text("You both agreed")
    # The ones nobody accepted say so.
    expect(b.locator("#agreement-speak_for_yourself .status")).to_have_text("Not accepted yet.")

    # A sees both acceptances recorded.
    visit(a, "/rituals/agreements/")
    for agreement_id, _ in rules:
        expect(a.locator(f"#agreement-{agreement_id} .status")).to_have_text("You both agreed")

    # A takes one back; B sees it is only theirs now.
    card = a.locator("#agreement-curiosity_first")
    follow(a, card.get_by_role("button", name="Take my acceptance back"))
    expect(a.get_by_text("You took this agreement back.")).to_be_visible()
    expect(a.locator("#agreement-curiosity_first .status")).to_have_text(
        re.compile(rf"^{second} accepted this on {date}\.$")
    )
    visit(b, "/rituals/agreements/")
    expect(b.locator("#agreement-curiosity_first .status")).to_have_text(
        re.compile(rf"^You accepted this on {date}\. {first} has not yet\.$")
    )
    expect(b.locator("#agreement-shared_in_trust .status")).to_have_text("You both agreed")
