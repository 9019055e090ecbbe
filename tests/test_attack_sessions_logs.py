"""Attacks on sealed session values and on the logs.

Sealed values (accounts.sealed): one person's sealed slot must not open for another person,
an expired or tampered slot reads as empty, and after each flow no row of django_session holds
a secret, a crisis sentence or a private answer readable.

Logs: flows run through the test client with a collector like tests/conftest.py's (the app's
RedactingFilter applied); no crisis text, private answer, journal text or /care/ path may
appear in any line, also with django.request turned up to WARNING (4xx lines) and on a 500.

Each test FAILS if the attack works.
"""

import json
import logging
import re
import uuid
from unittest import mock

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client

from reattune.accounts import sealed
from tests.base import PASSWORD, BaseTestCase
from tests.conftest import _Collect
from tests.rituals_helpers import answers, form_data
from tests.test_care_privacy import POSITIVE

API = "/api/v1/rituals"
CRISIS = "Honestly I want to die some days."
SECRET = "alexkeepsthisquietly"
JOURNAL = "alexjournalwordsonly"
TOKEN_SHAPE = re.compile(r"(rt_|inv_|thr_|cal_|ics_)[A-Za-z0-9_\-]{16,}")


class _Req:
    """Just enough of a request for accounts.sealed."""

    def __init__(self, session=None):
        self.session = session if session is not None else SessionStore()


class SealedSlotAttack(BaseTestCase):
    def test_an_expired_slot_reads_as_empty_and_is_dropped(self):
        req = _Req()
        sealed.seal(req, "new_token", "rt_" + "a" * 30, 60)
        self.assertEqual(sealed.peek(req, "new_token"), "rt_" + "a" * 30)
        with mock.patch.object(sealed, "_now", return_value=sealed._now() + 61):
            self.assertIsNone(sealed.peek(req, "new_token"))
        self.assertFalse(sealed.present(req, "new_token"))

    def test_a_tampered_slot_reads_as_empty(self):
        for change in (
            lambda s: s[:-4] + ("AAAA" if not s.endswith("AAAA") else "BBBB"),
            lambda s: s[:20],
            lambda s: "",
            lambda s: "not fernet at all",
        ):
            req = _Req()
            sealed.seal(req, "slot", "the secret value", 600)
            req.session["sealed:slot"] = change(req.session["sealed:slot"])
            self.assertIsNone(sealed.peek(req, "slot"))
            self.assertIsNone(sealed.take(req, "slot"))

    def test_a_slot_tampered_to_a_non_string_reads_as_empty(self):
        for value in (12345, {"v": "x", "until": 9999999999}, ["x"]):
            req = _Req()
            req.session["sealed:slot"] = value
            self.assertIsNone(sealed.peek(req, "slot"))

    def test_a_plain_value_put_in_the_slot_is_not_trusted(self):
        from reattune.core import crypto

        req = _Req()
        # a payload without an expiry, or with a value that is not text
        for payload in ({"v": "x"}, {"v": 5, "until": 9999999999}, ["x"], "x"):
            req.session["sealed:slot"] = crypto.encrypt(json.dumps(payload))
            self.assertIsNone(sealed.peek(req, "slot"), payload)

    def test_a_slot_from_one_session_does_not_open_in_another(self):
        alexs, sams = _Req(), _Req()
        sealed.seal(alexs, "new_token", "rt_" + "b" * 30, 600)
        sams.session["sealed:new_token"] = alexs.session["sealed:new_token"]
        self.assertIsNone(sealed.peek(sams, "new_token"))

    def login(self, client, who):
        response = client.post("/login/", {"email": f"{who}@example.org", "password": PASSWORD})
        self.assertEqual(response.status_code, 302, response.content[:300])

    def test_alexs_new_token_never_shows_for_sam_on_the_same_browser(self):
        browser = Client()
        self.login(browser, "alex")
        browser.post("/account/tokens/", {"name": "phone"})  # sealed, not yet shown
        browser.post("/logout/")
        self.login(browser, "sam")
        page = browser.get("/account/").content.decode()
        self.assertIsNone(TOKEN_SHAPE.search(page), "sam sees alex's new token")
        # and logging in over a live session (no log-out)
        browser = Client()
        self.login(browser, "alex")
        browser.post("/account/tokens/", {"name": "laptop"})
        self.login(browser, "sam")
        self.assertIsNone(TOKEN_SHAPE.search(browser.get("/account/").content.decode()))

    def test_alexs_therapist_link_never_shows_for_sam_on_the_same_browser(self):
        browser = Client()
        self.login(browser, "alex")
        browser.post("/care/therapist/invite/", {"share_journal": "no"})
        self.assertIn("therapist-link", browser.get("/care/").content.decode())
        browser.post("/logout/")
        self.login(browser, "sam")
        page = browser.get("/care/").content.decode()
        self.assertNotIn('id="therapist-link"', page)
        self.assertIsNone(TOKEN_SHAPE.search(page))


