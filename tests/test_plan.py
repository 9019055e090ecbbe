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


def _screen_positive(user):
    from reattune.care.models import SafetyScreen
    from reattune.care.safety import result_to_json
    from reattune.domain.safety.screen import ScreenResult

    SafetyScreen.objects.create(
        author=user,
        answers="{}",
        result=result_to_json(ScreenResult(positive=True, areas=frozenset({"fear"}))),
    )


def _without_tokens(html: str) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


class PlanSafetyTests(BaseTestCase):
    def test_a_positive_check_changes_only_that_persons_view_of_the_shared_plan(self):
        complete_checkup(self.alex, 0.8)
        complete_checkup(self.sam, 0.7)
        pages = ("/plan/", "/home/")

        def sam_sees():
            client = self.client_for("sam")
            seen = {p: _without_tokens(client.get(p).content.decode()) for p in pages}
            seen["api"] = self.api("sam", "get", "/api/v1/plan").json()
            return seen

        before = sam_sees()
        alex_before = self.client_for("alex").get("/plan/").content.decode()
        _screen_positive(self.alex)
        self.assertEqual(sam_sees(), before)
        alex_after = self.client_for("alex").get("/plan/").content.decode()
        self.assertNotEqual(alex_after, alex_before)
        self.assertIn("resting for you", alex_after)
        self.assertIn("plan looks the same as before", alex_after)
        self.assertIn("Resting for now.", alex_after)
        view = self.api("alex", "get", "/api/v1/plan").json()["view"]
        self.assertTrue(view["safety_mode"])
        first = view["weeks"][0]["focus"]
        self.assertEqual([f["form"] for f in first[:2]], ["solo", "solo"])
        self.assertTrue(all(f["resting"] for f in first if f["form"] == "conjoint_risky"))
        self.assertFalse(self.api("sam", "get", "/api/v1/plan").json()["view"]["safety_mode"])

    def test_the_shared_plan_quotes_no_single_answer(self):
        from reattune.domain.plan import load_practices

        complete_checkup(self.alex, 0.8)
        complete_checkup(self.sam, 0.7)
        plan = Plan.objects.get(kind="couple", active=True)
        text = str(plan.data)
        self.assertNotIn("sign:", text)
        self.assertNotIn("cause:", text)
        for ref, phrase in load_practices().phrases.items():
            if ref.startswith(("sign:", "cause:")):
                self.assertNotIn(phrase, text)
        self.assertIn("Because you both feel", text)

    def test_a_solo_plan_with_eggshells_asks_nothing_of_the_partner_in_week_one(self):
        from reattune.domain.plan import load_practices

        complete_checkup(self.alex, 0.8)
        plan = Plan.objects.get(author=self.alex, active=True)
        self.assertEqual(plan.kind, "solo")
        self.assertTrue(plan.data["safety_first"])
        library = load_practices()
        week_one = [f["practice_id"] for f in plan.data["weeks"][0]["focus"]]
        self.assertTrue(all(library[pid].form == "solo" for pid in week_one), week_one)
        self.assertNotIn("appreciation", week_one)

    def test_an_older_couple_plan_quoting_one_answer_is_exported_without_that_reason(self):
        """Plans stored before reasons were limited may quote one partner's answer; the export
        reads them as the page and the API do (shared_safe)."""
        from reattune.plans.portability import export_user

        complete_checkup(self.alex, 0.8)
        complete_checkup(self.sam, 0.7)
        plan = Plan.objects.get(kind="couple", active=True)
        quoted = "Because one of you feels home can feel like walking on eggshells."
        item = plan.data["weeks"][0]["focus"][0]
        item.update(reason=quoted, basis="sign:eggshells")
        plan.save(update_fields=["data"])
        for who in (self.alex, self.sam):
            exported = str(export_user(who)["plans"])
            self.assertNotIn("eggshells", exported)
            self.assertIn(item["practice_id"], exported)
        self.assertNotIn("eggshells", str(self.api("sam", "get", "/api/v1/plan").json()["plan"]))
