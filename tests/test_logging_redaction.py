"""reattune.core.logs.RedactingFilter keeps personal text, tokens and secrets out of logs."""

import io
import logging
import sys
import uuid
from unittest import mock

from django.test import Client

from reattune.core.crypto import encrypt
from reattune.core.logs import RedactingFilter, redact_path
from tests.base import BaseTestCase


def make_record(msg, args=(), exc_info=None, **extra):
    record = logging.LogRecord("reattune.test", logging.ERROR, __file__, 1, msg, args, exc_info)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def filtered(record) -> str:
    RedactingFilter().filter(record)
    handler = logging.StreamHandler(io.StringIO())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    return handler.format(record)


class RedactingFilterTests(BaseTestCase):
    def test_it_drops_the_request_and_keeps_a_redacted_path(self):
        request = mock.Mock(path="/invite/inv_AbCdEfGhIjKlMnOpQrStUvWxYz012345/", POST={"a": 1})
        record = make_record("Not Found: %s", ("/x/",), request=request)
        RedactingFilter().filter(record)
        self.assertIsNone(record.request)
        self.assertEqual(record.path, "/invite/[redacted]/")

    def test_it_scrubs_our_tokens_bearer_and_ciphertext(self):
        raw_token = "rt_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0"
        invite = "inv_" + "Z9y8X7w6V5u4T3s2R1q0P9o8"
        calendar = "ics_" + "q1W2e3R4t5Y6u7I8o9P0a1S2"
        ciphertext = encrypt("a private sentence")
        line = filtered(
            make_record(
                "token %s invite %s calendar %s header %s stored %s",
                (raw_token, invite, calendar, "Bearer sekrit-value-123", ciphertext),
            )
        )
        for secret in (raw_token, invite, calendar, "sekrit-value-123", ciphertext):
            self.assertNotIn(secret, line)
        self.assertNotIn("a private sentence", line)
        self.assertIn("[redacted]", line)

    def test_it_scrubs_every_kind_of_token_the_app_makes(self):
        """Real tokens from each model's generator: personal access, couple invite, calendar
        feed and therapist invite links. A bare token in a message is scrubbed too, not only
        one inside a URL path."""
        from reattune.accounts.models import AccessToken
        from reattune.care.models import TherapistInvite
        from reattune.couples.models import Invite
        from reattune.rituals.models import CalendarFeed

        for model in (AccessToken, Invite, CalendarFeed, TherapistInvite):
            raw = model.new_raw()
            line = filtered(make_record("made %s for you", (raw,)))
            self.assertNotIn(raw[len(model.PREFIX) :], line, model.__name__)
            self.assertIn("[redacted]", line)

    def test_it_scrubs_password_and_secret_assignments(self):
        line = filtered(make_record("login password=hunter2hunter2 secret: 'abc123def'"))
        self.assertNotIn("hunter2hunter2", line)
        self.assertNotIn("abc123def", line)

    def test_it_redacts_invite_and_calendar_paths_in_messages(self):
        line = filtered(
            make_record(
                "GET /invite/AbCdEfGhIjKlMnOpQrStUvWx/ and /calendar/QwErTyUiOpAsDfGhJkLz.ics"
            )
        )
        self.assertNotIn("AbCdEfGhIjKlMnOpQrStUvWx", line)
        self.assertNotIn("QwErTyUiOpAsDfGhJkLz", line)
        self.assertEqual(redact_path("/rituals/daily/?q=private words"), "/rituals/daily/")

    def test_private_paths_never_reach_a_log_line(self):
        for path in ("/care/safety/result/", "/journal/12/", "/therapist/couples/3/",
                     "/api/v1/journal/5", "/api/v1/care/resources"):  # fmt: skip
            self.assertEqual(redact_path(path), "/[private]", path)
            line = filtered(make_record(f"Not Found: {path}"))
            self.assertNotIn(path.strip("/").split("/")[-1] + "/", line.replace("[private]", ""))
            self.assertIn("/[private]", line)

    def test_every_care_journal_and_therapist_route_is_private_in_logs(self):
        """Walk the URL map: a route of the care, journal or therapist pages (or their API)
        is logged only as /[private]."""
        from django.urls import get_resolver

        from reattune.core.logs import is_private_path

        def walk(patterns, prefix=""):
            for entry in patterns:
                route = prefix + str(entry.pattern)
                if hasattr(entry, "url_patterns"):
                    yield from walk(entry.url_patterns, route)
                else:
                    yield "/" + route.lstrip("^").replace("\\", ""), entry

        checked = 0
        for route, entry in walk(get_resolver().url_patterns):
            module = getattr(entry.callback, "__module__", "")
            name = entry.name or ""
            private = module.startswith(("reattune.care.", "reattune.journal.")) or name.startswith(
                ("care", "therapist", "journal")
            )
            if route.startswith("/api/v1/"):
                private = route.startswith(("/api/v1/care", "/api/v1/journal"))
            if private:
                concrete = route.replace("<int:", "7<").split("<")[0]
                self.assertTrue(is_private_path(concrete), route)
                checked += 1
        self.assertGreater(checked, 10)

    def test_the_server_access_log_writes_private_paths_as_one_placeholder(self):
        from types import SimpleNamespace

        from gunicorn.config import Config

        from reattune.server import RedactingAccessLogger

        logger = RedactingAccessLogger(Config())
        environ = {"PATH_INFO": "/care/safety/result/", "REQUEST_METHOD": "GET",
                   "SERVER_PROTOCOL": "HTTP/1.1", "QUERY_STRING": "a=b",
                   "RAW_URI": "/care/safety/result/?a=b"}  # fmt: skip
        response = SimpleNamespace(status="200 OK", response_length=10, headers=[], sent=10)
        request = SimpleNamespace(headers=[], uri="/care/safety/result/?a=b")
        atoms = logger.atoms(response, request, environ, __import__("datetime").timedelta(0))
        self.assertEqual(atoms["r"], "GET /[private] HTTP/1.1")
        self.assertEqual(atoms["U"], "/[private]")
        self.assertNotIn("safety", " ".join(str(v) for v in atoms.values()))

    def test_it_keeps_the_exception_type_but_not_its_message(self):
        marker = f"exception-marker-{uuid.uuid4().hex}"  # not in the traceback's source line
        try:
            raise ValueError(f"the private text is: {marker}")
        except ValueError:
            record = make_record("failed", exc_info=sys.exc_info())
        line = filtered(record)
        self.assertIn("ValueError", line)
        self.assertNotIn(marker, line)

    def test_unformattable_arguments_do_not_break_logging(self):
        line = filtered(make_record("%d items", ("not a number rt_" + "x" * 30,)))
        self.assertNotIn("x" * 30, line)


