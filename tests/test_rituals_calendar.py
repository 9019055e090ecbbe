"""The private calendar feed: a secret address, revocable, valid RFC 5545, no personal text."""

import re
from datetime import time

from icalendar import Calendar

from reattune.rituals import actions
from reattune.rituals.models import CalendarFeed, hash_feed_token
from tests.base import BaseTestCase
from tests.rituals_helpers import submit


class CalendarFeedTests(BaseTestCase):
    def feed_url(self, persona="alex"):
        client = self.client_for(persona)
        client.post("/rituals/calendar/new/")
        page = client.get("/rituals/calendar/")
        return re.search(r'value="(http[^"]+\.ics)"', page.content.decode()).group(1)

    def test_it_shows_the_address_once_and_stores_only_a_hash(self):
        client = self.client_for("alex")
        client.post("/rituals/calendar/new/")
        first = client.get("/rituals/calendar/").content.decode()
        url = re.search(r'value="(http[^"]+\.ics)"', first).group(1)
        token = url.rsplit("/", 1)[1].removesuffix(".ics")
        self.assertNotIn(token, client.get("/rituals/calendar/").content.decode())
        record = CalendarFeed.objects.get(user=self.alex)
        self.assertEqual(record.token_hash, hash_feed_token(token))
        self.assertNotIn(token, record.token_hash)

    def test_the_feed_parses_as_rfc_5545_with_recurring_rituals_at_the_chosen_times(self):
        actions.do_update_schedule(
            self.alex,
            {"daily_time": time(21, 15), "weekly_day": 2, "monthly_ordinal": -1, "monthly_day": 5},
        )
        url = self.feed_url()
        response = self.client.get(url.split("testserver", 1)[1])
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/calendar"))
        body = response.content
        self.assertIn(b"\r\n", body)
        calendar = Calendar.from_ical(body)
        self.assertEqual(str(calendar["VERSION"]), "2.0")
        self.assertTrue(calendar.get("PRODID"))
        events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
        self.assertEqual(set(events), {"Daily check-in", "Weekly review", "Monthly check-in"})
        daily = events["Daily check-in"]
        self.assertEqual(daily["RRULE"]["FREQ"], ["DAILY"])
        start = daily.decoded("DTSTART")
        self.assertEqual((start.hour, start.minute), (21, 15))
        self.assertEqual(str(start.tzinfo), "Europe/Berlin")
        self.assertEqual(events["Weekly review"]["RRULE"]["BYDAY"], ["WE"])
        self.assertEqual(events["Monthly check-in"]["RRULE"]["BYDAY"], ["-1SA"])
        for event in events.values():
            for prop in ("UID", "DTSTAMP", "DTSTART", "DURATION"):
                self.assertIn(prop, event)
        # Every TZID used has its VTIMEZONE (RFC 5545, 3.2.19).
        self.assertEqual([str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")], ["Europe/Berlin"])

    def test_the_feed_carries_no_personal_text(self):
        submit("daily", self.alex)
        actions.do_start_timeout(self.sam, 20, "sam private timeout note")
        text = self.client.get(self.feed_url().split("testserver", 1)[1]).content.decode()
        for personal in ("Alex", "Sam", "alex@", "sam@", "best part", "timeout note", "Casey"):
            self.assertNotIn(personal, text)
        self.assertIn("Time to come back together", text)  # the time-out's end, generically

    def test_a_revoked_or_replaced_address_stops_working(self):
        first = self.feed_url().split("testserver", 1)[1]
        second = self.feed_url().split("testserver", 1)[1]
        self.assertEqual(self.client.get(first).status_code, 404)
        self.assertEqual(self.client.get(second).status_code, 200)
        self.client_for("alex").post("/rituals/calendar/revoke/")
        self.assertEqual(self.client.get(second).status_code, 404)
        self.assertEqual(self.client.get("/rituals/calendar/cal_guess.ics").status_code, 404)

    def test_the_api_makes_and_revokes_an_address(self):
        made = self.api("sam", "POST", "/api/v1/rituals/calendar-feed")
        self.assertEqual(made.status_code, 201)
        path = made.json()["url"].split("testserver", 1)[1]
        self.assertEqual(self.client.get(path).status_code, 200)
        self.assertEqual(
            self.api("sam", "DELETE", "/api/v1/rituals/calendar-feed").status_code, 204
        )
        self.assertEqual(self.client.get(path).status_code, 404)
