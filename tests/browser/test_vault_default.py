"""With a vault, the ordinary journal form and the ordinary safety check lead to the vault.

Alex has a vault (locked: this browser never opened it). On "Write an entry" the form says
why private entries go to the vault, and nothing is chosen for alex; picking private and
saving keeps nothing on the server and loses nothing: the words stay in the form, which says
why and links to the vault's own writing page. The ordinary safety check leads to the vault's safety check the same way.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_care import logged_in, make_couple
from tests.browser.test_foundation import follow, visit
from tests.browser.test_vault import PASSPHRASE, wait_state
from tests.browser.test_vault_coach_draft import slow_machine
from tests.browser.test_vault_rest import MAKE_VAULT

pytestmark = pytest.mark.browser

WORDS = "Only for me: the 3182 marigold letter."

# Run inside `reattune manage shell`: how many of alex's journal entries hold the words.
COUNT_ENTRIES = """
from reattune.accounts.models import User
from reattune.journal.models import Entry
user = User.objects.get(email={email!r})
print("COUNT", sum({words!r} in e.body for e in Entry.objects.filter(author=user)))
"""


def test_private_on_the_ordinary_form_keeps_the_words_and_leads_to_the_vault(new_context, live_app):
    alex_email, _ = make_couple(live_app)
    made = live_app.cli(
        "manage", "shell", "-c", MAKE_VAULT.format(email=alex_email, passphrase=PASSPHRASE)
    )
    assert "OK" in made.stdout, made.stdout + made.stderr
    page = logged_in(new_context, live_app, alex_email, PHONE)
    slow_machine(page)

    visit(page, "/journal/new/")
    expect(page.locator("#vault-private")).to_contain_text("only you can read it")
    private = page.get_by_label("Private: only me, written in my vault")
    expect(private).not_to_be_checked()
    page.get_by_label("What is on your mind?").fill(WORDS)
    private.check()
    follow(page, page.get_by_role("button", name="Save"))

    # Nothing is kept, nothing is lost: the words stay in the form, which says why.
    assert page.url.endswith("/journal/new/"), page.url
    expect(page.get_by_role("alert")).to_contain_text("your words are still below")
    expect(page.get_by_label("What is on your mind?")).to_have_value(WORDS)
    follow(page, page.locator("#vault-private").get_by_role("link", name="your vault's page"))
    assert page.url.endswith("/vault/journal/"), page.url
    wait_state(page, "locked")
    expect(page.get_by_label("Vault passphrase", exact=True)).to_be_visible()
    counted = live_app.cli(
        "manage", "shell", "-c", COUNT_ENTRIES.format(email=alex_email, words=WORDS)
    )
    assert "COUNT 0" in counted.stdout, counted.stdout + counted.stderr

    # A shared entry still saves from the same form.
    visit(page, "/journal/new/")
    page.get_by_label("Shared with my partner").check()
    page.get_by_label("What is on your mind?").fill("A shared note for us both.")
    follow(page, page.get_by_role("button", name="Save"))
    expect(page.locator("main")).to_contain_text("A shared note for us both.")

    # The ordinary safety check leads to the vault's.
    visit(page, "/care/safety/")
    assert page.url.endswith("/vault/safety/"), page.url
    expect(page.locator(".messages")).to_contain_text("your safety check is kept there")
    wait_state(page, "locked")
