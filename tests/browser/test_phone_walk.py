"""What a walk through the app on a 390x844 phone found, used as a person would (axe on every
page):

- every control a finger aims at in a page's content is at least 44 px tall and wide: the
  feeling chips, the "keep this answer just for me" rows, the time-out's lengths, a folded
  week's summary, a link-styled button, a link that stands alone beside a button, a journal
  entry's title, the way back above a page's title and a day's "Previous day"; Learn's
  search box reads at the size of the page's text (no smaller type, no zoom on focus);
- the rituals' list of days calls today "not yet today" until someone checks in (the day
  is not over, so it is not "a day off"), and lists no day from before the person started;
- the emergency number is named as the help-line data names it, once, without brackets in
  brackets and without lower-casing a proper name ("Triple Zero");
- the account's country list names every country in English, the countries with checked
  help lines too ("Germany", not "Deutschland");
- on Support, the therapist card's button and the folded "what a therapist sees" stand apart;
- a therapist reads each area's score rounded, out of its scale's top ("1.6 of 4", not
  "1.5714285714285714"), and the rounds counted as check-ups (the questionnaire), not
  check-ins (the daily ritual);
- on a wide screen (1366x900) the check-in's 0 to 10 are one row of full-size choices with
  the words for both ends below them (they were squeezed beside the words, 25 px wide).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import unique_email
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_foundation import (
    PASSWORD,
    follow,
    logged_in_page,
    nav,
    sign_up,
    visit,
)
from tests.browser.test_plan import SEED_CHECKUPS, make_couple_by_requests, names

pytestmark = pytest.mark.browser

MIN_TAP = 44

# The controls of a page's content a finger aims at. A radio or checkbox counts through the
# row (label) around it; a chip through its visible pill and the see-through box over it that
# takes the tap.
TARGETS = """() => {
  const selector = [
    "button", "select", "textarea", "summary", "label.check", "label.choice", ".chip span",
    ".chip input",
    "input:not([type=hidden]):not([type=radio]):not([type=checkbox])",
    ".actions > a", "li.entry > a", ".crumbs a", ".pager a",
  ].map((s) => "main " + s).join(", ");
  return [...document.querySelectorAll(selector)].flatMap((el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === "hidden") {
      return [];
    }
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "");
    return [{what: el.tagName.toLowerCase() + (el.className ? "." + el.className : ""),
             text: text.trim().slice(0, 40), width: r.width, height: r.height}];
  });
}"""


def small_targets(page: Page, script: str = TARGETS) -> tuple[int, list[str]]:
    """(how many targets the page's content shows, those smaller than 44x44 px); `script`
    finds them, as TARGETS does: [{what, text, width, height}]."""
    targets = page.evaluate(script)
    small = [
        f"{page.url}: {t['what']} '{t['text']}' is {t['width']:.0f}x{t['height']:.0f} px"
        for t in targets
        if t["width"] < MIN_TAP or t["height"] < MIN_TAP
    ]
    return len(targets), small


def signed_up(new_context, first: str, viewport=PHONE) -> Page:
    page = new_context(viewport=viewport, check_axe_on_every_page=True).new_page()
    visit(page, "/signup/")
    sign_up(page, first, unique_email("w"))
    return page


def test_every_control_of_the_daily_pages_is_a_full_size_tap_target(new_context, demo_accounts):
    first, _ = names()
    me = signed_up(new_context, first)
    problems: list[str] = []
    seen = {}
    # A new person's check-in (chips, private rows, text boxes), Learn's search, settings.
    for path in ("/rituals/daily/", "/learn/", "/account/", "/journal/"):
        visit(me, path)
        seen[path], small = small_targets(me)
        problems += small
    visit(me, "/learn/")
    search = me.get_by_role("searchbox")
    page_text = me.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    size = search.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 16 and size >= page_text - 0.5, f"Learn's search box text is {size} px"

    # The demo couple's plan (folded weeks, swaps), journal entries, time-out and agreements.
    alex = logged_in_page(new_context, demo_accounts["alex"])
    for path in ("/plan/", "/journal/", "/rituals/timeout/", "/rituals/agreements/", "/home/"):
        visit(alex, path)
        seen[path], small = small_targets(alex)
        problems += small
    # A day of the check-in, from the rituals' last seven days (yesterday's, with its pager).
    visit(alex, "/rituals/")
    days = alex.get_by_role("list", name="The last seven days")
    follow(alex, days.get_by_role("listitem").nth(1).get_by_role("link"))
    expect(alex.locator(".pager a").first).to_be_visible()
    seen["a day"], small = small_targets(alex)
    problems += small
    assert not problems, "\n".join(problems)
    # The pages showed what was measured (an empty page would pass on nothing).
    assert seen["/rituals/daily/"] >= 30, seen
    assert all(seen[path] >= 2 for path in seen), seen
    # The rows are still native controls: a tap on a feeling's words chooses it.
    visit(me, "/rituals/daily/")
    me.locator(".chip", has_text="hopeful").click()
    expect(me.locator('input[name="feelings"][value="hopeful"]')).to_be_checked()
    keep = me.locator("label.check.keep-private").first
    keep.click(position={"x": 200, "y": 5})
    expect(keep.locator("input")).to_be_checked()


def test_today_is_not_yet_a_day_off_and_no_day_before_the_start_is_listed(new_context):
    first, _ = names()
    me = signed_up(new_context, first)
    nav(me, "Today")
    follow(me, me.get_by_role("link", name="All rituals"))
    # Signed up today: only today is theirs (the six days before read "a day off", but this
    # person was not here yet).
    days = me.get_by_role("list", name="Your days here so far").get_by_role("listitem")
    expect(days).to_have_count(1)
    expect(days.first).to_have_text(re.compile(r": not yet today$"))
    expect(me.locator("main")).not_to_contain_text("a day off")


def test_countries_are_named_in_english_and_the_emergency_number_reads_plainly(new_context):
    first, _ = names()
    me = signed_up(new_context, first)
    visit(me, "/account/")
    country = me.get_by_label("Country")
    listed = me.locator("#country-select optgroup").first.locator("option")
    expect(listed.filter(has_text="Germany")).to_have_count(1)
    expect(listed.filter(has_text="Netherlands")).to_have_count(1)
    for native in ("Deutschland", "España", "Italia", "Nederland"):
        expect(me.locator("#country-select option", has_text=native)).to_have_count(0)
    country.select_option(label="Australia")
    follow(me, me.get_by_role("button", name="Save country"))

    visit(me, "/care/")
    emergency = me.locator("#summary .emergency")
    expect(emergency).to_have_text(
        "In an emergency, call 000 – Triple Zero (police, fire, ambulance)."
    )
    expect(emergency.get_by_role("link", name="000")).to_have_attribute("href", "tel:000")
    for line in me.locator("main .emergency").all_inner_texts():
        assert "((" not in line and "))" not in line, line

    # The therapist card: the button and the fold below it stand apart.
    button = me.get_by_role("button", name="Make a link for our therapist")
    fold = me.locator("#therapist-more > summary")
    above, below = button.bounding_box(), fold.bounding_box()
    assert above and below, (above, below)
    gap = below["y"] - (above["y"] + above["height"])
    assert gap >= 12, f"the button and the fold are {gap:.0f} px apart"


def test_the_check_ins_scale_is_one_row_of_full_size_choices_on_a_wide_screen(new_context):
    first, _ = names()
    me = signed_up(new_context, first, viewport=DESKTOP)
    nav(me, "Today")
    follow(me, me.get_by_role("link", name="Start today's check-in"))
    scale = me.get_by_role("radiogroup", name=re.compile("How connected did you feel"))
    choices = scale.locator("label.scale-choice")
    expect(choices).to_have_count(11)
    boxes = [choices.nth(i).bounding_box() for i in range(11)]
    assert all(boxes), boxes
    for n, box in enumerate(boxes):
        assert box["width"] >= MIN_TAP and box["height"] >= MIN_TAP, f"{n}: {box}"
    assert len({round(box["y"]) for box in boxes}) == 1, "the choices are not one row"
    ends = me.locator(".scale-ends")
    expect(ends).to_contain_text("0: Far apart")
    below = ends.bounding_box()
    assert below and below["y"] >= boxes[0]["y"] + boxes[0]["height"], (below, boxes[0])
    # A tap on a number chooses it.
    choices.nth(7).click()
    expect(scale.locator('input[value="7"]')).to_be_checked()


def test_a_therapist_reads_rounded_scores_out_of_the_scales_top(new_context, live_app):
    first, second = names()
    a, b, a_email, b_email = make_couple_by_requests(new_context, first, second)
    seeded = live_app.cli("manage", "shell", "-c", SEED_CHECKUPS.format(a=a_email, b=b_email))
    assert "OK" in seeded.stdout, seeded.stdout + seeded.stderr
    visit(a, "/care/")
    follow(a, a.get_by_role("button", name="Make a link for our therapist"))
    link = a.get_by_role("textbox", name="Link for your therapist").input_value()

    t = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    visit(t, link)
    follow(t, t.get_by_role("link", name="Create a therapist account"))
    t.get_by_role("textbox", name="Your first name").fill("Ines")
    t.get_by_role("textbox", name="Email").fill(unique_email("therapist"))
    t.get_by_label("Password", exact=True).fill(PASSWORD)
    follow(t, t.get_by_role("button", name="Create account"))
    follow(t, t.get_by_role("button", name="Accept"))
    visit(b, "/care/")
    follow(b, b.locator("#therapist .grant").get_by_role("button", name="I agree"))

    visit(t, "/therapist/")
    follow(t, t.get_by_role("link", name=re.compile(f"{first}.*{second}|{second}.*{first}")))
    main = t.locator("main")
    for name in (first, second):
        person = main.locator("section", has=t.get_by_role("heading", name=name, exact=True))
        table = person.get_by_role("table", name=f"Scale scores of {name}")
        scores = table.locator("tbody td:nth-child(2)").all_inner_texts()
        assert scores, f"no scores for {name}"
        for score in scores:
            assert re.fullmatch(r"\d+(\.\d)? of \d+|–", score), score
        expect(person.get_by_role("heading", name=re.compile(r"^Over time"))).to_have_text(
            "Over time (2 check-ups)"
        )
        for line in person.locator("h3 + ul li").all_inner_texts():
            assert re.search(r": now \d+(\.\d)?(,|$)", line), line
    assert not re.search(r"\d\.\d{2,}", main.inner_text()), "a score with many decimals"
