"""Counts built in Python agree with their noun (Django's ngettext): one minute, two minutes."""

import re
from types import SimpleNamespace

from django.template import Context, Template
from django.test import SimpleTestCase

from reattune.accounts.present import locked_message


class PluralWordsTests(SimpleTestCase):
    def test_the_lockout_wait_agrees_with_its_number(self):
        self.assertIn("wait a minute and", locked_message(SimpleNamespace(wait_minutes=1)))
        self.assertIn("wait 5 minutes and", locked_message(SimpleNamespace(wait_minutes=5)))

    def test_care_counts_agree_in_the_templates(self):
        for name, key, many, one, several in (
            ("care/therapist_couple.html", "p.rounds", 3, "1 check-up", "3 check-ups"),
            ("care/home_panel.html", "panel.snooze_days", 14, "1 day", "14 days"),
            ("care/help.html", "snooze_days", 14, "1 day", "14 days"),
        ):
            source = open(f"reattune/templates/{name}", encoding="utf-8").read()
            # the counted words, rendered alone: the whole page needs a signed-in context
            pattern = (
                r"\{% blocktranslate count n="
                + re.escape(key)
                + r" %\}.*?\{% endblocktranslate %\}"
            )
            found = re.search(pattern, source)
            self.assertIsNotNone(found, name)
            head, *rest = key.split(".")
            for n, expected in ((1, one), (many, several)):
                value = n
                for part in reversed(rest):
                    value = {part: value}
                html = Template("{% load i18n %}" + found.group(0)).render(Context({head: value}))
                # "1 day", never "1 days"; "14 days"
                self.assertTrue(html.endswith(expected), (name, html))
