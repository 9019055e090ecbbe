"""Long pages open short on a phone (390x844), with the demo couple.

Results, the two of you, Learn, Support and Us each start with a summary whose bottom edge is
within two phone screens; every detail is folded in a <details> with a summary text and an id;
a link from the summary opens the folded section it points to (and so does arriving with that
#anchor in the address); on Support the country's help lines and the private safety check are
in the first screen, above the tab bar. Support's therapist part keeps in view who can see
the couple's results, a request to agree (with what agreeing shares), how to stop it and making
a link; what a therapist sees (when no one asks) and who looked are folded. Us folds leaving the
space with the words that say what leaving does, linked from its summary. Learn's search finds a topic by a word and says plainly
when nothing is found. Every page shown passes axe-core, folded and unfolded.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, axe_check, log_in
from tests.browser.test_plan import make_couple, names

pytestmark = pytest.mark.browser

SCREEN = PHONE["height"]
# path -> the block that opens the page
PAGES = {
    "/results/": "#summary",
    "/results/us/": "#summary",
    "/learn/": "#topics",
    "/care/": "#summary",
    "/couple/": "#summary",
}

MEASURE = """(summarySelector) => {
  const main = document.querySelector("main");
  const summary = document.querySelector(summarySelector);
  const tabbar = document.querySelector("nav[aria-label=Main] .tabbar");
  return {
    mainTop: main.getBoundingClientRect().top + window.scrollY,
    summaryBottom: summary ? summary.getBoundingClientRect().bottom + window.scrollY : null,
    pageHeight: document.documentElement.scrollHeight,
    tabbarTop: tabbar ? tabbar.getBoundingClientRect().top : window.innerHeight,
    folds: [...main.querySelectorAll("details")].map((d) => ({
      id: d.id,
      open: d.open,
      summary: d.querySelector(":scope > summary")
        ? d.querySelector(":scope > summary").textContent.trim() : "",
    })),
  };
}"""


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    axe_check(page)


@pytest.mark.parametrize("persona", ["alex", "sam"])
def test_each_long_page_opens_with_a_summary_within_two_screens(
    new_context, demo_accounts, persona
):
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    log_in(page, demo_accounts[persona])
    problems, heights = [], {}
    for path, summary in PAGES.items():
        visit(page, path)
        m = page.evaluate(MEASURE, summary)
        heights[path] = m["pageHeight"]
        assert m["summaryBottom"] is not None, f"{path}: no {summary}"
        if m["summaryBottom"] - m["mainTop"] > 2 * SCREEN:
            problems.append(f"{path}: the summary ends {m['summaryBottom']:.0f} px down")
        assert m["folds"], f"{path}: nothing is folded"
        for fold in m["folds"]:
            if not fold["summary"]:
                problems.append(f"{path}: a <details> without a summary text: {fold}")
            if not fold["id"]:
                problems.append(f"{path}: a <details> without an id: {fold['summary']}")
            if fold["open"]:
                problems.append(f"{path}: '{fold['summary']}' is open before anyone opened it")
        # Unfolded, every detail is there and still passes axe.
        page.evaluate("() => document.querySelectorAll('main details').forEach(d => d.open = true)")
        axe_check(page)
    print(f"page heights at 390x844 for {persona}, folded: {heights}")  # noqa: T201
    assert not problems, "\n".join(problems)


def test_support_shows_the_help_lines_and_the_safety_check_in_the_first_screen(
    new_context, demo_accounts
):
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    log_in(page, demo_accounts["alex"])
    visit(page, "/care/")
    first_screen = page.evaluate(MEASURE, "#summary")["tabbarTop"]
    summary = page.locator("#summary")
    emergency = summary.locator(".emergency")
    first_line = summary.locator("ul.lines li").first
    safety = summary.get_by_role("link", name="A few private questions about safety")
    for what in (emergency, first_line, safety):
        expect(what).to_be_visible()
        box = what.bounding_box()
        assert box is not None and box["y"] + box["height"] <= first_screen, (what, box)
    expect(first_line.locator('a[href^="tel:"]')).to_have_count(1)
    # "Every help line" opens the folded list, which holds the full "Help right now" section.
    summary.get_by_role("link", name="Every help line").click()
    expect(page.locator("#lines")).to_have_attribute("open", "")
    expect(page.locator("#help-now")).to_be_in_viewport()
    axe_check(page)
    # Arriving with the anchor (as from the safety page's "Help lines for your country").
    visit(page, "/home/")
    visit(page, "/care/#help-now")
    expect(page.locator("#lines")).to_have_attribute("open", "")
    expect(page.get_by_role("heading", name="Help right now")).to_be_visible()


@pytest.mark.parametrize("path", ["/results/", "/results/us/", "/learn/", "/couple/"])
def test_a_link_in_the_summary_opens_the_folded_section(new_context, demo_accounts, path):
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    log_in(page, demo_accounts["alex"])
    visit(page, path)
    opening = page.locator(PAGES[path]).locator('a[href^="#"]')
    hrefs = [h for h in opening.evaluate_all("(links) => links.map((a) => a.getAttribute('href'))")]
    folded = [h for h in hrefs if page.locator(f"details{h}").count() == 1]
    assert folded, f"{path}: no link from the summary to a folded section ({hrefs})"
    for href in folded:
        fold = page.locator(f"details{href}")
        expect(fold).not_to_have_attribute("open", "")
        opening.and_(page.locator(f'a[href="{href}"]')).first.click()
        expect(fold).to_have_attribute("open", "")
        expect(fold.locator(":scope > summary")).to_be_in_viewport()
        # Its content is shown, not only its title.
        content = fold.locator(":scope > :not(summary)").first
        expect(content).to_be_visible()
        page.evaluate("() => window.scrollTo(0, 0)")
    axe_check(page)


def page_height(page: Page) -> float:
    return page.evaluate("() => document.documentElement.scrollHeight")


def test_supports_therapist_part_is_folded_and_opens(new_context, demo_accounts):
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    log_in(page, demo_accounts["alex"])
    visit(page, "/care/")
    section = page.locator("#therapist")
    fold = section.locator("details#therapist-more")
    looked = page.get_by_role("heading", name="When a therapist looked")
    # Folded: what is true now and making a link are in view; what a therapist sees and who
    # looked are folded.
    expect(section.get_by_role("heading", name="Your therapist")).to_be_visible()
    expect(section.locator(".grant")).to_have_count(0)
    expect(section.get_by_text("No therapist can see your results or your plan.")).to_be_visible()
    expect(section.get_by_role("button", name="Make a link for our therapist")).to_be_visible()
    expect(fold).not_to_have_attribute("open", "")
    expect(fold.locator(":scope > summary")).to_have_text(
        "What a therapist sees, and when one looked"
    )
    expect(looked).to_have_count(0)
    expect(section.get_by_text("They see it only once you both agree")).to_be_hidden()
    folded = page_height(page)
    print(f"/care/ at 390x844, folded: {folded:.0f} px")  # noqa: T201
    assert folded <= 3 * SCREEN, f"/care/ is {folded:.0f} px tall folded"
    # Opened: what a therapist sees and who looked.
    fold.locator(":scope > summary").click()
    expect(fold).to_have_attribute("open", "")
    expect(section.get_by_text("They see it only once you both agree")).to_be_visible()
    expect(looked).to_be_visible()
    expect(fold.get_by_text("No one has looked yet.")).to_be_visible()
    assert page_height(page) > folded
    axe_check(page)


def test_an_active_therapist_and_how_to_stop_it_stay_in_view(new_context, live_app):
    first, second = names()
    a, _, a_email, b_email = make_couple(new_context, first, second)
    made = live_app.cli("manage", "shell", "-c", GRANT.format(a=a_email, b=b_email))
    assert "OK" in made.stdout, made.stdout + made.stderr
    visit(a, "/care/")
    grant = a.locator("#therapist .grant")
    expect(grant).to_have_count(1)
    expect(grant).to_be_visible()
    expect(grant).to_contain_text("You have both agreed: Lane can see your results and plan.")
    stop = grant.get_by_role("button", name="Stop access now for Lane", exact=True)
    expect(stop).to_be_visible()
    expect(a.locator("#therapist").get_by_text("No therapist can see")).to_have_count(0)
    # With a therapist in the picture, what they see is in view too; who looked is folded.
    expect(
        a.locator("#therapist").get_by_text("They see it only once you both agree")
    ).to_be_visible()
    fold = a.locator("details#therapist-more")
    expect(fold).not_to_have_attribute("open", "")
    expect(fold.locator(":scope > summary")).to_have_text("When a therapist looked")
    fold.locator(":scope > summary").click()
    expect(fold.get_by_text("No one has looked yet.")).to_be_visible()
    axe_check(a)
    with a.expect_navigation():
        stop.click()
    axe_check(a)
    expect(a.get_by_text("Done. Your therapist cannot see anything here any more.")).to_be_visible()
    expect(a.locator("#therapist .grant")).to_have_count(0)
    expect(a.locator("#therapist")).to_contain_text(
        "No therapist can see your results or your plan."
    )


GRANT = """
from reattune.accounts.models import User
from reattune.care import actions
a = User.objects.get(email={a!r})
b = User.objects.get(email={b!r})
therapist = actions.do_create_therapist(
    "lane-" + {a!r}, "a long therapist passphrase 8417", "Lane"
)
grant = actions.do_accept_therapist_invite(therapist, actions.do_create_therapist_invite(a))
for partner in (a, b):
    actions.do_consent(partner, grant.pk, False)
