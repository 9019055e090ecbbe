"""Making a shared entry private, with a vault, as a person would do it.

Alex has a vault (locked: this browser never opened it) and writes a shared entry; Sam reads
it. Alex opens it, edits it and picks private. The server does not make it private where
whoever runs it could read it: nothing changes, and the page says so and offers "Make private:
move into my vault". That leads to the vault's journal, which asks alex to unlock, then shows
what will move and who sees it now; on alex's word the browser encrypts it and the server
deletes the readable copy in the same step. Alex sees it in the vault; Sam no longer sees it;
no journal entry on the server holds its words, the vault opens to them with the passphrase
in Python, and no request to the vault carried them.
"""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_care import logged_in, make_couple
from tests.browser.test_foundation import follow, visit, write_entry
from tests.browser.test_vault import PASSPHRASE, RequestLog, entry_titles, unlock, wait_state
from tests.browser.test_vault_coach_draft import READ_VAULT, slow_machine
from tests.browser.test_vault_rest import MAKE_VAULT

pytestmark = pytest.mark.browser

TITLE = "Harbour evening 4471"
BODY = "We watched the 4471 ferries come in, and I felt close to you."


def test_a_shared_entry_made_private_moves_into_the_vault_in_one_step(new_context, live_app):
    alex_email, sam_email = make_couple(live_app)
    made = live_app.cli(
        "manage", "shell", "-c", MAKE_VAULT.format(email=alex_email, passphrase=PASSPHRASE)
    )
    assert "OK" in made.stdout, made.stdout + made.stderr
    page = logged_in(new_context, live_app, alex_email, PHONE)
    slow_machine(page)
    log = RequestLog(page.context)

    entry_id = write_entry(page, TITLE, BODY, shared=True)
    sam = logged_in(new_context, live_app, sam_email, PHONE)
    slow_machine(sam)
    visit(sam, "/journal/shared/")
    expect(sam.locator("main")).to_contain_text(TITLE)

    # Alex edits it and picks private: nothing changes, and the page says why and offers the move.
    follow(page, page.get_by_role("link", name="Edit"))
    expect(page.locator("#vault-move")).to_contain_text("Making this entry private moves it")
    page.get_by_label("Private: only me, moved into my vault").check()
    follow(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_role("alert")).to_contain_text("Nothing was changed here yet")
    expect(page.get_by_role("alert")).to_contain_text("move into my vault\u201d on this page")
    visit(sam, "/journal/shared/")
    expect(sam.locator("main")).to_contain_text(TITLE)  # still shared: nothing changed

    follow(page, page.get_by_role("link", name="Make private: move into my vault"))
    assert page.url.endswith(f"/vault/journal/?move={entry_id}"), page.url
    wait_state(page, "locked")
    expect(page.locator("[data-move-waiting]")).to_be_visible()
    unlock(page, PASSPHRASE)
    wait_state(page, "unlocked")
    offer = page.locator("[data-move-offer]")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text(TITLE)
    expect(offer).to_contain_text("It is a shared entry now")
    expect(offer).to_contain_text("it becomes private: only you can read it")
    axe_check(page)
    offer.get_by_role("button", name="Move into my vault").click()

    status = page.locator("[data-vault-status]")
    expect(status).to_contain_text("Moved into your vault: it is private now")
    expect(offer).to_be_hidden()
    expect(page.locator("[data-entries]")).to_contain_text(BODY)
    assert TITLE in entry_titles(page)
    assert page.url.endswith("/vault/journal/"), page.url  # a reload asks nothing again
    axe_check(page)

    # The same offer again (an old tab, the back button): nothing to move, and it says why.
    visit(page, f"/vault/journal/?move={entry_id}")
    wait_state(page, "unlocked")
    expect(status).to_contain_text("That entry is no longer in your journal")
    expect(offer).to_be_hidden()
    axe_check(page)

    # Sam no longer sees it; alex's journal no longer lists it.
    visit(sam, "/journal/shared/")
    expect(sam.locator("main")).not_to_contain_text(TITLE)
    visit(sam, f"/journal/{entry_id}/", status=404)
    visit(page, "/journal/")
    expect(page.locator("main")).not_to_contain_text(TITLE)
    expect(page.locator("main")).not_to_contain_text("outside your vault")

    # On the server: no journal entry holds the words, and the vault opens to them.
    read = live_app.cli(
        "manage", "shell", "-c", READ_VAULT.format(email=alex_email, passphrase=PASSPHRASE)
    )
    assert "JSON" in read.stdout, read.stdout + read.stderr
    found = json.loads(read.stdout.split("JSON", 1)[1])
    assert found["entries"] == 0, found
    assert [(i["title"], i["body"]) for i in found["items"]] == [(TITLE, BODY)]
    # The words went to the server only as the shared entry was written and edited, never
    # to the vault in readable form.
    assert not [r for r in log.carrying(BODY, TITLE) if "/api/v1/vault" in r], log.sent
