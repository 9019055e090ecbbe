"""CSRF: every unsafe request to a page needs the token; the API needs it with a session
cookie, and not with a Bearer token (which a cross-site page cannot send)."""

import copy
import json
import re

from django.test import Client, TestCase

from tests.access import matrix

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
STRICT = ("alex", "anonymous")  # a logged-in session, and none


class CsrfTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)

    def _strict_client(self, persona: str) -> Client:
        client = Client(enforce_csrf_checks=True)
        if persona != "anonymous":
            client.force_login(self.world[persona])
        return client

    def test_every_unsafe_page_request_without_a_token_is_refused(self):
        # One strict client per persona, its cookies reset before every request.
        personas = matrix.Personas(self.world, enforce_csrf_checks=True, personas=STRICT)
        failures, checked = [], 0
        for case in self.tables.all_cases():
            if case.api:
                continue
            url = matrix.case_url(case, self.world)
            for persona in STRICT:
                for method in UNSAFE:
                    client, _ = personas.client(persona)
                    response, error = matrix.request_rolled_back(
                        client, method, url, case.body(method), False
                    )
                    checked += 1
                    # POST is refused by the CSRF check; the other methods never reach a
                    # view at all (405, core.middleware.PageMethodsMiddleware).
                    wanted = 403 if method == "POST" else 405
                    if error or response.status_code != wanted:
                        failures.append(f"{method} {url} as {persona}: {error or response}")
        self.assertGreater(checked, 50)
        self.assertEqual(failures, [], "\n".join(failures))

    def test_the_same_form_posts_pass_with_the_token(self):
        """Control: the 403 above is the CSRF check, not something else."""
        client = self._strict_client("alex")
        page = client.get("/journal/new/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
        cookies = copy.deepcopy(client.cookies)
        for case in self.tables.all_cases():
            if case.api or case.expected("POST", "alex") == (405,):
                continue
            client.cookies = copy.deepcopy(cookies)  # logout/ must not end the next request
            url = matrix.case_url(case, self.world)
            data = dict(case.body("POST") or {}, csrfmiddlewaretoken=token.decode())
            response, error = matrix.request_rolled_back(client, "POST", url, data, False)
            self.assertIsNone(error, url)
            self.assertIn(response.status_code, case.expected("POST", "alex"), url)

    def test_api_with_a_session_cookie_and_no_token_is_refused(self):
        personas = matrix.Personas(self.world, enforce_csrf_checks=True, personas=("alex",))
        failures, checked = [], 0
        for case in self.tables.all_cases():
            if not case.api:
                continue
            url = matrix.case_url(case, self.world)
            for method in UNSAFE:
                # Only methods the route has: elsewhere 405 is the answer whatever the token.
                if case.expected(method, "alex", "session") == (405,):
                    continue
                if case.route == "api/v1/openapi.json":
                    continue  # the public schema: no session, no data
                client, _ = personas.client("alex")
                response, error = matrix.request_rolled_back(
                    client, method, url, case.body(method), True
                )
                checked += 1
                if error or response.status_code != 403:
                    failures.append(f"{method} {url}: {error or response}")
        self.assertGreater(checked, 3)
        self.assertEqual(failures, [], "\n".join(failures))

    def test_api_with_a_session_cookie_and_the_token_is_accepted(self):
        client = self._strict_client("alex")
        client.get("/journal/")  # sets the CSRF cookie, as the browser's first page does
        token = client.cookies["reattune_csrf"].value
        response = client.post(
            "/api/v1/journal",
            data=json.dumps({"body": "with a token", "visibility": "shared"}),
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        self.assertEqual(response.status_code, 201, response.content)

    def test_api_with_a_bearer_token_needs_no_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        headers = {"Authorization": f"Bearer {self.world['alex_token']}"}
        created = client.post(
            "/api/v1/journal",
            data=json.dumps({"body": "from a script", "visibility": "shared"}),
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(created.status_code, 201, created.content)
        entry_id = created.json()["id"]
        changed = client.put(
            f"/api/v1/journal/{entry_id}",
            data=json.dumps({"body": "changed", "visibility": "shared"}),
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(changed.status_code, 200, changed.content)
        deleted = client.delete(f"/api/v1/journal/{entry_id}", headers=headers)
        self.assertEqual(deleted.status_code, 204)
