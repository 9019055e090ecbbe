"""The foundation, used as people would: in chromium against `reattune serve`.

alex (on a phone) signs up and makes an invite link; sam (on a laptop, another browser
context) joins through it. Each writes a private and a shared journal entry, and each sees
exactly what they should. Every page shown is checked with axe-core, and no page may reach
any host but this machine (tests/browser/conftest.py).
"""

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.browser import conftest, unique_email
from tests.browser.conftest import DESKTOP, PHONE, axe_check

pytestmark = pytest.mark.browser

PASSWORD = "quiet lantern morning 42"
NOT_FOUND = "We could not find that page"
WIDE = DESKTOP  # a laptop: 1366x900


def path_of(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def follow(page: Page, target) -> None:
    """Click a link or button that loads a new page, wait for it, and check it with axe."""
    with page.expect_navigation():
        target.click()
    axe_check(page)


def visit(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"GET {path}: {response and response.status}, expected {status}"
    )
    axe_check(page)


def nav(page: Page, name: str) -> None:
    follow(page, page.get_by_role("navigation", name="Main").get_by_role("link", name=name))


def sign_up(page: Page, name: str, email: str, password: str = PASSWORD) -> None:
    """Sign up, and pass the private safety questions offered next with "Not now"."""
    page.get_by_label("Your first name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    follow(page, page.get_by_role("button", name="Create account"))
    assert path_of(page) == "/care/welcome/", (
        f"after sign-up, expected the welcome page: {page.url}"
    )
    follow(page, page.get_by_role("link", name="Not now"))


# A hang guard for direct requests, as long as a busy machine may need (not a speed check).
REQUEST_TIMEOUT = 60_000
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.DOTALL)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)"[^>]*?value="([^"]*)"')


def post_form(page: Page, path: str, fields: dict, action: str | None = None):
    """GET the page of a form and POST that form (the one posting to `action`, else the one
    posting back to `path`) with its hidden fields, CSRF token included, and `fields`, in the
    page's own cookies, redirects followed. Returns the response it lands on."""
    form_page = page.request.get(path, timeout=REQUEST_TIMEOUT)
    assert form_page.ok, f"GET {path}: {form_page.status}"
    target = action or path

    def posts_to_target(attributes: str) -> bool:
        posts_to = re.search(r'action="([^"]*)"', attributes)
        return 'method="post"' in attributes and (posts_to[1] if posts_to else path) == target

    forms = [
        inner for attributes, inner in FORM.findall(form_page.text()) if posts_to_target(attributes)
    ]
    assert forms, f"no form posting to {target} on {path}"
    inner = forms[0]
    data = {name: value for name, value in HIDDEN.findall(inner)}
    assert "csrfmiddlewaretoken" in data, f"no CSRF token in the form on {path}"
    answer = page.request.post(target, form={**data, **fields}, timeout=REQUEST_TIMEOUT)
    assert answer.ok, f"POST {target}: {answer.status}\n{answer.text()[:2000]}"
    return answer


def sign_up_by_request(page: Page, name: str, email: str, password: str = PASSWORD) -> str:
    """Sign up through the form by a direct request (for tests whose subject comes after)."""
    zone = page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone")
    fields = {"display_name": name, "email": email, "password": password, "timezone": zone}
    landed = path_of(post_form(page, "/signup/", fields))
    assert landed.startswith("/care/welcome/"), f"after sign-up: {landed}"
    return landed


def write_entry_by_request(page: Page, title: str, body: str, shared: bool) -> int:
    """The entry form of `write_entry` posted by a direct request; returns the new entry's id.

    For tests whose subject is what happens to entries afterwards (writing one through the
    page is `write_entry`, used in this module)."""
    fields = {"title": title, "body": body, "visibility": "shared" if shared else "private"}
    landed = path_of(post_form(page, "/journal/new/", fields))
    match = re.fullmatch(r"/journal/(\d+)/", landed)
    assert match, f"after saving, expected the entry's page, got {landed}"
    return int(match.group(1))


def log_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    follow(page, page.get_by_role("button", name="Log in"))


# Logged-in browser states by (email, password): a password changes with every `reattune demo`.
_SESSIONS: dict[tuple[str, str], dict] = {}


def logged_in_page(new_context, account: dict, viewport=PHONE) -> Page:
    """A page of `account` in a new context that checks axe on every page, on /home/.

    The first time for an account and password it logs in through the real form (axe-checked
    before and after); later it starts a context with the cookies that log-in gave, for tests
    about what comes after logging in (each log-in hashes the password on the server). Should
    that session have ended, it logs in through the form again."""
    key = (account["email"], account["password"])
    state = _SESSIONS.get(key)
    options = {"storage_state": state} if state else {}
    page = new_context(viewport=viewport, check_axe_on_every_page=True, **options).new_page()
    if state:
        visit(page, "/home/")
        if path_of(page) == "/home/":
            return page
    conftest.log_in(page, account)
    assert path_of(page) == "/home/", page.url
    _SESSIONS[key] = page.context.storage_state()
    return page


def write_entry(page: Page, title: str, body: str, shared: bool) -> int:
    """Through the journal page and its form; returns the new entry's id."""
    nav(page, "Journal")
    follow(page, page.get_by_role("link", name="Write an entry"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Write an entry")
    page.get_by_label("Title (optional)").fill(title)
    page.get_by_label("What is on your mind?").fill(body)
    page.get_by_label(
        "Shared with my partner" if shared else "Private: kept from my partner"
    ).check()
    follow(page, page.get_by_role("button", name="Save"))
    match = re.fullmatch(r"/journal/(\d+)/", path_of(page))
    assert match, f"after saving, expected the entry's page, got {page.url}"
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    # innerText renders the <br> of a line break as "\n": the text reads back exactly.
    assert page.locator(".entry-body").inner_text().strip() == body
    expect(page.locator("main")).to_contain_text("Shared" if shared else "Private")
    return int(match.group(1))


def test_partners_join_and_each_sees_exactly_what_they_should(new_context, live_app):
    alex_email, sam_email = unique_email("alex"), unique_email("sam")
    alex = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    sam = new_context(viewport=WIDE, check_axe_on_every_page=True).new_page()

    # alex finds reattune, signs up and lands on home, alone for now.
    visit(alex, "/")
    expect(alex.get_by_role("heading", level=1)).to_have_text("Feel close again")
    follow(alex, alex.get_by_role("link", name="Create an account"))
    assert path_of(alex) == "/signup/"
    sign_up(alex, "Alex", alex_email)
    assert path_of(alex) == "/home/"
    expect(alex.get_by_role("heading", level=1)).to_have_text("Hello, Alex")
    expect(alex.locator("main")).to_contain_text("On your own for now")

    # alex makes an invite link on "Us" and reads it from the page.
    nav(alex, "Us")
    follow(alex, alex.get_by_role("button", name="Make an invite link"))
    assert path_of(alex) == "/couple/"
    link = alex.get_by_label("Invite link").input_value()
    assert re.fullmatch(re.escape(live_app.url) + r"/invite/[^/]+/", link), link

    # sam opens it in another browser, signs up through it and confirms joining.
    visit(sam, link)
    expect(sam.get_by_role("heading", level=1)).to_have_text("Alex invited you")
    follow(sam, sam.get_by_role("link", name="Create an account"))
    expect(sam.locator("main")).to_contain_text("you will join your partner's space")
    sign_up(sam, "Sam", sam_email)
    assert path_of(sam) == "/invite/confirm/"
    expect(sam.get_by_role("heading", level=1)).to_have_text("Join Alex")
    follow(sam, sam.get_by_role("button", name="Join Alex"))
    assert path_of(sam) == "/home/"
    expect(sam.locator("main")).to_contain_text("You share this space with Alex.")

    # The link worked once; alex now sees sam.
    visit(alex, "/home/")
    expect(alex.locator("main")).to_contain_text("You share this space with Sam.")
    nav(alex, "Us")
    expect(alex.locator("main")).to_contain_text("You and Sam share this space.")
    expect(alex.get_by_label("Invite link")).to_have_count(0)

    # Each writes a private and a shared entry through the form.
    marker = secrets.token_hex(5)
    text = {
        (who, kind): f"{who} {kind} {marker}"
        for who in ("alex", "sam")
        for kind in ("private", "shared")
    }
    ids = {}
    for page, who in ((alex, "alex"), (sam, "sam")):
        for kind in ("private", "shared"):
            ids[who, kind] = write_entry(
                page,
                title=f"Title: {text[who, kind]}",
                body=f"Body: {text[who, kind]}\nwith a second line ✓ 💛",
                shared=kind == "shared",
            )

    for me, partner, page, partner_name in (
        ("alex", "sam", alex, "Sam"),
        ("sam", "alex", sam, "Alex"),
    ):
        main = page.locator("main")
        # My journal: both of mine, nothing of my partner's.
        nav(page, "Journal")
        expect(main).to_contain_text(text[me, "private"])
        expect(main).to_contain_text(text[me, "shared"])
        expect(main).not_to_contain_text(text[partner, "private"])
        expect(main).not_to_contain_text(text[partner, "shared"])

        # Shared with us: both shared entries, neither private one.
        follow(page, page.get_by_role("link", name="Shared with us"))
        assert path_of(page) == "/journal/shared/"
        expect(main).to_contain_text(text[me, "shared"])
        expect(main).to_contain_text(text[partner, "shared"])
        expect(main).to_contain_text(f"by {partner_name}")
        expect(main).not_to_contain_text(text[me, "private"])
        expect(main).not_to_contain_text(text[partner, "private"])

        # The partner's shared entry opens, read-only.
        follow(page, page.get_by_role("link", name=f"Title: {text[partner, 'shared']}"))
        assert path_of(page) == f"/journal/{ids[partner, 'shared']}/"
        expect(main).to_contain_text(f"{partner_name} shared this")
        expect(main).to_contain_text(f"Body: {text[partner, 'shared']}")
        expect(page.get_by_role("link", name="Edit")).to_have_count(0)
        expect(page.get_by_role("button", name="Delete this entry")).to_have_count(0)

        # The partner's private entry, by its address: the not-found page, nothing else.
        for suffix in ("", "edit/"):
            visit(page, f"/journal/{ids[partner, 'private']}/{suffix}", status=404)
            expect(page.get_by_role("heading", level=1)).to_have_text(NOT_FOUND)
            assert text[partner, "private"] not in page.content()

        # Home and account pages show nothing of the partner's private entry either.
        nav(page, "Today")
        expect(main).not_to_contain_text(text[partner, "private"])
        nav(page, "Account")
        expect(main).to_contain_text(alex_email if me == "alex" else sam_email)


def test_log_out_and_log_in_again(new_context):
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    email = unique_email("robin")
    visit(page, "/signup/")
    sign_up(page, "Robin", email)
    assert path_of(page) == "/home/"

    follow(page, page.get_by_role("button", name="Log out"))
    assert path_of(page) == "/"
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)

    # Personal pages now ask to log in, and come back after it.
    visit(page, "/journal/")
    assert path_of(page) == "/login/?next=/journal/"
    log_in(page, email, "not the right password")
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    log_in(page, email, PASSWORD)
    assert path_of(page) == "/journal/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Your journal")

    # And once more from the landing page's own "Log in" link.
    follow(page, page.get_by_role("button", name="Log out"))
    follow(page, page.get_by_role("link", name="Log in"))
    log_in(page, email, PASSWORD)
    assert path_of(page) == "/home/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Robin")


def test_html_typed_into_an_entry_shows_as_text(new_context):
    page = new_context(viewport=WIDE, check_axe_on_every_page=True).new_page()
    dialogs, paths = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: paths.append(re.sub(r"^https?://[^/]+", "", request.url)))
    sign_up_by_request(page, "Kim", unique_email("kim"))  # signing up is the tests' above
    visit(page, "/home/")

    title = '<b id="xss-title">bold</b><script>alert("title")</script>'
    body = (
        "<img src=x onerror=alert(1)><script>alert(2)</script>\n<a href=javascript:alert(3)>a</a>"
    )
    write_entry(page, title, body, shared=False)  # checks the heading and body text verbatim
    assert page.locator("#xss-title").count() == 0
    assert page.locator(".entry-body img, .entry-body script, .entry-body a").count() == 0
    assert page.title().startswith(title)

    nav(page, "Journal")
    expect(page.get_by_role("link", name=title)).to_be_visible()
    assert page.locator("main #xss-title").count() == 0

    assert dialogs == [], f"the page ran script from an entry: {dialogs}"
    assert not [p for p in paths if p.rstrip("/").endswith("/x")], paths


