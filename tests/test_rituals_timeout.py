"""Time-out: start with a length and a note, shown to the partner, a reminder, ended by either."""

from datetime import timedelta

from django.utils import timezone

from reattune.rituals import actions
from reattune.rituals.models import TimeOut
from tests.base import BaseTestCase
from tests.rituals_helpers import frozen


class TimeOutTests(BaseTestCase):
    def test_the_button_is_on_every_page_with_20_minutes_suggested(self):
        for url in ("/home/", "/journal/", "/rituals/", "/couple/"):
            page = self.client_for("alex").get(url)
            self.assertContains(page, 'action="/rituals/timeout/"')
            self.assertContains(page, '<option value="20" selected>20 minutes (suggested)')
        self.assertNotContains(self.client.get("/login/"), 'action="/rituals/timeout/"')

    def test_someone_without_a_partner_is_not_offered_a_time_out(self):
        from django.test import Client

        from reattune.accounts.actions import do_create_user

        alone = do_create_user("robin@example.org", "a long enough passphrase 1", "Robin")
        client = Client()
        client.force_login(alone)
        for url in ("/home/", "/journal/", "/rituals/"):
            self.assertNotContains(client.get(url), 'action="/rituals/timeout/"')

    def test_the_partner_sees_it_with_the_return_time_and_the_note(self):
        response = self.client_for("alex").post(
            "/rituals/timeout/", {"minutes": "20", "note": "alex needs a walk"}
        )
        self.assertEqual(response.status_code, 302)
        timeout = TimeOut.objects.get(author=self.alex)
        self.assertEqual(timeout.ends_at - timeout.started_at, timedelta(minutes=20))
        back_at = timeout.ends_at.astimezone(timeout.space.tzinfo()).strftime("%H:%M")
        home = self.client_for("sam").get("/home/")
        self.assertContains(home, "Alex called a time-out")
        self.assertContains(home, "Back together at <time datetime=")
        self.assertContains(home, back_at)
        self.assertContains(home, "alex needs a walk")
        self.assertNotContains(self.client_for("casey").get("/home/"), "alex needs a walk")

    def test_only_one_runs_at_a_time_and_either_partner_can_end_it(self):
        actions.do_start_timeout(self.alex, 20)
        again = self.client_for("sam").post("/rituals/timeout/", {"minutes": "10"})
        self.assertEqual(again.status_code, 409)
        self.assertContains(again, "already running", status_code=409)
        timeout = TimeOut.objects.get(author=self.alex)
        self.assertEqual(
            self.client_for("casey").post(f"/rituals/timeout/{timeout.pk}/end/").status_code, 404
        )
        ended = self.client_for("sam").post(
            f"/rituals/timeout/{timeout.pk}/end/", {"next": "/home/"}
        )
        self.assertEqual(ended["Location"], "/home/")
        timeout.refresh_from_db()
        self.assertEqual(timeout.ended_by, self.sam)
        self.assertNotContains(self.client_for("alex").get("/home/"), "called a time-out")

    def test_it_reminds_both_to_come_back_when_it_ends(self):
        actions.do_start_timeout(self.alex, 10)
        with frozen(timezone.now() + timedelta(minutes=11)):
            for persona in ("alex", "sam"):
                page = self.client_for(persona).get("/journal/")
                self.assertContains(page, "The time-out has ended")
                self.assertContains(page, "We are back")
            # A new one can start: the one that ran its course closes as it ended.
            actions.do_start_timeout(self.sam, 20)
        self.assertEqual(TimeOut.objects.filter(ended_at__isnull=True).count(), 1)

    def test_it_refuses_odd_lengths_and_long_notes(self):
        for minutes, note in ((7, ""), (20, "x" * 501)):
            response = self.client_for("alex").post(
                "/rituals/timeout/", {"minutes": str(minutes), "note": note}
            )
            self.assertEqual(response.status_code, 422)
        self.assertFalse(TimeOut.objects.exists())

    def test_the_note_is_encrypted_and_the_api_shows_the_lifecycle(self):
        started = self.api(
            "sam", "POST", "/api/v1/rituals/timeout", {"minutes": 30, "note": "sam note"}
        )
        self.assertEqual(started.status_code, 201)
        seen = self.api("alex", "GET", "/api/v1/rituals/timeout").json()
        self.assertEqual(
            (seen["called_by"], seen["note"], seen["running"]), ("Sam", "sam note", True)
        )
        self.assertEqual(self.api("casey", "GET", "/api/v1/rituals/timeout").status_code, 204)
        ended = self.api("alex", "POST", f"/api/v1/rituals/timeout/{seen['id']}/end")
        self.assertEqual(ended.status_code, 200)
        self.assertIsNotNone(ended.json()["ended_at"])
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT note FROM rituals_timeout")
            self.assertNotIn("sam note", cursor.fetchone()[0])
