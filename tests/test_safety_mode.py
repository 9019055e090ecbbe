"""Safety mode (issue 14): a positive private safety check rests every feature that asks the
person to raise things with their partner, for that person only, and deleting the result ends
it at once.

1. The other partner: every page and API GET of the URL map (with the kwargs of
   tests/access/*.yaml), compared byte for byte before the screen, after an urgent positive
   screen and after deleting it, once CSRF tokens, one-time keys and times are removed
   (tests/test_care_privacy.normalise, compared as tests/test_care_privacy.Body).
2. The screened person: agreements, ladder, ritual prompts, the coach's rewrite and opener,
   the therapist invite and the help cards change as the policy says; their partner's do not.
"""

import json

from django.test import Client, TestCase

from reattune.care.models import SafetyScreen, TherapistInvite
from reattune.care.safety import policy, safety_mode
from reattune.domain.safety.help_rules import HELP_CARD_TITLE, REASON_TEXTS, SOLO_REASON_TEXTS
from reattune.domain.safety.screen import SKIP_VALUE, load_screen
from reattune.rituals.models import AgreementAcceptance, DailyCheckIn, LadderState
from tests.access import matrix
from tests.base import BaseTestCase
from tests.checkups import fill
from tests.clock import SteadyClock
from tests.rituals_helpers import form_data
from tests.test_care_privacy import Body


def screen_form(**answers):
    return {item.id: answers.get(item.id, SKIP_VALUE) for item in load_screen().items}


URGENT = screen_form(strangled="1", threat_to_kill="2", weapon="1", followed="3", leaving="yes")
POSITIVE = screen_form(afraid="1")


def fresh(user):
    return user.__class__.objects.get(pk=user.pk)


class OtherPartnerUnchangedTests(SteadyClock, TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)

    def pages(self) -> dict:
        """Every GET of the URL map as sam (session and bearer token) sees it."""
        personas = matrix.Personas(self.world, personas=("sam",))
        seen = {}
        for case in self.tables.all_cases():
            url = matrix.case_url(case, self.world)
            for auth in ("session", "bearer"):
                if auth == "bearer" and not case.api:
                    continue
                client, headers = personas.client("sam", auth)
                response, error = matrix.request_rolled_back(
                    client, "GET", url, None, case.api, headers
                )
                if error:
                    seen[(url, auth)] = (error, "")
                    continue
                body = b"" if getattr(response, "streaming", False) else response.content
                seen[(url, auth)] = (response.status_code, Body(body.decode("utf-8", "replace")))
        return seen

    def assertSame(self, before, after):
        self.assertEqual(set(before), set(after))
        changed = [key for key in before if before[key] != after[key]]
        self.assertEqual(changed, [], f"{len(changed)} of sam's responses changed")

    def test_screening_one_partner_changes_nothing_of_the_other_and_deleting_ends_it(self):
        # A safety check on this page is kept readable only for someone without a vault (with
        # one, it goes into the vault, tests/test_vault_default.py); the world gives alex one.
        from reattune.vault.models import VaultKeyring

        VaultKeyring.objects.filter(owner=self.world["alex"]).delete()
        before = self.pages()
        self.assertGreater(len(before), 100)
        self.assertTrue(any(status == 200 for status, _ in before.values()))
        api_pages = [key for key in before if key[1] == "bearer" and before[key][0] == 200]
        self.assertGreater(len(api_pages), 10)

        alex = Client()
        alex.force_login(self.world["alex"])
        response = alex.post("/care/safety/", URGENT)
        self.assertRedirects(response, "/care/safety/result/", fetch_redirect_response=False)
        alex_policy = policy(fresh(self.world["alex"]))
        self.assertTrue(alex_policy.active and alex_policy.urgent)
        self.assertIn('data-resting="coach_rewrite"', alex.get("/coach/").content.decode())

        self.assertSame(before, self.pages())

        alex.post("/care/safety/delete/")
        self.assertFalse(safety_mode(fresh(self.world["alex"])))
        self.assertNotIn("data-resting", alex.get("/coach/").content.decode())
        self.assertSame(before, self.pages())


