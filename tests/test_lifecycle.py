"""Leaving a couple space and deleting an account, end to end (docs/privacy.md).

Sessions on every device end, tokens stop working, everything the person wrote is gone
(in every CoupleContent model, not only the journal), the remaining partner keeps all their
own data readable, and is told only that their partner left. The lifecycle hooks for later
features (e.g. therapist grants) run inside the same transaction.
"""

from unittest import mock

from django.apps import apps
from django.contrib.sessions.models import Session
from django.test import Client

from reattune.accounts.models import AccessToken, User
from reattune.core import access
from reattune.core.spaces import space_scoped_models
from reattune.couples.actions import active_membership, do_leave_space, partner_of
from reattune.couples.models import Invite, Membership, Notice
from reattune.exports.archive import export_bytes
from reattune.journal.models import Entry
from tests.base import PASSWORD, BaseTestCase


def log_in(email: str) -> Client:
    """A real log-in through the page, as on a device (so the session is tracked)."""
    client = Client()
    response = client.post("/login/", {"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def rows_of(user_id: int) -> dict[str, int]:
    """Rows in any table that point at the user, by model: must be empty after deletion."""
    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                count = model._base_manager.filter(**{field.attname: user_id}).count()
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    return found


class DeleteAccountTests(BaseTestCase):
    def delete_alex(self, client: Client):
        response = client.post("/account/delete/", {"password": PASSWORD, "confirm": "on"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "deleted")

    def test_it_ends_every_session_and_revokes_every_token(self):
        phone, laptop = log_in("alex@example.org"), log_in("alex@example.org")
        self.assertEqual(phone.get("/home/").status_code, 200)
        self.assertEqual(self.api("alex", "GET", "/api/v1/me").status_code, 200)
        keys = [c.cookies["reattune_session"].value for c in (phone, laptop)]
        self.assertEqual(Session.objects.filter(session_key__in=keys).count(), 2)
        self.delete_alex(laptop)
        self.assertEqual(phone.get("/home/").status_code, 302)  # the other device is out
        self.assertEqual(laptop.get("/home/").status_code, 302)
        self.assertFalse(Session.objects.filter(session_key__in=keys).exists())
        self.assertEqual(self.api("alex", "GET", "/api/v1/me").status_code, 401)
        self.assertFalse(AccessToken.objects.filter(user_id=self.alex.pk).exists())

    def test_it_deletes_everything_the_person_wrote_in_every_feature(self):
        alex_id = self.alex.pk
        self.assertTrue(rows_of(alex_id))
        self.delete_alex(log_in("alex@example.org"))
        self.assertEqual(rows_of(alex_id), {})
        for model in space_scoped_models():
            self.assertFalse(model._base_manager.filter(author_id=alex_id).exists(), model)
        self.assertFalse(Entry.objects.filter(body__isnull=False, author_id=alex_id).exists())
        # The address is free again.
        self.assertFalse(User.objects.filter(email="alex@example.org").exists())
        signup = Client().post(
            "/signup/",
            {
                "display_name": "Alex",
                "email": "alex@example.org",
                "password": "a new long passphrase",
            },
        )
        self.assertEqual(signup.status_code, 302)

    def test_it_leaves_the_partner_intact_readable_and_told_only_that_alex_left(self):
        sam_entries = {
            e.pk: (e.title, e.body, e.visibility) for e in Entry.objects.filter(author=self.sam)
        }
        self.delete_alex(log_in("alex@example.org"))
        sam = User.objects.get(pk=self.sam.pk)
        after = {e.pk: (e.title, e.body, e.visibility) for e in Entry.objects.filter(author=sam)}
        self.assertEqual(after, sam_entries)  # every row decrypts as before
        self.assertIsNone(partner_of(sam))
        self.assertIsNotNone(active_membership(sam))
        (notice,) = Notice.objects.filter(user=sam)
        self.assertEqual(notice.kind, Notice.Kind.PARTNER_LEFT)
        client = self.client_for("sam")
        home = client.get("/home/")
        self.assertContains(home, "Your partner has left your shared space.")
        self.assertNotContains(home, "alex@example.org")
        for entry_id in sam_entries:
            self.assertEqual(client.get(f"/journal/{entry_id}/").status_code, 200)
        self.assertEqual(client.get(f"/journal/{self.alex_shared.pk}/").status_code, 404)
        # Sam's own export has nothing of alex's any more.
        self.assertNotIn(b"alex", export_bytes(sam).lower().replace(b"alex@", b""))

    def test_it_runs_the_lifecycle_hooks_and_rolls_back_if_one_fails(self):
        with mock.patch(
            "reattune.journal.portability.on_delete_user", create=True, side_effect=RuntimeError
        ):
            with self.assertRaises(RuntimeError):
                from reattune.accounts.actions import do_delete_account

                do_delete_account(self.alex)
        self.assertTrue(User.objects.filter(pk=self.alex.pk).exists())
        self.assertTrue(Entry.objects.filter(pk=self.alex_private.pk).exists())
        self.assertEqual(partner_of(User.objects.get(pk=self.alex.pk)), self.sam)


class LeaveSpaceTests(BaseTestCase):
    def test_it_closes_the_space_and_each_keeps_their_own_writing(self):
        space_id = access.active_space_id(self.alex)
        invite = Invite.objects.filter(space_id=space_id)
        do_leave_space(self.alex)
        alex, sam = User.objects.get(pk=self.alex.pk), User.objects.get(pk=self.sam.pk)
        self.assertNotEqual(access.active_space_id(alex), space_id)
        self.assertNotEqual(access.active_space_id(sam), space_id)
        self.assertNotEqual(access.active_space_id(alex), access.active_space_id(sam))
        self.assertFalse(
            Membership.objects.filter(space_id=space_id, left_at__isnull=True).exists()
        )
        self.assertFalse(invite.filter(used_at__isnull=True, revoked_at__isnull=True).exists())
        # Each keeps everything they wrote; nothing shared stays visible to the other.
        for person, other in ((alex, sam), (sam, alex)):
            mine = access.owned_by(Entry.objects.all(), person)
            self.assertEqual(mine.count(), 2)
            self.assertEqual({e.body for e in mine} & {"", None}, set())
            self.assertFalse(access.visible_to(Entry.objects.filter(author=other), person).exists())
        self.assertEqual(
            list(Notice.objects.filter(user=sam).values_list("kind", flat=True)), ["partner_left"]
        )
        self.assertFalse(Notice.objects.filter(user=alex).exists())

    def test_it_shows_the_leaver_their_shared_entries_but_the_partner_a_404(self):
        self.assertEqual(
            self.client_for("alex").post("/couple/leave/", {"confirm": "yes"}).status_code, 302
        )
        self.assertEqual(
            self.client_for("alex").get(f"/journal/{self.alex_shared.pk}/").status_code, 200
        )
        self.assertEqual(
            self.client_for("sam").get(f"/journal/{self.alex_shared.pk}/").status_code, 404
        )
        self.assertEqual(
            self.api("sam", "GET", f"/api/v1/journal/{self.alex_shared.pk}").status_code, 404
        )

    def test_it_keeps_sessions_and_tokens_of_both(self):
        device = log_in("sam@example.org")
        do_leave_space(self.alex)
        self.assertEqual(device.get("/home/").status_code, 200)
        self.assertEqual(self.api("alex", "GET", "/api/v1/me").status_code, 200)

    def test_it_calls_the_leave_hook_with_the_closing_space(self):
        space_id = access.active_space_id(self.alex)
        with mock.patch("reattune.journal.portability.on_leave_space", create=True) as hook:
            do_leave_space(self.alex)
        hook.assert_called_once()
        user, space = hook.call_args.args
        self.assertEqual((user.pk, space.pk), (self.alex.pk, space_id))
