"""Account settings and leaving, used as a person would (chromium against `reattune serve`).

- a person changes their password: a wrong current password is refused with a clear
  message, their other device is logged out, the old password no longer logs in and the new
  one does;
- a personal access token is shown once, reads the journal through the JSON API with
  `Authorization: Bearer`, and after "Revoke" on the account page the API answers 401;
- one partner leaves the couple: the other is told only that their partner left, no longer
  sees the leaver's shared entry, and keeps all their own entries;
- a partner deletes their account with password and confirmation: they are logged out,
  cannot log in again, and the other partner keeps their own entries.

Each test uses fresh accounts (never the shared demo couple). Every page shown passes
axe-core; pages on a phone never scroll sideways.
"""

import json
import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser import http_get, unique_email
from tests.browser.conftest import PHONE
from tests.browser.test_foundation import (
    NOT_FOUND,
    PASSWORD,
    REQUEST_TIMEOUT,
    WIDE,
    follow,
    log_in,
    nav,
    path_of,
    sign_up_by_request,
    visit,
    write_entry_by_request,
)
from tests.browser.test_plan import fits_width, make_couple_by_requests, names

pytestmark = pytest.mark.browser

NEW_PASSWORD = "copper kettle evening 77"
WRONG_LOGIN = "That email and password do not match an account."
PARTNER_LEFT = "Your partner has left your shared space. Everything you wrote is still here."


def write_four(a: Page, b: Page, marker: str) -> dict:
    """A private and a shared entry for each partner: {(who, kind): (id, title)}.

    Posted through the entry form by direct requests: writing through the page is
    test_foundation's; here what matters is what becomes of the entries."""
    entries = {}
    for page, who in ((a, "a"), (b, "b")):
        for kind in ("private", "shared"):
            title = f"{who}-{kind} {marker}"
            entry_id = write_entry_by_request(
                page, title, f"Body of {title}", shared=kind == "shared"
            )
            entries[who, kind] = (entry_id, title)
    return entries


def test_a_changed_password_logs_in_and_the_old_one_is_refused(new_context):
    first, _ = names()
    email = unique_email("robin")
    phone = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    sign_up_by_request(phone, first, email)  # signing up is test_foundation's
    visit(phone, "/home/")
    # The same person is also logged in on a laptop.
    laptop = new_context(viewport=WIDE, check_axe_on_every_page=True).new_page()
    visit(laptop, "/login/")
    log_in(laptop, email, PASSWORD)
    assert path_of(laptop) == "/home/"

    nav(phone, "Account")
    assert path_of(phone) == "/account/"
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(phone.locator("main")).to_contain_text(f"Signed in as {email}.")
    fits_width(phone)

    # A wrong current password is refused, said next to the field.
    section = phone.locator("#password")
    section.get_by_label("Current password").fill("not my password at all")
    section.get_by_label("New password").fill(NEW_PASSWORD)
    follow(phone, section.get_by_role("button", name="Change password"))
    expect(phone.locator("#password").get_by_role("alert")).to_have_text(
        "That is not your current password."
    )
    fits_width(phone)

    section = phone.locator("#password")
    section.get_by_label("Current password").fill(PASSWORD)
    section.get_by_label("New password").fill(NEW_PASSWORD)
    follow(phone, section.get_by_role("button", name="Change password"))
    assert path_of(phone) == "/account/"
    expect(
        phone.get_by_text("Password changed. You were logged out everywhere else.")
    ).to_be_visible()

    # The laptop's session ended: its next page asks to log in.
    visit(laptop, "/journal/")
    assert path_of(laptop) == "/login/?next=/journal/"
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Log in")

    # The phone stayed logged in; after logging out, only the new password works.
    nav(phone, "Today")
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Hello, {first}")
    follow(phone, phone.get_by_role("button", name="Log out"))
    visit(phone, "/login/")
    log_in(phone, email, PASSWORD)
    assert path_of(phone) == "/login/"
    expect(phone.get_by_role("alert")).to_have_text(WRONG_LOGIN)
    expect(phone.get_by_role("navigation", name="Main")).to_have_count(0)
    fits_width(phone)
    log_in(phone, email, NEW_PASSWORD)
    assert path_of(phone) == "/home/"
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Hello, {first}")


