"""The plan, the ladder, the calendar feed and the progress page, used as partners would.

- the demo couple reads this week's plan with a reason for each practice, on a phone and a
  laptop, and opens a practice from it;
- a fresh couple (sign-up and invite in the browser, check-ups seeded) swaps a practice for
  another that addresses the same need, and both partners then see the swapped practice;
- the vulnerability ladder shows this week's question; a partner stays on a step, goes one
  deeper, and the other partner sees where they are;
- a partner sets ritual times, makes the private calendar address, the feed parses with
  `icalendar` and holds the rituals at those times and nothing anyone wrote; turning it off
  makes the old address answer 404;
- the progress page fits a phone's width and its charts are visible.

Every page shown passes axe-core; on a phone no page is wider than the screen. Tests that
change a couple's state use a fresh couple, so the shared demo couple stays as other browser
tests expect it.
"""

import re
import secrets
from datetime import time

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from reattune.domain.plan import load_practices
from tests.browser import http_get, unique_email
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_foundation import (
    REQUEST_TIMEOUT,
    WIDE,
    follow,
    logged_in_page,
    nav,
    path_of,
    post_form,
    sign_up,
    sign_up_by_request,
    visit,
)

pytestmark = pytest.mark.browser

# Seeds two rounds of check-ups for a couple (the demo's own generator) and makes their plan.
SEED_CHECKUPS = """
from reattune.accounts.models import User
from reattune.assessments.demo import step as checkups
from reattune.plans.demo import step as plan
a, b = User.objects.get(email={a!r}), User.objects.get(email={b!r})
checkups(a, b, None)
plan(a, b, None)
print("OK")
"""


def names() -> tuple[str, str]:
    """Two first names no page or feed contains by chance."""
    tag = secrets.token_hex(2)
    return f"Marisol{tag}", f"Teodor{tag}"


def make_couple(new_context, first: str, second: str, second_viewport=DESKTOP):
    """`first` on a phone signs up and invites; `second` joins through the link.

    Returns (first's page, second's page, first's email, second's email). Both contexts
    check that every page shown passed axe.
    """
    a = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    b = new_context(viewport=second_viewport, check_axe_on_every_page=True).new_page()
    a_email, b_email = unique_email("a"), unique_email("b")
    visit(a, "/signup/")
    sign_up(a, first, a_email)
    nav(a, "Us")
    follow(a, a.get_by_role("button", name="Make an invite link"))
    link = a.get_by_label("Invite link").input_value()
    visit(b, link)
    follow(b, b.get_by_role("link", name="Create an account"))
    sign_up(b, second, b_email)
    follow(b, b.get_by_role("button", name=f"Join {first}"))
    expect(b.locator("main")).to_contain_text(f"You share this space with {first}.")
    return a, b, a_email, b_email


def make_couple_by_requests(
    new_context, first: str, second: str, second_viewport=WIDE, check_second_every_page=True
):
    """The couple of `make_couple`, set up through the same forms by direct requests.

    For tests about what a couple does once joined: the sign-up and invite pages themselves
    are used as a person would in test_foundation. Each context's cookies
    are those the forms set, so the pages that follow are the partners' own. Both pages
    end on the partner's home, checked with axe; the contexts check that every page shown
    passed axe (the second's only with check_second_every_page).
    """
    a = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    b = new_context(
        viewport=second_viewport, check_axe_on_every_page=check_second_every_page
    ).new_page()
    a_email, b_email = unique_email("a"), unique_email("b")
    sign_up_by_request(a, first, a_email)
    made = post_form(a, "/couple/", {}, action="/couple/invite/")
    link = re.search(r'value="(https?://[^"]+/invite/[^/"]+/)"', made.text())
    assert link, f"no invite link on /couple/: {made.text()[:2000]}"
    opened = b.request.get(link.group(1), timeout=REQUEST_TIMEOUT)
    assert opened.ok and f"{first} invited you" in opened.text(), opened.status
    sign_up_by_request(b, second, b_email)
    joined = path_of(post_form(b, "/invite/confirm/", {}))
    assert joined == "/home/", joined
    visit(b, "/home/")
    expect(b.locator("main")).to_contain_text(f"You share this space with {first}.")
    visit(a, "/home/")
    expect(a.locator("main")).to_contain_text(f"You share this space with {second}.")
    return a, b, a_email, b_email


