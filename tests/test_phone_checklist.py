"""Lines of the phone-first work that an HTTP test can hold, where no other test did.

- Every time shown is in the couple's time zone, the same on every page: a journal entry
  written at 23:30 UTC reads as the next morning for a couple in Auckland, on the journal
  list, the entry's page and the shared list; the time-out's return time agrees.
- The time-out bar is offered only to someone with a partner (on every page, not only Rituals).
- The calendar page offers a one-tap webcal:// subscribe link for the address it shows.
- The therapist's and the partner's brand link lead to a page that answers 200.
- Every page of the URL map, parameters filled, weighs at most 60 KB compressed.
"""

import re
from datetime import UTC, datetime

from django.test import Client, TestCase

from reattune.accounts.actions import do_create_user
from reattune.journal.models import Entry
from tests.access import matrix
from tests.base import PASSWORD, BaseTestCase, make_couple
from tests.test_page_weight import LIMIT, page_weight

# 23:30 UTC on 10 January is 12:30 on 11 January in Auckland (UTC+13 in summer).
WRITTEN_UTC = datetime(2026, 1, 10, 23, 30, tzinfo=UTC)
IN_AUCKLAND = "11 Jan 2026, 12:30"
IN_UTC = "10 Jan 2026, 23:30"


class TimesInTheCouplesZoneTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.kiri, cls.tama = make_couple("kiri", "tama", "Pacific/Auckland")
        from reattune.journal.actions import do_create_entry

        cls.entry, _ = do_create_entry(
            cls.kiri, "Breakfast by the harbour", visibility="shared", title="Harbour"
        )
        Entry.objects.filter(pk=cls.entry.pk).update(created_at=WRITTEN_UTC, updated_at=WRITTEN_UTC)

    def test_journal_times_are_in_the_couples_time_zone_on_every_journal_page(self):
        for persona in (self.kiri, self.tama):
            client = Client()
            client.force_login(persona)
            urls = [f"/journal/{self.entry.pk}/"] + (["/journal/"] if persona == self.kiri else [])
            for url in urls:
                page = client.get(url).content.decode()
                self.assertIn(IN_AUCKLAND, page, f"{url} for {persona.email}")
                self.assertNotIn(IN_UTC, page, f"{url} for {persona.email}")
            shared = client.get("/journal/shared/").content.decode()
            self.assertIn("11 Jan 2026", shared)
            self.assertNotIn("10 Jan 2026", shared)

    def test_a_request_leaves_no_time_zone_behind_for_the_next_person(self):
        """alex's couple is in Berlin: after kiri's page, alex's times are Berlin's again."""
        kiri = Client()
        kiri.force_login(self.kiri)
        kiri.get("/journal/")
        Entry.objects.filter(pk=self.alex_shared.pk).update(created_at=WRITTEN_UTC)
        alex = Client()
        alex.force_login(self.alex)
        page = alex.get(f"/journal/{self.alex_shared.pk}/").content.decode()
        self.assertIn("11 Jan 2026, 00:30", page)  # Berlin is UTC+1 in January


class TimeOutBarOnlyWithAPartnerTests(BaseTestCase):
    def test_the_time_out_is_offered_on_every_main_page_only_with_a_partner(self):
        alone = do_create_user("robin@example.org", PASSWORD, "Robin", "Europe/Berlin")
        solo, paired = Client(), Client()
        solo.force_login(alone)
        paired.force_login(self.alex)
        for url in ("/home/", "/journal/", "/learn/", "/care/", "/account/"):
            with_partner = paired.get(url).content.decode()
            without = solo.get(url).content.decode()
            self.assertIn('action="/rituals/timeout/"', with_partner, url)
            self.assertNotIn('action="/rituals/timeout/"', without, url)


class CalendarAndBrandTests(BaseTestCase):
    def test_the_calendar_page_offers_a_one_tap_webcal_link_for_its_address(self):
        client = self.client_for("alex")
        page = client.post("/rituals/calendar/new/", follow=True).content.decode()
        shown = re.search(r"https?://[^\s\"<]+/rituals/calendar/[^\s\"<]+\.ics", page)
        self.assertIsNotNone(shown, "the feed address is shown once")
        webcal = "webcal://" + shown.group(0).split("://", 1)[1]
        self.assertIn(f'href="{webcal}"', page)

    def test_the_brand_link_leads_to_a_page_that_answers(self):
        for persona in ("alex", "anonymous"):
            client = self.client_for(persona)
            page = client.get("/learn/").content.decode()
            href = re.search(r'class="brand" href="([^"]+)"', page).group(1)
            self.assertEqual(client.get(href).status_code, 200, (persona, href))


class EveryPageWeighsLittleTests(TestCase):
    """tests/test_page_weight.py weighs the pages without parameters for the demo couple; this
    weighs every page of the URL map, those with parameters too (filled from the expected-access
    tables' world), for every persona that can open it."""

    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)

    def test_every_page_with_its_parameters_weighs_at_most_60_kb_compressed(self):
        everyone = (*matrix.PERSONAS, *matrix.THERAPIST_PERSONAS)
        personas = matrix.Personas(self.world, personas=everyone)
        over, routes = [], set()
        for case in self.tables.all_cases():
            if case.api:
                continue
            url = matrix.case_url(case, self.world)
            for persona in everyone:
                client, _ = personas.client(persona)
                response = client.get(url)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                routes.add(case.route)
                total, parts, _ = page_weight(response.content.decode())
                if total > LIMIT:
                    biggest = ", ".join(f"{what} {size / 1024:.1f} KB" for size, what in parts[:4])
                    over.append(f"{url} ({persona}): {total / 1024:.1f} KB: {biggest}")
        self.assertTrue(any(matrix.route_params(route) for route in routes), routes)
        self.assertGreater(len(routes), 45)
        self.assertEqual(over, [], "pages over 60 KB compressed:\n" + "\n".join(over))