class RequestErrorLoggingTests(BaseTestCase):
    """An exception while handling a request whose body holds a marker: no marker logged."""

    def setUp(self):
        super().setUp()
        self.marker = f"logmarker-{uuid.uuid4().hex}"
        self.output = io.StringIO()
        # The handler that settings.LOGGING configures, with its filter, writing to a buffer.
        self.handlers = [
            h
            for h in logging.getLogger().handlers
            if any(isinstance(f, RedactingFilter) for f in h.filters)
        ]
        self.assertTrue(self.handlers, "settings.LOGGING lost its redacting console handler")
        self.streams = [h.setStream(self.output) for h in self.handlers]

    def tearDown(self):
        for handler, stream in zip(self.handlers, self.streams, strict=True):
            handler.setStream(stream)
        super().tearDown()

    def crash(self, *args, **kwargs):
        raise ValueError(f"could not save {self.marker} because {kwargs} {args}")

    def test_a_page_error_logs_no_marker(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.alex)
        with mock.patch("reattune.journal.actions.do_create_entry", side_effect=self.crash):
            response = client.post(
                "/journal/new/",
                {
                    "title": self.marker,
                    "body": self.marker,
                    "visibility": "private",
                    "submit_key": str(uuid.uuid4()),
                },
            )
        self.assertEqual(response.status_code, 500)
        self.assertNotIn(self.marker.encode(), response.content)
        log = self.output.getvalue()
        self.assertIn("ValueError", log)  # it was logged ...
        self.assertNotIn(self.marker, log)  # ... without the text

    def test_an_api_error_logs_no_marker(self):
        with mock.patch("reattune.journal.actions.do_create_entry", side_effect=self.crash):
            response = self.api(
                "alex", "POST", "/api/v1/journal", {"body": self.marker, "title": self.marker}
            )
        self.assertEqual(response.status_code, 500)
        self.assertNotIn(self.marker.encode(), response.content)
        log = self.output.getvalue()
        self.assertIn("ValueError", log)
        self.assertNotIn(self.marker, log)
        self.assertNotIn(self.alex_token, log)
