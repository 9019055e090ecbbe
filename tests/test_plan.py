from reattune.plans.models import Plan
from tests.base import BaseTestCase
from tests.checkups import complete_checkup


class PlanTests(BaseTestCase):
    def test_there_is_no_plan_before_the_check_up(self):
        self.assertContains(self.client_for("alex").get("/plan/"), "built from your check-up")
        self.assertEqual(self.api("alex", "get", "/api/v1/plan").status_code, 404)

    def test_one_finished_check_up_gives_a_private_solo_plan(self):
        complete_checkup(self.alex, 0.8)
        plan = Plan.objects.get(author=self.alex, active=True)
        self.assertEqual(plan.kind, "solo")
        self.assertEqual(plan.visibility, "private")
        page = self.client_for("alex").get("/plan/")
        self.assertContains(page, "This week")
        self.assertContains(page, "Because")
        self.assertContains(self.client_for("sam").get("/plan/"), "built from your check-up")

    def test_both_finished_gives_one_shared_couple_plan_and_keeps_history(self):
        complete_checkup(self.alex, 0.8)
        complete_checkup(self.sam, 0.7)
        active = Plan.objects.filter(active=True, space__memberships__user=self.alex)
        self.assertEqual([p.kind for p in active], ["couple"])
        self.assertEqual(Plan.objects.filter(active=False).count(), 1)
        alex_plan = self.api("alex", "get", "/api/v1/plan").json()
        sam_plan = self.api("sam", "get", "/api/v1/plan").json()
        self.assertEqual(alex_plan["id"], sam_plan["id"])
        self.assertEqual(alex_plan["plan"]["daily"]["practice_id"], "daily_checkin")
        self.assertNotIn("casey", str(self.api("casey", "get", "/api/v1/plan").json()))

    def test_the_plan_is_the_same_for_the_same_answers(self):
        complete_checkup(self.alex, 0.8)
        first = Plan.objects.get(author=self.alex, active=True).data
        complete_checkup(self.alex, 0.8)
        second = Plan.objects.get(author=self.alex, active=True).data
        self.assertEqual(first, second)

    def test_either_partner_swaps_a_practice_for_one_meeting_the_same_need(self):
        complete_checkup(self.alex, 0.8)
        complete_checkup(self.sam, 0.7)
        plan = self.api("sam", "get", "/api/v1/plan").json()
        week = plan["plan"]["weeks"][0]
        from reattune.domain.plan import alternatives

        old = next(f["practice_id"] for f in week["focus"] if alternatives(f["practice_id"]))
        in_week = {f["practice_id"] for f in week["focus"]}
        new = next(a for a in alternatives(old) if a not in in_week)
        swapped = self.api(
            "sam",
            "post",
            "/api/v1/plan/swap",
            {"week": 1, "old": old, "new": new, "version": plan["version"]},
        )
        self.assertEqual(swapped.status_code, 200)
        ids = [
            f["practice_id"]
            for f in self.api("alex", "get", "/api/v1/plan").json()["plan"]["weeks"][0]["focus"]
        ]
        self.assertIn(new, ids)
        stale = self.api(
            "alex",
            "post",
            "/api/v1/plan/swap",
            {"week": 1, "old": new, "new": old, "version": plan["version"]},
        )
        self.assertEqual(stale.status_code, 409)
        bad = self.api(
            "alex", "post", "/api/v1/plan/swap", {"week": 1, "old": new, "new": "daily_checkin"}
        )
        self.assertEqual(bad.status_code, 422)

    def test_practice_pages_show_steps(self):
        self.assertContains(self.client_for("alex").get("/plan/practice/validation/"), "<ol>")
        self.assertEqual(self.client_for("alex").get("/plan/practice/nope/").status_code, 404)
