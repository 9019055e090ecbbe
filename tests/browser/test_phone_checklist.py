"""The phone-first checklist on every page of the URL map, at 390x844 and at 1366x900.

"Every page" is not a hand list: the pages are the routes of the URL map (not the API) that
the expected-access tables (tests/access/*.yaml) open with 200 for a partner (sam or alex) or
for someone signed out. Routes without parameters are visited as they are; routes with
parameters are filled from the links the app itself shows (a journal entry, a day's check-in,
a Learn page...), found while visiting. A route that answers something other than HTML (the
health check, the lexicons, a calendar feed) is not a page and is only counted as such. Every
page route must be reached, or be named in UNREACHED with the test that covers it.

On every page, at both sizes: nothing overflows sideways, the top bar is at most 64 px tall,
every link and button in the main navigation is at least 44x44 px, and axe-core finds no
serious or critical violation. The check-in's first answer is within the first screen and an
empty check-in shows every required answer's problem at once on the wide screen too (the
phone is tests/browser/test_today.py). Revealed answers are paired per question on a phone and
side by side on a wide screen, and a reaction reaches a partner at 1366x900. The calendar's
buttons are at least 44 px and apart, and subscribing is one webcal:// link.
"""

import re
from datetime import date, timedelta
from urllib.parse import urljoin, urlparse

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Page, expect

from tests.access import matrix
from tests.browser.conftest import PHONE, axe_check, log_in
from tests.browser.test_foundation import follow, visit
from tests.browser.test_plan import fits_width, make_couple, names
from tests.browser.test_reactions import share_short_check_in

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 900}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "wide"])
HEADER_MAX = 64
MIN_TAP = 44

# Page routes the walk cannot reach by following links from the demo couple's pages, and the
# test that opens them in a browser instead.
UNREACHED = {
    "checkup/r/<int:response_id>/<int:page>/": "opened by starting a check-up (a POST): "
    "tests/browser/test_checkup.py",
    "checkup/r/<int:response_id>/finish/": "same: tests/browser/test_checkup.py",
    "therapist-invite/<str:token>/": "needs a therapist invite link made by a partner: "
    "tests/browser/test_therapist.py",
    "invite/<str:token>/": "needs a fresh invite link: tests/browser/test_phone_loose_ends.py",
    "rituals/calendar/<str:token>.ics": "a calendar feed (text/calendar), not a page",
}

MEASURE = """() => {
  const nav = document.querySelector('nav[aria-label="Main"]');
  const header = document.querySelector("header.site, header");
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden";
  };
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    header: header ? header.getBoundingClientRect().height : 0,
    targets: nav ? [...nav.querySelectorAll("a, button")].filter(visible).map((el) => {
      const r = el.getBoundingClientRect();
      return {text: el.textContent.trim(), width: r.width, height: r.height};
    }) : [],
    links: [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href")),
  };
}"""


def page_routes(persona: str) -> set[str]:
    """The routes of the URL map the access tables open with 200 for this persona."""
    tables = matrix.load_tables()
    assert not tables.problems, tables.problems
    routes = set()
    for case in tables.all_cases():
        if case.api:
            continue
        if 200 in (case.expected("GET", persona) or ()):
            routes.add(case.route)
    # Every such route is in the URL map (the tables are checked against it elsewhere too).
    assert routes <= set(matrix.url_routes()), routes - set(matrix.url_routes())
    return routes


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def walk(page: Page, base_url: str, routes: set[str], start: list[str]) -> tuple[dict, list]:
    """Visit one URL of each route in `routes`: {route: url} reached, and the problems seen."""
    origin = urlparse(base_url).netloc
    seen: dict[str, str] = {}
    queue = list(start)
    problems: list[str] = []
    while queue:
        url = queue.pop(0)
        path = urlparse(url).path
        route = route_of(path)
        if route is None or route not in routes or route in seen:
            continue
        seen[route] = path
        if not route.endswith("/") and route:
            # Every page's route ends in "/"; the others (the health check, the lexicons, a
            # calendar feed) are asked for, and must say they are not HTML.
            answer = page.request.get(path, timeout=60_000)
            kind = answer.headers.get("content-type") or ""
            if answer.status != 200 or "text/html" in kind:
                problems.append(f"{path}: {answer.status} {kind}, expected 200 and not HTML")
            seen[route] = f"{path} (not a page: {kind})"
            continue
        response = page.goto(path)
        assert response is not None, path
        if response.status != 200:
            problems.append(f"{path}: {response.status}")
            continue
        axe_check(page)
        m = page.evaluate(MEASURE)
        if m["scrollWidth"] > m["innerWidth"]:
            problems.append(f"{path}: {m['scrollWidth']} px wide in {m['innerWidth']} px")
        if m["header"] > HEADER_MAX:
            problems.append(f"{path}: the top bar is {m['header']:.0f} px tall")
        for target in m["targets"]:
            if target["width"] < MIN_TAP or target["height"] < MIN_TAP:
                problems.append(
                    f"{path}: '{target['text']}' is {target['width']:.0f}x{target['height']:.0f} px"
                )
        for href in m["links"]:
            absolute = urljoin(page.url, href)
            parsed = urlparse(absolute)
            if parsed.netloc == origin and parsed.scheme in ("http", "https"):
                queue.append(parsed.path)
    return seen, problems


