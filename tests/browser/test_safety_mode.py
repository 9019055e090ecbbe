"""Safety mode in a real browser (chromium against `reattune serve`, axe on every page).

Alex answers the private safety check with danger signs through the form. Alex then sees the
urgent outcome (emergency number and domestic-violence lines first, the safety plan, quick
exit, the sentence about leaving) and the couple features resting: coach rewrite and opener,
agreements, the ladder, the check-in prompts that raise issues, the therapist invite. Sam's
pages and the API responses sam can read are compared byte for byte (after removing CSRF
tokens and one-time keys) before, after, and after alex deletes the answers, which ends
safety mode at once. The full URL-map walk is in tests/test_safety_mode.py.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_care import logged_in, make_couple
from tests.browser.test_foundation import follow, path_of, visit

pytestmark = pytest.mark.browser

SAM_PAGES = (
    "/home/",
    "/care/",
    "/coach/",
    "/coach/opener/",
    "/rituals/",
    "/rituals/agreements/",
    "/rituals/ladder/",
    "/rituals/daily/",
    "/rituals/weekly/",
    "/rituals/progress/",
    "/plan/",
    "/results/",
    "/couple/",
    "/journal/",
    "/report/",
)
SAM_API = (
    "/api/v1/care/help",
    "/api/v1/care/resources",
    "/api/v1/rituals/prompts",
    "/api/v1/rituals/agreements",
    "/api/v1/rituals/ladder",
    "/api/v1/plan",
)
VOLATILE = (
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<key>"),
)


def clean(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def snapshot(page) -> dict:
    """What sam sees: the HTML of each page as served, and each API body."""
    seen = {}
    for path in SAM_PAGES:
        response = page.request.get(path)
        seen[path] = (response.status, clean(response.text()))
    for path in SAM_API:
        response = page.request.get(path)
        seen[path] = (response.status, clean(response.text()))
    visit(page, "/home/")  # and through the browser, so axe sees sam's home too
    return seen


def answer_with_danger_signs(alex):
    visit(alex, "/care/safety/")
    alex.locator('input[name="strangled"][value="1"]').check()
    alex.locator('input[name="followed"][value="2"]').check()
    alex.locator('input[name="leaving"][value="yes"]').check()
    follow(alex, alex.get_by_role("button", name="Save my answers"))
    assert path_of(alex) == "/care/safety/result/"


def test_safety_mode_rests_couple_work_for_alex_and_changes_nothing_for_sam(new_context, live_app):
    alex_email, sam_email = make_couple(live_app)
    sam = logged_in(new_context, live_app, sam_email, DESKTOP)
    before = snapshot(sam)
    not_ok = {k: v[0] for k, v in before.items() if v[0] != 200}
    assert not_ok == {"/api/v1/plan": 404}, not_ok  # no plan yet: the same answer after

    alex = logged_in(new_context, live_app, alex_email, PHONE)
    # An empty form is refused, and nothing changes.
    visit(alex, "/care/safety/")
    with alex.expect_navigation():
        alex.get_by_role("button", name="Save my answers").click()
    expect(alex.locator("main")).to_contain_text("No question was answered")
    answer_with_danger_signs(alex)

    main = alex.locator("main")
    text = main.inner_text()
    assert text.index("Your safety matters most right now") < text.index("999")
    assert text.index("999") < text.index("National Domestic Abuse Helpline")
    assert text.index("National Domestic Abuse Helpline") < text.index("Making a safety plan")
    expect(main).to_contain_text("most dangerous time")
    expect(alex.locator("#quick-exit")).to_be_visible()
    expect(alex.locator("#resting-list")).to_contain_text("The conversation ladder")

    for path, feature in (
        ("/coach/", "coach_rewrite"),
        ("/coach/opener/", "coach_opener"),
        ("/rituals/agreements/", "agreements"),
        ("/rituals/ladder/", "ladder"),
        ("/care/", "therapist_invite"),
    ):
        visit(alex, path)
        expect(alex.locator(f'[data-resting="{feature}"]')).to_be_visible()
    visit(alex, "/care/")
    expect(alex.get_by_role("button", name="Make a link for our therapist")).to_have_count(0)
    visit(alex, "/rituals/daily/")
    expect(alex.locator('[name="challenging_part"]')).to_have_count(0)
    expect(alex.locator('[name="best_part"]')).to_have_count(1)

    assert snapshot(sam) == before

    # Deleting the answers ends safety mode at once; sam still sees no change.
    visit(alex, "/care/safety/result/")
    follow(alex, alex.get_by_role("button", name="Delete my answers"))
    visit(alex, "/coach/")
    expect(alex.locator("[data-resting]")).to_have_count(0)
    visit(alex, "/care/")
    expect(alex.get_by_role("button", name="Make a link for our therapist")).to_have_count(1)
    assert snapshot(sam) == before
