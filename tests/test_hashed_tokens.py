"""One abstract hashed-token model (core.tokens): every stored secret is a hash found by
find_by_secret, and the links that work once share one is_open rule."""

from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from reattune.accounts.actions import do_create_user
from reattune.accounts.models import AccessToken
from reattune.care.models import TherapistInvite
from reattune.core.tokens import HashedToken, SingleUseToken, hash_secret
from reattune.couples import actions as couples
from reattune.couples.membership import active_membership, find_open_invite
from reattune.couples.models import Invite
from reattune.rituals.models import CalendarFeed
from tests.base import PASSWORD, BaseTestCase


def solo(name: str = "robin"):
    user = do_create_user(f"{name}@example.org", PASSWORD, name.title())
    if active_membership(user) is None:
        couples.do_create_space(user)
    return user


class HashedTokenTests(BaseTestCase):
    def test_every_model_with_a_token_hash_is_a_hashed_token(self):
        hashed = set()
        for model in apps.get_models():
            names = {f.name for f in model._meta.get_fields()}
            if "token_hash" in names and not issubclass(model, HashedToken):
                hashed.add(model._meta.label)
        self.assertEqual(hashed, set())
        self.assertTrue(issubclass(AccessToken, HashedToken))
        self.assertTrue(issubclass(Invite, SingleUseToken))
        self.assertTrue(issubclass(TherapistInvite, SingleUseToken))
        self.assertTrue(issubclass(CalendarFeed, HashedToken))

    def test_the_secret_is_stored_only_as_its_hash(self):
        raw = couples.do_create_invite(solo())
        self.assertTrue(raw.startswith(Invite.PREFIX))
        row = Invite.objects.get(token_hash=hash_secret(raw))
        self.assertNotIn(raw, [str(v) for v in vars(row).values()])
        self.assertEqual(len(row.token_hash), 64)

    def test_find_by_secret_finds_only_the_right_secret(self):
        raw = couples.do_create_invite(robin := solo())
        found = Invite.find_by_secret(raw)
        self.assertIsNotNone(found)
        self.assertEqual(found.space_id, active_membership(robin).space_id)
        for wrong in ("", None, raw + "x", raw[:-1], "inv_" + "a" * 32, 42):
            with self.subTest(wrong=wrong):
                self.assertIsNone(Invite.find_by_secret(wrong))
        # A secret of one kind is not found as another kind.
        self.assertIsNone(AccessToken.find_by_secret(raw))
        self.assertIsNone(TherapistInvite.find_by_secret(raw))

    def test_find_by_secret_takes_a_queryset(self):
        raw = couples.do_create_invite(robin := solo())
        other_space = active_membership(self.casey).space_id
        self.assertIsNone(Invite.find_by_secret(raw, Invite.objects.filter(space_id=other_space)))
        found = Invite.find_by_secret(raw, Invite.objects.select_related("space"))
        self.assertEqual(found.space.pk, active_membership(robin).space_id)

    def test_access_tokens_are_found_by_their_secret(self):
        token = AccessToken.find_by_secret(self.alex_token)
        self.assertEqual(token.user_id, self.alex.pk)
        self.assertEqual(token.token_hash, AccessToken.hash(self.alex_token))
        self.assertTrue(AccessToken.new_raw().startswith("rt_"))

    def test_a_single_use_link_is_open_until_used_revoked_or_expired(self):
        raw = couples.do_create_invite(robin := solo())
        self.assertIsNotNone(find_open_invite(raw))
        Invite.objects.filter(token_hash=hash_secret(raw)).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        self.assertIsNone(find_open_invite(raw))
        raw = couples.do_create_invite(robin)
        couples.do_revoke_invites(robin)
        self.assertFalse(Invite.find_by_secret(raw).is_open)
        self.assertIsNone(find_open_invite(raw))

    def test_the_shared_columns_keep_their_shape(self):
        # Moving the columns to the abstract base changed no table: no migration, data kept.
        for model in (AccessToken, Invite, TherapistInvite, CalendarFeed):
            field = model._meta.get_field("token_hash")
            self.assertEqual((field.max_length, field.unique), (64, True), model)
            self.assertIsNotNone(model._meta.get_field("created_at").default)
        for model in (Invite, TherapistInvite):
            self.assertFalse(model._meta.get_field("expires_at").null)
            self.assertTrue(model._meta.get_field("used_at").null)
            self.assertTrue(model._meta.get_field("revoked_at").null)

    def test_a_calendar_feed_is_found_by_its_secret_only(self):
        from reattune.rituals.actions import do_create_feed

        raw = do_create_feed(self.alex)
        self.assertTrue(raw.startswith(CalendarFeed.PREFIX))
        feed = CalendarFeed.find_by_secret(raw)
        self.assertEqual(feed.user_id, self.alex.pk)
        self.assertEqual(feed.token_hash, hash_secret(raw))
        self.assertIsNone(CalendarFeed.find_by_secret(raw[:-1]))
        self.assertIsNone(Invite.find_by_secret(raw))