def test_a_personal_access_token_is_shown_once_works_and_is_revoked(new_context, live_app):
    first, second = names()
    a, b, _, _ = make_couple_by_requests(new_context, first, second)
    marker = secrets.token_hex(5)
    entries = write_four(a, b, marker)
    api = f"{live_app.url}/api/v1/journal"

    nav(a, "Account")
    tokens = a.locator("#tokens")
    expect(tokens).to_contain_text("No tokens yet.")
    tokens.get_by_role("textbox", name="What is this token for?").fill("My backup script")
    follow(a, tokens.get_by_role("button", name="Create token"))
    notice = a.locator("#tokens").get_by_role("status")
    expect(notice).to_contain_text("Copy it now: it will not be shown again.")
    token = notice.locator("code").inner_text().strip()
    assert re.fullmatch(r"rt_[A-Za-z0-9_-]{40,}", token), token
    expect(a.locator("#tokens")).to_contain_text("My backup script")
    fits_width(a)

    # Shown once: the account page no longer contains it.
    visit(a, "/account/")
    expect(a.locator("#tokens")).to_contain_text("My backup script")
    expect(a.locator("#tokens").get_by_role("status")).to_have_count(0)
    assert token not in a.content()

    # A script reads the journal with it: A's entries and B's shared one, not B's private one.
    status, _, body = http_get(api, headers={"Authorization": f"Bearer {token}"})
    assert status == 200, body[:500]
    titles = {e["title"]: e for e in json.loads(body)}
    for key in (("a", "private"), ("a", "shared"), ("b", "shared")):
        entry_id, title = entries[key]
        assert title in titles and titles[title]["id"] == entry_id, (key, sorted(titles))
    assert titles[entries["b", "shared"][1]]["author_name"] == second
    assert titles[entries["b", "shared"][1]]["mine"] is False
    assert entries["b", "private"][1] not in body
    status, _, _ = http_get(api)
    assert status == 401

    # The page shows when it was last used, and revoking it is one click.
    visit(a, "/account/")
    expect(a.locator("#tokens")).to_contain_text("last used")
    follow(a, a.get_by_role("button", name="Revoke My backup script"))
    expect(a.get_by_text("The token no longer works.")).to_be_visible()
    expect(a.locator("#tokens")).to_contain_text("No tokens yet.")
    expect(a.locator("#tokens")).not_to_contain_text("My backup script")
    fits_width(a)

    status, _, body = http_get(api, headers={"Authorization": f"Bearer {token}"})
    assert status == 401, body[:500]
    assert "personal access token" in json.loads(body)["detail"]
    assert marker not in body


def test_when_a_partner_leaves_the_other_is_told_only_that_and_keeps_their_entries(
    new_context,
):
    first, second = names()
    # The one who stays is on a phone this time.
    b, a, _, _ = make_couple_by_requests(new_context, second, first)
    marker = secrets.token_hex(5)
    entries = write_four(a, b, marker)
    nav(b, "Journal")
    follow(b, b.get_by_role("link", name="Shared with us"))
    expect(b.get_by_role("link", name=entries["a", "shared"][1])).to_be_visible()

    # A leaves from "Us", after ticking the confirmation.
    nav(a, "Us")
    leave = a.locator("#leave")
    leave.locator(":scope > summary").click()  # folded on Us
    expect(leave).to_contain_text(f"{second} is told only that you left.")
    leave.get_by_label("I want to leave this space").check()
    follow(a, leave.get_by_role("button", name="Leave"))
    assert path_of(a) == "/home/"
    expect(
        a.get_by_text("You have left the shared space. Everything you wrote is still yours.")
    ).to_be_visible()
    expect(a.locator("main")).to_contain_text("On your own for now")

    # B is told only that their partner left, once.
    visit(b, "/home/")
    notice = b.locator("main p.notice")
    expect(notice).to_have_text(PARTNER_LEFT)
    expect(b.locator("main")).to_contain_text("On your own for now")
    expect(b.locator("main")).not_to_contain_text(first)
    fits_width(b)
    visit(b, "/home/")
    expect(b.get_by_text(PARTNER_LEFT)).to_have_count(0)

    # B's own entries are all there; A's shared entry is gone from every view of B's.
    nav(b, "Journal")
    main = b.locator("main")
    for key in (("b", "private"), ("b", "shared")):
        expect(main.get_by_role("link", name=entries[key][1])).to_be_visible()
    expect(main).not_to_contain_text(entries["a", "shared"][1])
    fits_width(b)
    # What was shared stops being shared: the new space has nothing shared in it yet.
    follow(b, b.get_by_role("link", name="Shared with us"))
    expect(b.locator("main")).to_contain_text("Nothing shared yet.")
    expect(b.locator("main")).not_to_contain_text(entries["a", "shared"][1])
    visit(b, f"/journal/{entries['a', 'shared'][0]}/", status=404)
    expect(b.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)
    visit(b, f"/journal/{entries['b', 'private'][0]}/")
    expect(b.get_by_role("heading", level=1)).to_have_text(entries["b", "private"][1])

    # A keeps everything A wrote, and sees nothing of B's any more.
    nav(a, "Journal")
    main = a.locator("main")
    for key in (("a", "private"), ("a", "shared")):
        expect(main.get_by_role("link", name=entries[key][1])).to_be_visible()
    expect(main).not_to_contain_text(entries["b", "shared"][1])


