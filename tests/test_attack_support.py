"""Attacks on crisis `support`: what sam (the partner) is shown about alex's words must say
nothing about alex's care data (safety check taken or not, safety mode, crisis kinds found
only in what alex keeps private, alex's country) and must not change when alex's safety
check is positive; support never reaches another couple, and casey cannot reach alex's text
by guessing ids.

Each test FAILS if the attack works.
"""

import re

from reattune.care.actions import do_save_screen, do_set_country
from reattune.care.support import support_for
from reattune.couples.models import Space
from reattune.journal.actions import do_create_entry
from reattune.rituals.actions import do_start_timeout
from reattune.rituals.kinds import DAILY
from tests.base import BaseTestCase
from tests.clock import SteadyClock
from tests.rituals_helpers import answers, form_data
from tests.test_care_privacy import POSITIVE

API = "/api/v1/rituals"
CRISIS = "Honestly I want to die some days."  # suicide
THREAT = "He said he will kill me if I leave."  # harm from others
CARE_WORDS = re.compile(r"safety check|safety mode|safety screen|/care/safety", re.I)
VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"),
    re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
]


def normalise(text: str) -> str:
    for pattern in VOLATILE:
        text = pattern.sub("<v>", text)
    return text


def today_of(user):
    return Space.objects.get(memberships__user=user, memberships__left_at=None).today()


class PartnerSupportAttack(SteadyClock, BaseTestCase):
    def setUp(self):
        super().setUp()
        # alex shares a crisis answer (suicide) and keeps a threat (harm from others) private
        made = self.api(
            "alex",
            "POST",
            f"{API}/daily",
            answers(
                "daily",
                "alex",
                best_part=CRISIS,
                need=THREAT,
                private_fields=["need"],
                share_anyway=["best_part"],
            ),
        )
        self.assertEqual(made.status_code, 201, made.content)
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        self.journal, _ = do_create_entry(self.alex, CRISIS, visibility="shared", title="tonight")
        do_create_entry(self.alex, THREAT, visibility="private", title="only mine")
        do_start_timeout(self.alex, 20, CRISIS)
        self.day = today_of(self.alex).isoformat()

    def sams_support(self) -> dict[str, str]:
        """Everything sam is shown with partner support, as text."""
        client = self.client_for("sam")
        out = {}
        for path in (f"/daily/{self.day}", "/daily", "/today", "/timeout"):
            out["api" + path] = self.api("sam", "GET", API + path).content.decode()
        out["api journal"] = self.api(
            "sam", "GET", f"/api/v1/journal/{self.journal.pk}"
        ).content.decode()
        for path in (
            f"/rituals/daily/{self.day}/",
            f"/journal/{self.journal.pk}/",
            "/rituals/",
            "/home/",
            "/rituals/timeout/",
        ):
            out[path] = client.get(path).content.decode()
        return {k: normalise(v) for k, v in out.items()}

    def partner_support(self) -> dict:
        return self.api("sam", "GET", f"{API}/daily/{self.day}").json()["partner"]["support"]

    def test_support_is_exactly_what_the_shared_text_alone_gives(self):
        support = self.partner_support()
        expected = support_for(self.sam, CRISIS, None, context="partner")
        self.assertEqual(support["kinds"], ["suicide"])  # not the private threat
        self.assertEqual(support["kinds"], expected["kinds"])
        self.assertEqual(support["message"], expected["message"])
        self.assertEqual(support["guidance"], expected["guidance"])
        self.assertIsNone(support["safety_check_url"])
        self.assertNotRegex(str(support), CARE_WORDS)
        journal = self.api("sam", "GET", f"/api/v1/journal/{self.journal.pk}").json()
        self.assertEqual(journal["support"]["kinds"], ["suicide"])
        timeout = self.api("sam", "GET", f"{API}/timeout").json()
        self.assertEqual(timeout["support"]["kinds"], ["suicide"])

    def test_nothing_changes_for_sam_when_alex_takes_a_positive_safety_check(self):
        before = self.sams_support()
        response = self.client_for("alex").post("/care/safety/", POSITIVE)
        self.assertEqual(response.status_code, 302)
        from reattune.care.safety import safety_mode

        self.alex.refresh_from_db()
        self.assertTrue(safety_mode(self.alex))
        after = self.sams_support()
        changed = [where for where in before if before[where] != after[where]]
        self.assertEqual(changed, [], f"sam's view changed with alex's safety check: {changed}")

    def test_nothing_changes_for_sam_when_alex_takes_a_negative_check_or_deletes_it(self):
        before = self.sams_support()
        do_save_screen(self.alex, {"hurt": 0, "afraid": 0})
        middle = self.sams_support()
        self.client_for("alex").post("/care/safety/delete/")
        after = self.sams_support()
        for where in before:
            self.assertEqual(before[where], middle[where], where)
            self.assertEqual(before[where], after[where], where)

    def test_alexs_country_is_not_in_sams_support(self):
        do_set_country(self.sam, "GB")
        before = self.partner_support()
        do_set_country(self.alex, "DE")
        after = self.partner_support()
        self.assertEqual(before, after)
        self.assertEqual(after["country"], "GB")

    def test_sams_support_names_no_care_words(self):
        for where, text in self.sams_support().items():
            if "support" not in where and "/rituals/" not in where:
                continue
            block = re.findall(r'"support":\s*\{.*?\}\s*[,}]', text)
            for found in block:
                self.assertNotRegex(found, CARE_WORDS, where)


