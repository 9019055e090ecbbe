"""Care and safety in a real browser (chromium against `reattune serve`, axe on every page).

- the help card appears for a couple constructed with weeks of low connection;
- a positive safety screen shows resources to that partner only;
- a crisis sentence in the journal saves and shows resources;
- quick exit replaces the history entry: Back does not return to the safety page.
"""

import json

import pytest
from playwright.sync_api import expect

from tests.browser import unique_email
from tests.browser.conftest import DESKTOP, PHONE, axe_check
from tests.browser.test_foundation import follow, log_in, path_of, visit

pytestmark = pytest.mark.browser

PASSWORD = "quiet lantern morning 42"

# Run inside `reattune manage shell`: a couple, and 15 days of low connection for the first.
MAKE_COUPLE = """
import json, sys
from datetime import timedelta
from reattune.accounts.actions import do_create_user
from reattune.couples import actions as couples
from reattune.rituals.models import DailyCheckIn
a = do_create_user({a!r}, {pw!r}, "Alex", "Europe/Berlin")
b = do_create_user({b!r}, {pw!r}, "Sam", "Europe/Berlin")
space = couples.do_join_space(b, couples.do_create_invite(a))
a.country = "GB"; a.save()
today = space.today()
for i in range({days}):
    day = today - timedelta(days=i)
    DailyCheckIn.objects.create(author=a, space=space, day=day, day_index=day.toordinal(),
        connection_today=2, best_part="b", challenging_part="c", appreciation="a")
print("OK")
"""


def make_couple(live_app, low_days=0):
    a, b = unique_email("alex"), unique_email("sam")
    code = MAKE_COUPLE.format(a=a, b=b, pw=PASSWORD, days=low_days)
    result = live_app.cli("manage", "shell", "-c", code)
    assert "OK" in result.stdout, result.stdout + result.stderr
    return a, b


def logged_in(new_context, live_app, email, viewport=DESKTOP):
    page = new_context(viewport=viewport, check_axe_on_every_page=True).new_page()
    visit(page, "/login/")
    log_in(page, email, PASSWORD)
    return page


def test_the_help_card_appears_for_a_couple_with_weeks_of_low_connection(new_context, live_app):
    alex_email, sam_email = make_couple(live_app, low_days=15)
    alex = logged_in(new_context, live_app, alex_email, PHONE)
    card = alex.locator("#help-card")
    expect(card).to_contain_text("It might be a good time for some support")
    expect(card).to_contain_text("connection has felt low")
    follow(alex, card.get_by_role("link", name="Ways to get support"))
    assert path_of(alex) == "/care/"
    expect(alex.locator("main")).to_contain_text("Emotionally Focused Therapy")
    visit(alex, "/home/")
    follow(alex, alex.get_by_role("button", name="Not now: hide this for 30 days"))
    expect(alex.locator("#help-card")).to_have_count(0)


def test_a_positive_screen_shows_resources_to_that_partner_only(new_context, live_app):
    alex_email, sam_email = make_couple(live_app)
    sam = logged_in(new_context, live_app, sam_email)
    visit(sam, "/care/")
    sam_before = sam.locator("main").inner_text()

    alex = logged_in(new_context, live_app, alex_email, PHONE)
    visit(alex, "/care/safety/")
    alex.locator('input[name="threatened"][value="2"]').check()
    alex.locator('input[name="afraid"][value="1"]').check()
    follow(alex, alex.get_by_role("button", name="Save my answers"))
    assert path_of(alex) == "/care/safety/result/"
    main = alex.locator("main")
    expect(main).to_contain_text("Thank you for telling us")
    expect(main).to_contain_text("National Domestic Abuse Helpline")
    expect(main).to_contain_text("Making a safety plan")
    expect(main).to_contain_text("not the right first step")

    visit(sam, "/care/")
    assert sam.locator("main").inner_text() == sam_before
    visit(sam, "/home/")
    expect(sam.locator("main")).not_to_contain_text("safety")


def test_a_crisis_sentence_in_the_journal_saves_and_shows_resources(new_context, live_app):
    alex_email, _ = make_couple(live_app)
    alex = logged_in(new_context, live_app, alex_email, PHONE)
    visit(alex, "/journal/new/")
    alex.get_by_label("What is on your mind?").fill("Some days I want to kill myself.")
    follow(alex, alex.get_by_role("button", name="Save"))
    main = alex.locator("main")
    expect(main).to_contain_text("Your words are saved")
    expect(main).to_contain_text("999")
    expect(main).to_contain_text("Samaritans")
    visit(alex, "/journal/")
    expect(alex.locator("main")).to_contain_text("Some days I want to kill myself.")


def test_quick_exit_leaves_and_back_does_not_return(new_context, live_app):
    alex_email, _ = make_couple(live_app)
    alex = logged_in(new_context, live_app, alex_email, PHONE)
    visit(alex, "/home/")
    visit(alex, "/care/safety/")
    follow(alex, alex.get_by_role("link", name="Leave this page quickly"))
    assert path_of(alex) == "/learn/"
    alex.go_back()
    alex.wait_for_load_state()
    axe_check(alex)
    assert path_of(alex) == "/home/", json.dumps(alex.url)
