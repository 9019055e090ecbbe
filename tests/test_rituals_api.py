"""Rituals API: clear 4xx answers, the same rules as the pages."""

import uuid
from datetime import timedelta

from reattune.couples.models import Space
from tests.base import BaseTestCase
from tests.rituals_helpers import answers

DAILY = "/api/v1/rituals/daily"


def today_of(user):
    return Space.objects.get(memberships__user=user, memberships__left_at=None).today()


class RitualsApiTests(BaseTestCase):
    def post_daily(self, persona="alex", **overrides):
        return self.api(persona, "POST", DAILY, answers("daily", persona, **overrides))

    def test_it_creates_a_check_in_and_answers_201(self):
        response = self.post_daily()
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["answers"]["connection_today"], 7)
        self.assertEqual(body["answers"]["feelings"], ["calm", "grateful", "cosy"])
        self.assertTrue(body["mine"])

    def test_a_rating_outside_0_to_10_is_a_422_naming_the_field(self):
        for bad in (11, -1):
            response = self.post_daily(connection_today=bad)
            self.assertEqual(response.status_code, 422)
            self.assertEqual(response.json()["errors"][0]["field"], "connection_today")
        self.assertEqual(self.post_daily(connection_today="lots").status_code, 422)

    def test_a_future_day_is_a_422_that_says_so(self):
        tomorrow = today_of(self.alex) + timedelta(days=1)
        response = self.post_daily(day=tomorrow.isoformat())
        self.assertEqual(response.status_code, 422)
        self.assertIn("has not started yet", response.json()["detail"])

    def test_a_day_outside_the_edit_window_is_a_422_that_says_so(self):
        yesterday = today_of(self.alex) - timedelta(days=1)
        response = self.post_daily(day=yesterday.isoformat())
        self.assertEqual(response.status_code, 422)
        self.assertIn("has ended", response.json()["detail"])
        changed = self.api(
            "alex", "PUT", f"{DAILY}/{yesterday.isoformat()}", answers("daily", "alex")
        )
        self.assertEqual(changed.status_code, 404)  # nothing of alex's there to change

    def test_a_duplicate_submit_is_a_409_and_a_retry_with_the_same_key_is_a_200(self):
        key = str(uuid.uuid4())
        first = self.post_daily(submit_key=key)
        retry = self.post_daily(submit_key=key)
        duplicate = self.post_daily()
        self.assertEqual((first.status_code, retry.status_code), (201, 200))
        self.assertEqual(first.json()["id"], retry.json()["id"])
        self.assertEqual(duplicate.status_code, 409)
        self.assertIn("already shared", duplicate.json()["detail"])

    def test_an_edit_with_a_stale_version_is_a_409(self):
        self.post_daily()
        path = f"{DAILY}/{today_of(self.alex).isoformat()}"
        ok = self.api("alex", "PUT", path, answers("daily", "alex", best_part="new", version=1))
        self.assertEqual(ok.status_code, 200)
        self.assertEqual(ok.json()["version"], 2)
        stale = self.api("alex", "PUT", path, answers("daily", "alex", best_part="old", version=1))
        self.assertEqual(stale.status_code, 409)
        self.assertIn("text is still in the form", stale.json()["detail"])

    def test_the_partner_cannot_change_my_check_in(self):
        self.post_daily()
        self.post_daily("sam")
        path = f"{DAILY}/{today_of(self.alex).isoformat()}"
        mine = self.api("sam", "GET", path).json()["mine"]
        response = self.api("sam", "PUT", path, answers("daily", "sam", best_part="sam edit"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["id"], mine["id"])  # only ever one's own row
        alex_view = self.api("alex", "GET", path).json()
        self.assertEqual(alex_view["mine"]["answers"]["best_part"], "alex best part text")

    def test_a_future_day_reads_as_not_found(self):
        tomorrow = today_of(self.alex) + timedelta(days=2)
        self.assertEqual(
            self.api("alex", "GET", f"{DAILY}/{tomorrow.isoformat()}").status_code, 404
        )
        self.assertEqual(self.api("alex", "GET", f"{DAILY}/not-a-date").status_code, 422)

    def test_weekly_and_monthly_follow_the_same_rules(self):
        for kind in ("weekly", "monthly"):
            path = f"/api/v1/rituals/{kind}"
            self.assertEqual(self.api("alex", "POST", path, answers(kind, "alex")).status_code, 201)
            self.assertEqual(self.api("alex", "POST", path, answers(kind, "alex")).status_code, 409)
            today = self.api("sam", "GET", "/api/v1/rituals/today").json()
            status = next(item for item in today if item["kind"] == kind)
            self.assertTrue(status["partner_done"])
            self.assertIsNone(status["partner"])

    def test_anonymous_gets_401_and_casey_sees_nothing_of_alex(self):
        self.post_daily()
        self.assertEqual(self.api("anonymous", "GET", DAILY).status_code, 401)
        today = self.api("casey", "GET", "/api/v1/rituals/today").json()
        self.assertFalse(any(item["partner_done"] for item in today))

    def test_prompts_streaks_progress_ladder_agreements_and_schedule(self):
        prompts = self.api("alex", "GET", "/api/v1/rituals/prompts").json()
        self.assertIn("calm", prompts["feelings"]["pleasant"])
        self.post_daily()
        self.assertEqual(self.api("alex", "GET", "/api/v1/rituals/streaks").json()["this_week"], 1)
        progress = self.api("alex", "GET", "/api/v1/rituals/progress").json()
        self.assertEqual(progress["connection"]["me"]["values"][-1], 7)
        self.assertIsNone(progress["connection"]["partner"]["values"][-1])
        self.assertEqual(
            self.api("alex", "GET", "/api/v1/rituals/progress?range=5y").status_code, 422
        )
        ladder = self.api("alex", "POST", "/api/v1/rituals/ladder", {"action": "stay"}).json()
        self.assertTrue(ladder["staying"])
        self.assertEqual(
            self.api("alex", "POST", "/api/v1/rituals/agreements/time_out").status_code, 201
        )
        self.assertEqual(
            self.api("alex", "POST", "/api/v1/rituals/agreements/nope").status_code, 404
        )
        listed = self.api("sam", "GET", "/api/v1/rituals/agreements").json()
        self.assertIsNotNone(
            next(a for a in listed if a["id"] == "time_out")["accepted_by_partner"]
        )
        schedule = self.api("alex", "GET", "/api/v1/rituals/schedule").json()
        schedule["daily_time"] = "21:15"
        saved = self.api("sam", "PUT", "/api/v1/rituals/schedule", schedule)
        self.assertEqual(saved.status_code, 200, saved.content)
        self.assertEqual(saved.json()["daily_time"], "21:15")
        stale = self.api("alex", "PUT", "/api/v1/rituals/schedule", schedule)
        self.assertEqual(stale.status_code, 409)
