"""Country names from a maintained source (pycountry): settings list names, not bare codes."""

import re
from html import unescape

from reattune.accounts.models import User
from reattune.care.present import _sort_key, country_choices, country_name
from reattune.domain.safety.resources import ISO_COUNTRIES
from tests.base import BaseTestCase


def _options(page: str) -> list[tuple[str, str]]:
    select = page.split('id="country-select"', 1)[1].split("</select>", 1)[0]
    return [
        (v, unescape(t))
        for v, t in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    ]


class CountryNameTests(BaseTestCase):
    def test_every_iso_code_has_a_name_that_is_not_the_code(self):
        for code in ISO_COUNTRIES:
            name = country_name(code)
            self.assertTrue(name and name != code, code)
        self.assertEqual(country_name("DE"), "Germany")
        self.assertEqual(country_name("KR"), "South Korea")  # the everyday name
        self.assertEqual(country_name(""), "")

    def test_choices_cover_every_country_once_sorted_by_name(self):
        listed, others = country_choices()
        codes = [c for c, _ in listed] + [c for c, _ in others]
        self.assertEqual(sorted(codes), sorted(ISO_COUNTRIES))
        names = [n for _, n in others]
        self.assertEqual(names[:3], ["Afghanistan", "Åland Islands", "Albania"])
        self.assertEqual(names, sorted(names, key=_sort_key))
        self.assertLess(names.index("Albania"), names.index("Zambia"))
        # Åland sorts with the A's, not after Zimbabwe
        self.assertLess(names.index("Åland Islands"), names.index("Belgium"))

    def test_the_account_page_shows_names_and_keeps_codes_as_values(self):
        options = _options(self.client_for("alex").get("/account/").content.decode())
        by_code = dict(options)
        self.assertEqual(by_code["FR"], "France")
        self.assertEqual(by_code["JP"], "Japan")
        for value, text in options[1:]:
            self.assertRegex(value, r"^[A-Z]{2}$")
            self.assertNotEqual(text, value)
        self.assertEqual(len(options), 1 + len(ISO_COUNTRIES))

    def test_a_chosen_country_is_selected_by_its_code(self):
        client = self.client_for("alex")
        client.post("/care/country/", {"country": "jp"})
        self.assertEqual(User.objects.get(pk=self.alex.pk).country, "JP")
        page = client.get("/account/").content.decode()
        self.assertIn('<option value="JP" selected>Japan</option>', page)

    def test_the_browser_default_is_named(self):
        page = (
            self.client_for("alex")
            .get("/account/", HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9")
            .content.decode()
        )
        self.assertIn("(Netherlands)", page)
