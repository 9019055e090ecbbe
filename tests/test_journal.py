import uuid

from reattune.journal.models import MAX_ENTRY_CHARS, Entry
from tests.base import BaseTestCase


class JournalPageTests(BaseTestCase):
    def new_entry(self, client, **overrides):
        data = {
            "title": "",
            "body": "hello",
            "visibility": "private",
            "submit_key": str(uuid.uuid4()),
        }
        data.update(overrides)
        return client.post("/journal/new/", data)

    def test_it_lists_own_entries_only(self):
        page = self.client_for("alex").get("/journal/")
        self.assertContains(page, "alex private")
        self.assertContains(page, "alex shared")
        self.assertNotContains(page, "sam private")
        self.assertNotContains(page, "casey")

    def test_shared_with_us_shows_both_partners_shared_entries_and_nothing_private(self):
        page = self.client_for("sam").get("/journal/shared/")
        self.assertContains(page, "alex shared")
        self.assertContains(page, "sam shared")
        self.assertNotContains(page, "alex private")
        self.assertNotContains(page, "casey")

    def test_the_partner_reads_a_shared_entry_but_never_a_private_one(self):
        sam = self.client_for("sam")
        self.assertContains(sam.get(f"/journal/{self.alex_shared.pk}/"), "alex shared text")
        self.assertEqual(sam.get(f"/journal/{self.alex_private.pk}/").status_code, 404)
        self.assertEqual(sam.get(f"/journal/{self.alex_shared.pk}/edit/").status_code, 404)
        self.assertEqual(sam.post(f"/journal/{self.alex_shared.pk}/delete/").status_code, 404)

    def test_it_defaults_to_private(self):
        form = self.client_for("alex").get("/journal/new/").content.decode()
        self.assertRegex(form, r'value="private"[^>]*checked')

    def test_a_double_submitted_form_creates_one_entry(self):
        client = self.client_for("alex")
        key = str(uuid.uuid4())
        before = Entry.objects.filter(author=self.alex).count()
        first = self.new_entry(client, body="only once", submit_key=key)
        second = self.new_entry(client, body="only once", submit_key=key)
        self.assertEqual(Entry.objects.filter(author=self.alex).count(), before + 1)
        self.assertEqual(first["Location"], second["Location"])

    def test_it_keeps_any_unicode_exactly(self):
        text = "Ich vermisse dich 💛\u200d\nשלום\r\n  spaces  \u0301é\u2028end"
        self.new_entry(self.client_for("alex"), body=text)
        self.assertEqual(Entry.objects.filter(author=self.alex).first().body, text)

    def test_it_refuses_more_than_20000_characters_and_keeps_the_text_in_the_form(self):
        text = "x" * (MAX_ENTRY_CHARS + 1)
        response = self.new_entry(self.client_for("alex"), body=text)
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "the limit is 20,000", status_code=413)
        self.assertContains(response, text, status_code=413)

    def test_it_accepts_exactly_20000_characters(self):
        response = self.new_entry(self.client_for("alex"), body="y" * MAX_ENTRY_CHARS)
        self.assertEqual(response.status_code, 302)

    def test_it_shows_html_as_text(self):
        self.new_entry(
            self.client_for("alex"),
            body="<b>bold</b><script>alert(1)</script>",
            visibility="shared",
        )
        entry = Entry.objects.filter(author=self.alex).first()
        page = self.client_for("sam").get(f"/journal/{entry.pk}/")
        self.assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(page, "<script>alert(1)")

    def test_an_empty_entry_gets_a_clear_error(self):
        response = self.new_entry(self.client_for("alex"), body="   ")
        self.assertContains(response, "Write something", status_code=422)

    def test_changing_visibility_is_explicit_and_takes_effect(self):
        client = self.client_for("alex")
        client.post(
            f"/journal/{self.alex_private.pk}/edit/",
            {
                "title": "alex private",
                "body": "now shared",
                "visibility": "shared",
                "submit_key": str(self.alex_private.submit_key),
                "version": 1,
            },
        )
        self.assertContains(
            self.client_for("sam").get(f"/journal/{self.alex_private.pk}/"), "now shared"
        )

    def test_an_edit_from_a_stale_form_is_refused_and_the_text_kept(self):
        client = self.client_for("alex")
        base = {
            "title": "t",
            "visibility": "private",
            "submit_key": str(self.alex_private.submit_key),
        }
        client.post(
            f"/journal/{self.alex_private.pk}/edit/", {**base, "body": "first window", "version": 1}
        )
        stale = client.post(
            f"/journal/{self.alex_private.pk}/edit/",
            {**base, "body": "second window", "version": 1},
        )
        self.assertEqual(stale.status_code, 409)
        self.assertContains(stale, "second window", status_code=409)
        self.assertEqual(Entry.objects.get(pk=self.alex_private.pk).body, "first window")

    def test_the_author_deletes_an_entry(self):
        self.client_for("alex").post(f"/journal/{self.alex_private.pk}/delete/")
        self.assertFalse(Entry.objects.filter(pk=self.alex_private.pk).exists())
