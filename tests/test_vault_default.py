"""Once a person has a vault, new private words and new safety checks go into it.

The ordinary journal (page and API) and the ordinary safety check refuse to store anything
private the server could read from a person with a vault, locked or not (one rule in the
actions: journal.actions.refuse_readable_private, care.actions.refuse_readable_screen), and
keep working as before for everyone else and for shared entries.
"""

import uuid

from reattune.care.actions import KeepScreenInVault, do_save_screen
from reattune.care.models import SafetyScreen
from reattune.journal.actions import KeepInVault, do_create_entry, do_update_entry
from reattune.journal.models import Entry
from reattune.vault.actions import do_create_item
from tests.base import BaseTestCase
from tests.test_care_screen import NEGATIVE, POSITIVE
from tests.test_vault_api import sealed, vector_keyring

WORDS = "a sentence only this test writes"


class VaultDefaultTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        # alex sets up a vault (the page would, through the same API); sam has none.
        response = self.api("alex", "post", "/api/v1/vault", vector_keyring())
        self.assertEqual(response.status_code, 201, response.content)

    def assertNothingReadable(self, author):
        self.assertFalse(
            [e.pk for e in Entry.objects.filter(author=author) if WORDS in e.body + e.title]
        )

    # --- the journal page ---

    def test_the_form_offers_private_only_through_the_vault(self):
        page = self.client_for("alex").get("/journal/new/").content.decode()
        self.assertIn("Private: only me, written in my vault", page)
        self.assertNotIn("Private: kept from my partner", page)
        self.assertIn("this form keeps nothing private", page)
        self.assertIn("your words stay in the form", page)
        self.assertIn('href="/vault/journal/"', page)
        # Nothing is chosen for them: a private choice by default would lose their words.
        self.assertNotIn('value="private" checked', page.replace("\n", " "))
        # Without a vault, the form is as it was.
        other = self.client_for("sam").get("/journal/new/").content.decode()
        self.assertIn("Private: kept from my partner", other)
        self.assertNotIn("this form keeps nothing private", other)

    def test_a_private_entry_posted_to_the_page_keeps_the_words_in_the_form_not_stored(self):
        client = self.client_for("alex")
        before = Entry.objects.filter(author=self.alex).count()
        data = {"body": WORDS, "title": "", "visibility": "private", "submit_key": uuid.uuid4()}
        response = client.post("/journal/new/", data)
        self.assertEqual(response.status_code, 409)
        page = response.content.decode()
        self.assertIn(WORDS, page)  # nothing the person wrote is lost
        self.assertIn("your words are still below", page)
        self.assertIn('href="/vault/journal/"', page)
        self.assertNotIn('id="support"', page)  # everyday words: no crisis help
        # Unfinished (nothing written yet): straight to the vault's page, not a 422.
        response = client.post("/journal/new/", {"body": "", "visibility": "private"})
        self.assertRedirects(response, "/vault/journal/", fetch_redirect_response=False)
        self.assertEqual(Entry.objects.filter(author=self.alex).count(), before)
        self.assertNothingReadable(self.alex)
        # The vault's page says why, once.
        page = client.get("/vault/journal/").content.decode()
        self.assertIn("Private entries go in your vault now", page)

    def test_the_api_refusal_of_words_of_crisis_carries_help(self):
        crisis = "I want to kill myself. I cannot do this anymore."
        response = self.api(
            "alex", "post", "/api/v1/journal", {"body": crisis, "visibility": "private"}
        )
        self.assertEqual(response.status_code, 409, response.content)
        body = response.json()
        self.assertIn("/api/v1/vault/items", body["detail"])
        self.assertIn("Nothing you typed here has been saved", body["support"]["message"])
        everyday = self.api(
            "alex", "post", "/api/v1/journal", {"body": WORDS, "visibility": "private"}
        )
        self.assertEqual(everyday.status_code, 409)
        self.assertNotIn("support", everyday.json())
        self.assertFalse([e for e in Entry.objects.filter(author=self.alex) if "kill" in e.body])

    def test_words_of_crisis_refused_as_private_still_get_help_at_once(self):
        crisis = "I want to kill myself. I cannot do this anymore."
        client = self.client_for("alex")
        data = {"body": crisis, "title": "", "visibility": "private", "submit_key": uuid.uuid4()}
        response = client.post("/journal/new/", data)
        self.assertEqual(response.status_code, 409)
        page = response.content.decode()
        self.assertIn(crisis, page)
        self.assertIn('id="support"', page)
        # Its words are true: nothing was saved.
        self.assertIn("Nothing you typed here has been saved", page)
        self.assertNotIn("Your words are saved", page)
        entry = do_create_entry(self.alex, "a shared note", "shared")[0]
        edited = client.post(
            f"/journal/{entry.pk}/edit/",
            {
                "body": crisis,
                "title": "",
                "visibility": "private",
                "version": entry.version,
                "submit_key": entry.submit_key,
            },
        )
        self.assertEqual(edited.status_code, 409)
        self.assertIn(crisis, edited.content.decode())
        self.assertIn('id="support"', edited.content.decode())
        entry.refresh_from_db()
        self.assertEqual((entry.body, entry.visibility), ("a shared note", "shared"))
        self.assertFalse([e for e in Entry.objects.filter(author=self.alex) if "kill" in e.body])

    def test_shared_entries_and_people_without_a_vault_save_as_before(self):
        for persona, visibility in (("alex", "shared"), ("sam", "private")):
            response = self.client_for(persona).post(
                "/journal/new/",
                {"body": WORDS, "visibility": visibility, "submit_key": uuid.uuid4()},
            )
            author = getattr(self, persona)
            entry = Entry.objects.filter(author=author, visibility=visibility).latest("pk")
            self.assertEqual(entry.body, WORDS)
            self.assertRedirects(response, f"/journal/{entry.pk}/", fetch_redirect_response=False)

    def test_an_edit_writes_no_new_private_words_and_a_shared_entry_moves_in_to_be_private(self):
        client = self.client_for("alex")
        entry = self.alex_private

        def edit(target, body, visibility):
            return client.post(
                f"/journal/{target.pk}/edit/",
                {
                    "title": target.title,
                    "body": body,
                    "visibility": visibility,
                    "submit_key": target.submit_key,
                    "version": Entry.objects.get(pk=target.pk).version,
                },
            )

        refused = edit(entry, WORDS, "private")
        self.assertEqual(refused.status_code, 409)
        self.assertContains(refused, "new private words go there", status_code=409)
        self.assertContains(refused, WORDS, status_code=409)  # still in the form
        self.assertNothingReadable(self.alex)
        # Words unchanged (a browser sends CR LF): an entry private from before the vault may
        # stay as it is.
        Entry.objects.filter(pk=entry.pk).update(body="two\nlines")
        kept = edit(entry, "two\r\nlines", "private")
        self.assertRedirects(kept, f"/journal/{entry.pk}/", fetch_redirect_response=False)
        # A shared entry is not made private here, even with its words unchanged (the host
        # could read it): nothing changes, and the page offers the move into the vault.
        shared = self.alex_shared
        refused = edit(shared, shared.body, "private")
        self.assertContains(refused, "move into my vault\u201d on this page", status_code=409)
        self.assertContains(refused, f'href="/vault/journal/?move={shared.pk}"', status_code=409)
        self.assertEqual(Entry.objects.get(pk=shared.pk).visibility, "shared")

    # --- the journal API ---

    def test_the_api_refuses_private_words_and_names_the_vault(self):
        before = Entry.objects.filter(author=self.alex).count()
        for payload in ({"body": WORDS, "visibility": "private"}, {"body": WORDS}):
            response = self.api("alex", "post", "/api/v1/journal", payload)
            self.assertEqual(response.status_code, 409, response.content)
            self.assertIn("/api/v1/vault/items", response.json()["detail"])
        update = self.api(
            "alex",
            "put",
            f"/api/v1/journal/{self.alex_shared.pk}",
            {"body": WORDS, "visibility": "private"},
        )
        self.assertEqual(update.status_code, 409)
        self.assertIn("/api/v1/vault/items", update.json()["detail"])
        self.assertEqual(Entry.objects.filter(author=self.alex).count(), before)
        self.assertNothingReadable(self.alex)

    def test_the_api_still_saves_shared_entries_and_for_people_without_a_vault(self):
        shared = self.api(
            "alex", "post", "/api/v1/journal", {"body": WORDS, "visibility": "shared"}
        )
        self.assertEqual(shared.status_code, 201, shared.content)
        private = self.api(
            "sam", "post", "/api/v1/journal", {"body": WORDS, "visibility": "private"}
        )
        self.assertEqual(private.status_code, 201, private.content)
        self.assertEqual(private.json()["visibility"], "private")

    def test_an_entry_moved_out_of_the_vault_is_the_one_exception(self):
        # The vault's page moves an entry out with the item's own id as the submit key.
        item_id = str(uuid.uuid4())
        do_create_item(self.alex, item_id, "journal", sealed(item_id))
        moved = self.api(
            "alex",
            "post",
            "/api/v1/journal",
            {"body": WORDS, "visibility": "private", "submit_key": item_id},
        )
        self.assertEqual(moved.status_code, 201, moved.content)
        # Another person's item id (or none at all) is no way around the rule.
        with self.assertRaises(KeepInVault):
            do_create_entry(self.alex, WORDS, "private", submit_key=uuid.uuid4())

    def test_the_rule_is_in_the_actions_for_every_path(self):
        with self.assertRaises(KeepInVault):
            do_create_entry(self.alex, WORDS, "private")
        with self.assertRaises(KeepInVault):
            do_update_entry(self.alex_private, WORDS, "private")
        with self.assertRaises(KeepScreenInVault):
            do_save_screen(self.alex, {"hurt": 1})
        self.assertNothingReadable(self.alex)
        self.assertFalse(SafetyScreen.objects.filter(author=self.alex).exists())

    # --- the safety check ---

    def test_the_safety_check_leads_to_the_vault_and_stores_nothing(self):
        client = self.client_for("alex")
        page = client.get("/care/safety/")
        self.assertRedirects(page, "/vault/safety/", fetch_redirect_response=False)
        for answers in (POSITIVE, NEGATIVE):
            sent = client.post("/care/safety/", answers)
            self.assertRedirects(sent, "/vault/safety/", fetch_redirect_response=False)
        self.assertFalse(SafetyScreen.objects.filter(author=self.alex).exists())
        self.assertIn(
            "your safety check is kept there", client.get("/vault/safety/").content.decode()
        )
        # "Skip for now" still skips.
        skipped = client.post("/care/safety/", {"skip": "1"})
        self.assertEqual(skipped.status_code, 302)
        self.assertNotEqual(skipped["Location"], "/vault/safety/")

    def test_without_a_vault_the_safety_check_is_as_before(self):
        client = self.client_for("sam")
        self.assertEqual(client.get("/care/safety/").status_code, 200)
        sent = client.post("/care/safety/", NEGATIVE)
        self.assertRedirects(sent, "/care/safety/result/", fetch_redirect_response=False)
        self.assertTrue(SafetyScreen.objects.filter(author=self.sam).exists())
