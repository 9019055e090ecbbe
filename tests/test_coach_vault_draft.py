"""The coach's "Keep it in my vault": offered only to a person with a vault, instead of a save
the server could read (with a vault, private words go into it).

The button only hands the draft to the vault journal inside the browser (static/reattune/
coach.js); it submits nothing, so a page without the script can send nothing through it
(tests/browser/test_vault_coach_draft.py checks the requests in a real browser).
"""

import re

from reattune.vault import actions as vault
from tests.base import BaseTestCase
from tests.test_vault_api import vector_keyring

BUTTON = "Keep it in my vault"


def give_vault(user) -> None:
    vault.do_create_keyring(user, **vector_keyring())


class CoachVaultDraftTests(BaseTestCase):
    def test_no_vault_no_button_and_no_script(self):
        page = self.client_for("alex").get("/coach/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, BUTTON)
        self.assertNotContains(page, "reattune/coach")
        self.assertContains(page, "Save to my private journal")

    def test_with_a_vault_the_button_is_there_and_submits_nothing(self):
        give_vault(self.alex)
        page = self.client_for("alex").get("/coach/")
        html = page.content.decode()
        button = re.search(r"<button[^>]*data-coach-to-vault[^>]*>", html)
        self.assertIsNotNone(button, html)
        tag = button.group(0)
        self.assertIn('type="button"', tag)  # never submits the form
        self.assertIn('data-vault-journal="/vault/journal/"', tag)
        self.assertIn("hidden", tag)  # shown by the script, which alone can hand the draft over
        self.assertNotIn("name=", tag)
        self.assertRegex(html, r'<script src="/static/reattune/coach(\.[0-9a-f]+)?\.js" defer>')
        # No save the server could read is offered, and the copy says what the button does.
        self.assertNotContains(page, "Save to my private journal")
        self.assertNotContains(page, "coach/save/")
        self.assertContains(page, "Your vault keeps your draft so that only you can read it")
        self.assertContains(page, "The coach reads what you type on this server")

    def test_the_partners_coach_page_does_not_change(self):
        before = self.client_for("sam").get("/coach/").content.decode()
        give_vault(self.alex)
        after = self.client_for("sam").get("/coach/").content.decode()
        self.assertNotIn(BUTTON, after)

        def strip(html):  # the per-render tokens differ on every page
            html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
            return re.sub(r'name="save_key" value="[^"]+"', "", html)

        self.assertEqual(strip(before), strip(after))

    def test_a_failed_private_save_still_offers_the_vault(self):
        give_vault(self.alex)
        page = self.client_for("alex").post("/coach/save/", {"text": "x" * 200_001})
        self.assertGreaterEqual(page.status_code, 400)
        self.assertContains(page, BUTTON, status_code=page.status_code)
        self.assertContains(page, "save_key", status_code=page.status_code)


def test_the_coach_script_sends_nothing_and_puts_the_draft_in_no_address():
    from pathlib import Path

    source = (
        Path(__file__).resolve().parent.parent / "reattune" / "static" / "reattune" / "coach.js"
    ).read_text(encoding="utf-8")
    for channel in ("fetch(", "XMLHttpRequest", "sendBeacon", "WebSocket", "EventSource"):
        assert channel not in source, channel
    assert ".submit(" not in source and "requestSubmit" not in source
    # The one navigation goes to the address the page rendered, with nothing added to it.
    assert source.count("location.") == 1
    assert 'root.location.assign(button.getAttribute("data-vault-journal"));' in source
    assert "sessionStorage" in source and "#" not in source.split("(function", 1)[1]
