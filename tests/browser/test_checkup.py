"""The check-up, as partners would take it: alex on a phone pauses and resumes, sam on a
laptop finishes too, both read the couple view, and none of alex's answers show for sam."""

import re

import pytest
from playwright.sync_api import Page, expect

from reattune.domain.instruments import shipped_catalog
from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_foundation import follow, nav, path_of, visit
from tests.browser.test_plan import WIDE, make_couple_by_requests

pytestmark = pytest.mark.browser


def answer_page(page: Page, choice: int) -> int:
    """Pick the `choice`-th answer (0 = first) for every question on the page, by its label."""
    questions = page.locator("fieldset.question")
    for index in range(questions.count()):
        question = questions.nth(index)
        options = question.get_by_role("radio")
        options.nth(min(choice, options.count() - 1)).check()
    return questions.count()


# The review's button: "Finish this part" when another part of the check-up follows.
FINISH = re.compile(r"^(Finish and see my results|Finish this part)$")


def finish_instrument(page: Page, choice: int) -> str:
    """Answer every remaining page of the open instrument, then finish it; returns the name
    of the button that finished it."""
    while page.get_by_role("button", name=FINISH).count() == 0:
        answer_page(page, choice)
        follow(page, page.get_by_role("button", name=re.compile(r"^(Next|Review)$")))
    button = page.get_by_role("button", name=FINISH)
    name = button.inner_text().strip()
    follow(page, button)
    return name


def start(page: Page, instrument_title: str, button: str) -> None:
    card = page.locator("section.card", has=page.get_by_role("heading", name=instrument_title))
    follow(page, card.get_by_role("button", name=button))


def test_both_partners_take_the_check_up_and_read_the_couple_view(new_context):
    catalog = shipped_catalog()
    connection = catalog.latest("connection_check")
    behind = catalog.latest("whats_behind_it")
    # The couple is set up through the sign-up and invite forms by direct requests (the pages
    # themselves are test_foundation's): alex on a phone, sam on a laptop.
    # alex's pages are all checked with axe; sam's are the same pages, checked where they differ.
    alex, sam, _, _ = make_couple_by_requests(
        new_context, "Alex", "Sam", second_viewport=WIDE, check_second_every_page=False
    )

    # alex starts on the phone, answers the first page and pauses.
    nav(alex, "Check-up")
    start(alex, connection.title, "Start")
    expect(alex.locator("main")).to_contain_text("Part 1 of")
    first_page = answer_page(alex, 3)
    follow(alex, alex.get_by_role("button", name="Save and pause"))
    expect(alex.locator("main")).to_contain_text("Saved. You can come back")

    # Later, alex resumes where they left off: part 2, answers kept.
    start(alex, connection.title, "Carry on where you left off")
    expect(alex.locator("main")).to_contain_text("Part 2 of")
    follow(alex, alex.get_by_role("button", name="Back"))
    assert alex.locator("input[type=radio]:checked").count() == first_page
    follow(alex, alex.get_by_role("button", name="Next"))
    # The first part's review promises the next part, not results it does not open.
    assert finish_instrument(alex, 3) == "Finish this part"
    expect(alex.locator("main")).to_contain_text("One more part to go")
    start(alex, behind.title, "Start")
    assert finish_instrument(alex, 3) == "Finish and see my results"
    assert path_of(alex) == "/results/"
    expect(alex.get_by_role("heading", level=1)).to_have_text("Your results")
    expect(alex.locator("main")).to_contain_text("not a diagnosis")
    expect(alex.locator("#areas")).to_contain_text(connection.constructs["communication"].title)

    # Before sam finishes, alex's couple view says who is missing.
    visit(alex, "/results/us/")
    expect(alex.locator("main")).to_contain_text("Sam has not finished theirs yet")

    nav(sam, "Check-up")
    start(sam, connection.title, "Start")
    finish_instrument(sam, 0)
    start(sam, behind.title, "Start")
    finish_instrument(sam, 1)

    for page, other in ((alex, "Sam"), (sam, "Alex")):
        visit(page, "/results/us/")
        expect(page.get_by_role("heading", name="Side by side")).to_be_visible()
        expect(page.get_by_role("columnheader", name=other)).to_be_visible()
    expect(sam.locator("#gaps")).to_contain_text("one of you feels strain here")

    # Nothing of alex's answers in sam's pages: no question text and no answer page.
    item_texts = [item.text for item in (*connection.items, *behind.items)]
    for path in ("/results/us/", "/results/", "/home/", "/plan/"):
        visit(sam, path)
        shown = sam.locator("main").inner_text()
        assert not [t for t in item_texts if t in shown], f"{path} shows question texts"
    response = sam.goto("/results/partner-answers/")
    assert response.status == 404
    axe_check(sam)

    # Both now share a plan for the two of them.
    nav(alex, "Plan")
    expect(alex.locator("main")).to_contain_text("For the two of you")
    expect(alex.locator("#this-week")).to_contain_text("Because")

    # alex chooses to share their answers; sam finds them from the couple view.
    visit(alex, "/results/")
    follow(alex, alex.get_by_role("button", name="Share my answers with my partner"))
    expect(alex.locator("main")).to_contain_text("Your partner can now see your answers")
    visit(sam, "/results/us/")
    follow(sam, sam.get_by_role("link", name="See Alex's answer to each question"))
    expect(sam.get_by_role("heading", level=1)).to_have_text("Alex's answers")
    expect(sam.locator("main")).to_contain_text(connection.items[0].text)
    # ...and takes it back: the link and the page are gone for sam.
    visit(alex, "/results/")
    follow(alex, alex.get_by_role("button", name="Make my answers private"))
    visit(sam, "/results/us/")
    expect(sam.get_by_role("link", name="See Alex's answer to each question")).to_have_count(0)
    assert sam.goto("/results/partner-answers/").status == 404


def test_the_demo_couple_reads_what_has_changed_and_learns_about_a_cause(
    new_context, demo_accounts
):
    account = demo_accounts["alex"]
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    visit(page, "/login/")
    page.get_by_label("Email").fill(account["email"])
    page.get_by_label("Password", exact=True).fill(account["password"])
    follow(page, page.get_by_role("button", name="Log in"))

    visit(page, "/results/")
    follow(page, page.get_by_role("link", name="See what has changed"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What has changed")
    table = page.locator("table.compare")
    expect(table.get_by_role("columnheader", name="Since the last check-up")).to_be_visible()
    # Every area has a verdict in words, and the page says how "clear" was decided.
    verdicts = table.locator("tbody td").all_inner_texts()
    assert verdicts and all(
        re.search(r"Clearly|No change|within the usual wobble|–", v) for v in verdicts
    ), verdicts
    expect(page.locator("main")).to_contain_text("reliable change index above 1.96")

    visit(page, "/results/")
    causes = page.locator(
        "section.card", has=page.get_by_role("heading", name="What may be behind it")
    )
    follow(page, causes.get_by_role("link", name="Learn more").first)
    assert path_of(page).startswith("/learn/cause/"), page.url
    expect(page.get_by_role("heading", level=2, name="What you can try")).to_be_visible()
