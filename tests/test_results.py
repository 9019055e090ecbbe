import json
import re

from reattune.assessments.catalog import catalog
from reattune.assessments.models import Response
from tests.base import BaseTestCase
from tests.checkups import complete_checkup, fill


def item_ids():
    return {item.id for i in catalog().current() for item in i.items}


class ResultsPageTests(BaseTestCase):
    def test_it_invites_to_the_check_up_before_any_result(self):
        self.assertContains(self.client_for("alex").get("/results/"), "once you have finished")

    def test_it_shows_areas_signs_and_what_scores_can_and_cannot_tell(self):
        complete_checkup(self.alex, 0.8)
        page = self.client_for("alex").get("/results/")
        self.assertContains(page, "not a diagnosis")
        self.assertContains(page, "not compared with any published norm")
        self.assertContains(page, "Talking with each other")
        self.assertContains(page, "What stands out")
        self.assertContains(page, "/learn/sign/")
        self.assertContains(page, "What you can try:")
        self.assertContains(page, "/plan/practice/")

    def test_a_calm_couple_sees_strengths_not_strain(self):
        complete_checkup(self.alex, 0.0)
        page = self.client_for("alex").get("/results/")
        self.assertContains(page, "What is going well")
        self.assertNotContains(page, "What stands out")


class CoupleViewTests(BaseTestCase):
    def test_it_says_what_is_missing_until_both_have_finished(self):
        client = self.client_for("alex")
        self.assertContains(client.get("/results/us/"), "Finish your own check-up first")
        complete_checkup(self.alex)
        self.assertContains(client.get("/results/us/"), "has not finished theirs yet")

    def test_a_person_alone_is_told_it_needs_a_partner(self):
        self.client_for("sam").post("/couple/leave/", {"confirm": "yes"})
        self.assertContains(self.client_for("alex").get("/results/us/"), "needs a partner")

    def test_it_shows_both_side_by_side_and_a_perception_gap(self):
        complete_checkup(self.alex, 0.85)
        complete_checkup(self.sam, 0.1)
        page = self.client_for("sam").get("/results/us/")
        self.assertContains(page, "Side by side")
        self.assertContains(page, "Where you see things differently")


class ItemAnswersStayPrivateTests(BaseTestCase):
    """A partner never receives the other's item answers, in HTML or JSON, unless shared."""

    ROUTES = [
        "/results/",
        "/results/us/",
        "/results/history/",
        "/home/",
        "/api/v1/checkups/results/me",
        "/api/v1/checkups/results/couple",
        "/api/v1/checkups/results/history",
    ]

    def test_sams_pages_and_api_hold_no_item_of_alexs_answers(self):
        complete_checkup(self.alex, 0.9)
        complete_checkup(self.alex, 0.3)  # a second round for history
        complete_checkup(self.sam, 0.2)
        alex_ids = [r.pk for r in Response.objects.filter(author=self.alex)]
        ids = item_ids()
        sam = self.client_for("sam")
        for route in self.ROUTES:
            body = sam.get(route).content.decode()
            found = ids & set(re.findall(r"[a-z][a-z0-9_]+", body))
            self.assertFalse(found, f"{route} shows item ids {sorted(found)[:5]}")
        for response_id in alex_ids:
            self.assertEqual(
                self.api("sam", "get", f"/api/v1/checkups/responses/{response_id}").status_code, 404
            )
        self.assertEqual(sam.get("/results/partner-answers/").status_code, 404)
        own = self.api("sam", "get", "/api/v1/checkups/responses").json()
        self.assertTrue(all(r["id"] not in alex_ids for r in own))

    def test_sharing_item_answers_is_the_authors_choice_and_can_be_undone(self):
        complete_checkup(self.alex, 0.9)
        alex, sam = self.client_for("alex"), self.client_for("sam")
        alex.post("/results/share/", {"share": "yes"})
        shown = sam.get("/results/partner-answers/")
        self.assertContains(shown, catalog().latest("connection_check").items[0].text)
        # sam can find them from the couple view; alex's own couple view offers no such link.
        self.assertContains(sam.get("/results/us/"), 'href="/results/partner-answers/"')
        self.assertNotContains(alex.get("/results/us/"), 'href="/results/partner-answers/"')
        alex.post("/results/share/", {"share": "no"})
        self.assertEqual(sam.get("/results/partner-answers/").status_code, 404)
        self.assertNotContains(sam.get("/results/us/"), "partner-answers")


class DerivedLeakTests(BaseTestCase):
    """What Sam reads that is computed from Alex's answers is at scale level (issue 14)."""

    CHANNELS = ("words", "time", "acts", "touch", "gifts")

    def test_the_couple_api_names_no_care_channel_and_no_one_answer_cause(self):
        complete_checkup(self.alex, 0.9)
        complete_checkup(self.sam, 0.2)
        data = self.api("sam", "get", "/api/v1/checkups/results/couple").json()
        self.assertEqual(data["state"], "ready")
        care = data["couple"]["care_channels"]
        self.assertEqual(set(care), {"mismatch", "wording", "learn"})
        text = json.dumps(data)
        for channel in self.CHANNELS:
            self.assertNotIn(f'"{channel}"', text)
        self.assertNotIn("pattern:care_channel_mismatch", data["couple"]["signals"])
        # never a cause from a two-question scale (test_report and tests/domain cover it
        # with answers that put it on Alex's own page)
        causes = {c["id"] for c in data["partner"]["likely_causes"]}
        self.assertFalse(causes & {"mental_health", "learned_avoidance"})
        self.assertTrue(
            all(c["id"] not in ("care_guessed",) for c in data["couple"]["shared_strengths"])
        )


class HistoryTests(BaseTestCase):
    def test_it_needs_two_check_ups(self):
        fill(self.alex, "connection_check", 0.5)
        self.assertContains(self.client_for("alex").get("/results/history/"), "at least two")

    def test_a_large_change_is_called_clear_and_a_tiny_one_is_not(self):
        fill(self.alex, "connection_check", 0.9)
        fill(self.alex, "connection_check", 0.1)
        page = self.client_for("alex").get("/results/history/")
        self.assertContains(page, "Clearly better")
        self.assertContains(page, "cautious standard estimate")
        data = self.api("alex", "get", "/api/v1/checkups/results/history").json()
        row = data["rows"][0]
        self.assertTrue(row["since_previous"]["reliable"])
        self.assertEqual(row["stats"]["r_source"], "default")
