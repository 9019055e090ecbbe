"""The report in chromium: a partner opens it, includes their own section, sees the charts,
prints it without menus, and downloads the PDF; the other partner sees that section but is
not included until they say so. Every page shown passes axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser import unique_email
from tests.browser.conftest import DESKTOP, PHONE, axe_check
from tests.browser.test_foundation import follow, nav, path_of, sign_up, visit

pytestmark = pytest.mark.browser


def join(page, name):
    """Sign up; past the optional safety questions offered to a new person, if shown."""
    sign_up(page, name, unique_email(name.lower()))
    if path_of(page).startswith("/care/welcome/"):
        follow(page, page.get_by_role("link", name="Not now"))


def test_a_partner_includes_their_section_and_sees_the_charts(new_context):
    alex = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    sam = new_context(viewport=DESKTOP, check_axe_on_every_page=True).new_page()
    visit(alex, "/signup/")
    join(alex, "Alex")
    nav(alex, "Us")
    follow(alex, alex.get_by_role("button", name="Make an invite link"))
    link = alex.get_by_label("Invite link").input_value()
    visit(sam, link)
    follow(sam, sam.get_by_role("link", name="Create an account"))
    join(sam, "Sam")
    follow(sam, sam.get_by_role("button", name="Join Alex"))

    # Nothing is in the report until alex says yes.
    nav(alex, "Report")
    expect(alex.get_by_role("heading", level=1)).to_have_text("Our report")
    expect(alex.get_by_text("Your section is not included.")).to_be_visible()
    expect(alex.locator("svg#report-connection")).to_have_count(0)

    follow(alex, alex.get_by_role("button", name="Include my section"))
    expect(alex.get_by_text("Your section is now in the report.")).to_be_visible()
    chart = alex.get_by_role("img", name="How connected you felt")
    expect(chart).to_be_visible()
    expect(alex.get_by_role("img", name="Rituals each week")).to_be_visible()
    expect(alex.locator(".report-who")).to_have_text("Alex")

    # Printed, the page has no menus or buttons; the report itself stays.
    alex.emulate_media(media="print")
    expect(alex.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(alex.get_by_role("button", name="Leave my section out")).to_be_hidden()
    expect(chart).to_be_visible()
    alex.emulate_media(media="screen")

    with alex.expect_download() as download:
        alex.get_by_role("button", name="Download as PDF").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.startswith("reattune-report-")

    # sam sees alex's section, and is not included without saying so.
    nav(sam, "Report")
    expect(sam.get_by_text("Alex has included their section.")).to_be_visible()
    expect(sam.get_by_text("Your section is not included.")).to_be_visible()
    expect(sam.locator(".report-who")).to_have_text("Alex")
    expect(sam.get_by_role("img", name="How connected you felt")).to_be_visible()

    # alex takes it out again: sam's report no longer shows it.
    follow(alex, alex.get_by_role("button", name="Leave my section out"))
    visit(sam, "/report/")
    expect(sam.get_by_text("Alex's section is not included")).to_be_visible()
    expect(sam.locator("svg#report-connection")).to_have_count(0)
    axe_check(sam)
