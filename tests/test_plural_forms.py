"""Counted words go through Django's ngettext ({% blocktranslate count %}), never a bare "s":
one of a thing reads in the singular, more in the plural, in every template that counts."""

from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import SimpleTestCase

TEMPLATES = Path(settings.BASE_DIR) / "templates"


class PluralFormTests(SimpleTestCase):
    def test_no_template_adds_a_bare_plural_s(self):
        found = [
            str(path.relative_to(TEMPLATES))
            for path in TEMPLATES.rglob("*.html")
            if "|pluralize" in path.read_text(encoding="utf-8")
        ]
        self.assertEqual(found, [], "use {% blocktranslate count %} (ngettext) instead")

    def test_the_timer_says_one_minute_and_fifteen_minutes(self):
        page = Template(
            "{% load i18n %}{% blocktranslate count n=minutes %}Your {{ n }} minute ends at"
            "{% plural %}Your {{ n }} minutes end at{% endblocktranslate %}"
        )
        self.assertEqual(page.render(Context({"minutes": 1})), "Your 1 minute ends at")
        self.assertEqual(page.render(Context({"minutes": 15})), "Your 15 minutes end at")

    def test_the_weeks_check_ins_are_counted_in_words(self):
        def streaks(this_week, partner_week, total):
            return render_to_string(
                "rituals/streaks.html",
                {
                    "partner": {"display_name": "Sam"},
                    "streaks": {
                        "this_week": this_week,
                        "partner_this_week": partner_week,
                        "total": total,
                        "longest_run": 0,
                        "current_run": 0,
                    },
                },
            )

        one = streaks(1, 1, 1)
        self.assertIn("You checked in once this week.", one)
        self.assertIn("Sam checked in once.", one)
        self.assertIn("1 check-in so far.", one)
        more = streaks(3, 2, 12)
        self.assertIn("You checked in 3 times this week.", more)
        self.assertIn("Sam checked in 2 times.", more)
        self.assertIn("12 check-ins so far.", more)