class ScreenedPersonTests(BaseTestCase):
    """What changes for alex after a positive check, and that sam's views stay as they were."""

    def screen(self, data=POSITIVE):
        client = self.client_for("alex")
        self.assertEqual(client.post("/care/safety/", data).status_code, 302)
        return client

    def test_the_coach_rewrite_and_opener_rest(self):
        alex = self.screen()
        for path, feature in (("/coach/", "coach_rewrite"), ("/coach/opener/", "coach_opener")):
            page = alex.get(path).content.decode()
            self.assertIn(f'data-resting="{feature}"', page)
            self.assertIn("/care/safety/result/#safety-plan", page)
            self.assertIn("/care/#help-now", page)
            self.assertNotIn("data-resting", self.client_for("sam").get(path).content.decode())
        fragment = alex.post("/coach/feedback/", {"text": "You never listen to me."})
        self.assertNotIn("Another way to say it", fragment.content.decode())
        analyze = self.api("alex", "post", "/api/v1/coach/analyze", {"text": "You never listen."})
        self.assertEqual(analyze.status_code, 404)
        opener = self.api(
            "alex", "post", "/api/v1/coach/opener", {"miss": "us", "feel": "", "like": ""}
        )
        self.assertEqual(opener.status_code, 404)
        sam = self.api("sam", "post", "/api/v1/coach/analyze", {"text": "You never listen."})
        self.assertEqual(sam.status_code, 200)
        self.assertIn("suggestions", sam.json())

    def test_agreements_rest_and_nothing_is_accepted(self):
        alex = self.screen()
        page = alex.get("/rituals/agreements/").content.decode()
        self.assertIn('data-resting="agreements"', page)
        self.assertNotIn('value="accept"', page)
        alex.post("/rituals/agreements/", {"agreement": "time_out", "action": "accept"})
        self.assertFalse(AgreementAcceptance.objects.filter(author=self.alex).exists())
        response = self.api("alex", "post", "/api/v1/rituals/agreements/time_out")
        self.assertEqual(response.status_code, 409)
        self.assertFalse(AgreementAcceptance.objects.filter(author=self.alex).exists())
        self.assertIn(
            'value="accept"', self.client_for("sam").get("/rituals/agreements/").content.decode()
        )

    def test_the_ladder_rests_and_does_not_move(self):
        alex = self.screen()
        page = alex.get("/rituals/ladder/").content.decode()
        self.assertIn('data-resting="ladder"', page)
        self.assertNotIn('value="deeper"', page)
        alex.post("/rituals/ladder/", {"action": "deeper"})
        self.assertFalse(LadderState.objects.filter(author=self.alex).exists())
        response = self.api("alex", "post", "/api/v1/rituals/ladder", {"action": "deeper"})
        self.assertEqual(response.status_code, 409)
        self.assertIn(
            'value="deeper"', self.client_for("sam").get("/rituals/ladder/").content.decode()
        )

    def test_check_in_prompts_that_raise_issues_are_not_asked_of_them(self):
        alex = self.screen()
        mine = alex.get("/rituals/daily/").content.decode()
        theirs = self.client_for("sam").get("/rituals/daily/").content.decode()
        for prompt_id in ("challenging_part", "need"):
            self.assertNotIn(f'name="{prompt_id}"', mine)
            self.assertIn(f'name="{prompt_id}"', theirs)
        data = form_data("daily", "alex")
        del data["challenging_part"], data["need"]
        response = alex.post("/rituals/daily/", data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:500])
        entry = DailyCheckIn.objects.get(author=self.alex)
        self.assertEqual(entry.challenging_part, "")
        prompts = self.api("alex", "get", "/api/v1/rituals/prompts").json()
        resting = {p["id"] for p in prompts["rituals"]["daily"]["prompts"] if p["resting"]}
        self.assertEqual(resting, {"challenging_part", "need"})
        sams = self.api("sam", "get", "/api/v1/rituals/prompts").json()
        self.assertFalse(any(p["resting"] for p in sams["rituals"]["daily"]["prompts"]))

    def test_the_therapist_invite_rests_and_individual_support_comes_first(self):
        alex = self.screen()
        page = alex.get("/care/").content.decode()
        self.assertNotIn("Make a link for our therapist", page)
        self.assertIn('data-resting="therapist_invite"', page)
        self.assertIn('id="individual"', page)
        self.assertNotIn('id="kind-couples_therapy"', page)
        self.assertIn("look for someone who sees you on your own", page)
        self.assertNotIn("You can go together", page)
        alex.post("/care/therapist/invite/")
        self.assertFalse(TherapistInvite.objects.exists())
        sam_page = self.client_for("sam").get("/care/").content.decode()
        self.assertIn("Make a link for our therapist", sam_page)
        self.assertIn('id="kind-couples_therapy"', sam_page)
        self.assertIn("You can go together", sam_page)

    def test_the_help_card_recommends_no_couples_therapy_and_hopelessness_has_crisis_lines(self):
        fill(self.alex, "time_for_help", 0.9)
        fill(self.sam, "time_for_help", 0.9)
        self.alex.country = "GB"
        self.alex.save(update_fields=["country"])
        before = self.client_for("alex").get("/home/").content.decode()
        self.assertIn(REASON_TEXTS["escalation"].split(".")[0], before)
        self.assertIn("Samaritans", before)  # hopelessness comes with the crisis lines
        alex = self.screen()
        home = alex.get("/home/").content.decode()
        self.assertIn(HELP_CARD_TITLE, home)
        self.assertNotIn("couples therapist", home)
        self.assertIn(SOLO_REASON_TEXTS["escalation"].split(".")[0], home)
        self.assertIn("Samaritans", home)
        data = self.api("alex", "get", "/api/v1/care/help").json()
        self.assertNotIn("couples therapist", json.dumps(data))
        self.assertIn("crisis", [r["lines"] for r in data["reasons"]])
        response = alex.get("/results/")
        self.assertEqual(response.status_code, 200)
        results = response.content.decode()
        self.assertIn('id="results-help-title"', results)
        self.assertIn('href="/care/">Ways to get support', results)
        self.assertNotIn("couples therapist", results)
        self.assertIn("Samaritans", results)  # hopelessness stands out: crisis lines
        sam_results = self.client_for("sam").get("/results/").content.decode()
        self.assertIn("couples therapist", sam_results)
        self.assertIn("couples therapist", self.client_for("sam").get("/home/").content.decode())

    def test_deleting_the_result_ends_safety_mode_at_once(self):
        alex = self.screen(URGENT)
        self.assertIn('data-resting="ladder"', alex.get("/rituals/ladder/").content.decode())
        alex.post("/care/safety/delete/")
        self.assertFalse(SafetyScreen.objects.exists())
        self.assertNotIn("data-resting", alex.get("/rituals/ladder/").content.decode())
        self.assertNotIn("data-resting", alex.get("/coach/").content.decode())
        self.assertIn("Make a link for our therapist", alex.get("/care/").content.decode())

    def test_answering_again_without_worry_ends_it_too(self):
        alex = self.screen()
        negative = screen_form(
            **{i.id: "0" for i in load_screen().items if i.scale.type == "frequency"}
        )
        negative.update(unsafe_now="no", leaving="no")
        alex.post("/care/safety/", negative)
        self.assertFalse(safety_mode(fresh(self.alex)))
        self.assertNotIn("data-resting", alex.get("/rituals/agreements/").content.decode())

    def test_agreeing_to_a_therapist_the_partner_invited_rests_too(self):
        from reattune.care.models import TherapistConsent
        from tests.test_care_access import grant_for, make_therapist

        grant = grant_for(self.sam, make_therapist("therapist_rest"))
        alex = self.screen()
        page = alex.get("/care/").content.decode()
        self.assertIn("Agreeing to a couples therapist is resting for you", page)
        self.assertNotIn(f'action="/care/therapist/{grant.pk}/consent/"', page)
        self.assertIn(f'action="/care/therapist/{grant.pk}/revoke/"', page)  # can still stop it
        alex.post(f"/care/therapist/{grant.pk}/consent/", {"share_journal": "yes"})
        self.assertFalse(TherapistConsent.objects.filter(grant=grant, partner=self.alex).exists())
