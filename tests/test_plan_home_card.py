"""Today's plan card (plans.present.this_week) shows this week as the plan page does
(plans.present.plan_context's "this_week"): the same practices, titles and resting marks,
in both safety modes, in every week of the plan and after it."""

from datetime import timedelta

from reattune.plans.present import plan_context, this_week
from reattune.plans.queries import current_plan
from tests.base import BaseTestCase
from tests.checkups import complete_checkup


class PlanHomeCardTests(BaseTestCase):
    def test_this_week_is_the_plan_pages_week(self):
        complete_checkup(self.alex, 0.8)
        complete_checkup(self.sam, 0.6)
        plan = current_plan(self.alex)
        self.assertIsNotNone(plan)
        rested = 0
        for safety_mode in (False, True):
            for weeks in (0, 2, 9):  # the first week, a later one, after the plan's end
                day = plan.starts_on + timedelta(weeks=weeks)
                with self.subTest(safety_mode=safety_mode, weeks=weeks):
                    page = plan_context(plan, day, safety_mode)["this_week"]
                    card = this_week(plan, day, safety_mode)
                    self.assertEqual(
                        card["focus"],
                        [
                            {k: item[k] for k in ("practice_id", "title", "resting")}
                            for item in page["focus"]
                        ],
                    )
                    self.assertTrue(card["focus"])
                    rested += sum(item["resting"] for item in card["focus"])
        self.assertGreater(rested, 0)  # safety mode rests something, and the card says so

    def test_the_home_page_shows_the_card(self):
        complete_checkup(self.alex, 0.8)
        complete_checkup(self.sam, 0.6)
        plan = current_plan(self.alex)
        page = self.client_for("alex").get("/home/").content.decode()
        self.assertIn('id="plan-card"', page)
        today = plan.starts_on  # the plan was made today
        for item in plan_context(plan, today)["this_week"]["focus"]:
            self.assertIn(item["title"], page)
