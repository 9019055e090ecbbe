"""Items still in item format 1 are written again in format 2 once the vault is open.

Planted by Python (reattune/vault/format.py) as a browser before format 2 saved them: a
journal entry and a safety check in format 1, an entry already in format 2, and a format 2
entry with its "2." taken off (it looks like format 1 but does not open). After one unlock the
browser rewrites, in the background, exactly the two that are format 1 and open: each becomes
format 2 with the same plaintext, one version on; the others keep their bytes and version. No
request carries the words. A later page of the same session does not read the list again for
it (the tab remembers it is done).
"""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_care import logged_in, make_couple
from tests.browser.test_foundation import visit
from tests.browser.test_vault import PASSPHRASE, RequestLog, unlock, wait_state
from tests.browser.test_vault_changes import make_items, read_item

pytestmark = pytest.mark.browser

ITEMS = [
    ["Old journal words 7301", "journal", "v1"],
    ["Old safety notes 7302", "safety", "v1"],
    ["Already format two 7303", "journal", "v2"],
    ["Marker taken off 7304", "journal", "downgraded"],
]

# Run inside `reattune manage shell`: the stored ciphertext and version of items {ids}.
RAW = """
import json
from reattune.vault.models import VaultItem
rows = VaultItem.objects.filter(item_id__in={ids!r})
print("JSON" + json.dumps({{str(i.item_id): [i.ciphertext, i.version] for i in rows}}))
"""


def titles_made(*hows):
    return [title for title, _, how in ITEMS if how in hows]


def stored(live_app, ids) -> dict:
    result = live_app.cli("manage", "shell", "-c", RAW.format(ids=list(ids)))
    assert "JSON" in result.stdout, result.stdout + result.stderr
    return json.loads(result.stdout.split("JSON", 1)[1])


def test_format_1_items_become_format_2_with_the_same_words_after_an_unlock(new_context, live_app):
    alex_email, _ = make_couple(live_app)
    ids = make_items(live_app, alex_email, ITEMS)
    old_journal, old_safety = ids["Old journal words 7301"], ids["Old safety notes 7302"]
    before = stored(live_app, ids.values())
    assert all("." not in before[ids[t]][0] for t in titles_made("v1", "downgraded"))
    opened_before = {i: read_item(live_app, i)["opened"] for i in (old_journal, old_safety)}

    page = logged_in(new_context, live_app, alex_email, PHONE)
    log = RequestLog(page.context)
    visit(page, "/vault/")
    wait_state(page, "locked")
    unlock(page, PASSPHRASE)
    wait_state(page, "unlocked")
    # Done in the background: the page says how many it wrote once every item was looked at.
    expect(page.locator("#vault")).to_have_attribute("data-vault-upgraded", "2", timeout=20_000)

    after = stored(live_app, ids.values())
    for item_id in (old_journal, old_safety):
        again = read_item(live_app, item_id)
        assert again["ciphertext"].startswith("2."), again["ciphertext"][:8]
        assert again["opened"] == opened_before[item_id]
        assert after[item_id][1] == before[item_id][1] + 1
    # What was format 2 already, and what does not open, are left exactly as they were.
    for title in ("Already format two 7303", "Marker taken off 7304"):
        assert after[ids[title]] == before[ids[title]], title
    puts = [url for method, url, _ in log.sent if method == "PUT"]
    assert sorted(url.rsplit("/", 1)[1] for url in puts) == sorted([old_journal, old_safety])
    assert not log.carrying("Old journal words", "Old safety notes", "7301", "7302")

    # The next page of this session does not look again: no second listing for the upgrade.
    listed = len([url for method, url, _ in log.sent if "/api/v1/vault/items?" in url])
    visit(page, "/vault/journal/")
    wait_state(page, "unlocked")
    entries = page.locator("[data-entries]")
    expect(entries).to_contain_text("Old journal words 7301 body")
    expect(entries).to_contain_text("Already format two 7303 body")
    journal_lists = [url for method, url, _ in log.sent if "/api/v1/vault/items?" in url]
    assert len(journal_lists) == listed + 1, journal_lists[listed:]
    assert page.locator("#vault").get_attribute("data-vault-upgraded") is None
    axe_check(page)
