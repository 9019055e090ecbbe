"""The report's plan (plans.present.plan_outline) is the plan page's view of it
(plan_context), titles only: the same weeks, practices and resting marks, in both safety
modes."""

from datetime import timedelta

from reattune.plans.present import plan_context, plan_outline
from reattune.plans.queries import current_plan
from tests.base import BaseTestCase
from tests.checkups import complete_checkup


def _titles_of(context: dict) -> dict:
    def title(item: dict) -> str:
        return f"{item['title']} (resting for now)" if item["resting"] else item["title"]

    return {
        "kind": context["kind"],
        "starts_on": context["plan"].starts_on,
        "current_week": context["current_week"],
        "daily": title(context["daily"]),
        "weeks": [
            {
                "number": week["number"],
                "current": week["current"],
                "focus": [title(item) for item in week["focus"]],
            }
            for week in context["weeks"]
        ],
    }


class PlanOutlineTests(BaseTestCase):
    def test_the_outline_is_the_plan_pages_view_in_titles(self):
        complete_checkup(self.alex, 0.8)
        complete_checkup(self.sam, 0.6)
        plan = current_plan(self.alex)
        self.assertIsNotNone(plan)
        today = plan.starts_on
        rested = 0
        for safety_mode in (False, True):
            for day in (today, today + timedelta(weeks=2)):
                with self.subTest(safety_mode=safety_mode, day=day):
                    outline = plan_outline(plan, day, safety_mode)
                    self.assertEqual(outline, _titles_of(plan_context(plan, day, safety_mode)))
                    self.assertTrue(outline["weeks"] and all(w["focus"] for w in outline["weeks"]))
                    rested += str(outline).count("(resting for now)")
        self.assertGreater(rested, 0)  # safety mode rests something, and the outline says so