def fits_width(page: Page) -> None:
    """Nothing on the page is wider than the window: no sideways scrolling on a phone."""
    widths = page.evaluate(
        """() => {
          const limit = window.innerWidth;
          const wide = [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > limit + 1)
            .slice(0, 5)
            .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
              + (el.className && typeof el.className === "string" ? "." + el.className : ""));
          return {scroll: document.documentElement.scrollWidth, inner: limit, wide};
        }"""
    )
    assert widths["scroll"] <= widths["inner"], f"{page.url} scrolls sideways: {widths}"


def log_in_demo(new_context, account: dict, viewport) -> Page:
    return logged_in_page(new_context, account, viewport)


# --- the plan ------------------------------------------------------------------------------


def test_the_demo_couple_reads_this_weeks_plan_with_reasons(new_context, demo_accounts):
    for who, viewport in (("alex", PHONE), ("sam", WIDE)):
        page = log_in_demo(new_context, demo_accounts[who], viewport)
        nav(page, "Plan")
        assert path_of(page) == "/plan/"
        expect(page.get_by_role("heading", level=1)).to_have_text("Your six-week plan")
        expect(page.locator("main")).to_contain_text("For the two of you")
        this_week = page.locator("#this-week")
        items = this_week.locator(".plan-item")
        assert 1 <= items.count() <= 3, f"{items.count()} focus practices this week"
        for i in range(items.count()):
            item = items.nth(i)
            expect(item.get_by_role("heading", level=3)).not_to_be_empty()
            expect(item.locator("p")).to_contain_text(re.compile(r"^Because .{10,}"))
        expect(this_week).to_contain_text("Going a little deeper:")
        every_day = page.locator("#every-day")
        expect(every_day.get_by_role("link", name="The daily check-in")).to_be_visible()
        # The daily check-in gives a reason ("Because ...") only when an area it touches
        # feels strained; otherwise it says what the practice invites the two of them to do.
        invitation = load_practices()["daily_checkin"].invitation_for(solo=False)
        said = every_day.inner_text().split("(about 15 minutes).", 1)[1].strip()
        assert said.startswith("Because ") or said.startswith(
            invitation[:1].upper() + invitation[1:]
        ), said
        # The current week is open among the six; the others are folded away.
        weeks = page.locator("#weeks details")
        expect(weeks).to_have_count(6)
        expect(page.locator("#weeks details[open] summary")).to_have_text(
            re.compile(r"Week \d \(this week\)")
        )
        if viewport is PHONE:
            fits_width(page)

        # A practice opens from its title, with its steps.
        first = items.first.get_by_role("link")
        title = first.inner_text()
        follow(page, first)
        assert path_of(page).startswith("/plan/practice/"), page.url
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_role("heading", name="How", exact=True)).to_be_visible()
        assert page.locator("main ol").first.locator("li").count() >= 2
        if viewport is PHONE:
            fits_width(page)
        follow(page, page.get_by_role("link", name="Back to your plan"))
        assert path_of(page) == "/plan/"


def test_one_partner_swaps_a_practice_and_both_see_it(new_context, live_app):
    first, second = names()
    a, b, a_email, b_email = make_couple_by_requests(new_context, first, second)
    result = live_app.cli("manage", "shell", "-c", SEED_CHECKUPS.format(a=a_email, b=b_email))
    assert "OK" in result.stdout, result.stdout + result.stderr

    nav(a, "Plan")
    expect(a.locator("main")).to_contain_text("For the two of you")
    fits_width(a)
    # The current week's practices, each with a "Swap" form for the same need.
    week = a.locator("#weeks details[open]")
    item = week.locator(".plan-item", has=a.get_by_role("button", name="Swap")).first
    old_title = item.get_by_role("link").first.inner_text()
    choice = item.get_by_label("Prefer something else for the same need?")
    new_title = choice.locator("option").first.inner_text()
    assert new_title and new_title != old_title
    expect(a.locator("#this-week")).to_contain_text(old_title)
    expect(a.locator("#this-week")).not_to_contain_text(new_title)
    choice.select_option(label=new_title)
    follow(a, item.get_by_role("button", name="Swap"))

    assert path_of(a) == "/plan/"
    expect(a.get_by_text("Swapped. Your plan is updated for both of you.")).to_be_visible()
    this_week = a.locator("#this-week")
    swapped = this_week.locator(".plan-item", has=a.get_by_role("link", name=new_title))
    expect(swapped).to_have_count(1)
    # The new practice says why it is there: the same need, in words.
    expect(swapped.locator("p")).to_contain_text(
        re.compile(r"^(Because .{10,}|Chosen instead of \"" + re.escape(old_title) + '")')
    )
    expect(this_week.get_by_role("link", name=old_title, exact=True)).to_have_count(0)
    fits_width(a)

    # The other partner, on a laptop, sees the same swapped plan.
    nav(b, "Plan")
    their_week = b.locator("#this-week")
    expect(their_week.get_by_role("link", name=new_title, exact=True)).to_be_visible()
    expect(their_week.get_by_role("link", name=old_title, exact=True)).to_have_count(0)
    follow(b, their_week.get_by_role("link", name=new_title, exact=True))
    expect(b.get_by_role("heading", level=1)).to_have_text(new_title)


