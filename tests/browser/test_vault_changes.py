"""The vault in a real browser when what it holds changes under it.

- Item formats: an item saved in format 1 still opens, and is written in format 2 once the
  vault is open (and when it is next saved); an item whose format marker was taken off (a
  downgrade), added or changed does not open: the page says it could not be opened and shows
  none of its words.
- Deleted elsewhere: an entry deleted in another tab of the same browser, or on another device,
  leaves the open page (when the page is shown again, or at once from another tab) with a plain
  message; deleting or saving an entry that is already gone says so and keeps the words typed;
  a vault safety check deleted elsewhere leaves the safety page and stops resting Today.
- The help card on Today: for the author of a positive vault safety check it shows as safety
  mode words it (support on one's own), chosen in the browser; locked, the usual card; the
  partner's pages and API answers are the same, byte for byte, before and after.
"""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_check
from tests.browser.test_care import PASSWORD, logged_in, make_couple
from tests.browser.test_foundation import log_in, visit
from tests.browser.test_safety_mode import snapshot
from tests.browser.test_vault import PASSPHRASE, RequestLog, lock_now, unlock, wait_state

pytestmark = pytest.mark.browser

# Run inside `reattune manage shell`: a vault for {email} with the passphrase, and the items
# given as [title, kind, how] where how is "v1" (saved in format 1), "v2" (format 2),
# "downgraded" (format 2 with its "2." taken off), "upgraded" (format 1 with "2." put on) or
# "later" ("3." in place of "2.": the server refuses it, so it is stored past the API).
# Prints {title: item_id}.
MAKE_ITEMS = """
import json
from reattune.accounts.models import User
from reattune.vault import actions, format as f
from reattune.vault.models import VaultItem, VaultKeyring
user = User.objects.get(email={email!r})
ring = VaultKeyring.objects.filter(owner=user).first()
if ring is None:
    made, key, _ = f.create_keyring({passphrase!r})
    made.pop("key_version")
    ring = actions.do_create_keyring(user, **made)
    ring = VaultKeyring.objects.get(owner=user)
keyring = {{"vault_id": str(ring.vault_id), "format": ring.format, "kdf": ring.kdf,
    "wrapped_key_passphrase": ring.wrapped_key_passphrase,
    "wrapped_key_recovery": ring.wrapped_key_recovery}}
key = f.open_keyring(keyring, passphrase={passphrase!r})
ids = {{}}
for title, kind, how in json.loads({items!r}):
    item_id = f.new_uuid4()
    if kind == "journal":
        payload = {{"title": title, "body": title + " body", "written_at": "2026-12-01T10:00:00+00:00"}}
    else:
        payload = {{"screen_version": 1, "answers": {{}}, "notes": title,
                    "result": {{"positive": True, "urgent": False, "areas": ["fear"]}}}}
    old = f.encrypt_item(key, keyring["vault_id"], item_id, kind, payload, item_format=1)
    new = f.encrypt_item(key, keyring["vault_id"], item_id, kind, payload)
    text = {{"v1": old, "v2": new, "downgraded": new[2:], "upgraded": "2." + old,
             "later": "3." + new[2:]}}[how]
    if how == "later":
        VaultItem.objects.create(owner=user, keyring=ring, item_id=item_id, kind=kind, ciphertext=text)
    else:
        actions.do_create_item(user, item_id, kind, text)
    ids[title] = item_id
print("JSON" + json.dumps(ids))
"""

# Run inside `reattune manage shell`: delete the items {ids} of {email}, as another device would.
DELETE_ITEMS = """
from reattune.vault.models import VaultItem
n, _ = VaultItem.objects.filter(owner__email={email!r}, item_id__in={ids!r}).delete()
print("DELETED", n)
"""

