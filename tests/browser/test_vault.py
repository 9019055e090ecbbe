"""The vault in a real browser (chromium against `reattune serve`, axe on every page and state).

One long flow covers the person's path: set up (a weak passphrase refused, the recovery key
shown once), write, lock, reload (locked), a wrong passphrase, unlock and read, an item made
by Python (reattune/vault/format.py) read in the browser and the browser's read by Python,
crisis words with help shown, moving entries in and out, a passphrase change, recovery with
the recovery key, the safety check in the vault, and log-out forgetting the key. Every request
the browser sends is captured: none carries the vault text or the answers. Then the server
side: the database files (or pg_dump), a backup, the server's log, the partner's export and the
author's own hold none of it, nor does any server-encrypted field opened with the server's key
files; the author's export opens with `reattune vault decrypt` (passphrase, then recovery key),
and imported into another account its vault opens with the same passphrase.

A second test checks the browser's format code against the known answers in
reattune/vault/vectors.json, both ways.
"""

import base64
import json
import os
import re
import subprocess
import sys
import zipfile
from urllib.parse import unquote, unquote_plus

import pytest
from playwright.sync_api import expect

from reattune.vault import format as vault_format
from tests.browser import REPO
from tests.browser.conftest import DESKTOP, PHONE, axe_check
from tests.browser.test_care import PASSWORD, make_couple
from tests.browser.test_foundation import follow, log_in, visit
from tests.test_vault_api import pg_tool

pytestmark = pytest.mark.browser

PASSPHRASE = "tulip orbit gravel misty harbour"
NEW_PASSPHRASE = "lantern copper meadow quietly 9"
THIRD_PASSPHRASE = "violet canyon parsley drumbeat"
SECRET_TITLE = "Heron notebook 5519"
SECRET_BODY = "The plum tree by the canal knows about 7731 quiet afternoons."
EDITED_BODY = "Plum tree, edited: 8842 walnuts."
# Its number makes it this test's own: the search of the server side looks at every row, and
# other tests in the same process write the same words outside any vault.
CRISIS_BODY = "Heron 3907: some days I want to kill myself."
NOTES = "Wrote this note 6620 for myself."
MOVED_BODY = "Moving in: the 4417 lighthouse letter."
VECTORS = json.loads((REPO / "reattune" / "vault" / "vectors.json").read_text())

# Run inside `reattune manage shell`: open the person's keyring with the passphrase in Python,
# read every item the browser made, and add one item made by Python.
PYTHON_SIDE = """
import json
from reattune.accounts.models import User
from reattune.vault import format as f
from reattune.vault.actions import do_create_item
user = User.objects.get(email={email!r})
ring = user.vault_keyring
keyring = {{"vault_id": str(ring.vault_id), "format": ring.format, "kdf": ring.kdf,
    "wrapped_key_passphrase": ring.wrapped_key_passphrase,
    "wrapped_key_recovery": ring.wrapped_key_recovery, "key_version": ring.key_version}}
key = f.open_keyring(keyring, passphrase={passphrase!r})
opened = [f.decrypt_item(key, keyring["vault_id"], str(i.item_id), i.kind, i.ciphertext)
          for i in user.vault_items.all()]
item_id = f.new_uuid4()
payload = {{"title": "Made by Python", "body": {body!r}, "written_at": "2026-01-02T03:04:05+00:00"}}
do_create_item(user, item_id, "journal",
               f.encrypt_item(key, keyring["vault_id"], item_id, "journal", payload))
print("JSON" + json.dumps(opened))
"""


