"""One request context (core.request_context): request.couple, built once per request.

The membership (with its space), the partner, today in the couple's zone and the person's
safety policy are read at most once per request, nothing is stored on the user object, a
write that changes them is seen at once, and nobody (test or code) has to clear anything.
"""

import dataclasses
from datetime import datetime

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from reattune.care import safety
from reattune.care.actions import do_delete_screens, do_save_screen
from reattune.core import access
from reattune.core.request_context import (
    CoupleContext,
    CoupleContextMiddleware,
    changed,
    context_of,
    couple_scope,
    scoped_context,
)
from reattune.couples import actions as couples
from reattune.couples.membership import active_membership, partner_of, space_for
from tests.base import BaseTestCase

POSITIVE = {"afraid": 1}  # the action takes parsed answers; the rest are skipped
MEMO_NAMES = ("_couple_memo", "_active_space_id", "_care_safety_result")


def tables(captured) -> list[str]:
    return [q["sql"].split(" FROM ", 1)[-1].split()[0].strip('"') for q in captured]


class RequestContextTests(BaseTestCase):
    def in_request(self, user, view):
        """Run `view(request)` inside CoupleContextMiddleware with `user` signed in."""
        request = RequestFactory().get("/")
        request.user = user
        seen = {}

        def get_response(req):
            seen["value"] = view(req)
            return None

        CoupleContextMiddleware(get_response)(request)
        return seen["value"], request

    def test_request_couple_holds_the_membership_space_partner_today_and_safety(self):
        def view(request):
            couple = request.couple
            return (
                isinstance(couple, CoupleContext),
                couple.space_id,
                couple.partner,
                couple.membership.user is request.user,
                couple.today,
                couple.safety_mode,
            )

        (is_context, space_id, partner, own_user, today, mode), _ = self.in_request(self.alex, view)
        self.assertTrue(is_context)
        self.assertEqual(space_id, couples.active_membership(self.sam).space_id)
        self.assertEqual(partner.pk, self.sam.pk)
        self.assertTrue(own_user)
        berlin = datetime.now(active_membership(self.alex).space.tzinfo()).date()
        self.assertEqual(today, berlin)
        self.assertFalse(mode)

    def test_the_context_is_frozen(self):
        couple = context_of(self.alex)
        with self.assertRaises(dataclasses.FrozenInstanceError):
            couple.partner = None  # type: ignore[misc]

    def test_every_question_about_the_couple_in_one_request_costs_one_query_each(self):
        # The middleware reads the membership first (the couple's time zone), so the whole
        # request is counted, not only the view.
        def view(request):
            user = request.user
            for _ in range(3):
                access.active_space_id(user)
                access.active_space(user)
                active_membership(user)
                partner_of(user)
                space_for(user, access.active_space_id(user))
                safety.safety_mode(user)
                safety.rests(user, "coach_opener")
                assert request.couple.today is not None

        with CaptureQueriesContext(connection) as captured:
            self.in_request(self.alex, view)
        found = tables(captured)
        self.assertEqual(found.count("couples_membership"), 1, found)
        self.assertEqual(found.count("care_safetyscreen"), 1, found)
        self.assertNotIn("couples_space", found)
        self.assertNotIn("accounts_user", found)  # the partner comes with the membership
        self.assertEqual(len(found), 2, found)

    def test_nothing_is_stored_on_the_user_object(self):
        def view(request):
            partner_of(request.user)
            safety.safety_mode(request.user)
            access.visible_filter(request.user)
            return sorted(vars(request.user))

        attributes, _ = self.in_request(self.alex, view)
        for name in MEMO_NAMES:
            self.assertNotIn(name, attributes)
        partner_of(self.sam)
        safety.safety_mode(self.sam)
        for name in MEMO_NAMES:
            self.assertFalse(hasattr(self.sam, name), name)

    def test_another_persons_questions_in_the_request_are_not_answered_from_it(self):
        def view(request):
            return (
                partner_of(self.casey).pk,
                access.active_space_id(self.casey),
                scoped_context(self.casey),
                scoped_context(request.user) is not None,
            )

        (casey_partner, casey_space, casey_scoped, alex_scoped), _ = self.in_request(
            self.alex, view
        )
        self.assertEqual(casey_partner, self.jordan.pk)
        self.assertEqual(casey_space, active_membership(self.jordan).space_id)
        self.assertIsNone(casey_scoped)
        self.assertTrue(alex_scoped)

    def test_the_user_is_read_when_first_needed_as_after_api_token_auth(self):
        # api/base.py's TokenAuth sets request.user after the middleware ran.
        request = RequestFactory().get("/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()

        def get_response(req):
            req.user = self.sam
            return req.couple.partner

        partner = CoupleContextMiddleware(get_response)(request)
        self.assertEqual(partner.pk, self.alex.pk)

    def test_a_write_in_the_request_is_seen_by_the_next_read(self):
        def view(request):
            user = request.user
            before = request.couple.partner
            couples.do_leave_space(user)
            after = (request.couple.partner, partner_of(user), access.active_space_id(user))
            return before, after

        (before, (partner_now, partner_asked, space_now)), _ = self.in_request(self.alex, view)
        self.assertEqual(before.pk, self.sam.pk)
        self.assertIsNone(partner_now)
        self.assertIsNone(partner_asked)
        self.assertEqual(space_now, active_membership(self.alex).space_id)

    def test_a_new_safety_screen_is_seen_in_the_same_request(self):
        def view(request):
            user = request.user
            before = safety.safety_mode(user)
            do_save_screen(user, POSITIVE)
            during = safety.safety_mode(user), request.couple.safety_mode
            do_delete_screens(user)
            return before, during, safety.safety_mode(user)

        (before, during, after), _ = self.in_request(self.alex, view)
        self.assertFalse(before)
        self.assertEqual(during, (True, True))
        self.assertFalse(after)

    def test_outside_a_request_every_answer_is_fresh_without_clearing_anything(self):
        self.assertEqual(partner_of(self.alex).pk, self.sam.pk)
        couples.do_leave_space(self.sam)
        self.assertIsNone(partner_of(self.alex))
        self.assertNotEqual(access.active_space_id(self.alex), access.active_space_id(self.sam))

    def test_couple_scope_builds_the_context_once_for_the_cli(self):
        with CaptureQueriesContext(connection) as captured:
            with couple_scope(self.alex) as couple:
                for _ in range(3):
                    partner_of(self.alex)
                    access.active_space_id(self.alex)
                    safety.safety_mode(self.alex)
        self.assertEqual(couple.partner.pk, self.sam.pk)
        self.assertEqual(len(captured), 2, tables(captured))
        # After the block nothing is kept.
        self.assertIsNone(scoped_context(self.alex))

    def test_changed_with_a_derived_key_keeps_the_membership(self):
        with couple_scope(self.alex):
            couple = context_of(self.alex)
            self.assertEqual(couple.once("open_timeout:1", lambda: "first"), "first")
            self.assertEqual(couple.once("open_timeout:1", lambda: "second"), "first")
            changed(self.alex, "open_timeout")
            self.assertIs(context_of(self.alex), couple)
            self.assertEqual(couple.once("open_timeout:1", lambda: "third"), "third")
            changed(self.alex)
            self.assertIsNot(context_of(self.alex), couple)

    def test_anonymous_has_an_empty_context(self):
        from django.contrib.auth.models import AnonymousUser

        couple = context_of(AnonymousUser())
        self.assertIsNone(couple.membership)
        self.assertIsNone(couple.space_id)
        self.assertIsNone(couple.partner)
        self.assertFalse(couple.safety_mode)


class TimeZoneTests(BaseTestCase):
    def test_a_signed_in_partners_request_runs_in_the_couples_time_zone(self):
        from django.utils import timezone

        seen = {}

        def get_response(request):
            seen["zone"] = str(timezone.get_current_timezone())
            return None

        request = RequestFactory().get("/")
        request.user = self.casey  # casey and jordan live in America/Los_Angeles
        CoupleContextMiddleware(get_response)(request)
        self.assertEqual(seen["zone"], "America/Los_Angeles")
        # and nothing is left active after the request
        self.assertEqual(str(timezone.get_current_timezone()), str(timezone.get_default_timezone()))
