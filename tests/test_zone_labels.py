"""Time zones in words people read: "Amsterdam, Netherlands" wherever a zone is shown, a
picker listed by country then city, and the stored value still the IANA name."""

from django.test import SimpleTestCase

from reattune.couples import actions
from reattune.couples.present import zone_choices, zone_label
from tests.base import BaseTestCase


class ZoneLabelTests(SimpleTestCase):
    def test_a_zone_reads_as_its_city_and_country(self):
        self.assertEqual(zone_label("Europe/Amsterdam"), "Amsterdam, Netherlands")
        self.assertEqual(zone_label("America/Argentina/Buenos_Aires"), "Buenos Aires, Argentina")
        self.assertEqual(zone_label("America/Los_Angeles"), "Los Angeles, United States")
        self.assertEqual(zone_label("Asia/Singapore"), "Singapore")  # city and country alike

    def test_older_names_read_as_the_zone_they_stand_for(self):
        self.assertEqual(zone_label("US/Eastern"), "New York, United States")
        self.assertEqual(zone_label("Asia/Calcutta"), "Kolkata, India")

    def test_old_clock_abbreviations_are_never_read_as_a_city(self):
        # tzdata links CET to Brussels and EST to Panama: no couple chose those places.
        for name in ("CET", "EST", "MST", "HST", "EET", "WET", "EST5EDT", "PST8PDT"):
            self.assertEqual(zone_label(name), name)
        self.assertEqual(zone_label("UTC"), "UTC (Coordinated Universal Time)")

    def test_utc_and_fixed_offsets_say_what_they_mean(self):
        for name in ("UTC", "Etc/UTC", "GMT"):
            self.assertEqual(zone_label(name), "UTC (Coordinated Universal Time)", name)
        # Etc/GMT+5 is five hours behind UTC: the name's sign is the other way round.
        self.assertEqual(zone_label("Etc/GMT+5"), "UTC−05:00")
        self.assertEqual(zone_label("Etc/GMT-14"), "UTC+14:00")

    def test_a_name_in_no_table_is_still_words_and_never_blank(self):
        self.assertEqual(zone_label("Nowhere/Far_Away"), "Far Away (Nowhere)")
        self.assertEqual(zone_label(""), "")

    def test_the_picker_lists_countries_then_cities_with_utc_first(self):
        choices = zone_choices()
        self.assertEqual(choices[0][0], "UTC")
        self.assertIn(("Europe/Amsterdam", "Netherlands: Amsterdam"), choices)
        self.assertIn(("Asia/Singapore", "Singapore"), choices)
        labels = [label for _, label in choices[1:]]
        self.assertLess(labels.index("Germany: Berlin"), labels.index("Netherlands: Amsterdam"))
        self.assertGreater(len(choices), 300)
        for value, label in choices:
            self.assertNotIn("_", label, value)
            self.assertNotIn("/", label, value)
        # A stored name the table does not list stays among the options, in words.
        self.assertIn(("US/Eastern", "New York, United States"), zone_choices("US/Eastern"))


class CouplePageZoneTests(BaseTestCase):
    def test_the_couple_page_shows_the_zone_in_words_and_picks_from_a_list(self):
        page = self.client_for("alex").get("/couple/").content.decode()
        self.assertIn("Berlin, Germany", page)
        self.assertNotIn(">Europe/Berlin<", page)
        self.assertIn('<select id="tz" name="timezone" aria-describedby="tz-help">', page)
        self.assertIn('<option value="Europe/Berlin" selected>Germany: Berlin</option>', page)
        picker = page.split('<select id="tz"', 1)[1].split("</select>", 1)[0]
        self.assertEqual(picker.count(" selected>"), 1)

    def test_choosing_a_zone_stores_its_name_and_says_it_in_words(self):
        response = self.client_for("alex").post(
            "/couple/timezone/", {"timezone": "Europe/Amsterdam"}, follow=True
        )
        self.assertContains(response, "follows the clock in Amsterdam, Netherlands")
        self.assertEqual(actions.active_membership(self.sam).space.timezone, "Europe/Amsterdam")
