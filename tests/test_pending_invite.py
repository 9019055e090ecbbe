"""An invite a person opened and has not acted on waits on their home page as the first card,
with Join and Decline, until they do one or the other; the join page says in one sentence
what joining shares and what stays private.

Invites are links, not addressed to anyone: the invite that is "theirs" is the one whose link
they opened (signed out, or before signing up), kept sealed in their session.
"""

from django.test import Client

from reattune.accounts.actions import do_create_user
from reattune.couples import actions as couples
from reattune.couples.membership import partner_of
from reattune.journal.actions import do_create_entry
from tests.base import PASSWORD, BaseTestCase

CARD = "You have an invite waiting"
SHARES = "When you join, Dana sees your name and what you share in the space: journal entries you mark as shared"


class PendingInviteTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.dana = do_create_user("dana@example.org", PASSWORD, "Dana", "Europe/Berlin")
        self.robin = do_create_user("robin@example.org", PASSWORD, "Robin", "Europe/Berlin")
        self.raw = couples.do_create_invite(self.dana)

    def opened_then_signed_in(self, user) -> Client:
        """Open the link signed out, then log in later (the session keeps the invite)."""
        client = Client()
        response = client.get(f"/invite/{self.raw}/")
        self.assertContains(response, "Dana invited you")
        client.force_login(user)
        return client

    def home(self, client) -> str:
        response = client.get("/home/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_waiting_invite_is_the_first_card_until_acted_on(self):
        client = self.opened_then_signed_in(self.robin)
        page = self.home(client)
        main = page.split('<main id="main"', 1)[1]
        first_card = main.split('class="card', 2)[1]
        self.assertIn(CARD, first_card)
        self.assertIn("Join Dana", first_card)
        self.assertIn('name="decline"', first_card)
        self.assertIn(SHARES, first_card)
        self.assertNotIn("invite your partner", page)  # not told to invite someone instead
        self.assertNotIn(self.raw, page)  # the secret never reaches the page
        # It stays while nothing is done: another visit shows it again.
        self.assertIn(CARD, self.home(client))

    def test_declining_removes_the_card_and_joins_nobody(self):
        client = self.opened_then_signed_in(self.robin)
        response = client.post("/invite/confirm/", {"decline": "1"}, follow=True)
        self.assertRedirects(response, "/home/")
        self.assertContains(response, "You declined Dana&#x27;s invite.")
        self.assertNotContains(response, CARD)
        self.assertContains(response, "invite your partner")
        self.assertIsNone(partner_of(self.robin))
        self.assertIsNone(partner_of(self.dana))
        self.assertNotIn(CARD, self.home(client))
        # The confirm page no longer knows of it either.
        self.assertEqual(client.get("/invite/confirm/").status_code, 404)

    def test_joining_from_the_card_makes_the_couple_and_the_card_goes(self):
        client = self.opened_then_signed_in(self.robin)
        response = client.post("/invite/confirm/", follow=True)
        self.assertRedirects(response, "/home/")
        self.assertEqual(partner_of(self.robin), self.dana)
        self.assertNotContains(response, CARD)
        self.assertContains(response, "You share this space with Dana.")

    def test_the_sentence_on_the_join_page_is_true(self):
        do_create_entry(self.robin, "words", visibility="private", title="robin private title")
        do_create_entry(self.robin, "words", visibility="shared", title="robin shared title")
        client = self.opened_then_signed_in(self.robin)
        page = client.get("/invite/confirm/").content.decode()
        self.assertIn(SHARES, page)
        self.assertIn("Your private entries", page)
        self.assertEqual(page.count('class="invite-shares"'), 1)  # one sentence, once
        client.post("/invite/confirm/")
        dana = Client()
        dana.force_login(self.dana)
        shared = dana.get("/journal/shared/").content.decode()
        self.assertIn("robin shared title", shared)
        self.assertNotIn("robin private title", shared)
        self.assertContains(dana.get("/couple/"), "Robin")

    def test_an_invite_no_longer_open_leaves_no_card(self):
        client = self.opened_then_signed_in(self.robin)
        couples.do_revoke_invites(self.dana)
        self.assertNotIn(CARD, self.home(client))
        self.assertIn("invite your partner", self.home(client))

    def test_someone_with_a_partner_is_told_to_leave_first_and_can_decline(self):
        client = self.opened_then_signed_in(self.alex)
        page = self.home(client)
        self.assertIn(CARD, page)
        self.assertIn("You share one with Sam now: to join Dana, leave it first.", page)
        self.assertNotIn("Join Dana", page)
        client.post("/invite/confirm/", {"decline": "1"})
        self.assertNotIn(CARD, self.home(client))
        self.assertEqual(partner_of(self.alex), self.sam)

    def test_your_own_invite_is_not_waiting_for_you(self):
        own = couples.do_create_invite(self.robin)
        client = Client()
        client.force_login(self.robin)
        client.get(f"/invite/{own}/")
        self.assertNotIn(CARD, self.home(client))

    def test_nobody_else_sees_the_card(self):
        self.opened_then_signed_in(self.robin)
        for persona in ("alex", "sam", "casey"):
            self.assertNotIn(CARD, self.home(self.client_for(persona)))
        dana = Client()
        dana.force_login(self.dana)
        self.assertNotIn(CARD, self.home(dana))