# Runs in the page: move the kept key's expiry into the past, as if the idle time had passed.
EXPIRE_KEPT_KEY = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("reattune-vault", 1);
  open.onsuccess = () => {
    const tx = open.result.transaction("keys", "readwrite");
    const store = tx.objectStore("keys");
    const get = store.get("current");
    get.onsuccess = () => { store.put({...get.result, expires: 0}, "current"); };
    tx.oncomplete = () => { open.result.close(); resolve(true); };
    tx.onerror = () => reject(tx.error);
  };
  open.onerror = () => reject(open.error);
})"""


# Run inside `reattune manage shell`: write one private entry of the partner's (a text the
# server can read, so the search below is seen to find what is there), then open every
# server-encrypted field of every row with the server's own key files and say which models hold
# the canary and which any of the texts.
OPEN_EVERY_FIELD = """
import json
from reattune.accounts.models import User
from reattune.core.crypto import encrypted_fields
from reattune.journal.actions import do_create_entry
do_create_entry(User.objects.get(email={partner!r}), {canary!r}, visibility="private")
texts = [t.lower() for t in json.loads({texts!r})]
canary, found = [], []
for model, names in encrypted_fields():
    for row in model._base_manager.values_list(*names):
        for value in row:
            if value:
                canary += [model._meta.label] if {canary!r} in str(value) else []
                found += [model._meta.label for t in texts if t in str(value).lower()]
print("JSON" + json.dumps({{"canary": canary, "found": found}}))
"""
CANARY = "Sam's own private canary 2718"


def server_side_holdings(live_app, folder, partner_email, own_email):
    """(name, text) of everything the server side holds or writes about these people: the
    database (its SQLite file and write-ahead log, or pg_dump), a fresh backup (restored to SQL
    on PostgreSQL), the server's log, and the partner's and the author's own exports (each file
    inside them)."""
    held = [("the server's log", live_app.output())]
    database_url = live_app.env.get("DATABASE_URL")
    if database_url:
        dump = [pg_tool("pg_dump"), "--no-owner", "--dbname", database_url]
        held.append(("pg_dump", subprocess.run(dump, capture_output=True, check=True).stdout))
    else:
        for path in sorted(live_app.data_dir.glob("reattune.sqlite3*")):
            held.append((path.name, path.read_bytes()))
    backups = folder / "backups"
    live_app.cli("backup", "--out", str(backups), timeout=300)
    for path in sorted(p for p in backups.iterdir() if p.is_file()):
        data = path.read_bytes()
        if database_url:
            restore = [pg_tool("pg_restore"), "--no-owner", "-f", "-", str(path)]
            data = subprocess.run(restore, capture_output=True, check=True).stdout
        held.append((f"backup {path.name}", data))
    for who, email in (("partner", partner_email), ("own", own_email)):
        out = folder / f"{who}-export.zip"
        live_app.cli("export", "--user", email, "--out", str(out), "--quiet", timeout=300)
        with zipfile.ZipFile(out) as archive:
            held += [(f"{who} export {n}", archive.read(n)) for n in archive.namelist()]
    return [
        (name, data if isinstance(data, str) else data.decode("utf-8", "replace"))
        for name, data in held
    ]


def assert_the_server_holds_none_of(live_app, folder, partner_email, own_email, texts):
    """None of the texts in the database files, a backup, the log or either export, nor in
    any server-encrypted field opened with the server's own key files."""
    os.makedirs(folder, exist_ok=True)
    held = server_side_holdings(live_app, folder, partner_email, own_email)
    names = {name for name, _ in held}
    assert any(n.startswith("partner export") for n in names), names
    assert any(n.startswith("own export vault_items") for n in names), names
    found = [(name, text) for name, data in held for text in texts if text.lower() in data.lower()]
    assert not found, found
    script = OPEN_EVERY_FIELD.format(partner=partner_email, canary=CANARY, texts=json.dumps(texts))
    opened = json.loads(live_app.cli("manage", "shell", "-c", script).stdout.split("JSON", 1)[1])
    assert opened == {"canary": ["journal.Entry"], "found": []}, opened


