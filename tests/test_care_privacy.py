"""The big one: a positive safety screen changes nothing the other partner can see.

Every page and every API GET of the URL map (with the kwargs of tests/access/*.yaml) is
rendered for sam, alex's partner, and for the couple's consented therapist, before and after
alex answers the safety screen positively. Status codes and bodies, once volatile parts are
normalised (CSRF tokens, times), must be identical: no notification, no changed page, no
hidden count, no different API response. The same holds for what sam takes away: the export
zip (every file in it), the report PDF (its text) and sam's calendar feed. And the same again
for words of crisis that alex writes in private (docs/privacy.md, "Words of crisis").
"""

import datetime as dt
import io
import re
import uuid
import zipfile

from django.test import Client, TestCase

from reattune.care.models import SafetyScreen
from reattune.care.safety import RESTING_PROMPT, safety_mode
from reattune.domain.safety.screen import SKIP_VALUE, load_screen
from tests.access import matrix
from tests.base import WORLD_TIMEZONE
from tests.clock import START_TIME, SteadyClock

# Every question is sent (as a browser does); the rest are "Prefer not to say".
POSITIVE = {
    **{item.id: SKIP_VALUE for item in load_screen().items},
    **{"hurt": "1", "afraid": "2", "monitored": "3", "unsafe_now": "yes"},
}
VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"), "<ts>"),
    (re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"), "<time>"),
    (re.compile(r"DTSTAMP:\d{8}T\d{6}Z"), "DTSTAMP:<ts>"),  # calendar feeds: time of serving
    # one-time form keys (submit_key, save_key): a fresh uuid on every render
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    # the vault pages' tag for this browser session (which key the browser may keep)
    (re.compile(r'data-vault-tag="[^"]*"'), 'data-vault-tag="<tag>"'),
    # and its secret for the key kept in this browser session (derived from the session key)
    (re.compile(r'data-vault-wrap="[^"]*"'), 'data-vault-wrap="<wrap>"'),
]
WATCHERS = (("sam", "session"), ("sam", "bearer"), ("therapist_both", "session"))


def normalise(text: str) -> str:
    """Times and one-time keys. The screen row's id is NOT normalised: it must not appear in
    anything the others see at all, so the comparison stays strict about it."""
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


class Body:
    """A response body that compares as its normalise()d text does. Bodies equal byte for byte
    are equal normalised too, so only bodies that differ are normalised (once each): most API
    answers come back the same, and normalising is a fair share of a walk's cost."""

    __slots__ = ("raw", "_normal")
    __hash__ = None  # compared, never kept in a set

    def __init__(self, raw: str):
        self.raw = raw
        self._normal: str | None = None

    def normal(self) -> str:
        if self._normal is None:
            self._normal = normalise(self.raw)
        return self._normal

    def __eq__(self, other) -> bool:
        if not isinstance(other, Body):
            return NotImplemented
        return self.raw == other.raw or self.normal() == other.normal()

    def __repr__(self) -> str:
        return f"Body({self.normal()[:80]!r}...)"


def _download_text(response) -> str:
    """The readable content of a download: every file of a zip, a PDF's text, else the body."""
    kind = response.get("Content-Type", "")
    if kind.startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "\n".join(
                f"== {name}\n" + archive.read(name).decode("utf-8", "replace")
                for name in sorted(archive.namelist())
            )
    if kind.startswith("application/pdf"):
        from tests.test_report import pdf_text

        return pdf_text(response.content)
    return response.content.decode("utf-8", "replace")