class ForgedSessionCookieAttack(BaseTestCase):
    # A session key Django never makes (it makes them of lower-case letters and digits) finds
    # no session and starts none, whatever it holds: on PostgreSQL a NUL made the look-up
    # fail, a 500 on every page for that cookie.
    KEYS = ("\x00" * 32, "a\x00" + "b" * 30, "ABCDEFGH" * 4, "abc'; drop table x;--" * 2, "é" * 32)

    def test_a_forged_session_cookie_gets_the_signed_out_pages(self):
        for key in self.KEYS:
            client = Client()
            client.cookies[settings.SESSION_COOKIE_NAME] = key
            with self.subTest(key=key):
                login = client.get("/login/")
                self.assertEqual(login.status_code, 200)
                home = client.get("/home/")
                self.assertEqual(home.status_code, 302)
                self.assertIn("/login/", home["Location"])

    def test_the_real_key_still_opens_the_session(self):
        alex = Client()
        alex.post("/login/", {"email": "alex@example.org", "password": PASSWORD})
        self.assertEqual(alex.get("/home/").status_code, 200)
        key = alex.cookies[settings.SESSION_COOKIE_NAME].value
        self.assertTrue(SessionStore(key).exists(key))
        other = Client()
        # the same letters in upper case: not Django's alphabet, so no session
        other.cookies[settings.SESSION_COOKIE_NAME] = key.upper()
        self.assertEqual(other.get("/home/").status_code, 302)


class SessionRowsAttack(BaseTestCase):
    FORBIDDEN = (CRISIS, SECRET, JOURNAL, PASSWORD, "want to die")

    def assert_sessions_clean(self, step):
        rows = list(Session.objects.all())
        self.assertTrue(rows, step)
        for row in rows:
            decoded = json.dumps(row.get_decoded(), ensure_ascii=False)
            for text in self.FORBIDDEN:
                self.assertNotIn(text, decoded, f"{step}: {text!r} readable in a session")
            self.assertIsNone(TOKEN_SHAPE.search(decoded), f"{step}: a token in a session")
            self.assertNotRegex(decoded.lower(), r"crisis|safety|screen|hurt|afraid", step)

    def test_every_flow_leaves_no_secret_in_django_session(self):
        alex = Client()
        alex.post("/login/", {"email": "alex@example.org", "password": PASSWORD})
        self.assert_sessions_clean("log-in")
        alex.post("/rituals/daily/", form_data("daily", "alex", best_part=f"{CRISIS} {SECRET}"))
        self.assert_sessions_clean("crisis answer held")
        alex.post("/rituals/daily/", {"choice": "edit", "answer": "best_part"})
        self.assert_sessions_clean("edit chosen")
        alex.post("/rituals/daily/", {"choice": "private", "answer": "best_part"})
        self.assert_sessions_clean("kept private")
        alex.post(
            "/journal/new/",
            {
                "title": "",
                "body": f"{JOURNAL} {CRISIS}",
                "visibility": "private",
                "submit_key": str(uuid.uuid4()),
            },
        )
        self.assert_sessions_clean("private journal with crisis text")
        alex.post("/coach/feedback/", {"text": CRISIS})
        self.assert_sessions_clean("coach draft")
        alex.post("/care/safety/", POSITIVE)
        alex.get("/care/safety/result/")
        self.assert_sessions_clean("positive safety check")
        alex.post("/account/tokens/", {"name": "phone"})
        alex.get("/account/")
        self.assert_sessions_clean("token made and shown")
        alex.post("/care/therapist/invite/", {"share_journal": "no"})
        alex.get("/care/")
        self.assert_sessions_clean("therapist link")
        alex.post("/account/export/download/")
        self.assert_sessions_clean("export")
        self.assertGreater(Session.objects.count(), 0)


