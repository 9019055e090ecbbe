import uuid

from reattune.journal.models import MAX_ENTRY_CHARS, Entry
from tests.base import BaseTestCase


class ApiJournalTests(BaseTestCase):
    def test_it_lists_what_the_caller_may_read(self):
        bodies = {e["body"] for e in self.api("sam", "get", "/api/v1/journal").json()}
        self.assertIn("alex shared text for the couple", bodies)
        self.assertIn("sam private secret text", bodies)
        self.assertNotIn("alex private secret text", bodies)
        self.assertFalse(any("casey" in b for b in bodies))

    def test_private_entries_answer_404_to_everyone_else(self):
        path = f"/api/v1/journal/{self.alex_private.pk}"
        for persona in ("sam", "casey"):
            for method in ("get", "delete"):
                self.assertEqual(
                    self.api(persona, method, path).status_code, 404, (persona, method)
                )
            put = self.api(persona, "put", path, {"body": "x", "visibility": "shared"})
            self.assertEqual(put.status_code, 404)
        self.assertEqual(self.api("anonymous", "get", path).status_code, 401)

    def test_it_creates_and_a_retry_with_the_same_key_does_not_duplicate(self):
        key = str(uuid.uuid4())
        first = self.api(
            "alex", "post", "/api/v1/journal", {"body": "api entry", "submit_key": key}
        )
        second = self.api(
            "alex", "post", "/api/v1/journal", {"body": "api entry", "submit_key": key}
        )
        self.assertEqual(first.status_code, 201)
        self.assertEqual(second.status_code, 200)
        self.assertEqual(first.json()["id"], second.json()["id"])
        self.assertEqual(first.json()["visibility"], "private")

    def test_it_gives_clear_json_errors(self):
        too_long = self.api(
            "alex", "post", "/api/v1/journal", {"body": "x" * (MAX_ENTRY_CHARS + 1)}
        )
        self.assertEqual(too_long.status_code, 422)
        self.assertEqual(too_long.json()["errors"][0]["field"], "body")
        bad = self.api("alex", "post", "/api/v1/journal", {"body": "x", "visibility": "everyone"})
        self.assertEqual(bad.status_code, 422)
        self.assertIn("detail", bad.json())

    def test_it_answers_413_for_an_oversized_body(self):
        response = self.api("alex", "post", "/api/v1/journal", {"body": "x" * 2_000_000})
        self.assertEqual(response.status_code, 413)
        self.assertIn("too large", response.json()["detail"])

    def test_it_updates_with_version_check(self):
        path = f"/api/v1/journal/{self.alex_private.pk}"
        ok = self.api("alex", "put", path, {"body": "v2", "visibility": "private", "version": 1})
        self.assertEqual(ok.json()["version"], 2)
        stale = self.api("alex", "put", path, {"body": "v3", "visibility": "private", "version": 1})
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(Entry.objects.get(pk=self.alex_private.pk).body, "v2")

    def test_it_deletes(self):
        response = self.api("alex", "delete", f"/api/v1/journal/{self.alex_private.pk}")
        self.assertEqual(response.status_code, 204)
        self.assertFalse(Entry.objects.filter(pk=self.alex_private.pk).exists())

    def test_session_auth_needs_csrf_for_writes(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.alex)
        response = client.post(
            "/api/v1/journal", data={"body": "x"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(client.get("/api/v1/journal").status_code, 200)


class ApiCoupleTests(BaseTestCase):
    def test_me_and_couple(self):
        me = self.api("alex", "get", "/api/v1/me").json()
        self.assertEqual(
            me,
            {
                "id": self.alex.pk,
                "email": "alex@example.org",
                "display_name": "Alex",
                "in_space": True,
                "has_partner": True,
            },
        )
        couple = self.api("alex", "get", "/api/v1/couple").json()
        self.assertEqual(couple["partner"], {"display_name": "Sam"})
        self.assertEqual(couple["timezone"], "Europe/Berlin")

    def test_invite_is_refused_when_the_space_is_full(self):
        self.assertEqual(self.api("alex", "post", "/api/v1/couple/invite").status_code, 409)

    def test_leave(self):
        self.assertEqual(self.api("sam", "post", "/api/v1/couple/leave").json(), {"left": True})
        self.assertIsNone(self.api("alex", "get", "/api/v1/couple").json()["partner"])
        invite = self.api("alex", "post", "/api/v1/couple/invite")
        self.assertEqual(invite.status_code, 201)
        self.assertIn("/invite/inv_", invite.json()["url"])

    def test_openapi_schema_is_served(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        self.assertIn("/api/v1/journal", schema["paths"])