# Run inside `reattune manage shell`: the stored ciphertext of item {item_id}, and what it opens to.
READ_ITEM = """
import json
from reattune.vault import format as f
from reattune.vault.models import VaultItem
item = VaultItem.objects.get(item_id={item_id!r})
ring = item.keyring
keyring = {{"vault_id": str(ring.vault_id), "format": ring.format, "kdf": ring.kdf,
    "wrapped_key_passphrase": ring.wrapped_key_passphrase,
    "wrapped_key_recovery": ring.wrapped_key_recovery}}
key = f.open_keyring(keyring, passphrase={passphrase!r})
opened = f.decrypt_item(key, keyring["vault_id"], str(item.item_id), item.kind, item.ciphertext)
print("JSON" + json.dumps({{"ciphertext": item.ciphertext, "opened": opened}}))
"""

FORMAT_ITEMS = [
    ["Saved long ago 5521", "journal", "v1"],
    ["Saved lately 6632", "journal", "v2"],
    ["Downgraded 7743", "journal", "downgraded"],
    ["Upgraded 8854", "journal", "upgraded"],
    ["Later format 9965", "journal", "later"],
]
JOURNAL_TITLES = (
    "Stays 1111",
    "Deleted in the other tab 2222",
    "Deleted on the phone 3333",
    "Being edited 4444",
    "Deleted twice 5555",
)
SHOWN_AGAIN = "document.dispatchEvent(new Event('visibilitychange'))"
ENTRIES = "[data-entries]"


def make_items(live_app, email, items) -> dict:
    result = live_app.cli(
        "manage",
        "shell",
        "-c",
        MAKE_ITEMS.format(email=email, passphrase=PASSPHRASE, items=json.dumps(items)),
    )
    assert "JSON" in result.stdout, result.stdout + result.stderr
    return json.loads(result.stdout.split("JSON", 1)[1])


def delete_elsewhere(live_app, email, *ids):
    result = live_app.cli("manage", "shell", "-c", DELETE_ITEMS.format(email=email, ids=list(ids)))
    assert f"DELETED {len(ids)}" in result.stdout, result.stdout + result.stderr


def read_item(live_app, item_id) -> dict:
    code = READ_ITEM.format(item_id=item_id, passphrase=PASSPHRASE)
    result = live_app.cli("manage", "shell", "-c", code)
    assert "JSON" in result.stdout, result.stdout + result.stderr
    return json.loads(result.stdout.split("JSON", 1)[1])


def open_vault(page, path="/vault/journal/"):
    visit(page, path)
    wait_state(page, "locked")
    unlock(page, PASSPHRASE)
    wait_state(page, "unlocked")


def test_old_items_open_and_a_changed_format_marker_fails_closed(new_context, live_app):
    alex_email, _ = make_couple(live_app)
    ids = make_items(live_app, alex_email, FORMAT_ITEMS)
    alex = logged_in(new_context, live_app, alex_email, PHONE)
    open_vault(alex)
    entries = alex.locator(ENTRIES)
    expect(entries.locator("[data-item-id]")).to_have_count(5)
    expect(entries).to_contain_text("Saved long ago 5521 body")
    expect(entries).to_contain_text("Saved lately 6632 body")
    for title in ("Downgraded 7743", "Upgraded 8854", "Later format 9965"):
        node = entries.locator(f'[data-item-id="{ids[title]}"]')
        expect(node.locator("[data-entry-heading]")).to_have_text("This item could not be opened")
        expect(
            node.get_by_role("button", name="Edit: This item could not be opened")
        ).to_be_hidden()
        expect(node).not_to_contain_text(title)
    axe_check(alex)

    # The old entry is written again in format 2 in the background once the vault is open
    # (tests/browser/test_vault_upgrade.py); editing it afterwards is no conflict, and the
    # edit is format 2 too, which Python opens.
    old_id = ids["Saved long ago 5521"]
    expect(alex.locator("#vault")).to_have_attribute("data-vault-upgraded", "1", timeout=20_000)
    assert read_item(live_app, old_id)["ciphertext"].startswith("2.")
    alex.get_by_role("button", name="Edit: Saved long ago 5521").click()
    alex.get_by_label("What is on your mind?").fill("Edited in format two 1212")
    alex.get_by_role("button", name="Save to my vault").click()
    expect(entries).to_contain_text("Edited in format two 1212")
    stored = read_item(live_app, old_id)
    assert stored["ciphertext"].startswith("2.")
    assert stored["opened"]["body"] == "Edited in format two 1212"
    assert stored["opened"]["title"] == "Saved long ago 5521"
    # And a new entry is written in format 2 from the start.
    alex.get_by_label("What is on your mind?").fill("Brand new 3434")
    alex.get_by_role("button", name="Save to my vault").click()
    expect(entries).to_contain_text("Brand new 3434")
    new_id = (
        entries.locator("[data-item-id]")
        .filter(has_text="Brand new 3434")
        .get_attribute("data-item-id")
    )
    assert read_item(live_app, new_id)["ciphertext"].startswith("2.")
    axe_check(alex)


