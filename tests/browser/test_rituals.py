"""Rituals in chromium against `reattune serve`, with the demo couple.

Both partners check in (two browser contexts, a phone and a laptop) and see the reveal
happen; a time-out called by one shows on the other's home page; the progress page draws its
charts from the demo's twelve weeks. Every page shown passes axe-core.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_foundation import WIDE, logged_in_page

pytestmark = pytest.mark.browser


def go(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"GET {path}: {response and response.status}"
    )
    axe_check(page)


def click_to_navigate(page: Page, target) -> None:
    with page.expect_navigation():
        target.click()
    axe_check(page)


def check_in(page: Page, rating: str, feeling: str, best: str) -> None:
    go(page, "/rituals/daily/")
    expect(page.get_by_text("Put phones and screens out of reach")).to_be_visible()
    # The timer runs in the page (rituals.js) without leaving the form.
    page.get_by_role("button", name="Start the timer").click()
    expect(page.locator("[data-timer-display]")).to_be_visible()
    page.get_by_role("button", name="Pause").click()
    page.locator(f'input[name="connection_today"][value="{rating}"]').check(force=True)
    page.get_by_role("checkbox", name=feeling).check(force=True)
    page.get_by_label("What was the best part of your day?").fill(best)
    page.get_by_label("What felt hardest today?").fill(f"{best}: the hard part")
    page.get_by_label("One specific thing you appreciated about your partner today").fill(
        f"{best}: thank you"
    )
    click_to_navigate(page, page.get_by_role("button", name="Share my answers"))
    assert re.search(r"/rituals/daily/\d{4}-\d{2}-\d{2}/$", page.url), page.url


def test_both_partners_check_in_and_see_the_reveal(new_context, demo_accounts):
    alex = logged_in_page(new_context, demo_accounts["alex"], PHONE)
    sam = logged_in_page(new_context, demo_accounts["sam"], WIDE)

    check_in(alex, "8", "grateful", "Alex browser best part")
    partner = alex.locator(".partner-answers")
    expect(partner).to_contain_text("Sam has not shared")
    day_url = alex.url

    go(sam, "/home/")
    expect(sam.locator(".rituals-panel")).to_contain_text("Alex has checked in today")
    go(sam, day_url)
    expect(sam.locator(".partner-answers")).to_contain_text("Alex has checked in")
    expect(sam.locator("main")).not_to_contain_text("Alex browser best part")

    check_in(sam, "6", "tired", "Sam browser best part")
    expect(sam.locator(".partner-answers")).to_contain_text("Alex browser best part")
    expect(sam.locator(".partner-answers")).to_contain_text("8 of 10")

    go(alex, day_url)
    expect(alex.locator(".partner-answers")).to_contain_text("Sam browser best part")
    expect(alex.locator(".partner-answers")).to_contain_text("tired")


def test_a_time_out_called_by_one_shows_on_the_others_home(new_context, demo_accounts):
    alex = logged_in_page(new_context, demo_accounts["alex"], PHONE)
    sam = logged_in_page(new_context, demo_accounts["sam"], WIDE)

    go(alex, "/journal/")
    bar = alex.get_by_role("complementary", name="Time-out")
    bar.get_by_text("Time-out", exact=True).click()
    expect(bar.get_by_label("How long?")).to_have_value("20")
    bar.get_by_label("A note for your partner (optional)").fill("A short walk, back soon")
    click_to_navigate(alex, bar.get_by_role("button", name="Start the time-out"))
    expect(alex.locator("main")).to_contain_text("You called a time-out")

    go(sam, "/home/")
    panel = sam.locator(".rituals-panel")
    expect(panel).to_contain_text("Alex called a time-out")
    expect(panel).to_contain_text("Back together at")
    expect(panel).to_contain_text("A short walk, back soon")
    expect(sam.get_by_role("complementary", name="Time-out")).to_contain_text(
        "(in 2"
    )  # minutes left

    click_to_navigate(sam, sam.get_by_role("button", name="End the time-out"))
    go(alex, "/home/")
    expect(alex.locator(".rituals-panel")).not_to_contain_text("called a time-out")


def test_the_dashboard_draws_the_demo_couples_charts(new_context, demo_accounts):
    for viewport in (PHONE, WIDE):
        page = logged_in_page(new_context, demo_accounts["alex"], viewport)
        go(page, "/rituals/progress/")
        charts = page.locator("svg.chart")
        expect(charts).to_have_count(3)  # connection, rituals per week, check-up areas
        expect(page.locator("#chart-areas")).to_be_visible()
        assert page.locator("#chart-areas path").count() >= 6  # one line per area
        connection = page.locator("#chart-connection")
        assert connection.locator("path").count() >= 2  # lines and averages
        assert connection.locator("circle").count() > 20  # many days of answers
        assert page.locator("#chart-rituals rect").count() > 12
        box = connection.bounding_box()
        assert box and box["width"] <= viewport["width"]
        go(page, "/rituals/progress/?range=all")
        expect(page.locator("svg.chart")).to_have_count(3)


def test_axe_passes_on_every_rituals_page(new_context, demo_accounts):
    page = logged_in_page(new_context, demo_accounts["sam"], PHONE)
    for path in (
        "/rituals/",
        "/rituals/daily/",
        "/rituals/weekly/",
        "/rituals/monthly/",
        "/rituals/timer/",
        "/rituals/timer/?start=1",
        "/rituals/ladder/",
        "/rituals/agreements/",
        "/rituals/timeout/",
        "/rituals/calendar/",
        "/rituals/progress/?range=1y",
    ):
        go(page, path)
