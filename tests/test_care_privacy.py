"""The big one: a positive safety screen changes nothing the other partner can see.

Every page and every API GET of the URL map (with the kwargs of tests/access/*.yaml) is
rendered for sam, alex's partner, and for the couple's consented therapist, before and after
alex answers the safety screen positively. Status codes and bodies, once volatile parts are
normalised (CSRF tokens, times), must be identical: no notification, no changed page, no
hidden count, no different API response.
"""

import re

from django.test import Client, TestCase

from reattune.care.models import SafetyScreen
from reattune.care.safety import RESTING_PROMPT, safety_mode
from tests.access import matrix

POSITIVE = {"hurt": "1", "afraid": "2", "monitored": "3", "unsafe_now": "yes"}
VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"), "<ts>"),
    (re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"), "<time>"),
    (re.compile(r"DTSTAMP:\d{8}T\d{6}Z"), "DTSTAMP:<ts>"),  # calendar feeds: time of serving
    # one-time form keys (submit_key, save_key): a fresh uuid on every render
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
]
WATCHERS = (("sam", "session"), ("sam", "bearer"), ("therapist_both", "session"))


def normalise(text: str) -> str:
    """Times and one-time keys. The screen row's id is NOT normalised: it must not appear in
    anything the others see at all, so the comparison stays strict about it."""
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


class OtherPartnerSeesNoChangeTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)

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
                    normalise(body.decode("utf-8", "replace")),
                )
        return seen

    def test_it_changes_nothing_the_partner_or_the_therapist_can_see(self):
        before = self._everything()
        self.assertGreater(len(before), 100)

        alex = Client()
        alex.force_login(self.world["alex"])
        response = alex.post("/care/safety/", POSITIVE)
        self.assertRedirects(response, "/care/safety/result/", fetch_redirect_response=False)
        alex_user = self.world["alex"].__class__.objects.get(pk=self.world["alex"].pk)
        self.assertTrue(safety_mode(alex_user))
        self.assertEqual(SafetyScreen.objects.filter(author=self.world["alex"]).count(), 2)

        after = self._everything()
        self.assertEqual(set(before), set(after))
        changed = [key for key in before if before[key] != after[key]]
        self.assertEqual(changed, [], f"{len(changed)} responses changed for the others")

        # ... while alex's own view did change: resources, the safety note, a resting ladder.
        result = alex.get("/care/safety/result/").content.decode()
        self.assertIn("If you are in danger now", result)
        self.assertIn("Making a safety plan", result)
        self.assertIn("not the right first step", result)
        self.assertIn("Your safety comes first", alex.get("/care/").content.decode())
        self.assertIn(RESTING_PROMPT, alex.get("/rituals/ladder/").content.decode())
        sam_ladder = Client()
        sam_ladder.force_login(self.world["sam"])
        self.assertNotIn(RESTING_PROMPT, sam_ladder.get("/rituals/ladder/").content.decode())
