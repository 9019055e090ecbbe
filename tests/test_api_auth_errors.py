"""API answers for the edges: who is asking (401 vs 403), numbers too large, declared errors.

- A write with no session and no valid token is 401 with a JSON detail (not a CSRF 403);
  a signed-in session that writes without the CSRF token is still 403.
- Any whole number over api.base.MAX_INT in a query string or a JSON body is 422 naming the
  field; an id too large in the path is a 4xx. Never a 500.
- The OpenAPI schema declares the error answers (401, 404, 409, 422) of each operation.
"""

import json
import re

from django.test import Client

from reattune.accounts.models import AccessToken
from reattune.api.base import MAX_INT
from tests.base import BaseTestCase

HUGE = "9223372036854775808"  # 2**63: one more than the largest 64-bit integer


class UnauthenticatedWriteTests(BaseTestCase):
    def strict(self) -> Client:
        return Client(enforce_csrf_checks=True)

    def assert_401(self, response):
        self.assertEqual(response.status_code, 401, response.content)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertIn("Log in, or send a personal access token", response.json()["detail"])

    def test_an_anonymous_write_is_401_not_a_csrf_refusal(self):
        body = json.dumps({"body": "hello", "visibility": "private"})
        self.assert_401(self.strict().post("/api/v1/journal", body, "application/json"))
        entry = self.alex_private.pk
        self.assert_401(self.strict().delete(f"/api/v1/journal/{entry}"))
        self.assert_401(self.strict().put(f"/api/v1/journal/{entry}", body, "application/json"))

    def test_a_write_with_a_revoked_token_is_401(self):
        AccessToken.objects.filter(user=self.alex).delete()
        response = self.strict().post(
            "/api/v1/journal",
            json.dumps({"body": "hello", "visibility": "private"}),
            "application/json",
            headers={"Authorization": f"Bearer {self.alex_token}"},
        )
        self.assert_401(response)

    def test_a_session_write_without_the_csrf_token_is_still_403(self):
        client = self.strict()
        client.force_login(self.alex)
        response = client.post(
            "/api/v1/journal",
            json.dumps({"body": "hello", "visibility": "private"}),
            "application/json",
        )
        self.assertEqual(response.status_code, 403)


class HugeNumberTests(BaseTestCase):
    def schema(self) -> dict:
        return Client().get("/api/v1/openapi.json").json()

    def test_the_reported_offset_is_422_with_the_field_named(self):
        response = self.api("alex", "get", f"/api/v1/journal?offset={HUGE}")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"][0]["field"], "offset")
        self.assertIn("too large", response.json()["errors"][0]["problem"])
        # The bound itself is still accepted.
        response = self.api("alex", "get", f"/api/v1/journal?offset={MAX_INT}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), [])

    def test_every_integer_query_parameter_refuses_huge_numbers(self):
        checked = 0
        for path, operations in self.schema()["paths"].items():
            if "{" in path:
                continue
            for method, operation in operations.items():
                for parameter in operation.get("parameters", []):
                    schema = parameter.get("schema", {})
                    types = [schema.get("type")] + [s.get("type") for s in schema.get("anyOf", [])]
                    if parameter["in"] != "query" or "integer" not in types:
                        continue
                    for value in (HUGE, "-" + HUGE, "1" * 40):
                        url = f"{path}?{parameter['name']}={value}"
                        response = self.api("alex", method, url)
                        checked += 1
                        self.assertEqual(response.status_code, 422, f"{method} {url}")
        self.assertGreaterEqual(checked, 6)  # journal limit/offset and the ritual lists at least

    def test_huge_ids_in_the_path_are_a_4xx(self):
        checked = 0
        for path, operations in self.schema()["paths"].items():
            if "{" not in path:
                continue
            for method in operations:
                url = re.sub(r"\{[^}]+\}", HUGE, path)
                response = self.api("alex", method, url, json={})
                checked += 1
                self.assertIn(response.status_code, (404, 405, 422), f"{method} {url}")
        self.assertGreater(checked, 3)

    def test_a_huge_number_in_a_json_body_is_422(self):
        entry = self.alex_private.pk
        response = self.api(
            "alex",
            "put",
            f"/api/v1/journal/{entry}",
            json=f'{{"body": "edited", "visibility": "private", "version": {HUGE}}}',
        )
        self.assertEqual(response.status_code, 422, response.content)
        self.assertEqual(response.json()["errors"][0]["field"], "version")


class DeclaredErrorTests(BaseTestCase):
    def test_the_schema_declares_the_error_answers(self):
        schema = Client().get("/api/v1/openapi.json").json()
        paths = schema["paths"]
        missing = []
        for path, operations in paths.items():
            for method, operation in operations.items():
                declared = set(operation["responses"])
                if operation.get("security") and "401" not in declared:
                    missing.append(f"{method} {path}: 401")
                if (operation.get("parameters") or operation.get("requestBody")) and (
                    "422" not in declared
                ):
                    missing.append(f"{method} {path}: 422")
                if "{" in path and "404" not in declared:
                    missing.append(f"{method} {path}: 404")
        self.assertEqual(missing, [])
        # Answers that are known to exist are declared, with the error shapes.
        journal_put = paths["/api/v1/journal/{entry_id}"]["put"]["responses"]
        self.assertIn("409", journal_put)
        self.assertIn("409", paths["/api/v1/couple/invite"]["post"]["responses"])
        not_found = journal_put["404"]["content"]["application/json"]["schema"]
        self.assertEqual(not_found["$ref"], "#/components/schemas/ErrorOut")
        invalid = journal_put["422"]["content"]["application/json"]["schema"]
        self.assertEqual(invalid["$ref"], "#/components/schemas/ValidationErrorOut")
        components = schema["components"]["schemas"]
        self.assertEqual(components["ErrorOut"]["required"], ["detail"])
        self.assertIn("errors", components["ValidationErrorOut"]["properties"])

    def test_documented_errors_match_what_the_api_answers(self):
        not_found = self.api("alex", "get", f"/api/v1/journal/{self.casey_private.pk}")
        self.assertEqual(not_found.status_code, 404)
        self.assertEqual(set(not_found.json()), {"detail"})
        anonymous = self.api("anonymous", "get", "/api/v1/journal")
        self.assertEqual(anonymous.status_code, 401)
        self.assertEqual(set(anonymous.json()), {"detail"})
