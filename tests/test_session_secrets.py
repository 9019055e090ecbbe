"""No secret sits readable in django_session (and so in a backup of the database).

Each flow that passes a secret through the session runs as a person would: a couple's invite
link (made, copied again, opened, used to sign up and join), a therapist's link (made, opened,
used to sign up and accept) and a new personal access token (made, shown once). After every
step every row of django_session is decoded, as anyone holding the database file could, and
none holds the raw token, the link, or anything shaped like one of our tokens.
"""

import json
import re

from django.contrib.sessions.models import Session
from django.test import Client

from reattune.accounts.actions import do_create_user
from reattune.accounts.models import AccessToken, User, hash_token
from reattune.couples.actions import active_membership, partner_of
from tests.base import PASSWORD, BaseTestCase

TOKEN_SHAPE = re.compile(r"(rt_|inv_|thr_|cal_|ics_)[A-Za-z0-9_\-]{16,}")


def page_value(html: str, element_id: str) -> str:
    """The value of <input id=...> or the text of <code id=...> on a page."""
    match = re.search(rf'id="{element_id}"[^>]*value="([^"]+)"', html) or re.search(
        rf'id="{element_id}">([^<]+)<', html
    )
    assert match, f"no #{element_id} on the page"
    return match.group(1)


class SessionSecretTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.secrets: list[str] = []
        self.steps = 0

    def assert_no_secret_in_any_session(self, step: str):
        rows = list(Session.objects.all())
        self.assertTrue(rows, step)
        for row in rows:
            decoded = json.dumps(row.get_decoded())
            stored = row.session_data
            for secret in self.secrets:
                self.assertNotIn(secret, decoded, f"{step}: a secret is readable in a session")
                self.assertNotIn(secret, stored, step)
            self.assertIsNone(TOKEN_SHAPE.search(decoded), f"{step}: {decoded[:300]}")
        self.steps += 1

    def test_a_couple_invite_link_never_sits_readable_in_a_session(self):
        riley = do_create_user("riley@example.org", PASSWORD, "Riley", "Europe/Berlin")
        owner = Client()
        owner.post("/login/", {"email": "riley@example.org", "password": PASSWORD})
        owner.post("/couple/invite/")
        link = page_value(owner.get("/couple/").content.decode(), "invite-link")
        token = link.rstrip("/").rsplit("/", 1)[1]
        self.assertTrue(token.startswith("inv_"))
        self.secrets += [token, link]
        self.assert_no_secret_in_any_session("invite made and shown again")
        # Copied again a moment later: still there for its maker.
        self.assertIn(link, owner.get("/couple/").content.decode())

        visitor = Client()
        self.assertEqual(visitor.get(f"/invite/{token}/").status_code, 200)
        self.assert_no_secret_in_any_session("invite opened")
        response = visitor.post(
            "/signup/",
            {
                "display_name": "Robin",
                "email": "robin@example.org",
                "password": PASSWORD,
                "timezone": "Europe/Berlin",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assert_no_secret_in_any_session("signed up through the invite")
        self.assertEqual(visitor.post("/invite/confirm/").status_code, 302)
        self.assert_no_secret_in_any_session("joined")
        robin = User.objects.get(email="robin@example.org")
        self.assertEqual(partner_of(robin), riley)
        self.assertEqual(active_membership(robin).space, active_membership(riley).space)

    def test_a_therapist_link_never_sits_readable_in_a_session(self):
        owner = Client()
        owner.post("/login/", {"email": "alex@example.org", "password": PASSWORD})
        owner.post("/care/therapist/invite/")
        link = page_value(owner.get("/care/").content.decode(), "therapist-link")
        token = link.rstrip("/").rsplit("/", 1)[1]
        self.assertTrue(token.startswith("thr_"))
        self.secrets += [token, link]
        self.assert_no_secret_in_any_session("therapist link made")

        therapist = Client()
        self.assertEqual(therapist.get(f"/therapist-invite/{token}/").status_code, 200)
        self.assert_no_secret_in_any_session("therapist link opened")
        response = therapist.post(
            "/therapist/signup/",
            {"display_name": "Dr Lee", "email": "lee@example.org", "password": PASSWORD},
        )
        self.assertRedirects(response, "/therapist-invite/confirm/", fetch_redirect_response=False)
        self.assert_no_secret_in_any_session("therapist signed up")
        self.assertEqual(therapist.post("/therapist-invite/confirm/").status_code, 302)
        self.assert_no_secret_in_any_session("therapist accepted")
        lee = User.objects.get(email="lee@example.org")
        self.assertEqual(lee.role, User.Role.THERAPIST)
        # One account per visit to the link: the sign-up page is closed to a second one.
        self.assertEqual(therapist.get("/therapist/signup/").status_code, 404)

    def test_a_new_personal_token_is_shown_once_from_a_sealed_slot(self):
        client = Client()
        client.post("/login/", {"email": "alex@example.org", "password": PASSWORD})
        client.post("/account/tokens/", {"name": "my script"})
        record = AccessToken.objects.get(user=self.alex, name="my script")
        # Before the page shows it, the session holds it only sealed.
        sessions = [json.dumps(row.get_decoded()) for row in Session.objects.all()]
        self.assertTrue(any("sealed:new_token" in s for s in sessions))
        self.assertFalse(any(TOKEN_SHAPE.search(s) for s in sessions))
        raw = page_value(client.get("/account/").content.decode(), "new-token")
        self.assertEqual(record.token_hash, hash_token(raw))
        self.secrets.append(raw)
        self.assert_no_secret_in_any_session("token shown")
        # Shown once: gone from the session and from the next page.
        self.assertNotIn(raw, client.get("/account/").content.decode())
        sessions = [json.dumps(row.get_decoded()) for row in Session.objects.all()]
        self.assertFalse(any("sealed:new_token" in s for s in sessions))

    def test_a_calendar_address_is_shown_once_from_a_sealed_slot(self):
        client = Client()
        client.post("/login/", {"email": "alex@example.org", "password": PASSWORD})
        client.post("/rituals/calendar/new/")
        sessions = [json.dumps(row.get_decoded()) for row in Session.objects.all()]
        self.assertTrue(any("sealed:rituals_feed_link" in s for s in sessions))
        self.assertFalse(any(TOKEN_SHAPE.search(s) or ".ics" in s for s in sessions))
        page = client.get("/rituals/calendar/").content.decode()
        link = page_value(page, "feed-link")
        self.assertIn("webcal://" + link.split("://", 1)[1], page)  # one tap to subscribe
        self.secrets.append(link)
        self.assert_no_secret_in_any_session("calendar address shown")
        self.assertNotIn(link, client.get("/rituals/calendar/").content.decode())

    def test_a_slot_sealed_under_another_key_or_expired_reads_as_empty(self):
        from unittest import mock

        client = Client()
        client.post("/login/", {"email": "alex@example.org", "password": PASSWORD})
        client.post("/account/tokens/", {"name": "later"})
        # Read after its lifetime: nothing is shown, and the slot is dropped.
        with mock.patch("reattune.accounts.sealed._now", return_value=10**12):
            page = client.get("/account/").content.decode()
        self.assertNotIn('id="new-token"', page)
        sessions = [json.dumps(row.get_decoded()) for row in Session.objects.all()]
        self.assertFalse(any("sealed:new_token" in s for s in sessions))