def report_coverage(routes: set[str], seen: dict, who: str) -> list[str]:
    missing = sorted(r for r in routes - set(seen) if r not in UNREACHED)
    return [f"{who}: no link leads to a page of route {r!r}" for r in missing]


@VIEWPORTS
@pytest.mark.parametrize("persona", ["sam", "alex"])
def test_every_page_of_a_partner_fits_with_a_short_top_bar_large_tabs_and_passes_axe(
    new_context, live_app, demo_accounts, viewport, persona
):
    page = new_context(viewport=viewport, check_axe_on_every_page=True).new_page()
    log_in(page, demo_accounts[persona])
    routes = page_routes(persona)
    start = ["/" + r for r in sorted(routes) if not matrix.route_params(r)]
    seen, problems = walk(page, live_app.url, routes, start)
    # Nothing links to a past weekly or monthly review by its date: those routes are filled
    # from a day that was reached (its week's Monday, its month's first day).
    day = date.fromisoformat(seen["rituals/daily/<isodate:period>/"].strip("/").split("/")[-1])
    more, more_problems = walk(
        page,
        live_app.url,
        routes - set(seen),
        [
            f"/rituals/weekly/{day - timedelta(days=day.weekday())}/",
            f"/rituals/monthly/{day.replace(day=1)}/",
        ],
    )
    seen.update(more)
    problems += more_problems + report_coverage(routes, seen, persona)
    print(f"{persona} at {viewport}: {len(seen)} routes: {sorted(seen.values())}")  # noqa: T201
    # Parameters were filled: at least a journal entry, a day and a Learn page were reached.
    for route in (
        "journal/<int:entry_id>/",
        "rituals/daily/<isodate:period>/",
        "learn/<slug:kind>/<slug:concept_id>/",
    ):
        assert route in seen, f"{route} was not reached: {sorted(seen)}"
    assert not problems, "\n".join(problems)


@VIEWPORTS
def test_every_page_signed_out_fits_and_passes_axe(new_context, live_app, demo_accounts, viewport):
    page = new_context(viewport=viewport, check_axe_on_every_page=True).new_page()
    routes = page_routes("anonymous")
    start = ["/" + r for r in sorted(routes) if not matrix.route_params(r)]
    # The page a password-reset link opens, with a real link from the host's command.
    out = live_app.cli("reset-password", demo_accounts["sam"]["email"]).stdout
    start.append(re.search(r"https?://\S+(/password-reset/\S+/)", out).group(1))
    routes.add("password-reset/<str:uidb64>/<str:token>/")
    seen, problems = walk(page, live_app.url, routes, start)
    problems += report_coverage(routes, seen, "anonymous")
    assert "password-reset/<str:uidb64>/<str:token>/" in seen
    assert not problems, "\n".join(problems)


REQUIRED = {
    "connection_today": "How connected did you feel to each other today?",
    "feelings": "Which feelings were with you today?",
    "best_part": "What was the best part of your day?",
}


def test_on_a_wide_screen_the_check_in_starts_on_screen_and_shows_every_error_at_once(
    new_context,
):
    first, second = names()
    _a, b, _, _ = make_couple(new_context, first, second, second_viewport=WIDE)
    follow(b, b.get_by_role("navigation", name="Main").get_by_role("link", name="Today"))
    follow(b, b.get_by_role("link", name="Start today's check-in"))
    first_answer = b.locator("#f-connection_today + span")
    box = first_answer.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= WIDE["height"], box
    follow(b, b.get_by_role("button", name="Share now"))
    summary = b.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(len(REQUIRED))
    for pid, label in REQUIRED.items():
        expect(summary.get_by_role("link", name=label)).to_have_attribute("href", f"#f-{pid}")
        expect(b.locator(f"#err-{pid}")).to_be_visible()
    expect(b.get_by_label(REQUIRED["best_part"])).to_have_attribute("aria-invalid", "true")


