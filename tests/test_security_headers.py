"""Every page and API answer carries the security headers, whatever its status.

Every route of tests/access/*.yaml with every method as every persona (the API with a session
and with a Bearer token) is checked inside the access-matrix walk (tests/test_access_matrix.py,
with tests/access/headers.py), so those requests are made once; here: the error answers
(unknown URL, CSRF failure, 500), caching of personal pages and static files.
"""

from unittest import mock

from django.test import Client, TestCase

from tests.access.headers import header_problems, parse_csp
from tests.base import make_world


class SecurityHeaderTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        # The personas and their entries are all these checks read: not the whole access-matrix
        # world (tests/access/*.yaml objects), which takes several times longer to build.
        cls.world = make_world()

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
