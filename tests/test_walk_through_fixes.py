"""What the phone walk-through found, as the pages say it.

- After a partner leaves, both people checked in that day in the space that closed: no page
  says "Your first check-in can be tonight" or "You have not shared yours yet"; they are told
  they use reattune on their own now, where their earlier answers are, and what they can do.
- A help-line country is named as the account page names it ("Netherlands"), not as its
  resource file does ("Nederland"), on the help pages and in the vault's help card.
- Revealed answers: each own answer that sits under the partner's answer to the same question
  is marked, so that on a phone it is not shown a second time under "Your answers".
"""

import re

from django.utils.html import escape

from reattune.accounts.actions import do_create_user
from reattune.accounts.models import User
from reattune.care.present import country_name
from reattune.core.access import active_space
from reattune.couples.actions import do_leave_space
from reattune.domain.safety.resources import load_resources
from reattune.rituals.actions import do_submit
from reattune.rituals.kinds import DAILY
from tests.base import PASSWORD, BaseTestCase
from tests.rituals_helpers import answers, submit

UNTRUE_AFTER_LEAVING = ("Your first check-in can be tonight", "You have not shared yours yet")


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


class AfterLeavingTests(BaseTestCase):
    def test_pages_do_not_say_first_or_not_yet_after_checking_in_in_the_closed_space(self):
        submit("daily", self.alex)
        submit("daily", self.sam)
        do_leave_space(self.alex)
        for who in ("alex", "sam"):
            client = self.client_for(who)
            today = active_space(getattr(self, who)).today()
            pages = {
                url: _text(client.get(url))
                for url in ("/home/", "/rituals/", "/rituals/progress/", f"/rituals/daily/{today}/")
            }
            for url, text in pages.items():
                for untrue in UNTRUE_AFTER_LEAVING:
                    self.assertNotIn(untrue, text, (who, url))
            self.assertIn("You checked in today in the space you shared before", pages["/home/"])
            for url in ("/home/", "/rituals/", f"/rituals/daily/{today}/"):
                self.assertIn("You use reattune on your own now", pages[url], (who, url))
            self.assertIn("still yours, in your data download", pages["/rituals/"])
            self.assertNotIn("not yet today", pages["/rituals/"])
            self.assertIn("Start the daily check-in here", pages[f"/rituals/daily/{today}/"])

    def test_a_person_who_never_had_a_shared_space_still_hears_first_check_in(self):
        loner = do_create_user("lone@example.org", PASSWORD, "Lone", "Europe/Berlin")
        self.assertIsNotNone(active_space(loner))  # a space of one's own from sign-up
        client = self.client_for("anonymous")
        client.force_login(loner)
        text = _text(client.get("/rituals/"))
        self.assertIn("Your first check-in can be tonight", text)
        self.assertNotIn("space you shared before", text)
        self.assertNotIn("space you shared before", _text(client.get("/home/")))

    def test_the_partner_still_in_a_couple_sees_the_usual_words(self):
        submit("daily", self.alex)
        text = _text(self.client_for("alex").get("/home/"))
        self.assertNotIn("space you shared before", text)
        today = active_space(self.sam).today()
        text = _text(self.client_for("sam").get(f"/rituals/daily/{today}/"))
        self.assertIn("You have not shared yours yet", text)


class CountryNameTests(BaseTestCase):
    def test_support_names_every_listed_country_as_the_account_page_does(self):
        client = self.client_for("alex")
        for code, res in load_resources().countries.items():
            User.objects.filter(pk=self.alex.pk).update(country=code)
            care = client.get("/care/").content.decode()
            account = client.get("/account/").content.decode()
            vault = client.get("/vault/journal/").content.decode()  # its help card, hidden
            name = escape(country_name(code))
            self.assertIn(f"Showing lines for {name}", care, code)
            self.assertIn(f"Showing lines for {name}.", vault, code)
            self.assertIn(f"Every help line for {name}", care, code)
            self.assertIn(name, account, code)
            if res.name != country_name(code):  # "Nederland": the file's own name
                self.assertNotIn(f"lines for {escape(res.name)}", care, code)
                self.assertNotIn(f"lines for {escape(res.name)}", vault, code)
                self.assertNotIn(f"line for {escape(res.name)}<", care, code)


class PairedOnceTests(BaseTestCase):
    def test_own_answers_beside_the_partners_are_marked_paired_private_ones_are_not(self):
        do_submit(DAILY, self.alex, answers("daily", "alex"), private=["need"])
        submit("daily", self.sam)
        today = active_space(self.alex).today()
        page = self.client_for("alex").get(f"/rituals/daily/{today}/").content.decode()
        mine = page.split('class="card answers mine-answers"', 1)[1].split("</section>", 1)[0]
        pairs = page.count('class="pair-mine"')
        self.assertGreater(pairs, 0)
        self.assertEqual(mine.count('<dt class="is-paired">'), pairs)
        self.assertIn('class="pair-note"', mine)
        # The answer kept from sam has no pair: it stays in "Your answers", on every screen.
        self.assertNotIn("alex need text", page.split('class="card answers mine-answers"')[0])
        kept_heading = mine.split("alex need text", 1)[0].rsplit("<dt", 1)[1]
        self.assertNotIn("is-paired", kept_heading)


class RitualIntroTests(BaseTestCase):
    """A ritual's introduction speaks of the partner's answers only to someone with a partner."""

    PAGES = ("/rituals/", "/rituals/daily/", "/rituals/weekly/", "/rituals/monthly/")

    def test_a_person_alone_is_not_promised_a_partners_answers(self):
        loner = do_create_user("alone@example.org", PASSWORD, "Alone", "Europe/Berlin")
        client = self.client_for("anonymous")
        client.force_login(loner)
        for path in self.PAGES:
            text = _text(client.get(path, follow=True))
            self.assertNotIn("partner's answers", text, path)
            self.assertNotIn("answers once you have shared", text, path)

    def test_a_couple_is_told_when_the_partners_answers_show(self):
        client = self.client_for("alex")
        for path in self.PAGES:
            text = _text(client.get(path, follow=True))
            self.assertIn("You will see Sam's answers once you have shared yours.", text, path)