# --- the vulnerability ladder --------------------------------------------------------------


def test_the_ladder_shows_this_weeks_question_and_a_partner_sets_the_pace(new_context):
    first, second = names()
    a, b, _, _ = make_couple_by_requests(new_context, first, second)

    # Home of the rituals: this week's deeper question, step 1 for a new couple.
    nav(a, "Rituals")
    card = a.locator("section.card", has=a.get_by_role("heading", name="This week's deeper"))
    expect(card).to_contain_text("Step 1: How the days really feel")
    question = card.locator(".prompt").inner_text()
    assert question.endswith("?"), question
    follow(a, a.get_by_role("link", name="About the ladder, and staying on a step"))
    assert path_of(a) == "/rituals/ladder/"
    expect(a.get_by_role("heading", name="This week: step 1 of")).to_contain_text(
        "how the days really feel"
    )
    expect(a.locator(".prompt")).to_have_text(question)
    expect(a.locator("main")).to_contain_text("Go only as deep as your partner can meet you")
    expect(a.get_by_role("button", name="One step lighter")).to_have_count(0)
    fits_width(a)

    # Stay on this step.
    follow(a, a.get_by_role("button", name="Stay on this step"))
    expect(a.get_by_text("Saved. Go at the pace that feels right to you both.")).to_be_visible()
    expect(a.locator("main")).to_contain_text(
        "You are staying on this step until you choose to move on."
    )
    expect(a.get_by_role("button", name="Move on week by week again")).to_be_visible()
    expect(a.get_by_role("heading", name="This week: step 1 of")).to_be_visible()

    # One step deeper: a new theme and a question from it.
    follow(a, a.get_by_role("button", name="One step deeper"))
    heading = a.get_by_role("heading", name=re.compile(r"^This week: step 2 of"))
    expect(heading).to_contain_text("hopes and worries for the two of you")
    deeper = a.locator(".prompt").inner_text()
    assert deeper != question and deeper.endswith("?")
    expect(a.get_by_role("button", name="One step lighter")).to_be_visible()
    visit(a, "/rituals/")
    expect(a.locator("main")).to_contain_text("Step 2: Hopes and worries for the two of you")
    expect(a.locator("main")).to_contain_text(deeper)

    # The partner sees where the other is and the advice to meet at the lighter step.
    visit(b, "/rituals/ladder/")
    expect(b.get_by_role("heading", name=re.compile(r"^This week: step 1 of"))).to_be_visible()
    expect(b.locator("main")).to_contain_text(
        f"{first} is on step 2: hopes and worries for the two of you."
    )
    expect(b.locator("main")).to_contain_text("Meet each other where the lighter of you is.")


# --- the calendar feed ---------------------------------------------------------------------


