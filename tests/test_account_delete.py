from reattune.accounts.models import AccessToken, User
from reattune.couples.actions import active_membership, partner_of
from reattune.couples.models import Notice
from reattune.journal.models import Entry
from tests.base import PASSWORD, BaseTestCase


class AccountDeleteTests(BaseTestCase):
    def test_it_deletes_the_account_and_everything_its_owner_wrote(self):
        client = self.client_for("alex")
        response = client.post("/account/delete/", {"password": PASSWORD, "confirm": "on"})
        self.assertContains(response, "account is deleted")
        self.assertFalse(User.objects.filter(email="alex@example.org").exists())
        self.assertFalse(
            Entry.objects.filter(pk__in=[self.alex_private.pk, self.alex_shared.pk]).exists()
        )
        self.assertFalse(AccessToken.objects.filter(user_id=self.alex.pk).exists())
        self.assertEqual(client.get("/home/").status_code, 302)

    def test_it_leaves_the_partner_with_their_own_data_and_a_short_notice(self):
        self.client_for("alex").post("/account/delete/", {"password": PASSWORD, "confirm": "on"})
        sam = User.objects.get(pk=self.sam.pk)
        self.assertIsNone(partner_of(sam))
        self.assertIsNotNone(active_membership(sam))
        self.assertEqual(Entry.objects.get(pk=self.sam_private.pk).body, "sam private secret text")
        self.assertEqual(Notice.objects.get(user=sam).kind, "partner_left")
        home = self.client_for("sam").get("/home/")
        self.assertContains(home, "Your partner has left")
        self.assertNotContains(home, "alex shared text")

    def test_it_needs_the_password_and_the_confirmation(self):
        client = self.client_for("alex")
        self.assertEqual(
            client.post("/account/delete/", {"password": "wrong password!"}).status_code, 422
        )
        self.assertEqual(client.post("/account/delete/", {"password": PASSWORD}).status_code, 422)
        self.assertTrue(User.objects.filter(pk=self.alex.pk).exists())
