"""XSS: hostile text in every field a person types renders escaped on every page showing it,
for its author and for the partner it is shared with."""

import json
import re

from django.test import Client, TestCase

from reattune.accounts.models import User
from tests.access import matrix

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
    '<a href="javascript:alert(3)">x</a>',
]
SHORT = '"><img src=x onerror=alert(1)>'  # fits the 60-character name fields
TOKEN_NAME = "<script>alert(9)</script>"
# What must never reach a page unescaped.
DANGEROUS = [
    re.compile(r"<script>alert", re.I),
    re.compile(r"<img src=x", re.I),
    re.compile(r"<svg onload", re.I),
    re.compile(r"</textarea><script", re.I),
    re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I),
]
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_SHORT = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


def dangerous_in(html: str) -> list[str]:
    return [m.group(0) for pattern in DANGEROUS for m in pattern.finditer(html)]


class XssTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)
        # The world gives alex a vault; alex's private entry here is one from before it.
        from reattune.vault.models import VaultKeyring

        VaultKeyring.objects.filter(owner=cls.world["alex"]).delete()
        User.objects.filter(pk__in=[cls.world["alex"].pk, cls.world["sam"].pk]).update(
            display_name=SHORT
        )

    def setUp(self):
        super().setUp()
        self.personas = matrix.Personas(self.world)
        alex = self.personas.client("alex")[0]
        body = "\n".join(PAYLOADS)
        self.entries = {}
        for visibility in ("private", "shared"):
            response = alex.post(
                "/journal/new/",
                {
                    "title": "<script>alert(1)</script>",
                    "body": body,
                    "visibility": visibility,
                    "submit_key": f"00000000-0000-4000-8000-00000000000{len(self.entries)}",
                },
            )
            self.assertEqual(response.status_code, 302)
            self.entries[visibility] = int(response["Location"].rstrip("/").split("/")[-1])
        response = alex.post("/account/tokens/", {"name": TOKEN_NAME})
        self.assertEqual(response.status_code, 302)
        self.personas = matrix.Personas(self.world)  # fresh cookies after the writes

    def _pages(self):
        urls = [
            matrix.case_url(case, self.world)
            for case in self.tables.all_cases()
            if not case.api and "invite/" not in case.route
        ]
        for entry_id in self.entries.values():
            urls += [f"/journal/{entry_id}/", f"/journal/{entry_id}/edit/"]
        return urls

    def _get(self, persona: str, url: str):
        client, headers = self.personas.client(persona)
        return client.get(url, headers=headers)

    def test_no_page_renders_a_payload_unescaped(self):
        failures, shown = [], 0
        for persona in ("alex", "sam"):
            for url in self._pages():
                response = self._get(persona, url)
                if response.status_code != 200:
                    continue
                html = response.content.decode()
                found = dangerous_in(html)
                if found:
                    failures.append(f"GET {url} as {persona}: {found}")
                shown += ESCAPED_SCRIPT in html or ESCAPED_SHORT in html
        self.assertGreater(shown, 5, "the payloads were not shown at all: nothing was tested")
        self.assertEqual(failures, [], "\n".join(failures))

    def test_the_author_sees_the_text_escaped(self):
        detail = self._get("alex", f"/journal/{self.entries['private']}/").content.decode()
        self.assertIn(ESCAPED_SCRIPT, detail)
        self.assertIn("&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;", detail)
        self.assertIn("&lt;a href=&quot;javascript:alert(3)&quot;&gt;", detail)
        edit = self._get("alex", f"/journal/{self.entries['shared']}/edit/").content.decode()
        self.assertIn("&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;", edit)
        self.assertIn(ESCAPED_SCRIPT, self._get("alex", "/journal/").content.decode())
        account = self._get("alex", "/account/").content.decode()
        self.assertIn("&lt;script&gt;alert(9)&lt;/script&gt;", account)
        self.assertIn(ESCAPED_SHORT, self._get("alex", "/home/").content.decode())

    def test_the_partner_sees_the_shared_text_and_name_escaped(self):
        detail = self._get("sam", f"/journal/{self.entries['shared']}/").content.decode()
        self.assertIn(ESCAPED_SCRIPT, detail)
        self.assertIn(ESCAPED_SHORT, detail)  # alex's display name
        self.assertEqual(dangerous_in(detail), [])
        shared = self._get("sam", "/journal/shared/").content.decode()
        self.assertIn(ESCAPED_SCRIPT, shared)
        self.assertIn(ESCAPED_SHORT, self._get("sam", "/couple/").content.decode())
        self.assertEqual(self._get("sam", f"/journal/{self.entries['private']}/").status_code, 404)

    def test_a_display_name_given_at_sign_up_is_escaped(self):
        client = Client()
        response = client.post(
            "/signup/",
            {
                "display_name": SHORT,
                "email": "taylor@example.org",
                "password": "a quiet evening walk",
                "timezone": "UTC",
            },
        )
        self.assertEqual(response.status_code, 302)
        home = client.get("/home/").content.decode()
        self.assertIn(ESCAPED_SHORT, home)
        self.assertEqual(dangerous_in(home), [])

    def test_the_api_returns_the_text_as_json_data_exactly(self):
        client, headers = self.personas.client("sam", "bearer")
        response = client.get(f"/api/v1/journal/{self.entries['shared']}", headers=headers)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        data = json.loads(response.content)
        self.assertEqual(data["body"], "\n".join(PAYLOADS))
        self.assertEqual(data["author_name"], SHORT)
