from datetime import timedelta

from django.test import Client
from django.utils import timezone

from reattune.accounts.actions import do_create_user
from reattune.couples import actions
from reattune.couples.models import Invite, Membership
from reattune.journal.actions import do_create_entry
from reattune.journal.models import Entry
from tests.base import PASSWORD, BaseTestCase


def invite_token_from(client) -> str:
    client.post("/couple/invite/")
    page = client.get("/couple/").content.decode()
    link = page.split('id="invite-link" type="text" readonly value="')[1].split('"')[0]
    return link.rstrip("/").rsplit("/", 1)[1]


class InviteTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.robin = do_create_user("robin@example.org", PASSWORD, "Robin")
        self.robin_client = Client()
        self.robin_client.force_login(self.robin)

    def test_it_stores_only_the_hash_of_the_invite_token(self):
        token = invite_token_from(self.robin_client)
        invite = Invite.objects.get(created_by=self.robin)
        self.assertNotEqual(invite.token_hash, token)
        self.assertFalse(Invite.objects.filter(token_hash=token).exists())

    def test_a_new_person_signs_up_through_the_link_and_joins(self):
        token = invite_token_from(self.robin_client)
        partner = Client()
        self.assertContains(partner.get(f"/invite/{token}/"), "Robin invited you")
        partner.post(
            "/signup/",
            {
                "display_name": "Kim",
                "email": "kim@example.org",
                "password": PASSWORD,
                "timezone": "UTC",
            },
        )
        partner.post("/invite/confirm/")
        kim = actions.partner_of(self.robin)
        self.assertEqual(kim.email, "kim@example.org")
        self.assertEqual(Membership.objects.filter(user=kim).count(), 1)

    def test_an_invite_works_once(self):
        token = invite_token_from(self.robin_client)
        kim = do_create_user("kim@example.org", PASSWORD, "Kim")
        actions.do_join_space(kim, token)
        lee = do_create_user("lee@example.org", PASSWORD, "Lee")
        with self.assertRaises(actions.JoinError):
            actions.do_join_space(lee, token)
        self.assertEqual(Client().get(f"/invite/{token}/").status_code, 404)

    def test_an_invite_expires_after_seven_days(self):
        token = invite_token_from(self.robin_client)
        Invite.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        kim = do_create_user("kim@example.org", PASSWORD, "Kim")
        with self.assertRaises(actions.JoinError):
            actions.do_join_space(kim, token)

    def test_an_invite_can_be_revoked(self):
        token = invite_token_from(self.robin_client)
        self.robin_client.post("/couple/invite/revoke/")
        kim = do_create_user("kim@example.org", PASSWORD, "Kim")
        with self.assertRaises(actions.JoinError):
            actions.do_join_space(kim, token)

    def test_a_space_holds_at_most_two_partners(self):
        response = self.client_for("alex").post("/couple/invite/", follow=True)
        self.assertContains(response, "already has two partners")

    def test_joining_moves_a_solo_persons_entries_into_the_couple_space(self):
        kim = do_create_user("kim@example.org", PASSWORD, "Kim")
        entry, _ = do_create_entry(kim, "kim shared before joining", visibility="shared")
        actions.do_join_space(kim, invite_token_from(self.robin_client))
        entry.refresh_from_db()
        self.assertEqual(entry.space_id, actions.active_membership(self.robin).space_id)

    def test_a_therapist_account_cannot_join_as_a_partner(self):
        """Therapists reach a couple only through consent (care); a partner's invite link
        must not make one a member of the space, where the inviter would take them for a
        partner and share with them."""
        from tests.test_care_access import make_therapist

        token = invite_token_from(self.robin_client)
        therapist = Client()
        therapist.force_login(make_therapist("lane"))
        therapist.get(f"/invite/{token}/")
        page = therapist.get("/invite/confirm/")
        self.assertContains(page, "This link is for a partner", status_code=403)
        refused = therapist.post("/invite/confirm/")
        self.assertContains(refused, "This link is for a partner", status_code=403)
        self.assertIsNone(actions.partner_of(self.robin))
        self.assertFalse(Membership.objects.filter(user__email="lane@example.org").exists())

    def test_a_person_with_a_partner_cannot_join_another_space(self):
        with self.assertRaises(actions.JoinError):
            actions.do_join_space(self.alex, invite_token_from(self.robin_client))


class LeaveTests(BaseTestCase):
    def test_leaving_closes_the_space_and_sharing_stops_both_ways(self):
        self.client_for("sam").post("/couple/leave/", {"confirm": "yes"})
        alex_shared = self.client_for("alex").get("/journal/shared/")
        self.assertNotContains(alex_shared, "sam shared text")
        self.assertEqual(
            self.client_for("sam").get(f"/journal/{self.alex_shared.pk}/").status_code, 404
        )
        self.assertEqual(
            self.client_for("alex").get(f"/journal/{self.sam_shared.pk}/").status_code, 404
        )
        # Each keeps their own writing, readable.
        self.assertEqual(
            Entry.objects.get(pk=self.alex_shared.pk).body, "alex shared text for the couple"
        )
        self.assertContains(
            self.client_for("sam").get(f"/journal/{self.sam_shared.pk}/"), "sam shared text"
        )

    def test_a_new_partner_never_sees_what_was_shared_with_the_former_one(self):
        self.client_for("sam").post("/couple/leave/", {"confirm": "yes"})
        kim = do_create_user("kim@example.org", PASSWORD, "Kim")
        actions.do_join_space(kim, actions.do_create_invite(self.alex))
        client = Client()
        client.force_login(kim)
        self.assertNotContains(client.get("/journal/shared/"), "alex shared text")
        self.assertEqual(client.get(f"/journal/{self.alex_shared.pk}/").status_code, 404)

    def test_leaving_needs_confirmation(self):
        self.client_for("sam").post("/couple/leave/")
        self.assertEqual(actions.partner_of(self.alex), self.sam)


class TimezoneTests(BaseTestCase):
    def test_it_changes_the_couples_timezone(self):
        self.client_for("alex").post("/couple/timezone/", {"timezone": "Pacific/Auckland"})
        self.assertEqual(actions.active_membership(self.sam).space.timezone, "Pacific/Auckland")

    def test_it_refuses_an_unknown_timezone(self):
        response = self.client_for("alex").post(
            "/couple/timezone/", {"timezone": "Nowhere/Land"}, follow=True
        )
        self.assertContains(response, "not known")
        self.assertEqual(actions.active_membership(self.alex).space.timezone, "Europe/Berlin")
