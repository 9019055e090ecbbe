"""Reactions to a partner's answer: who may give one, who reads it, on the page and the API.

A reaction is only for an answer one can read (the partner's, once both have shared, not kept
private, not empty); anything else is 404 like an answer that does not exist. The one who gave
it and the partner whose answer it is read it; another couple and a therapist never do.
"""

from reattune.accounts.models import User
from reattune.core import access
from reattune.couples.models import Space
from reattune.rituals import reactions
from reattune.rituals.kinds import DAILY
from reattune.rituals.models import Reaction
from tests.base import BaseTestCase
from tests.rituals_helpers import submit

API = "/api/v1/rituals/reactions"


class ReactionTests(BaseTestCase):
    def setUp(self):
        self.space = Space.objects.get(memberships__user=self.alex, memberships__left_at=None)
        self.today = self.space.today()

    def react(self, persona, prompt_id="best_part", reaction="heart", period=None):
        body = {
            "kind": "daily",
            "period": str(period or self.today),
            "prompt_id": prompt_id,
            "reaction": reaction,
        }
        return self.api(persona, "post", API, body)

    def read(self, persona):
        return self.api(persona, "get", f"{API}?kind=daily&period={self.today}")

    def both_shared(self, **alex_answers):
        submit("daily", self.alex, **alex_answers)
        submit("daily", self.sam)

    def test_nothing_to_react_to_before_both_have_shared(self):
        submit("daily", self.alex)
        response = self.react("sam")
        self.assertEqual(response.status_code, 404, response.content)
        self.assertFalse(Reaction.objects.exists())
        page = self.client_for("sam").post(
            "/rituals/react/",
            {
                "kind": "daily",
                "period": str(self.today),
                "prompt": "best_part",
                "reaction": "heart",
            },
        )
        self.assertEqual(page.status_code, 404)

    def test_a_reaction_round_trip_through_the_api(self):
        self.both_shared()
        response = self.react("sam")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"prompt_id": "best_part", "reaction": "heart"})
        self.assertEqual(self.read("alex").json(), {"mine": {}, "theirs": {"best_part": "heart"}})
        self.assertEqual(self.read("sam").json(), {"mine": {"best_part": "heart"}, "theirs": {}})
        # Another reaction replaces it; the same one again takes it back.
        self.assertEqual(self.react("sam", reaction="thanks").json()["reaction"], "thanks")
        self.assertEqual(Reaction.objects.count(), 1)
        self.assertIsNone(self.react("sam", reaction="thanks").json()["reaction"])
        self.assertFalse(Reaction.objects.exists())
        self.assertEqual(self.read("alex").json(), {"mine": {}, "theirs": {}})

    def test_an_answer_kept_private_or_left_empty_cannot_be_reacted_to(self):
        entry = submit("daily", self.alex, need="")
        from reattune.rituals import actions

        actions.do_update(
            DAILY,
            entry,
            {
                "connection_today": 7,
                "feelings": ["calm"],
                "best_part": "kept for me",
                "challenging_part": "c",
                "appreciation": "a",
                "need": "",
            },
            entry.version,
            private={"best_part"},
        )
        submit("daily", self.sam)
        for prompt_id in ("best_part", "need", "not_a_prompt"):
            with self.subTest(prompt_id=prompt_id):
                self.assertEqual(self.react("sam", prompt_id=prompt_id).status_code, 404)
        self.assertEqual(self.react("sam", prompt_id="appreciation").status_code, 200)

    def test_a_reaction_that_is_not_one_of_the_three_is_refused(self):
        self.both_shared()
        self.assertEqual(self.react("sam", reaction="angry").status_code, 422)
        self.assertFalse(Reaction.objects.exists())
        with self.assertRaises(reactions.ReactionError) as caught:
            reactions.do_react(self.sam, "daily", self.today, "best_part", "angry")
        self.assertEqual(caught.exception.status, 422)

    def test_another_couple_and_a_therapist_never_read_or_give_one(self):
        self.both_shared()
        self.react("sam")
        self.assertEqual(self.react("casey").status_code, 404)
        self.assertEqual(self.read("casey").json(), {"mine": {}, "theirs": {}})
        therapist = User.objects.create_user(
            email="therapist@example.org", password="x" * 20, role=User.Role.THERAPIST
        )
        self.assertFalse(access.visible_to(Reaction.objects.all(), therapist).exists())
        self.assertFalse(access.visible_to(Reaction.objects.all(), self.casey).exists())
        self.assertEqual(access.visible_to(Reaction.objects.all(), self.alex).count(), 1)

    def test_the_pages_show_the_reaction_to_the_partner(self):
        self.both_shared()
        sam = self.client_for("sam")
        response = sam.post(
            "/rituals/react/",
            {
                "kind": "daily",
                "period": str(self.today),
                "prompt": "best_part",
                "reaction": "heart",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(
            response["Location"].endswith(f"/rituals/daily/{self.today}/#answer-best_part")
        )
        own = sam.get(f"/rituals/daily/{self.today}/").content.decode()
        self.assertIn('value="heart" class="reaction" data-once aria-pressed="true"', own)
        alex_page = self.client_for("alex").get(f"/rituals/daily/{self.today}/")
        self.assertContains(alex_page, "Sam sent you a heart.")
        # casey's own day (another couple, another time zone): her page of that day
        casey_today = Space.objects.get(memberships__user=self.casey, memberships__left_at=None)
        casey_page = self.client_for("casey").get(f"/rituals/daily/{casey_today.today()}/")
        self.assertEqual(casey_page.status_code, 200)
        self.assertNotContains(casey_page, "sent you a heart")