def test_entries_deleted_elsewhere_leave_the_open_page(new_context, live_app):
    alex_email, _ = make_couple(live_app)
    ids = make_items(live_app, alex_email, [[title, "journal", "v2"] for title in JOURNAL_TITLES])
    context = new_context(viewport=DESKTOP, check_axe_on_every_page=True)
    first = context.new_page()
    first.on("dialog", lambda dialog: dialog.accept())
    visit(first, "/login/")
    log_in(first, alex_email, PASSWORD)
    open_vault(first)
    entries = first.locator(ENTRIES)
    expect(entries.locator("[data-item-id]")).to_have_count(5)
    status = first.locator("[data-vault-status]")

    # Deleted on another device: when this page is shown again, the entry leaves, said plainly.
    delete_elsewhere(live_app, alex_email, ids["Deleted on the phone 3333"])
    first.evaluate(SHOWN_AGAIN)
    expect(entries).not_to_contain_text("Deleted on the phone 3333")
    expect(status).to_have_text(
        "An entry was deleted in another window or on another device, so it is no longer "
        "shown here."
    )
    expect(entries.locator("[data-item-id]")).to_have_count(4)
    axe_check(first)

    # Deleted in another tab of this browser: this page follows at once.
    second = context.new_page()
    second.on("dialog", lambda dialog: dialog.accept())
    visit(second, "/vault/journal/")
    wait_state(second, "unlocked")  # the key kept for this session opens it here too
    second.get_by_role("button", name="Delete: Deleted in the other tab 2222").click()
    expect(second.locator(ENTRIES)).not_to_contain_text("Deleted in the other tab 2222")
    expect(second.locator("[data-vault-status]")).to_have_text("Deleted from your vault.")
    expect(entries).not_to_contain_text("Deleted in the other tab 2222")
    expect(status).to_contain_text("deleted in another window or on another device")
    second.close()

    # Deleting an entry that is already gone: it leaves, and the page says so.
    delete_elsewhere(live_app, alex_email, ids["Deleted twice 5555"])
    first.get_by_role("button", name="Delete: Deleted twice 5555").click()
    expect(entries).not_to_contain_text("Deleted twice 5555")
    expect(status).to_have_text(
        "This entry was already deleted, in another window or on another device."
    )

    # Saving an edit of an entry deleted meanwhile: nothing lost, the words stay to keep anew.
    first.get_by_role("button", name="Edit: Being edited 4444").click()
    first.get_by_label("What is on your mind?").fill("Words I do not want to lose 6767")
    delete_elsewhere(live_app, alex_email, ids["Being edited 4444"])
    first.get_by_role("button", name="Save to my vault").click()
    expect(first.locator('[data-vault-form="entry"] [data-vault-error]')).to_have_text(
        "That entry is no longer in your vault, so nothing was saved yet."
    )
    expect(status).to_contain_text("Your words are still in the box below")
    expect(entries).not_to_contain_text("Being edited 4444")
    expect(first.get_by_label("What is on your mind?")).to_have_value(
        "Words I do not want to lose 6767"
    )
    axe_check(first)
    first.get_by_role("button", name="Save to my vault").click()
    expect(entries).to_contain_text("Words I do not want to lose 6767")
    expect(entries.locator("[data-item-id]")).to_have_count(2)
    expect(entries).to_contain_text("Stays 1111")


