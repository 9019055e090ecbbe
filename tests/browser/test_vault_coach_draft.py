"""A coach draft kept in the vault, in a real browser: no request ever carries the draft.

Alex has a vault. On the coach page, "Keep it in my vault" hands the draft to the vault
journal inside the browser (this tab's sessionStorage, never a URL: browsers keep visited
addresses, fragments included, in their history list). The vault journal takes it out at once,
waits while the vault is locked, fills its new-entry form once it is open, and saves it only
encrypted. Every request the browser sends is captured (URL, headers and body): after the
button is pressed, none carries the draft; before, only the coach's own feedback did (the page
says the coach reads what you type on this server). The saved item decrypts, in Python with
the passphrase, to the draft; the private journal holds nothing of it.
"""

import json
from urllib.parse import quote, quote_plus

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_care import logged_in, make_couple
from tests.browser.test_foundation import follow, visit
from tests.browser.test_vault import PASSPHRASE, unlock, wait_state
from tests.browser.test_vault_rest import MAKE_VAULT

pytestmark = pytest.mark.browser


def slow_machine(page):
    """The first save of a fresh server loads the crisis check; on a busy shared machine that
    can pass the suite's 10 s: wait longer for each step (no figure is asserted)."""
    page.context.set_default_timeout(30_000)
    page.context.set_default_navigation_timeout(45_000)


MARKER = "quillfeather6183"
DRAFT = f"I miss our Sunday walks ({MARKER}) and I would like one this week, just us."

# Run inside `reattune manage shell`: open alex's vault with the passphrase, decrypt every item,
# and count alex's journal entries outside the vault.
READ_VAULT = """
import json
from reattune.accounts.models import User
from reattune.journal.models import Entry
from reattune.vault import format as f
user = User.objects.get(email={email!r})
ring = user.vault_keyring
keyring = {{"vault_id": str(ring.vault_id), "format": ring.format, "kdf": ring.kdf,
    "wrapped_key_passphrase": ring.wrapped_key_passphrase,
    "wrapped_key_recovery": ring.wrapped_key_recovery, "key_version": ring.key_version}}
key = f.open_keyring(keyring, passphrase={passphrase!r})
items = [f.decrypt_item(key, keyring["vault_id"], str(i.item_id), i.kind, i.ciphertext)
         for i in user.vault_items.all()]
print("JSON" + json.dumps({{"items": items, "entries": Entry.objects.filter(author=user).count()}}))
"""


class FullRequestLog:
    """Every request a context sends: method, URL, headers and body."""

    def __init__(self, context):
        self.sent = []
        context.on("request", self.record)

    def record(self, request):
        body = (request.post_data_buffer or b"").decode("utf-8", "replace")
        headers = json.dumps(request.headers)
        self.sent.append((request.method, request.url, headers + "\n" + body))

    def carrying(self, *texts):
        found = []
        for method, url, rest in self.sent:
            seen = (url + "\n" + rest).lower()
            if any(text.lower() in seen for text in texts):
                found.append(f"{method} {url}")
        return found


# The draft as it may appear in a request: as typed, form-encoded, URL-encoded, JSON-escaped,
# and the marker word alone.
DRAFT_FORMS = (DRAFT, quote_plus(DRAFT), quote(DRAFT), json.dumps(DRAFT)[1:-1], MARKER)