def test_demo_couple_logs_in_and_looks_around(new_context, demo_accounts):
    """`reattune demo --json` run against the served app (conftest's demo_accounts): its
    accounts work in the browser."""
    alex_account, sam_account = demo_accounts["alex"], demo_accounts["sam"]
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    visit(page, "/login/")
    log_in(page, alex_account["email"], alex_account["password"])
    assert path_of(page) == "/home/"
    expect(page.locator("main")).to_contain_text("You share this space with Sam.")
    nav(page, "Journal")
    expect(page.locator(".entries li")).not_to_have_count(0)
    follow(page, page.get_by_role("link", name="Shared with us"))
    expect(page.locator("main")).to_contain_text("by Sam")
    assert sam_account["email"] not in page.content()


def test_an_entry_is_edited_shared_explicitly_and_deleted(new_context):
    page = new_context(viewport=PHONE, check_axe_on_every_page=True).new_page()
    sign_up_by_request(page, "Jo", unique_email("jo"))
    visit(page, "/home/")
    entry_id = write_entry(page, "Sunday", "We cooked together.", shared=False)

    follow(page, page.get_by_role("link", name="Edit"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit your entry")
    # The form keeps what was written and the choice made: private stays private unless changed.
    expect(page.get_by_label("What is on your mind?")).to_have_value("We cooked together.")
    expect(page.get_by_label("Private: kept from my partner")).to_be_checked()
    page.get_by_label("What is on your mind?").fill("We cooked together and laughed a lot.")
    page.get_by_label("Shared with my partner").check()
    follow(page, page.get_by_role("button", name="Save"))
    assert path_of(page) == f"/journal/{entry_id}/"
    expect(page.locator(".entry-body")).to_have_text("We cooked together and laughed a lot.")
    expect(page.locator("main")).to_contain_text("Shared")

    follow(page, page.get_by_role("button", name="Delete this entry"))
    nav(page, "Journal")
    expect(page.get_by_role("link", name="Sunday")).to_have_count(0)
    visit(page, f"/journal/{entry_id}/", status=404)
