"""Every page and API answer carries the security headers, whatever its status.

Walks every route of tests/access/*.yaml with every method as every persona (the API with a
session and with a Bearer token), plus error answers (unknown URL, CSRF failure, 500).
"""

from unittest import mock

from django.test import Client, TestCase

from tests.access import matrix

# Sources a directive may list: our own origin or nothing; images may also be data: URLs.
ALLOWED_SOURCES = {"'self'", "'none'"}
EXTRA_SOURCES = {"img-src": {"data:"}}
REQUIRED_DIRECTIVES = {
    "default-src",
    "script-src",
    "style-src",
    "frame-ancestors",
    "form-action",
    "base-uri",
    "object-src",
}


def parse_csp(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def header_problems(response) -> list[str]:
    problems = []
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        problems.append("no Content-Security-Policy")
    else:
        directives = parse_csp(csp)
        missing = REQUIRED_DIRECTIVES - set(directives)
        if missing:
            problems.append(f"CSP lacks {sorted(missing)}")
        for name, sources in directives.items():
            allowed = ALLOWED_SOURCES | EXTRA_SOURCES.get(name, set())
            other = [s for s in sources if s not in allowed]
            if other:
                problems.append(f"CSP {name} allows {other}")
        if directives.get("frame-ancestors") != ["'none'"]:
            problems.append("CSP frame-ancestors is not 'none'")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Content-Type-Options is not nosniff")
    if response.headers.get("Referrer-Policy") not in ("same-origin", "no-referrer"):
        problems.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')!r}")
    if response.headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {response.headers.get('X-Frame-Options')!r}")
    # Every page and API answer may show personal content: never stored by any cache.
    if "no-store" not in response.headers.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {response.headers.get('Cache-Control')!r}")
    return problems


class SecurityHeaderTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)

    def test_every_route_sends_the_security_headers(self):
        personas = matrix.Personas(self.world)
        failures, checked = [], 0
        for case in self.tables.all_cases():
            url = matrix.case_url(case, self.world)
            for method in matrix.METHODS:
                for persona in matrix.PERSONAS:
                    for auth in matrix.auths_for(case):
                        client, headers = personas.client(persona, auth)
                        response, error = matrix.request_rolled_back(
                            client, method, url, case.body(method), case.api, headers
                        )
                        checked += 1
                        problems = [error] if error else header_problems(response)
                        if problems:
                            failures.append(
                                f"{method} {url} as {persona} ({auth}) -> "
                                f"{getattr(response, 'status_code', '-')}: {'; '.join(problems)}"
                            )
        self.assertGreater(checked, 100)
        self.assertEqual(failures, [], "\n".join(failures[:50]))

    def test_personal_pages_are_never_stored(self):
        client = Client()
        client.force_login(self.world["alex"])
        for url in (
            "/home/",
            "/journal/",
            f"/journal/{self.world['alex_private'].pk}/",
            "/account/",
            "/api/v1/journal",
        ):
            response = client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertIn("no-store", response["Cache-Control"], url)
            self.assertIn("private", response["Cache-Control"], url)

    def test_error_answers_send_the_security_headers(self):
        answers = {}
        client = Client()
        answers["unknown page"] = client.get("/no-such-page/")
        answers["unknown API path"] = client.get("/api/v1/no-such-thing")
        answers["CSRF failure"] = Client(enforce_csrf_checks=True).post("/login/", {})
        crashing = Client(raise_request_exception=False)
        crashing.force_login(self.world["alex"])
        with mock.patch("reattune.journal.views.render", side_effect=RuntimeError("boom")):
            answers["server error"] = crashing.get("/journal/")
        with mock.patch("reattune.journal.api.access.visible_to", side_effect=RuntimeError("boom")):
            answers["API server error"] = crashing.get("/api/v1/journal")
        self.assertEqual(answers["unknown page"].status_code, 404)
        self.assertEqual(answers["CSRF failure"].status_code, 403)
        self.assertEqual(answers["server error"].status_code, 500)
        self.assertEqual(answers["API server error"].status_code, 500)
        for name, response in answers.items():
            with self.subTest(name):
                self.assertEqual(header_problems(response), [])


class StaticFileHeaderTests(TestCase):
    """Static files are answered by WhiteNoise, before our middleware: they carry CSP too."""

    def test_static_files_carry_csp_and_x_frame_options(self):
        for path in (
            "/static/reattune/app.css",
            "/static/reattune/app.js",
            "/static/reattune/icon.svg",
        ):
            with self.subTest(path):
                response = Client().get(path)
                self.assertEqual(response.status_code, 200)
                directives = parse_csp(response.headers["Content-Security-Policy"])
                self.assertEqual(directives["frame-ancestors"], ["'none'"])
                self.assertEqual(directives["script-src"], ["'self'"])
                self.assertEqual(directives["object-src"], ["'none'"])
                self.assertEqual(response.headers["X-Frame-Options"], "DENY")
                self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
                # Still cacheable: static files hold nothing personal.
                self.assertNotIn("no-store", response.headers.get("Cache-Control", ""))