def test_a_vault_check_rests_the_help_card_and_leaves_when_deleted(new_context, live_app):
    # Weeks of low connection in alex's check-ins: alex has the help card.
    alex_email, sam_email = make_couple(live_app, low_days=15)
    make_items(live_app, alex_email, [])  # a vault, with no safety check yet
    sam = logged_in(new_context, live_app, sam_email, DESKTOP)
    sam_before = snapshot(sam)
    usual = "often easier to turn around with some outside support"
    solo = "talking with someone on your own can help"

    alex = logged_in(new_context, live_app, alex_email, PHONE)
    log = RequestLog(alex.context)
    card = alex.locator("#help-card")
    visit(alex, "/home/")
    expect(card).to_contain_text(usual)
    expect(card.locator("[data-vault-rest]")).to_have_count(0)

    # A positive safety check in the vault (its saving through the page is test_vault_rest's),
    # and the vault unlocked in this browser.
    make_items(live_app, alex_email, [["Positive 2323", "safety", "v2"]])
    open_vault(alex, "/vault/safety/")
    expect(alex.locator('[data-safety-result] [data-outcome="positive"]').first).to_be_visible()

    # Today: the help card as safety mode words it, chosen here; one switch on the page.
    log.sent.clear()
    visit(alex, "/home/")
    root = alex.locator("[data-vault-rest-root]")
    expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
    resting = card.locator('[data-vault-rest="resting"]')
    expect(resting).to_be_visible()
    expect(resting).to_contain_text(solo)
    expect(resting).to_contain_text("a way of looking after yourself")
    expect(card.locator('[data-vault-rest="usual"]')).to_be_hidden()
    expect(card.get_by_role("link", name="Ways to get support")).to_be_visible()
    axe_check(alex)
    assert {method for method, _, _ in log.sent} == {"GET"}, log.sent
    assert not log.carrying("positive", "resting", "threatened", "afraid"), log.sent

    # Deleted on another device: when Today is shown again, the usual card is back.
    check_ids = json.loads(alex.evaluate(LIST_SAFETY))
    assert len(check_ids) == 1
    delete_elsewhere(live_app, alex_email, *check_ids)
    alex.evaluate(SHOWN_AGAIN)
    expect(root).to_have_attribute("data-vault-rest-shown", "usual", timeout=20_000)
    expect(card.locator('[data-vault-rest="usual"]')).to_be_visible()
    expect(resting).to_be_hidden()

    # The vault safety page follows a deletion elsewhere too.
    make_items(live_app, alex_email, [["A check kept 4545", "safety", "v2"]])
    visit(alex, "/vault/safety/")
    wait_state(alex, "unlocked")
    expect(alex.locator("[data-safety-last]")).to_be_visible()
    check_ids = json.loads(alex.evaluate(LIST_SAFETY))
    delete_elsewhere(live_app, alex_email, *check_ids)
    alex.evaluate(SHOWN_AGAIN)
    expect(alex.locator("[data-vault-status]")).to_have_text(
        "Your safety check was deleted in another window or on another device, so it is no "
        "longer shown here."
    )
    expect(alex.locator('[data-vault-form="safety"]')).to_be_visible()
    expect(alex.locator("[data-safety-result]")).to_be_hidden()
    axe_check(alex)

    # Locked: the usual card.
    make_items(live_app, alex_email, [["Positive again 5656", "safety", "v2"]])
    visit(alex, "/home/")
    expect(root).to_have_attribute("data-vault-rest-shown", "resting", timeout=20_000)
    visit(alex, "/vault/")
    wait_state(alex, "unlocked")
    lock_now(alex)
    visit(alex, "/home/")
    expect(root).to_have_attribute("data-vault-rest-shown", "locked", timeout=20_000)
    expect(card.locator('[data-vault-rest="usual"]')).to_be_visible()
    expect(resting).to_be_hidden()
    axe_check(alex)

    # Sam's pages and API answers: exactly as before.
    assert snapshot(sam) == sam_before


# Runs in the page: the ids of the person's vault safety checks (what the vault API lists).
LIST_SAFETY = """() => fetch("/api/v1/vault/items?kind=safety", {credentials: "same-origin"})
  .then((r) => r.json()).then((items) => JSON.stringify(items.map((i) => i.item_id)))"""
