"""The vault journal's list, read a page at a time, when an item is deleted elsewhere meanwhile.

vault.js asks for the journal 100 items first, then 500 at a time after the last item of the
page before. If that item was deleted in the meantime (in another window or on another device)
the server answers 404 for the next page: the list starts again from the newest, once, and
draws only what it had not drawn yet. Here a person has 150 items (made through the server's
own code with the known-answer key material, tests/test_vault_api.py); each time the browser
asks for a page after an item, that item is deleted through the API just before the request
goes on. Once: every remaining item is shown exactly once. Twice in one listing: a plain
message says the list may be missing entries and how to see them all.
"""

import json
from collections import Counter

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, axe_check
from tests.browser.test_care import logged_in, make_couple
from tests.browser.test_foundation import visit
from tests.browser.test_vault import unlock, wait_state
from tests.test_vault_api import PASSPHRASE, vector_keyring

pytestmark = pytest.mark.browser

COUNT = 150  # more than the first page (100): the list needs a second page

# Run inside `reattune manage shell`: the keyring from the known answers, then COUNT journal
# items sealed with its vault key, oldest first; prints their ids, oldest first.
MAKE_ITEMS = """
import json, uuid
from reattune.accounts.models import User
from reattune.vault import actions, format as f
user = User.objects.get(email={email!r})
ring = {ring!r}
actions.do_create_keyring(user, **ring)
vectors = json.loads(open(f.__file__.replace("format.py", "vectors.json")).read())
key = f.b64u_decode(vectors["keyrings"][0]["vault_key"])
ids = []
for n in range(1, {count} + 1):
    item_id = str(uuid.uuid4())
    payload = {{"title": f"Paging {{n:03d}}", "body": f"Entry number {{n}}",
               "written_at": "2026-12-06T10:00:00+01:00"}}
    actions.do_create_item(user, item_id, "journal",
                           f.encrypt_item(key, ring["vault_id"], item_id, "journal", payload))
    ids.append(item_id)
print("IDS " + json.dumps(ids))
"""


def title(n: int) -> str:
    return f"Paging {n:03d}"


def entry_titles(page) -> list[str]:
    """Every entry's title in the list, in order (by text content: entries off screen are not
    rendered, content-visibility: auto, so their inner text is empty)."""
    return page.locator("[data-entries] [data-entry-heading]").all_text_contents()


def test_a_page_whose_first_item_was_deleted_meanwhile_starts_the_list_again(new_context, live_app):
    email, _ = make_couple(live_app)
    made = live_app.cli(
        "manage", "shell", "-c", MAKE_ITEMS.format(email=email, ring=vector_keyring(), count=COUNT)
    )
    line = [x for x in made.stdout.splitlines() if x.startswith("IDS ")]
    assert line, made.stdout + made.stderr
    ids = json.loads(line[0][4:])
    number = {item_id: n for n, item_id in enumerate(ids, start=1)}
    assert len(ids) == COUNT

    page = logged_in(new_context, live_app, email, PHONE)
    deleted: list[int] = []
    answers: list[tuple[str, int]] = []  # (the `after` asked for, the status it got)
    delete_at_most = [1]

    def csrf() -> str:
        cookies = {c["name"]: c["value"] for c in page.context.cookies()}
        return cookies["reattune_csrf"]

    def delete_first(route):
        """Before a page after an item goes on, that item is deleted (as on another device)."""
        after = route.request.url.split("after=", 1)[1].split("&", 1)[0]
        if len(deleted) < delete_at_most[0]:
            gone = page.request.delete(
                f"/api/v1/vault/items/{after}", headers={"X-CSRFToken": csrf()}
            )
            assert gone.status == 204, (gone.status, gone.text())
            deleted.append(number[after])
        route.continue_()

    def on_response(response):
        if "/api/v1/vault/items?kind=journal" in response.url and "after=" in response.url:
            answers.append((response.url.split("after=", 1)[1], response.status))

    page.on("response", on_response)
    page.route(
        lambda url: "/api/v1/vault/items?kind=journal" in url and "after=" in url, delete_first
    )

    visit(page, "/vault/journal/")
    wait_state(page, "locked")
    unlock(page, PASSPHRASE)
    wait_state(page, "unlocked")
    entries = page.locator("[data-entries] [data-entry-heading]")
    # The oldest comes last, with the last page.
    expect(entries.filter(has_text=title(1))).to_have_count(1, timeout=30_000)
    # The 100th newest was deleted before the second page was asked for after it.
    assert deleted == [COUNT - 99], deleted
    expect(page.locator("[data-vault-status]")).not_to_contain_text("missing")
    # Asked after the deleted item: 404; started again and asked after the next one: 200.
    remaining = [title(n) for n in range(COUNT, 0, -1) if n not in deleted]
    assert answers[0] == (ids[COUNT - 100], 404), answers
    # On a busy machine the page may ask for that next page twice (a scroll and a focus
    # arriving together); what counts is that it asked after the next item, never after the
    # deleted one again, and (below) that no entry is drawn twice.
    assert answers[1:] and set(answers[1:]) == {(ids[COUNT - 101], 200)}, answers
    shown = Counter(entry_titles(page))
    # Every remaining item is shown, exactly once, and nothing else but (at most once, drawn
    # with the first page before it was deleted) the deleted one.
    assert {t: shown[t] for t in remaining if shown[t] != 1} == {}
    assert set(shown) - set(remaining) <= {title(deleted[0])}, set(shown) - set(remaining)
    assert shown[title(deleted[0])] <= 1
    # The newest first, as always.
    assert entry_titles(page)[:3] == [title(COUNT), title(COUNT - 1), title(COUNT - 2)]
    axe_check(page)

    # Opened again: the deleted one is gone, the rest are there once each.
    answers.clear()
    visit(page, "/vault/journal/")
    wait_state(page, "unlocked")
    expect(entries).to_have_count(COUNT - 1, timeout=20_000)
    assert sorted(entry_titles(page)) == sorted(remaining)

    # Deleted again after starting again, in one listing: a plain message, nothing doubled.
    delete_at_most[0] = 3
    answers.clear()
    visit(page, "/vault/journal/")
    wait_state(page, "unlocked")
    status = page.locator("[data-vault-status]")
    expect(status).to_contain_text(
        "some entries may be missing here. Please reload the page to see them all.",
        timeout=20_000,
    )
    assert [s for _, s in answers] == [404, 404], answers
    assert len(deleted) == 3, deleted
    shown = Counter(entry_titles(page))
    assert max(shown.values()) == 1, [t for t, c in shown.items() if c > 1]
    assert shown[title(COUNT)] == 1
    axe_check(page)