# Run inside `reattune manage shell`: open an account's vault with the passphrase and print the
# bodies of its journal items.
READ_BODIES = """
import json
from reattune.accounts.models import User
from reattune.vault import format as f
ring = User.objects.get(email={email!r}).vault_keyring
keyring = {{"vault_id": str(ring.vault_id), "format": ring.format, "kdf": ring.kdf,
    "wrapped_key_passphrase": ring.wrapped_key_passphrase,
    "wrapped_key_recovery": ring.wrapped_key_recovery, "key_version": ring.key_version}}
key = f.open_keyring(keyring, passphrase={passphrase!r})
print("JSON" + json.dumps(sorted(
    f.decrypt_item(key, keyring["vault_id"], str(i.item_id), i.kind, i.ciphertext)["body"]
    for i in ring.items.filter(kind="journal"))))
"""


def decrypt_export(live_app, export, out, secret, *options):
    """`reattune vault decrypt` on the export, the secret typed into a pipe (no terminal):
    the bodies of the journal entries it wrote."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reattune",
            "vault",
            "decrypt",
            str(export),
            "--out",
            str(out),
            *options,
        ],
        input=secret + "\n",
        env=live_app.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        start_new_session=True,  # no controlling terminal: the secret is read from stdin
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert secret not in result.stdout + result.stderr
    items = json.loads((out / "items.json").read_text(encoding="utf-8"))
    return sorted(item["content"]["body"] for item in items if item["kind"] == "journal")


class RequestLog:
    """Every request a context sends: method, URL, and its headers and body (one text)."""

    def __init__(self, context):
        self.sent = []
        context.on("request", self.record)

    def record(self, request):
        body = (request.post_data_buffer or b"").decode("utf-8", "replace")
        self.sent.append((request.method, request.url, json.dumps(request.headers) + "\n" + body))

    def carrying(self, *texts):
        """The requests holding any of the texts, as sent or once URL-decoded."""
        found = []
        for method, url, rest in self.sent:
            seen = url + "\n" + rest
            forms = tuple(form.lower() for form in (seen, unquote_plus(seen), unquote(seen)))
            if any(text.lower() in form for text in texts for form in forms):
                found.append(f"{method} {url}")
        return found


def state_of(page):
    return page.locator("#vault").get_attribute("data-vault-shown")


def wait_state(page, name):
    expect(page.locator("#vault")).to_have_attribute("data-vault-shown", name, timeout=20_000)
    axe_check(page)


def unlock(page, passphrase):
    page.get_by_label("Vault passphrase", exact=True).fill(passphrase)
    page.get_by_role("button", name="Unlock my vault").click()


def lock_now(page):
    page.get_by_role("button", name="Lock now").click()
    wait_state(page, "locked")


def entry_titles(page):
    return page.locator("[data-entries] [data-entry-heading]").all_inner_texts()


def test_the_vault_keeps_words_from_everyone_but_their_author(new_context, live_app, tmp_path):
    alex_email, sam_email = make_couple(live_app)
    context = new_context(viewport=PHONE, check_axe_on_every_page=True)
    log = RequestLog(context)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    visit(page, "/login/")
    log_in(page, alex_email, PASSWORD)

    # Set up: the page says who can read what; weak or mismatched passphrases are refused.
    visit(page, "/vault/")
    wait_state(page, "none")
    main = page.locator("main")
    expect(main).to_contain_text("not your partner, not a therapist, not whoever runs this server")
    page.get_by_label("Choose a vault passphrase").fill("password123")
    expect(page.locator("#setup-strength [data-strength-text]")).to_contain_text("weak")
    page.get_by_label("Type it again").fill("password123")
    page.get_by_role("button", name="Create my vault").click()
    expect(main).to_contain_text("too easy to guess")
    page.get_by_label("Choose a vault passphrase").fill(PASSPHRASE)
    page.get_by_label("Type it again").fill(PASSPHRASE + "x")
    page.get_by_role("button", name="Create my vault").click()
    expect(main).to_contain_text("not the same")
    page.get_by_label("Type it again").fill(PASSPHRASE)
    page.get_by_role("button", name="Create my vault").click()
    expect(main).to_contain_text("Please tick the box")
    page.get_by_label("I understand: if I lose both").check()
    page.get_by_role("button", name="Create my vault").click()
    wait_state(page, "recovery")
    recovery = page.locator("[data-recovery-key]").inner_text().strip()
    assert re.fullmatch(r"([A-Z2-7]{4}-){7}[A-Z2-7]{4}", recovery), recovery
    page.get_by_role("button", name="Continue to my vault").click()
    expect(main).to_contain_text("Please tick the box once")
    page.get_by_label("I have written down or printed my recovery key").check()
    page.get_by_role("button", name="Continue to my vault").click()
    wait_state(page, "unlocked")
    assert page.locator("[data-recovery-key]").inner_text() == ""

    # Write an entry, then edit it.
    follow(page, page.get_by_role("link", name="Vault journal"))
    wait_state(page, "unlocked")  # still open: the key is kept for this session
    page.get_by_label("Title (optional)").fill(SECRET_TITLE)
    page.get_by_label("What is on your mind?").fill(SECRET_BODY)
    page.get_by_role("button", name="Save to my vault").click()
    expect(page.locator("[data-entries]")).to_contain_text(SECRET_BODY)
    page.get_by_role("button", name=f"Edit: {SECRET_TITLE}").click()
    page.get_by_label("What is on your mind?").fill(EDITED_BODY)
    page.get_by_role("button", name="Save to my vault").click()
    expect(page.locator("[data-entries]")).to_contain_text(EDITED_BODY)
    expect(page.locator("[data-entries]")).not_to_contain_text(SECRET_BODY)
    axe_check(page)

    # Lock now; a reload stays locked; a wrong passphrase says so; the right one opens it.
    lock_now(page)
    expect(page.locator("[data-entries]")).not_to_contain_text(EDITED_BODY)
    visit(page, "/vault/journal/")
    wait_state(page, "locked")
    sent_before = len(log.sent)
    unlock(page, "not the passphrase at all")
    expect(page.locator("#unlock-error")).to_contain_text(
        "That is not your vault passphrase", timeout=20_000
    )
    axe_check(page)
    assert state_of(page) == "locked"
    # Checked in this browser only: the server hears nothing of it, so it can lock nothing.
    assert [(m, u) for m, u, _ in log.sent[sent_before:] if m != "GET"] == []
    unlock(page, PASSPHRASE)
    wait_state(page, "unlocked")
    expect(page.locator("[data-entries]")).to_contain_text(EDITED_BODY)

    # Python reads what the browser wrote, and the browser reads what Python wrote.
    result = live_app.cli(
        "manage",
        "shell",
        "-c",
        PYTHON_SIDE.format(email=alex_email, passphrase=PASSPHRASE, body="Python body 3390"),
    )
    opened = json.loads(result.stdout.split("JSON", 1)[1])
    assert [(o["title"], o["body"]) for o in opened] == [(SECRET_TITLE, EDITED_BODY)]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", opened[0]["written_at"])
    visit(page, "/vault/journal/")
    wait_state(page, "unlocked")
    expect(page.locator("[data-entries]")).to_contain_text("Python body 3390")

    # Crisis words: saved, and help shown here; the text is never sent in the clear.
    page.get_by_label("What is on your mind?").fill(CRISIS_BODY)
    page.get_by_role("button", name="Save to my vault").click()
    expect(page.locator("[data-entries]")).to_contain_text(CRISIS_BODY)
    # The detector is static/reattune/crisis.js on the shipped lexicons, run in this page.
    help_card = page.locator("#vault-help")
    expect(help_card).to_be_visible(timeout=20_000)
    expect(help_card).to_contain_text("only you can read them")
    expect(help_card.locator('[data-help-kind="suicide"]')).to_be_visible()
    axe_check(page)

    # Move entries in (the readable copy is deleted in the same step) and out. With a vault,
    # new private words go into it, and a shared entry is made private by moving it in, from
    # its own page (tests/browser/test_vault_private_switch.py: the edit's way there).
    visit(page, "/journal/new/")
    page.get_by_label("What is on your mind?").fill(MOVED_BODY)
    page.get_by_label("Shared with my partner").check()
    follow(page, page.get_by_role("button", name="Save"))
    follow(page, page.get_by_role("link", name="Make private: move into my vault"))
    wait_state(page, "unlocked")
    page.locator("[data-move-offer]").get_by_role("button", name="Move into my vault").click()
    expect(page.locator("[data-entries]")).to_contain_text(MOVED_BODY)
    axe_check(page)
    visit(page, "/journal/")
    expect(page.locator("main")).not_to_contain_text("lighthouse")
    visit(page, "/vault/journal/")
    wait_state(page, "unlocked")
    page.get_by_role("button", name=f"Move out of the vault: {SECRET_TITLE}").click()
    expect(page.locator("[data-vault-status]")).to_contain_text("Moved out of your vault")
    expect(page.locator("[data-entries]")).not_to_contain_text(EDITED_BODY)
    visit(page, "/journal/")
    expect(page.locator("main")).to_contain_text(SECRET_TITLE)
    expect(page.locator("#outside-vault")).to_contain_text("whoever runs this server could")
    # ... and back in, from the list of private entries outside the vault.
    visit(page, "/vault/journal/")
    wait_state(page, "unlocked")
    page.get_by_role("button", name="Show my private entries").click()
    page.get_by_role("button", name=f"Move into my vault: {SECRET_TITLE}").click()
    expect(page.locator("[data-entries]")).to_contain_text(EDITED_BODY)
    visit(page, "/journal/")
    expect(page.locator("main")).not_to_contain_text(SECRET_TITLE)

    # Change the passphrase: the old one no longer opens the vault, the new one does.
    visit(page, "/vault/")
    wait_state(page, "unlocked")
    change = page.locator('[data-vault-form="change"]')
    change.get_by_label("Current passphrase").fill(PASSPHRASE)
    change.get_by_label("New passphrase", exact=True).fill(NEW_PASSPHRASE)
    change.get_by_label("Type the new passphrase again").fill(NEW_PASSPHRASE)
    sent_before = len(log.sent)
    page.get_by_role("button", name="Change my passphrase").click()
    expect(page.locator("[data-vault-status]")).to_contain_text(
        "Your passphrase is changed", timeout=30_000
    )
    # The key is wrapped again; no item is written (nothing is encrypted again).
    writes = [(m, u) for m, u, _ in log.sent[sent_before:] if m != "GET"]
    assert writes == [("PUT", f"{live_app.url}/api/v1/vault/keys")], writes
    lock_now(page)
    unlock(page, PASSPHRASE)
    expect(page.locator("#unlock-error")).to_contain_text(
        "That is not your vault passphrase", timeout=20_000
    )
    unlock(page, NEW_PASSPHRASE)
    wait_state(page, "unlocked")

    # Forgot it: the recovery key opens the vault and sets a new passphrase.
    lock_now(page)
    recover = page.locator('[data-vault-form="recover"]')
    recover.get_by_label("Recovery key", exact=True).fill(recovery.lower().replace("-", " "))
    recover.get_by_label("New vault passphrase").fill(THIRD_PASSPHRASE)
    recover.get_by_label("Type the new passphrase again").fill(THIRD_PASSPHRASE)
    sent_before = len(log.sent)
    page.get_by_role("button", name="Open with my recovery key").click()
    wait_state(page, "unlocked")
    expect(page.locator("[data-vault-status]")).to_contain_text("new passphrase is set")
    writes = [(m, u) for m, u, _ in log.sent[sent_before:] if m != "GET"]
    assert writes == [("PUT", f"{live_app.url}/api/v1/vault/keys")], writes

    # Idle time-out: once the kept key is past its expiry, the page locks by itself.
    page.evaluate(EXPIRE_KEPT_KEY)
    expect(page.locator("#vault")).to_have_attribute("data-vault-shown", "locked", timeout=20_000)
    expect(page.locator("[data-vault-status]")).to_contain_text("not used for a while")
    axe_check(page)
    unlock(page, THIRD_PASSPHRASE)
    wait_state(page, "unlocked")

    # The safety check in the vault: scored here, the right outcome shown, kept after reload.
    visit(page, "/vault/safety/")
    wait_state(page, "unlocked")
    form = page.locator('[data-vault-form="safety"]')
    form.locator('input[name="threatened"][value="2"]').check()
    form.locator('input[name="afraid"][value="1"]').check()
    page.get_by_label("Anything you want to note for yourself").fill(NOTES)
    page.get_by_role("button", name="Save my answers in the vault").click()
    result_box = page.locator("[data-safety-result]")
    expect(result_box).to_be_visible()
    expect(result_box.locator('[data-outcome="positive"]').first).to_be_visible()
    expect(result_box.locator('[data-outcome="negative"]')).to_be_hidden()
    expect(result_box.locator('[data-outcome="urgent"]')).to_be_hidden()
    expect(result_box).to_contain_text("Making a safety plan")
    axe_check(page)
    visit(page, "/vault/safety/")
    wait_state(page, "unlocked")
    expect(page.locator('[data-outcome="positive"]').first).to_be_visible()
    expect(page.locator("[data-safety-last]")).to_be_visible()

    # Log-out from a vault page forgets the key: after logging in again the vault is locked.
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    axe_check(page)
    visit(page, "/login/")
    log_in(page, alex_email, PASSWORD)
    visit(page, "/vault/journal/")
    wait_state(page, "locked")
    expect(page.locator("main")).not_to_contain_text("Python body")

    # Nothing the browser sent carried the vault's words or the answers in the clear, but for
    # the one entry the person moved out of the vault (a private journal entry again).
    moved_out = log.carrying(EDITED_BODY)
    assert moved_out == [f"POST {live_app.url}/api/v1/journal"], moved_out
    log.sent = [(m, u, b) for m, u, b in log.sent if EDITED_BODY not in b]
    leaks = log.carrying(SECRET_TITLE, SECRET_BODY, EDITED_BODY, CRISIS_BODY, NOTES, PASSPHRASE)
    leaks += log.carrying(NEW_PASSPHRASE, THIRD_PASSPHRASE, recovery, recovery.replace("-", ""))
    leaks += log.carrying('"threatened"', "threatened=", '"afraid"', "afraid=")
    assert not leaks, leaks
    vault_writes = [u for m, u, _ in log.sent if m in ("POST", "PUT") and "/api/v1/vault" in u]
    assert len(vault_writes) >= 8, vault_writes

    # Nor does anything the server holds or writes: the database and its log (or pg_dump), a
    # backup, the server's log, sam's export and alex's own (the vault there is ciphertext);
    # nor any field the server encrypts, opened with its own key files. The entry moved out
    # and back in is in the vault again: the server's readable copy went with the move.
    secrets = [SECRET_TITLE, SECRET_BODY, EDITED_BODY, CRISIS_BODY, NOTES, MOVED_BODY]
    secrets += ["Python body 3390", PASSPHRASE, NEW_PASSPHRASE, THIRD_PASSPHRASE, recovery]
    assert_the_server_holds_none_of(live_app, tmp_path, sam_email, alex_email, secrets)

    # The export carries the vault encrypted: `reattune vault decrypt` opens it with the
    # passphrase or with the recovery key, and an import elsewhere brings it back intact.
    export = tmp_path / "own-export.zip"
    bodies = decrypt_export(live_app, export, tmp_path / "plain", THIRD_PASSPHRASE)
    assert len(bodies) == 4, bodies
    assert {EDITED_BODY, CRISIS_BODY, MOVED_BODY, "Python body 3390"} == set(bodies), bodies
    again = decrypt_export(live_app, export, tmp_path / "again", recovery.lower(), "--recovery")
    assert again == bodies
    copy_email = alex_email.replace("alex-", "alex-copy-")
    live_app.cli("import", str(export), "--user", copy_email, "--quiet", timeout=300)
    read = READ_BODIES.format(email=copy_email, passphrase=THIRD_PASSPHRASE)
    imported = live_app.cli("manage", "shell", "-c", read).stdout.split("JSON", 1)[1]
    assert json.loads(imported) == bodies


# Runs in the page: the browser's format code on the known answers (vectors.json).
BROWSER_VECTORS = """async (vectors) => {
  const V = window.reattuneVault, subtle = crypto.subtle;
  const raw = async (key) => V.b64uEncode(new Uint8Array(await subtle.exportKey("raw", key)));
  const out = {keyrings: [], items: [], made: null};
  for (const ring of vectors.keyrings) {
    const kek = await V.passphraseKek(ring.passphrase, ring.kdf);
    const byPassphrase = await V.unwrap(kek, ring.wrapped_key_passphrase, "passphrase", ring.vault_id, true);
    const rkek = await V.recoveryKek(V.parseRecoveryKey(ring.recovery_key), ring.vault_id);
    const byRecovery = await V.unwrap(rkek, ring.wrapped_key_recovery, "recovery", ring.vault_id, true);
    let wrong = "opened";
    try { await V.unwrap(kek, ring.wrapped_key_recovery, "recovery", ring.vault_id, false); }
    catch (e) { wrong = e.code; }
    out.keyrings.push({name: ring.name, passphrase: await raw(byPassphrase),
                       recovery: await raw(byRecovery), wrong: wrong,
                       recovery_text: V.formatRecoveryKey(V.b64uDecode(ring.recovery_bytes))});
  }
  for (const item of vectors.items) {
    const key = await subtle.importKey("raw", V.b64uDecode(item.vault_key), "AES-GCM", false, ["encrypt", "decrypt"]);
    out.items.push(await V.decryptItem(key, item.vault_id, item));
  }
  const ring = vectors.keyrings[0];
  const key = await subtle.importKey("raw", V.b64uDecode(ring.vault_key), "AES-GCM", false, ["encrypt", "decrypt"]);
  const itemId = V.uuid4();
  out.made = {item_id: itemId, vault_id: ring.vault_id,
              ciphertext: await V.encryptItem(key, ring.vault_id, itemId, "journal",
                  {title: "Ünïcode ✓", body: "From the browser", written_at: V.isoWithOffset(new Date())})};
  return out;
}"""


def test_the_browser_and_python_read_each_others_vault_format(new_context, live_app):
    alex_email, _ = make_couple(live_app)
    page = new_context(viewport=DESKTOP, check_axe_on_every_page=True).new_page()
    visit(page, "/login/")
    log_in(page, alex_email, PASSWORD)
    visit(page, "/vault/")
    wait_state(page, "none")
    out = page.evaluate(BROWSER_VECTORS, VECTORS)
    for ring, got in zip(VECTORS["keyrings"], out["keyrings"], strict=True):
        assert got["passphrase"] == got["recovery"] == ring["vault_key"], ring["name"]
        assert got["wrong"] == "wrong-key"
        assert got["recovery_text"] == ring["recovery_key"]
    for item, got in zip(VECTORS["items"], out["items"], strict=True):
        expected = item["plaintext"]
        assert got == (json.loads(expected) if isinstance(expected, str) else expected)
    made = out["made"]
    ring = VECTORS["keyrings"][0]
    key = base64.urlsafe_b64decode(ring["vault_key"] + "=" * (-len(ring["vault_key"]) % 4))
    opened = vault_format.decrypt_item(
        key, made["vault_id"], made["item_id"], "journal", made["ciphertext"]
    )
    assert opened["title"] == "Ünïcode ✓" and opened["body"] == "From the browser"
    assert vault_format.is_uuid4(made["item_id"])