print("OK")
"""


def test_leaving_the_space_is_folded_with_what_it_does(new_context, demo_accounts):
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    log_in(page, demo_accounts["sam"])
    visit(page, "/couple/")
    fold = page.locator("details#leave")
    confirm = page.get_by_label("I want to leave this space")
    expect(fold).not_to_have_attribute("open", "")
    expect(fold.locator(":scope > summary")).to_have_text("Leave this space")
    expect(confirm).to_be_hidden()
    expect(page.get_by_role("button", name="Leave", exact=True)).to_have_count(0)
    folded = page_height(page)
    print(f"/couple/ at 390x844, folded: {folded:.0f} px")  # noqa: T201
    assert folded <= 2 * SCREEN, f"/couple/ is {folded:.0f} px tall folded"
    # The summary's link opens it: the words that say what leaving does, then the box.
    page.locator("#summary").get_by_role("link", name="Leaving this space").click()
    expect(fold).to_have_attribute("open", "")
    words = fold.get_by_text("If you leave, the space closes for both of you.")
    expect(words).to_be_visible()
    expect(confirm).to_be_visible()
    expect(confirm).not_to_be_checked()
    expect(fold.get_by_role("button", name="Leave", exact=True)).to_be_visible()
    words_box, confirm_box = words.bounding_box(), confirm.bounding_box()
    assert words_box and confirm_box and words_box["y"] < confirm_box["y"]
    assert page_height(page) > folded
    axe_check(page)


def test_learn_search_finds_a_topic_and_says_when_nothing_is_found(new_context, demo_accounts):
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    log_in(page, demo_accounts["sam"])
    visit(page, "/learn/")
    search = page.get_by_label("Search Learn")
    expect(search).to_be_in_viewport()
    search.fill("Affection")
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    axe_check(page)
    assert "q=Affection" in page.url
    results = page.locator("#results")
    expect(results.get_by_role("heading", level=2)).to_have_text("Results for “Affection”")
    topic = results.get_by_role("link", name="Signs you may notice: touch and affection")
    expect(topic).to_be_visible()
    topic.click()
    expect(page.locator("#topic-affection")).to_have_attribute("open", "")
    expect(
        page.locator("#topic-affection").get_by_role("link", name="Fewer small touches")
    ).to_be_visible()

    # Accents and case do not matter; a page found by a word in its text is listed.
    search = page.get_by_label("Search Learn")
    search.fill("RÉPAIR")
    with page.expect_navigation():
        search.press("Enter")
    axe_check(page)
    expect(
        page.locator("#results").get_by_role("link", name="Repair after conflict")
    ).to_be_visible()

    search = page.get_by_label("Search Learn")
    search.fill("xylophonequasar")
    with page.expect_navigation():
        search.press("Enter")
    axe_check(page)
    expect(page.locator("#results")).to_contain_text("Nothing found for “xylophonequasar”")
    expect(page.locator("#results").get_by_role("listitem")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("link", name="Clear the search").click()
    axe_check(page)
    expect(page.locator("#results")).to_have_count(0)


def test_learn_search_works_without_javascript(new_context, demo_accounts):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto("/learn/?q=trust")
    results = page.locator("#results")
    expect(results.get_by_role("link", name="Trust has been hurt")).to_be_visible()
    # A topic index link still leads to its section (closed, but there: its title shows).
    expect(page.locator("#topics").get_by_role("link")).to_have_count(10)
    expect(page.locator("details#topic-patterns > summary")).to_be_visible()