def test_ritual_times_reach_a_private_calendar_feed_that_can_be_turned_off(new_context):
    first, second = names()
    a, b, a_email, _ = make_couple_by_requests(new_context, first, second)
    secret = f"private-note-{secrets.token_hex(4)}"

    # Something personal exists in the space: a daily check-in with a marked answer.
    visit(a, "/rituals/daily/")
    a.locator('input[name="connection_today"][value="7"]').check(force=True)
    a.get_by_label("What was the best part of your day?").fill(f"{secret} best")
    a.get_by_label("What felt hardest today?").fill(f"{secret} hard")
    a.get_by_label("One specific thing you appreciated about your partner today").fill(
        f"{secret} thanks"
    )
    fits_width(a)
    follow(a, a.get_by_role("button", name="Share my answers"))

    nav(a, "Rituals")
    follow(a, a.get_by_role("link", name="Ritual times and calendar"))
    assert path_of(a) == "/rituals/calendar/"
    expect(a.locator("main")).to_contain_text("You have no calendar address yet.")
    a.get_by_role("group", name="Daily check-in").get_by_label("At", exact=True).fill("21:15")
    weekly = a.get_by_role("group", name="Weekly review")
    weekly.get_by_label("On", exact=True).select_option(label="Saturday")
    weekly.get_by_label("At", exact=True).fill("10:30")
    monthly = a.get_by_role("group", name="Monthly check-in")
    monthly.get_by_role("checkbox", name="Put it in our calendar").uncheck()
    follow(a, a.get_by_role("button", name="Save our times"))
    expect(a.get_by_text("Your ritual times are saved.")).to_be_visible()
    expect(a.locator("#daily_time")).to_have_value("21:15")
    expect(a.locator("#weekly_day")).to_have_value("5")
    fits_width(a)

    follow(a, a.get_by_role("button", name="Make my address"))
    expect(a.get_by_text("Copy it now: for your privacy it is shown only once.")).to_be_visible()
    url = a.get_by_role("textbox", name="Calendar address").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/rituals/calendar/[^/]+\.ics", url), url
    fits_width(a)

    # A calendar app fetches it: no log-in, no cookies.
    status, headers, body = http_get(url)
    assert status == 200, body[:500]
    assert headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(body)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Daily check-in", "Weekly review"}, events
    daily, weekly = events["Daily check-in"], events["Weekly review"]
    assert daily["rrule"]["FREQ"] == ["DAILY"]
    assert daily.decoded("dtstart").time() == time(21, 15)
    assert weekly["rrule"]["BYDAY"] == ["SA"]
    assert weekly.decoded("dtstart").time() == time(10, 30)
    assert weekly.decoded("dtstart").weekday() == 5
    for personal in (secret, first, second, a_email, a_email.split("@")[0]):
        assert personal not in body, f"the feed shows {personal!r}"

    # The partner's page says the times both of them chose.
    visit(b, "/rituals/calendar/")
    expect(b.locator("#daily_time")).to_have_value("21:15")
    expect(b.locator("#weekly_time")).to_have_value("10:30")

    # The address was shown once; afterwards the page says one is active.
    visit(a, "/rituals/calendar/")
    expect(a.get_by_role("textbox", name="Calendar address")).to_have_count(0)
    expect(a.locator("main")).to_contain_text("An address is active since")
    follow(a, a.get_by_role("button", name="Turn it off"))
    expect(a.get_by_text("The calendar address is turned off.")).to_be_visible()
    expect(a.locator("main")).to_contain_text("You have no calendar address yet.")
    status, _, body = http_get(url)
    assert status == 404, body[:500]
    assert "BEGIN:VCALENDAR" not in body


# --- progress ------------------------------------------------------------------------------


def test_the_progress_page_fits_a_phone_with_its_charts_visible(new_context, demo_accounts):
    page = log_in_demo(new_context, demo_accounts["sam"], PHONE)
    nav(page, "Progress")
    assert path_of(page) == "/rituals/progress/"
    expect(page.get_by_role("heading", level=1)).to_have_text("How you are doing together")
    for name in ("How connected you felt", "Rituals each week"):
        chart = page.get_by_role("img", name=name)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100, (name, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
    expect(page.locator("#chart-areas")).to_be_visible()
    fits_width(page)

    # The numbers behind a chart open as a table, still within the phone's width.
    page.get_by_text("Show the numbers as a table").first.click()
    table = page.locator(".chart-card table").first
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="You", exact=True)).to_be_visible()
    expect(table.get_by_role("columnheader", name="Alex", exact=True)).to_be_visible()
    assert table.locator("tbody tr").count() > 20  # many days of answers
    fits_width(page)

    # Another range, chosen from the form.
    page.get_by_label("Show", exact=True).select_option("1y")
    follow(page, page.get_by_role("button", name="Show", exact=True))
    assert "range=1y" in page.url
    expect(page.get_by_role("img", name="How connected you felt")).to_be_visible()
    fits_width(page)