class LogsAttack(BaseTestCase):
    # Text, and private URL paths (a source file path such as reattune/journal/views.py in a
    # traceback is checked on its own, below).
    FORBIDDEN = (CRISIS, "want to die", SECRET, JOURNAL)
    PRIVATE_URL = re.compile(r"(?<![a-z_])/(care|journal|therapist)[/-]|/api/v1/(care|journal)")

    def setUp(self):
        super().setUp()
        self.handler = _Collect()
        self.loggers = [logging.getLogger(n) for n in ("", "django", "reattune")]
        for logger in self.loggers:
            logger.addHandler(self.handler)
        request_logger = logging.getLogger("django.request")
        self.old_level = request_logger.level
        request_logger.setLevel(logging.DEBUG)  # an operator turning logging up: 4xx too

    def tearDown(self):
        for logger in self.loggers:
            logger.removeHandler(self.handler)
        logging.getLogger("django.request").setLevel(self.old_level)
        super().tearDown()

    def assert_logs_clean(self):
        lines = self.handler.lines
        leaks = [
            line
            for line in lines
            if any(text in line for text in self.FORBIDDEN)
            or self.PRIVATE_URL.search(line.replace("reattune/", "reattune_"))
        ]
        self.assertEqual(leaks, [], "log lines hold private text or paths")
        return lines

    def test_flows_with_crisis_and_private_text(self):
        alex = self.client_for("alex")
        alex.post("/rituals/daily/", form_data("daily", "alex", best_part=f"{CRISIS} {SECRET}"))
        alex.post("/rituals/daily/", {"choice": "edit", "answer": "best_part"})
        alex.post("/rituals/daily/", {"choice": "share", "answer": "best_part"})
        self.api(
            "alex",
            "POST",
            f"{API}/weekly",
            answers("weekly", "alex", closer_area=f"{CRISIS} {SECRET}", private_fields=["x"]),
        )  # 422
        self.api("alex", "POST", f"{API}/weekly", {"closer_area": CRISIS * 200})  # 422
        self.api("alex", "PUT", f"{API}/daily/2001-01-01", answers("daily", "alex"))  # 404
        alex.post(
            "/journal/new/",
            {"body": f"{JOURNAL} {CRISIS}", "visibility": "private", "submit_key": "bad"},
        )
        alex.post("/care/safety/", POSITIVE)
        alex.get("/care/safety/result/")
        alex.post("/care/safety/", {"hurt": "nonsense"})  # refused
        alex.post("/coach/feedback/", {"text": CRISIS})
        self.api("alex", "POST", "/api/v1/coach/feedback", {"text": CRISIS})
        self.api("alex", "POST", "/api/v1/journal", {"body": CRISIS, "visibility": "private"})
        self.assert_logs_clean()

    def test_4xx_on_private_paths_show_only_private(self):
        casey = self.client_for("casey")
        casey.get(f"/journal/{self.alex_private.pk}/")  # 404
        casey.post("/care/therapist/999999/consent/")  # 404
        casey.get("/care/safety/result/?next=/care/x")
        casey.generic("PUT", "/care/safety/")  # 405
        casey.generic("DELETE", f"/journal/{self.alex_shared.pk}/")  # 405
        self.api("casey", "GET", f"/api/v1/journal/{self.alex_private.pk}")  # 404
        self.client_for("anonymous").get("/therapist/couples/1/")  # to log-in
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(self.alex)
        strict.post("/care/safety/", POSITIVE)  # 403 CSRF, logged by django.security
        strict.post("/journal/new/", {"body": CRISIS, "visibility": "private"})  # 403
        lines = self.assert_logs_clean()
        self.assertTrue(any("/[private]" in line for line in lines), lines[:5])

    def test_a_500_on_a_private_path_logs_no_text(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.alex)
        boom = ValueError(f"{CRISIS} {JOURNAL} /care/safety/")
        with mock.patch("reattune.journal.views.render", side_effect=boom):
            response = client.get(f"/journal/{self.alex_private.pk}/")
        self.assertEqual(response.status_code, 500)
        with mock.patch("reattune.journal.api._out", side_effect=boom):
            response = self.api("alex", "GET", f"/api/v1/journal/{self.alex_private.pk}")
        self.assertEqual(response.status_code, 500)
        with mock.patch("reattune.rituals.views.render", side_effect=boom):
            client.post("/rituals/daily/", form_data("daily", "alex", best_part=SECRET))
        lines = self.assert_logs_clean()
        self.assertTrue(any("ValueError" in line for line in lines), lines[:5])

    def test_a_500_traceback_does_not_name_the_private_page(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.alex)
        with mock.patch("reattune.journal.views.render", side_effect=ValueError("x")):
            self.assertEqual(client.get(f"/journal/{self.alex_private.pk}/").status_code, 500)
        lines = "\n".join(self.handler.lines)
        self.assertIn("/[private]", lines)
        self.assertNotRegex(lines, r"reattune/(journal|care)/|entry_detail")
