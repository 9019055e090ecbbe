"""Help resources: the country in account settings, the browser default, the host's file."""

import tempfile
from pathlib import Path

from django.utils.html import escape

from reattune.accounts.models import User
from reattune.care.present import country_name
from reattune.domain.safety.resources import load_resources
from tests.base import BaseTestCase


class CountryTests(BaseTestCase):
    def test_the_account_page_has_a_country_section_next_to_the_others(self):
        page = self.client_for("alex").get("/account/").content.decode()
        self.assertIn('id="country"', page)
        self.assertIn("Follow my browser", page)
        self.assertIn('value="GB"', page)

    def test_it_stores_the_chosen_country_and_the_help_page_uses_it(self):
        client = self.client_for("alex")
        response = client.post("/care/country/", {"country": "gb"})
        self.assertRedirects(response, "/account/#country", fetch_redirect_response=False)
        self.assertEqual(User.objects.get(pk=self.alex.pk).country, "GB")
        page = client.get("/care/").content.decode()
        self.assertIn("Showing lines for United Kingdom", page)
        self.assertIn("999", page)
        client.post("/care/country/", {"country": ""})
        self.assertEqual(User.objects.get(pk=self.alex.pk).country, "")

    def test_it_refuses_a_code_that_is_no_country(self):
        self.client_for("alex").post("/care/country/", {"country": "XX"})
        self.assertEqual(User.objects.get(pk=self.alex.pk).country, "")

    def test_it_defaults_from_the_browsers_language(self):
        client = self.client_for("sam")
        page = client.get("/care/", HTTP_ACCEPT_LANGUAGE="en-AU,en;q=0.8").content.decode()
        self.assertIn("Showing lines for Australia", page)
        data = self.api("sam", "get", "/api/v1/care/resources").json()
        self.assertIsNone(data["emergency_number"])  # no header, no country: no guessed number

    def test_every_listed_country_renders_its_lines_with_a_phone_link(self):
        client = self.client_for("alex")
        for code, res in load_resources().countries.items():
            User.objects.filter(pk=self.alex.pk).update(country=code)
            page = client.get("/care/").content.decode()
            # The name the account page lists ("Netherlands"), not the file's ("Nederland").
            self.assertIn(f"Showing lines for {escape(country_name(code))}", page, code)
            self.assertIn(f'href="tel:{res.emergency.number}"', page, code)
            for line in (*res.crisis_lines, *res.dv_lines, *res.behaviour_lines):
                self.assertIn(escape(line.name), page, code)
                if line.audience_label:
                    self.assertIn(escape(line.audience_label), page, code)
            if res.behaviour_lines:
                self.assertIn("If you are worried about your own behaviour", page, code)

    def test_the_api_lists_who_each_line_is_for_and_the_own_behaviour_lines(self):
        User.objects.filter(pk=self.alex.pk).update(country="GB")
        data = self.api("alex", "get", "/api/v1/care/resources").json()
        audiences = {line["name"]: line["audience"] for line in data["dv_lines"]}
        self.assertEqual(audiences["Men's Advice Line"], ["men"])
        self.assertEqual(audiences["National Domestic Abuse Helpline"], ["women"])
        self.assertEqual([x["phone"] for x in data["behaviour_lines"]], ["0808 802 4040"])

    def test_a_host_can_add_local_professional_help(self):
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "professional.yaml").write_text(
                "local:\n  - name: Riverside Couples Practice\n    kind: couples_therapy\n"
                "    reach: {phone: '+44 20 7946 0000'}\n    languages: [en]\n"
            )
            with self.settings(RESOURCE_DIRS=[folder]):
                page = self.client_for("alex").get("/care/").content.decode()
        self.assertIn("Riverside Couples Practice", page)
        self.assertIn("Help near you, suggested by this site", page)
