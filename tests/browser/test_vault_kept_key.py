"""The key kept between pages never reaches the device's disk in a form that opens the vault.

The browser keeps the unlocked vault key in IndexedDB so the vault stays open from one page
to the next, and IndexedDB is written to the browser's profile on disk. The key is kept there
only wrapped under a session secret the server sends with each page (docs/vault.md, "In the
browser"). Here a real profile folder is searched, byte for byte, for the vault key itself
(read by Python from the keyring with the passphrase) while the vault is open, after "Lock
now" and after the browser is closed; the record opens only with the secret of the session
that kept it, and the next log-in gets another.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_care import PASSWORD, make_couple
from tests.browser.test_foundation import log_in
from tests.browser.test_vault import PASSPHRASE, unlock
from tests.browser.test_vault_changes import make_items

pytestmark = pytest.mark.browser

# Run inside `reattune manage shell`: the vault key of {email}, opened with the passphrase.
VAULT_KEY = """
from reattune.accounts.models import User
from reattune.vault import format as f
ring = User.objects.get(email={email!r}).vault_keyring
keyring = {{"vault_id": str(ring.vault_id), "format": ring.format, "kdf": ring.kdf,
    "wrapped_key_passphrase": ring.wrapped_key_passphrase,
    "wrapped_key_recovery": ring.wrapped_key_recovery}}
print("KEY", f.open_keyring(keyring, passphrase={passphrase!r}).hex())
"""

# Runs in the page: what the kept record holds (its fields, and the wrapped key's length).
KEPT = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("reattune-vault", 1);
  open.onsuccess = () => {
    const get = open.result.transaction("keys").objectStore("keys").get("current");
    get.onsuccess = () => {
      const r = get.result;
      open.result.close();
      resolve(r ? {fields: Object.keys(r).sort(), wrapped: r.wrapped.length,
                   keys: Object.values(r).filter((v) => v instanceof CryptoKey).length} : null);
    };
    get.onerror = () => reject(get.error);
  };
  open.onerror = () => reject(open.error);
})"""


def files_holding(folder, secret: bytes) -> list[str]:
    return [
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and secret in path.read_bytes()
    ]


def test_the_kept_key_is_wrapped_for_the_session_and_never_on_disk(browser, live_app, tmp_path):
    alex_email, _ = make_couple(live_app)
    make_items(live_app, alex_email, [["Kept key 6101", "journal", "v2"]])
    result = live_app.cli(
        "manage", "shell", "-c", VAULT_KEY.format(email=alex_email, passphrase=PASSPHRASE)
    )
    assert "KEY" in result.stdout, result.stdout + result.stderr
    key = bytes.fromhex(result.stdout.split("KEY", 1)[1].split()[0])
    profile = tmp_path / "profile"
    context = browser.browser_type.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        base_url=live_app.url,
    )
    try:
        page = context.new_page()
        page.goto("/login/")
        log_in(page, alex_email, PASSWORD)
        page.goto("/vault/journal/")
        vault = page.locator("#vault")
        expect(vault).to_have_attribute("data-vault-shown", "locked", timeout=20_000)
        unlock(page, PASSPHRASE)
        expect(vault).to_have_attribute("data-vault-shown", "unlocked", timeout=20_000)
        expect(page.locator("[data-entries]")).to_contain_text("Kept key 6101 body")
        kept = page.evaluate(KEPT)
        # 32 bytes of key and a 16-byte tag; no CryptoKey object is stored.
        assert kept == {
            "fields": ["expires", "iv", "tag", "vault_id", "wrapped"],
            "wrapped": 48,
            "keys": 0,
        }, kept
        # Another page of the same session opens the vault with it.
        page.goto("/vault/")
        expect(vault).to_have_attribute("data-vault-shown", "unlocked", timeout=20_000)
        assert files_holding(profile, key) == []

        # The record opens only with this session's secret; the next log-in has another.
        tag, wrap = vault.get_attribute("data-vault-tag"), vault.get_attribute("data-vault-wrap")
        opens = "([t, w]) => window.reattuneVault.openKept(t, w).then((k) => k !== null)"
        assert page.evaluate(opens, [tag, wrap]) is True
        assert page.evaluate(opens, [tag, "A" * 43]) is False
        page.get_by_role("button", name="Lock now").click()
        expect(vault).to_have_attribute("data-vault-shown", "locked", timeout=20_000)
        assert page.evaluate(opens, [tag, wrap]) is False  # the record is gone
        context.clear_cookies()
        page.goto("/login/")
        log_in(page, alex_email, PASSWORD)
        page.goto("/vault/")
        expect(vault).to_have_attribute("data-vault-shown", "locked", timeout=20_000)
        assert vault.get_attribute("data-vault-wrap") not in (wrap, "")
        assert vault.get_attribute("data-vault-tag") != tag
    finally:
        context.close()
    assert files_holding(profile, key) == []