def test_a_coach_draft_goes_to_the_vault_without_reaching_the_server(new_context, live_app):
    alex_email, _ = make_couple(live_app)
    made = live_app.cli(
        "manage", "shell", "-c", MAKE_VAULT.format(email=alex_email, passphrase=PASSPHRASE)
    )
    assert "OK" in made.stdout, made.stdout + made.stderr

    alex = logged_in(new_context, live_app, alex_email, PHONE)
    slow_machine(alex)
    log = FullRequestLog(alex.context)
    visit(alex, "/coach/")
    keep = alex.get_by_role("button", name="Keep it in my vault")
    expect(keep).to_be_visible()
    main = alex.locator("main")
    expect(main).to_contain_text("Your vault keeps your draft so that only you can read it")
    # With a vault, no save the server could read is offered.
    expect(alex.get_by_role("button", name="Save to my private journal")).to_have_count(0)
    expect(main).to_contain_text("only you can read it")

    # An empty box: said, and nowhere to go.
    keep.click()
    expect(alex.locator("[data-coach-vault-error]")).to_contain_text("Write your draft first")
    assert alex.url.endswith("/coach/")

    # The coach reads the draft on the server for its feedback (the page says so)...
    alex.get_by_label("What do you want to say?").fill(DRAFT)
    expect(alex.locator("#feedback")).to_contain_text(
        "What your words may sound like", timeout=10_000
    )
    before = log.carrying(*DRAFT_FORMS)
    assert before and all(r.startswith("POST ") and "/coach/feedback/" in r for r in before), before

    # ...and from the button on, nothing carries it: not the address, not a body, not a header.
    log.sent.clear()
    follow(alex, keep)
    assert alex.url.endswith("/vault/journal/"), alex.url
    wait_state(alex, "locked")
    waiting = alex.locator("[data-coach-draft-waiting]")
    expect(waiting).to_be_visible()
    # Taken out of the tab's storage at once: only this page's memory holds it now.
    assert alex.evaluate("() => sessionStorage.getItem('reattune-coach-draft')") is None
    unlock(alex, PASSPHRASE)
    wait_state(alex, "unlocked")
    expect(waiting).to_be_hidden()
    expect(alex.locator("#entry-body")).to_have_value(DRAFT)
    expect(alex.locator("#entry-title")).to_have_value("Draft from the coach")
    expect(alex.locator("[data-vault-status]")).to_contain_text("It is not saved yet")
    alex.get_by_role("button", name="Save to my vault").click()
    expect(alex.locator("[data-entries]")).to_contain_text(DRAFT)
    expect(alex.locator("[data-vault-status]")).to_contain_text("Only you can read it")
    axe_check(alex)
    assert any(
        method == "POST" and url.endswith("/api/v1/vault/items") for method, url, _ in log.sent
    ), log.sent
    assert not log.carrying(*DRAFT_FORMS), log.carrying(*DRAFT_FORMS)
    # Neither the coach's save nor the private journal was asked for anything.
    assert not [
        f"{method} {url}"
        for method, url, _ in log.sent
        if "/coach/save/" in url
        or "/api/v1/journal" in url
        or method != "GET"
        and "/vault/" not in url
    ], log.sent
    assert "#" not in alex.url

    # A reload does not bring the draft back into the form.
    visit(alex, "/vault/journal/")
    wait_state(alex, "unlocked")
    expect(alex.locator("#entry-body")).to_have_value("")
    expect(alex.locator("[data-coach-draft-waiting]")).to_be_hidden()

    # The vault item opens, with the passphrase, to the draft; the private journal is empty.
    result = live_app.cli(
        "manage", "shell", "-c", READ_VAULT.format(email=alex_email, passphrase=PASSPHRASE)
    )
    opened = json.loads(result.stdout.split("JSON", 1)[1])
    assert [(i["title"], i["body"]) for i in opened["items"]] == [("Draft from the coach", DRAFT)]
    assert opened["entries"] == 0

    # A draft left in this tab by another log-in (someone who used it before a time-out) is
    # dropped, never put in this person's form.
    alex.evaluate(
        """(text) => sessionStorage.setItem('reattune-coach-draft',
             JSON.stringify({text: text, at: Date.now(), tag: 'another-log-in'}))""",
        "Someone else's words",
    )
    visit(alex, "/vault/journal/")
    wait_state(alex, "unlocked")
    expect(alex.locator("#entry-body")).to_have_value("")
    assert alex.evaluate("() => sessionStorage.getItem('reattune-coach-draft')") is None
