"""A new couple's walk on a 390x844 phone, with fresh eyes (axe on every page):

- a couple on its first day sees only that day in the rituals' list of days (each earlier
  day read "a day off", before they were here; a person alone: test_phone_walk);
- a person alone finds the time-out page explaining that a time-out starts once a partner
  has joined, with no form to pause a conversation with nobody;
- after sharing the short check-in, the longer prompts are offered (not required), and the
  button leads to them on the form;
- the three reactions under a partner's answer sit in one row on a phone (they wrapped), a
  chosen one with its tick too;
- the couple page's summary links hold their own words, so a long time zone wraps inside its
  link, as one tap target;
- the check-up card says truly who sees single answers (a person may choose to share them);
- on Support, a therapist's link and its Copy button share a row (Copy fell below it), and
  the page says that making a new link cancels the open one.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.test_foundation import follow, nav, visit
from tests.browser.test_phone_walk import signed_up
from tests.browser.test_plan import make_couple_by_requests, names
from tests.browser.test_reactions import BEST, share_short_check_in

pytestmark = pytest.mark.browser

ROWS = """(form) => new Set([...form.querySelectorAll('button')]
  .map((b) => Math.round(b.getBoundingClientRect().top))).size"""


def test_a_person_alone_finds_no_time_out_to_start_with_nobody(new_context):
    first, _ = names()
    me = signed_up(new_context, first)
    nav(me, "Today")
    follow(me, me.get_by_role("link", name="All rituals"))
    # One "More" on the page: the app's own list of places below it.
    expect(me.get_by_role("heading", name="More", exact=True)).to_have_count(1)

    follow(me, me.get_by_role("link", name="Time-out", exact=True))
    card = me.get_by_role("region", name="A pause for two")
    expect(card).to_contain_text("starts once your partner has joined")
    expect(me.get_by_role("button", name="Start the time-out")).to_have_count(0)
    expect(me.get_by_label("A note for your partner (optional)")).to_have_count(0)
    follow(me, card.get_by_role("link", name="Invite your partner"))
    expect(me.get_by_role("button", name="Make an invite link")).to_be_visible()


def test_after_the_short_check_in_the_longer_prompts_are_offered_and_reactions_fit_a_row(
    new_context,
):
    first, second = names()
    a, b, _, _ = make_couple_by_requests(new_context, first, second, second_viewport=PHONE)
    day_url = share_short_check_in(a, f"{first}: soup on the balcony")

    # The longer prompts, offered next, not required; the button opens them on the form.
    offer = a.locator(".still-open")
    expect(offer).to_contain_text("Have more time?")
    expect(offer.get_by_role("listitem")).to_have_count(3)
    expect(offer).to_contain_text("What felt hardest today?")
    follow(a, offer.get_by_role("link", name="Add to your answers"))
    assert a.url.endswith("/rituals/daily/#more-prompts"), a.url
    expect(a.get_by_role("heading", name="When you have more time")).to_be_in_viewport()

    # The couple's first day: the list of days holds that one day only.
    visit(a, "/rituals/")
    days = a.get_by_role("list", name="Your days here so far").get_by_role("listitem")
    expect(days).to_have_count(1)
    expect(days.first).to_have_text(re.compile(r": you checked in$"))

    share_short_check_in(b, f"{second}: a quiet train home")
    visit(a, day_url)
    forms = a.locator(".partner-answers form.reactions")
    expect(forms).to_have_count(3)
    group = a.get_by_role("group", name=f"React to {second}'s answer: {BEST}")
    follow(a, group.get_by_role("button", name="Thank you"))
    group = a.get_by_role("group", name=f"React to {second}'s answer: {BEST}")
    expect(group.get_by_role("button", name="Thank you")).to_have_attribute("aria-pressed", "true")
    for i in range(3):
        form = a.locator(".partner-answers form.reactions").nth(i)
        assert form.evaluate(ROWS) == 1, f"reactions of answer {i} wrap onto two rows"
        for button in form.get_by_role("button").all():
            box = button.bounding_box()
            assert box and box["height"] >= 44 and box["width"] >= 44, box


def page_link_boxes(page: Page, name: str) -> list[dict]:
    return (
        page.locator("#summary")
        .get_by_role("link", name=name)
        .evaluate("(a) => [...a.getClientRects()].map((r) => ({top: r.top, height: r.height}))")
    )


def test_the_couple_summary_links_hold_their_words_and_the_check_up_card_is_true(new_context):
    first, second = names()
    a, _, _, _ = make_couple_by_requests(new_context, first, second, second_viewport=PHONE)
    visit(a, "/couple/")
    # A long zone name wraps inside its link: one box, the whole of it a tap target.
    zone = a.locator("#summary").get_by_role("link", name=re.compile(r"^Your shared day: "))
    expect(zone).to_have_count(1)
    boxes = page_link_boxes(a, "Leaving this space: what it does, and how")
    assert len(boxes) == 1 and boxes[0]["height"] >= 44, boxes

    visit(a, "/home/")
    card = a.locator("main").get_by_text("10-minute look at how things feel between you")
    expect(card).to_contain_text("only if you choose to share them")
    expect(a.locator("main")).not_to_contain_text("never sees your individual answers")

    visit(a, "/care/")
    follow(a, a.get_by_role("button", name="Make a link for our therapist"))
    link = a.get_by_role("textbox", name="Link for your therapist")
    copy = a.locator("#therapist").get_by_role("button", name="Copy")
    link_box, copy_box = link.bounding_box(), copy.bounding_box()
    assert link_box and copy_box and abs(link_box["y"] - copy_box["y"]) < 8, (link_box, copy_box)
    expect(a.locator("#therapist")).to_contain_text("Making a new one cancels it.")


def test_the_calendars_one_filled_button_is_subscribe_on_one_line(new_context):
    first, _ = names()
    me = signed_up(new_context, first)
    visit(me, "/rituals/calendar/")
    follow(me, me.get_by_role("button", name="Make my address"))
    subscribe = me.get_by_role("link", name="Subscribe in my calendar", exact=True)
    renew = me.get_by_role("button", name="Make a new address")
    box = subscribe.bounding_box()
    # One line of words (it wrapped to two in a pill), the full width of the card.
    assert box and 44 <= box["height"] <= 60, box
    fill = "(el) => getComputedStyle(el).backgroundColor"
    # Making a new address stops the old one: an outlined button, not a second filled one.
    assert renew.evaluate(fill) != subscribe.evaluate(fill)
    assert renew.evaluate(fill) == me.get_by_role("button", name="Turn it off").evaluate(fill)