class SafetyModeAnswersAttack(BaseTestCase):
    def test_an_entry_made_in_safety_mode_does_not_betray_it_to_sam(self):
        self.assertEqual(self.client_for("alex").post("/care/safety/", POSITIVE).status_code, 302)
        data = form_data("daily", "alex")
        for pid in ("challenging_part", "need"):  # the form leaves resting prompts out
            data.pop(pid)
        saved = self.client_for("alex").post("/rituals/daily/", data)
        self.assertEqual(saved.status_code, 302, saved.content[:500])
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        partner = self.api("sam", "GET", f"{API}/daily/{today_of(self.sam).isoformat()}").json()[
            "partner"
        ]
        required = [p["id"] for p in DAILY.answer_prompts() if p.get("required")]
        empty_required = [pid for pid in required if partner["answers"].get(pid, None) == ""]
        self.assertEqual(empty_required, [], "an empty required answer shows alex's safety mode")


class OtherCoupleSupportAttack(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.api("alex", "POST", f"{API}/daily", answers("daily", "alex", best_part=CRISIS))
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        self.journal, _ = do_create_entry(self.alex, CRISIS, visibility="shared", title="t")
        self.timeout = do_start_timeout(self.alex, 20, CRISIS)

    def test_casey_never_gets_support_for_alexs_text(self):
        day = today_of(self.casey).isoformat()
        self.api("casey", "POST", f"{API}/daily", answers("daily", "casey"))
        for path in (f"{API}/daily", f"{API}/daily/{day}", f"{API}/today", f"{API}/timeout"):
            response = self.api("casey", "GET", path)
            self.assertNotIn('"support"', response.content.decode(), path)
            self.assertNotIn(CRISIS, response.content.decode(), path)
        for path in ("/rituals/", f"/rituals/daily/{day}/", "/home/", "/journal/shared/"):
            body = self.client_for("casey").get(path).content.decode()
            self.assertNotIn(CRISIS, body, path)
            self.assertNotIn("Your partner wrote about", body, path)

    def test_id_guessing_answers_404_like_a_missing_id(self):
        missing = 10_000_000
        casey = self.client_for("casey")
        pairs = [
            ("GET", f"/api/v1/journal/{self.journal.pk}", f"/api/v1/journal/{missing}"),
            ("POST", f"{API}/timeout/{self.timeout.pk}/end", f"{API}/timeout/{missing}/end"),
        ]
        for method, real, fake in pairs:
            got, none = self.api("casey", method, real), self.api("casey", method, fake)
            self.assertEqual((got.status_code, none.status_code), (404, 404), real)
            self.assertEqual(got.json(), none.json(), real)
            self.assertNotIn(CRISIS, got.content.decode())
        for real, fake in (
            (f"/journal/{self.journal.pk}/", f"/journal/{missing}/"),
            (f"/journal/{self.journal.pk}/edit/", f"/journal/{missing}/edit/"),
        ):
            got, none = casey.get(real), casey.get(fake)
            self.assertEqual((got.status_code, none.status_code), (404, 404), real)
            self.assertEqual(
                normalise(got.content.decode()), normalise(none.content.decode()), real
            )
        ended = casey.post(f"/rituals/timeout/{self.timeout.pk}/end/")
        self.assertEqual(ended.status_code, 404)
        self.timeout.refresh_from_db()
        self.assertIsNone(self.timeout.ended_at)  # casey could not end alex's time-out