def test_a_deleted_account_is_gone_and_the_partner_keeps_their_entries(new_context):
    first, second = names()
    a, b, a_email, _ = make_couple_by_requests(new_context, first, second)
    marker = secrets.token_hex(5)
    entries = write_four(a, b, marker)

    nav(a, "Account")
    danger = a.locator("#delete")
    expect(danger).to_contain_text("Your partner keeps what they wrote")
    # A wrong password is refused; nothing is deleted.
    danger.get_by_label("Your password").fill("not my password at all")
    danger.get_by_label("I understand that everything I wrote will be deleted").check()
    follow(a, danger.get_by_role("button", name="Delete my account"))
    expect(a.locator("#delete").get_by_role("alert")).to_have_text("That is not your password.")
    fits_width(a)

    danger = a.locator("#delete")
    danger.get_by_label("Your password").fill(PASSWORD)
    danger.get_by_label("I understand that everything I wrote will be deleted").check()
    follow(a, danger.get_by_role("button", name="Delete my account"))
    expect(a.get_by_role("heading", level=1)).to_have_text("Your account is deleted")
    expect(a.get_by_role("navigation", name="Main")).to_have_count(0)
    fits_width(a)

    # Logged out, and the account cannot log in again.
    visit(a, "/home/")
    assert path_of(a) == "/login/?next=/home/"
    log_in(a, a_email, PASSWORD)
    expect(a.get_by_role("alert")).to_have_text(WRONG_LOGIN)
    expect(a.get_by_role("navigation", name="Main")).to_have_count(0)

    # B is told their partner left; B's own entries are intact, A's shared one is gone.
    visit(b, "/home/")
    expect(b.locator("main p.notice")).to_have_text(PARTNER_LEFT)
    expect(b.locator("main")).to_contain_text("On your own for now")
    nav(b, "Journal")
    main = b.locator("main")
    for key in (("b", "private"), ("b", "shared")):
        expect(main.get_by_role("link", name=entries[key][1])).to_be_visible()
    expect(main).not_to_contain_text(entries["a", "shared"][1])
    follow(b, b.get_by_role("link", name=entries["b", "shared"][1]))
    expect(b.locator(".entry-body")).to_have_text(f"Body of {entries['b', 'shared'][1]}")
    visit(b, f"/journal/{entries['a', 'shared'][0]}/", status=404)
    expect(b.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)


def test_a_forgotten_password_is_reset_with_the_hosts_link(new_context, live_app):
    """The person forgets their password; the login page says how to get a link; the host runs
    `reattune reset-password`; the link sets a new password once and logs the laptop out."""
    first, _ = names()
    email = unique_email("sky")
    laptop = new_context(viewport=WIDE, check_axe_on_every_page=True).new_page()
    sign_up_by_request(laptop, first, email)  # signing up is test_foundation's
    home = laptop.request.get("/home/", timeout=REQUEST_TIMEOUT)
    assert path_of(home) == "/home/"  # logged in on the laptop

    phone = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    visit(phone, "/login/")
    follow(phone, phone.get_by_role("link", name="Forgot your password?"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    expect(phone.locator("main")).to_contain_text("reattune reset-password")
    fits_width(phone)

    out = live_app.cli("reset-password", email).stdout
    link = re.search(r"http://\S+/password-reset/\S+/", out).group(0)
    path = "/" + link.split("/", 3)[3]
    visit(phone, path)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    phone.get_by_label("New password").fill(NEW_PASSWORD)
    follow(phone, phone.get_by_role("button", name="Set my new password"))
    assert path_of(phone).startswith("/login/")
    expect(
        phone.get_by_text("Your new password is set. Every device was logged out")
    ).to_be_visible()
    log_in(phone, email, NEW_PASSWORD)
    assert path_of(phone) == "/home/"

    # The link worked once; the laptop's session ended.
    visit(phone, path, status=404)
    expect(phone.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    visit(laptop, "/journal/")
    assert path_of(laptop) == "/login/?next=/journal/"