class OtherPartnerSeesNoChangeTests(SteadyClock, TestCase):
    maxDiff = None
    _before: dict | None = None  # see _before_everything

    @classmethod
    def setUpTestData(cls):
        from reattune.reports.build import do_set_included
        from reattune.rituals.actions import do_create_feed

        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)
        # Both partners put their section in the report, so it holds all it can.
        for name in ("alex", "sam"):
            do_set_included(cls.world[name], True)
        cls.sam_feed = do_create_feed(cls.world["sam"])

    def _before_everything(self) -> dict:
        """Everything the others see before alex changes anything. Both tests start from
        the same rolled-back world, so the walk (the slow part: every page and API GET for
        three watchers) is done once and shared; each test still walks once after its
        change."""
        cls = type(self)
        if cls._before is None:
            cls._before = self._everything()
        return cls._before

    def _downloads(self) -> dict:
        """What sam takes away: the export, the report PDF, the calendar feed."""
        personas = matrix.Personas(self.world, personas=("sam", "anonymous"))
        seen = {}
        for persona, method, url in (
            ("sam", "POST", "/account/export/download/"),
            ("sam", "POST", "/report/pdf/"),
            ("anonymous", "GET", f"/rituals/calendar/{self.sam_feed}.ics"),
        ):
            client, headers = personas.client(persona)
            response, error = matrix.request_rolled_back(client, method, url, None, False)
            self.assertIsNone(error, url)
            self.assertEqual(response.status_code, 200, url)
            seen[(url, persona, "download")] = (
                response.status_code,
                response.get("Content-Disposition", ""),
                normalise(_download_text(response)),
            )
        export, report, feed = (text for _, _, text in seen.values())
        # Not vacuous: each holds what it should (and would show a change).
        self.assertIn("sam private secret text", export)
        self.assertIn("alex shared text for the couple", export)
        self.assertIn("Alex", report)
        self.assertIn("BEGIN:VCALENDAR", feed)
        return seen

    def _everything(self) -> dict:
        personas = matrix.Personas(self.world, personas=("sam", "therapist_both"))
        seen = {}
        for case in self.tables.all_cases():
            url = matrix.case_url(case, self.world)
            for persona, auth in WATCHERS:
                if auth == "bearer" and not case.api:
                    continue
                client, headers = personas.client(persona, auth)
                response, error = matrix.request_rolled_back(
                    client, "GET", url, None, case.api, headers
                )
                if error:
                    seen[(url, persona, auth)] = (error, "")
                    continue
                body = b"" if getattr(response, "streaming", False) else response.content
                seen[(url, persona, auth)] = (
                    response.status_code,
                    response.get("Location", ""),
                    Body(body.decode("utf-8", "replace")),
                )
        seen.update(self._downloads())
        return seen

    def assertNothingChanged(self, before, after):
        self.assertEqual(set(before), set(after))
        changed = [key for key in before if before[key] != after[key]]
        self.assertEqual(changed, [], f"{len(changed)} responses changed for the others")

    def _alex_without_a_vault(self):
        """Readable private words (a safety check, a private entry) come only from a person
        without a vault: with one, they go into it. The world gives alex one; not here."""
        from reattune.vault.models import VaultKeyring

        VaultKeyring.objects.filter(owner=self.world["alex"]).delete()

    def test_its_walks_run_far_from_midnight_where_the_couple_lives(self):
        """The walks are compared minutes apart; across midnight "today" would move on every
        dated page (tests/clock.py). The world's couple sees the same day for hours yet."""
        space = self.world["alex"].memberships.get(left_at__isnull=True).space
        local = space.local_now()
        self.assertEqual(str(space.tzinfo()), WORLD_TIMEZONE)
        midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), local.tzinfo)
        self.assertGreaterEqual(local.time(), START_TIME)
        self.assertGreater(midnight - local, dt.timedelta(hours=4))

    def test_it_changes_nothing_the_partner_or_the_therapist_can_see(self):
        self._alex_without_a_vault()
        before = self._before_everything()
        self.assertGreater(len(before), 100)

        alex = Client()
        alex.force_login(self.world["alex"])
        response = alex.post("/care/safety/", POSITIVE)
        self.assertRedirects(response, "/care/safety/result/", fetch_redirect_response=False)
        alex_user = self.world["alex"].__class__.objects.get(pk=self.world["alex"].pk)
        self.assertTrue(safety_mode(alex_user))
        self.assertEqual(SafetyScreen.objects.filter(author=self.world["alex"]).count(), 2)

        after = self._everything()
        self.assertNothingChanged(before, after)

        # ... while alex's own view did change: resources, the safety note, a resting ladder.
        result = alex.get("/care/safety/result/").content.decode()
        self.assertIn("Your safety matters most right now", result)
        self.assertIn("Making a safety plan", result)
        self.assertIn("not the right first step", result)
        self.assertIn("Your safety comes first", alex.get("/care/").content.decode())
        self.assertIn('data-resting="ladder"', alex.get("/rituals/ladder/").content.decode())
        sam_ladder = Client()
        sam_ladder.force_login(self.world["sam"])
        sam_page = sam_ladder.get("/rituals/ladder/").content.decode()
        self.assertNotIn(RESTING_PROMPT, sam_page)
        self.assertNotIn("data-resting", sam_page)

    def test_words_of_crisis_in_private_change_nothing_the_partner_or_the_therapist_can_see(self):
        """Alex writes words of crisis in private: on a page (an edit), through the API (a new
        entry) and to the coach (analysed, not stored). Alex sees help; nothing else moves."""
        crisis = "I want to kill myself. I can't do this anymore."
        self._alex_without_a_vault()
        before = self._before_everything()

        alex = Client()
        alex.force_login(self.world["alex"])
        entry = self.world["alex_private"]
        edited = alex.post(
            f"/journal/{entry.pk}/edit/",
            {
                "title": "",
                "body": crisis,
                "visibility": "private",
                "submit_key": str(entry.submit_key),
                "version": str(entry.version),
            },
        )
        self.assertContains(edited, "Your words are saved")
        created = alex.post(
            "/api/v1/journal",
            {"body": crisis, "visibility": "private", "submit_key": str(uuid.uuid4())},
            content_type="application/json",
        )
        self.assertEqual(created.status_code, 201)
        self.assertIn("support", created.json())
        coached = alex.post("/coach/", {"text": crisis})
        self.assertLess(coached.status_code, 500)

        after = self._everything()
        self.assertNothingChanged(before, after)
