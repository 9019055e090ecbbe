"""Account settings -> Download your data (/account/export/ and its download)."""

import io
import json
import zipfile

from tests.base import BaseTestCase


def bodies(response) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        rows = json.loads(archive.read("journal_entries.json"))["rows"]
    return {row["body"] for row in rows}


class ExportPageTests(BaseTestCase):
    def test_it_offers_the_download_in_account_settings(self):
        response = self.client_for("alex").get("/account/")
        self.assertContains(response, 'id="export"')
        self.assertContains(response, 'action="/account/export/download/"')

    def test_it_explains_what_is_in_the_file(self):
        response = self.client_for("alex").get("/account/export/")
        self.assertEqual(response.status_code, 200)
        for kind in ("profile", "spaces", "journal_entries"):
            self.assertContains(response, kind)
        self.assertIn("no-store", response["Cache-Control"])

    def test_it_downloads_only_what_alex_may_have(self):
        response = self.client_for("alex").post("/account/export/download/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertIn("no-store", response["Cache-Control"])
        found = bodies(response)
        self.assertIn("alex private secret text", found)
        self.assertIn("sam shared text for the couple", found)
        self.assertNotIn("sam private secret text", found)
        self.assertFalse(any(text.startswith("casey") for text in found))

    def test_it_gives_each_person_their_own_file(self):
        found = bodies(self.client_for("casey").post("/account/export/download/"))
        self.assertIn("casey private secret text", found)
        self.assertFalse(any(text.startswith(("alex", "sam")) for text in found))

    def test_it_needs_a_login_and_a_post(self):
        anonymous = self.client_for("anonymous").post("/account/export/download/")
        self.assertEqual(anonymous.status_code, 302)
        self.assertIn("/login/", anonymous["Location"])
        self.assertEqual(self.client_for("alex").get("/account/export/download/").status_code, 405)