def test_revealed_answers_pair_on_a_phone_sit_side_by_side_wide_and_a_reaction_crosses(
    new_context,
):
    """The reaction round-trip with the second partner at 1366x900 (tests/browser/
    test_reactions.py has it at the same size), and the two layouts of revealed answers."""
    first, second = names()
    a, b, _, _ = make_couple(new_context, first, second, second_viewport=WIDE)
    day_url = share_short_check_in(a, f"{first}: a walk by the river")
    share_short_check_in(b, f"{second}: coffee in the sun")

    # On the phone: each of the partner's answers has one's own under it, in the same card.
    visit(a, day_url)
    theirs = a.locator(".partner-answers")
    expect(theirs.locator(".pair-mine").first).to_contain_text("You: 6 of 10")
    pair = theirs.locator(".pair-mine", has_text=f"{first}: a walk by the river")
    expect(pair).to_be_visible()
    expect(pair).to_contain_text(f"You: {first}: a walk by the river")
    their_answer = theirs.get_by_text(f"{second}: coffee in the sun")
    assert their_answer.bounding_box()["y"] < pair.bounding_box()["y"]

    # On the wide screen: the two cards side by side, nothing repeated.
    visit(b, day_url)
    mine_box = b.locator(".answer-columns > .answers").first.bounding_box()
    theirs_box = b.locator(".answer-columns > .partner-answers").bounding_box()
    assert abs(mine_box["y"] - theirs_box["y"]) <= 1, (mine_box, theirs_box)
    assert mine_box["x"] + mine_box["width"] <= theirs_box["x"], (mine_box, theirs_box)
    expect(b.locator(".partner-answers .pair-mine").first).to_be_hidden()

    # a's heart reaches b on the wide screen.
    group = a.locator(".partner-answers").get_by_role(
        "group", name=f"React to {second}'s answer: {REQUIRED['best_part']}"
    )
    follow(a, group.get_by_role("button", name="Heart"))
    visit(b, day_url)
    expect(b.locator(".answers").first).to_contain_text(f"{first} sent you a heart.")
    fits_width(b)


CALENDAR_BUTTONS = """() => [...document.querySelectorAll(
    "main .copy-row button, main a.button[href^='webcal:'], main .actions button")]
  .map((el) => { const r = el.getBoundingClientRect();
    return {text: el.textContent.trim(), x: r.x, y: r.y, right: r.right, bottom: r.bottom,
            width: r.width, height: r.height}; })"""


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "wide"])
def test_calendar_buttons_are_large_apart_and_subscribe_is_one_webcal_tap(
    new_context, demo_accounts, viewport
):
    page = new_context(viewport=viewport, check_axe_on_every_page=True).new_page()
    log_in(page, demo_accounts["alex"])
    visit(page, "/rituals/calendar/")
    follow(page, page.get_by_role("button", name=re.compile(r"^Make (my|a new) address$")))
    address = page.get_by_role("textbox", name="Calendar address").input_value()
    subscribe = page.get_by_role("link", name="Subscribe in my calendar", exact=True)
    expect(subscribe).to_have_attribute("href", "webcal://" + address.split("://", 1)[1])
    buttons = page.evaluate(CALENDAR_BUTTONS)
    assert len(buttons) >= 4, buttons  # Copy, Subscribe, Make a new address, Turn it off
    problems = [
        f"'{b['text']}' is {b['width']:.0f}x{b['height']:.0f} px"
        for b in buttons
        if b["width"] < MIN_TAP or b["height"] < MIN_TAP
    ]
    # No two buttons touch: at least 8 px between their boxes, across or down.
    for i, one in enumerate(buttons):
        for other in buttons[i + 1 :]:
            apart = max(
                other["x"] - one["right"],
                one["x"] - other["right"],
                other["y"] - one["bottom"],
                one["y"] - other["bottom"],
            )
            if apart < 8:
                problems.append(f"'{one['text']}' and '{other['text']}' are {apart:.0f} px apart")
    assert not problems, "\n".join(problems)
    fits_width(page)
