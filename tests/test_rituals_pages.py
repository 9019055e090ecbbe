"""Ritual pages: the guided check-in, the period page, home, ladder, agreements, calendar."""

import re

from django.http import HttpResponse

from reattune.core import aftersave
from reattune.rituals.models import (
    AgreementAcceptance,
    DailyCheckIn,
    LadderState,
    Schedule,
    WeeklyReview,
)
from tests.base import BaseTestCase
from tests.rituals_helpers import form_data, submit

PAGES = (
    "/rituals/",
    "/rituals/daily/",
    "/rituals/weekly/",
    "/rituals/monthly/",
    "/rituals/timer/",
    "/rituals/ladder/",
    "/rituals/agreements/",
    "/rituals/timeout/",
    "/rituals/calendar/",
    "/rituals/progress/",
)


class RitualPageTests(BaseTestCase):
    def test_the_daily_check_in_is_guided_and_every_input_is_labelled(self):
        page = self.client_for("alex").get("/rituals/daily/").content.decode()
        self.assertIn("Put phones and screens out of reach", page)
        self.assertIn("data-timer", page)
        self.assertIn('href="/rituals/timer/"', page)  # the timer without JavaScript
        self.assertEqual(page.count('name="connection_today"'), 11)
        self.assertIn('value="grateful"', page)
        self.assertIn('name="own_feelings"', page)
        for match in re.finditer(r"<(?:textarea|input|select)\b[^>]*>", page):
            tag = match.group(0)
            if 'type="hidden"' in tag:
                continue
            input_id = re.search(r'id="([^"]+)"', tag)
            wrapped = page.rfind("<label", 0, match.start()) > page.rfind(
                "</label>", 0, match.start()
            )
            self.assertTrue(
                wrapped or (input_id and f'for="{input_id.group(1)}"' in page), f"unlabelled {tag}"
            )

    def test_an_answer_kept_from_the_partner_is_not_promised_to_be_for_the_author_alone(self):
        # "Just for you" keeps it from the partner; the host could still read it, and every
        # form with the choice says so (alex has a vault: the answer is still not in it).
        for path in ("/rituals/daily/", "/rituals/weekly/", "/rituals/monthly/"):
            page = self.client_for("alex").get(path).content.decode()
            self.assertIn("Keep this answer just for me", page, path)
            self.assertIn("will never see that answer", page, path)
            self.assertIn("whoever runs the server could read it", page, path)

    def test_a_check_in_from_the_page_goes_to_the_day_and_calls_the_after_save_hook(self):
        seen = []

        def hook(request, text):
            seen.append(text)
            return None

        aftersave._HOOKS.append(hook)
        try:
            response = self.client_for("alex").post("/rituals/daily/", form_data("daily", "alex"))
        finally:
            aftersave._HOOKS.remove(hook)
        entry = DailyCheckIn.objects.get(author=self.alex)
        self.assertRedirects(
            response, f"/rituals/daily/{entry.day.isoformat()}/", fetch_redirect_response=False
        )
        self.assertIn("alex best part text", seen[0])
        self.assertIn("alex need text", seen[0])
        self.assertIn("cosy", seen[0])

    def test_the_after_save_hook_can_send_the_person_elsewhere(self):
        aftersave._HOOKS.append(lambda request, text: HttpResponse("support page", status=200))
        try:
            response = self.client_for("alex").post("/rituals/weekly/", form_data("weekly", "alex"))
        finally:
            aftersave._HOOKS.pop()
        self.assertContains(response, "support page")
        self.assertTrue(WeeklyReview.objects.filter(author=self.alex).exists())  # saved first

    def test_a_problem_keeps_every_answer_in_the_form(self):
        data = form_data("daily", "alex", connection_today="12")
        response = self.client_for("alex").post("/rituals/daily/", data)
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "outside it", status_code=422)
        self.assertContains(response, "alex best part text", status_code=422)
        self.assertContains(response, 'value="grateful" checked', status_code=422)
        self.assertContains(response, 'value="cosy"', status_code=422)

    def test_editing_with_a_stale_version_is_409_and_keeps_the_text(self):
        submit("daily", self.alex)
        stale = form_data("daily", "alex", best_part="my careful new words")
        stale["version"] = "1"
        client = self.client_for("alex")
        self.assertEqual(
            client.post("/rituals/daily/", {**stale, "best_part": "first"}).status_code, 302
        )
        response = client.post("/rituals/daily/", stale)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "my careful new words", status_code=409)
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).best_part, "first")

    def test_the_form_prefills_ones_own_answers_to_change_them(self):
        submit("daily", self.alex)
        page = self.client_for("alex").get("/rituals/daily/")
        self.assertContains(page, "alex best part text")
        self.assertContains(page, 'value="7" checked')
        self.assertContains(page, "Save my changes")
        self.assertNotContains(self.client_for("sam").get("/rituals/daily/"), "alex best part text")

    def test_home_shows_todays_state_and_links_in_the_nav(self):
        home = self.client_for("sam").get("/home/")
        self.assertContains(home, "Start today's check-in")
        self.assertContains(home, 'href="/rituals/"')
        self.assertContains(home, 'href="/rituals/progress/"')
        submit("daily", self.alex)
        self.assertContains(self.client_for("sam").get("/home/"), "Alex has checked in today")
        submit("daily", self.sam)
        self.assertContains(self.client_for("sam").get("/home/"), "read both")

    def test_the_rituals_home_has_a_place_for_the_plan_card(self):
        from reattune.rituals import slots

        slots._PLAN_CARDS.append(lambda request: ("rituals/streaks.html", {}))
        try:
            page = self.client_for("alex").get("/rituals/")
        finally:
            slots._PLAN_CARDS.pop()
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Your first check-in can be tonight", count=2)

    def test_agreements_are_accepted_per_partner(self):
        self.client_for("alex").post("/rituals/agreements/", {"agreement": "time_out"})
        page = self.client_for("sam").get("/rituals/agreements/")
        self.assertContains(page, "Alex accepted this on")
        self.client_for("sam").post("/rituals/agreements/", {"agreement": "time_out"})
        self.assertContains(self.client_for("alex").get("/rituals/agreements/"), "You both agreed")
        self.assertEqual(AgreementAcceptance.objects.filter(agreement_id="time_out").count(), 2)
        missing = self.client_for("alex").post("/rituals/agreements/", {"agreement": "nope"})
        self.assertEqual(missing.status_code, 404)

    def test_the_ladder_page_lets_a_partner_stay_on_a_step(self):
        page = self.client_for("alex").get("/rituals/ladder/")
        self.assertContains(page, "step 1 of")
        self.client_for("alex").post("/rituals/ladder/", {"action": "deeper"})
        self.assertContains(self.client_for("alex").get("/rituals/ladder/"), "step 2 of")
        self.assertContains(self.client_for("sam").get("/rituals/ladder/"), "Alex is on step 2")
        self.assertTrue(LadderState.objects.get(author=self.alex).staying)

    def test_the_couple_chooses_their_ritual_times(self):
        self.client_for("sam").post(
            "/rituals/calendar/",
            {
                "daily_on": "on",
                "daily_time": "21:45",
                "weekly_on": "on",
                "weekly_day": "4",
                "weekly_time": "19:00",
                "monthly_ordinal": "2",
                "monthly_day": "6",
                "monthly_time": "10:00",
                "version": "1",
            },
        )
        schedule = Schedule.objects.get()
        self.assertEqual(schedule.daily_time.strftime("%H:%M"), "21:45")
        self.assertFalse(schedule.monthly_on)
        self.assertContains(self.client_for("alex").get("/rituals/calendar/"), 'value="21:45"')

    def test_the_timer_works_without_javascript(self):
        page = self.client_for("alex").get("/rituals/timer/?start=1")
        self.assertContains(page, "Your 15 minutes end at")

    def test_no_page_has_inline_scripts_or_styles(self):
        for url in PAGES:
            page = self.client_for("alex").get(url).content.decode()
            self.assertIsNone(re.search(r"<script(?![^>]*\bsrc=)", page), url)
            self.assertNotIn("<style", page, url)
            self.assertIsNone(re.search(r'\sstyle="', page), url)
            self.assertIsNone(re.search(r"\son[a-z]+=", page), url)

    def test_past_and_future_days(self):
        self.assertEqual(self.client_for("alex").get("/rituals/daily/2020-01-01/").status_code, 200)
        self.assertEqual(self.client_for("alex").get("/rituals/daily/2999-01-01/").status_code, 404)
        self.assertEqual(self.client_for("alex").get("/rituals/daily/2020-02-31/").status_code, 404)
        self.assertEqual(
            self.client_for("alex").get("/rituals/weekly/2020-01-01/").status_code, 404
        )
        self.assertEqual(
            self.client_for("alex").get("/rituals/weekly/2019-12-30/").status_code, 200
        )
