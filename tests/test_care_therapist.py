"""Therapist access through the pages: the link, both consents, revoking, the audit log."""

import re

from django.test import Client

from reattune.care import actions
from reattune.care.models import TherapistGrant, TherapistInvite, TherapistRead
from reattune.couples.actions import active_membership
from tests.base import BaseTestCase
from tests.checkups import complete_checkup
from tests.test_care_access import THERAPIST_PASSWORD, grant_for, make_therapist


class TherapistFlowTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.space = active_membership(self.alex).space
        self.couple_url = f"/therapist/couples/{self.space.pk}/"

    def test_it_goes_from_link_to_access_only_after_both_agree(self):
        alex = self.client_for("alex")
        alex.post("/care/therapist/invite/", {"share_journal": "yes"})
        page = alex.get("/care/").content.decode()
        link = re.search(r'id="therapist-link" type="text" readonly value="([^"]+)"', page)[1]
        path = link.split("testserver", 1)[1]

        therapist = Client()
        welcome = therapist.get(path)
        self.assertContains(welcome, "Alex invited you as their therapist")
        signup = therapist.post(
            "/therapist/signup/",
            {
                "display_name": "Dr Lane",
                "email": "lane@example.org",
                "password": THERAPIST_PASSWORD,
            },
        )
        self.assertRedirects(signup, "/therapist-invite/confirm/", fetch_redirect_response=False)
        accepted = therapist.post("/therapist-invite/confirm/")
        self.assertRedirects(accepted, "/therapist/", fetch_redirect_response=False)
        self.assertContains(therapist.get("/therapist/"), "waiting until both partners agree")
        # One consent (alex's, given with the link): nothing opens yet.
        self.assertEqual(therapist.get(self.couple_url).status_code, 404)
        self.assertEqual(therapist.get(path).status_code, 404)  # the link worked once
        # sam sees the pending consent on the care page, and agrees.
        sam = self.client_for("sam")
        self.assertContains(sam.get("/care/"), "Alex invited Dr Lane")
        grant = TherapistGrant.objects.get()
        sam.post(f"/care/therapist/{grant.pk}/consent/", {"share_journal": "yes"})
        self.assertEqual(therapist.get(self.couple_url).status_code, 200)
        journal = therapist.get(self.couple_url + "journal/").content.decode()
        self.assertIn("alex shared text for the couple", journal)
        self.assertIn("sam shared text for the couple", journal)
        self.assertNotIn("private secret text", journal)
        # Either partner can end it at once: the next request is refused.
        alex.post(f"/care/therapist/{grant.pk}/revoke/")
        self.assertEqual(therapist.get(self.couple_url).status_code, 404)
        self.assertEqual(therapist.get(self.couple_url + "journal/").status_code, 404)

    def test_the_journal_needs_both_opt_ins(self):
        therapist = make_therapist("lane")
        grant = grant_for(self.alex, therapist, consent_by=[self.sam], share_journal=True)
        actions.do_consent(self.sam, grant.pk, share_journal=False)
        client = Client()
        client.force_login(therapist)
        self.assertEqual(client.get(self.couple_url).status_code, 200)
        self.assertEqual(client.get(self.couple_url + "journal/").status_code, 404)
        self.assertNotIn("Journal entries they share", client.get(self.couple_url).content.decode())

    def test_the_therapist_sees_scores_patterns_trends_and_plan_but_no_item_answers(self):
        complete_checkup(self.alex, 0.8)
        complete_checkup(self.sam, 0.3)
        therapist = make_therapist("lane")
        grant_for(self.alex, therapist, consent_by=[self.sam])
        client = Client()
        client.force_login(therapist)
        page = client.get(self.couple_url).content.decode()
        self.assertIn("Alex", page)
        self.assertIn("Sam", page)
        self.assertIn("Patterns between them", page)
        self.assertIn("Their plan", page)
        self.assertNotIn("private secret text", page)
        self.assertNotIn("safety", page.lower().split("<main", 1)[1])

    def test_every_read_is_audited_without_content_and_both_partners_see_it(self):
        therapist = make_therapist("lane")
        grant = grant_for(self.alex, therapist, consent_by=[self.sam])
        client = Client()
        client.force_login(therapist)
        client.get(self.couple_url)
        client.get(self.couple_url + "journal/")  # both share the journal in grant_for
        client.get(self.couple_url)
        reads = list(TherapistRead.objects.order_by("at", "id"))
        self.assertEqual(
            [r.page for r in reads], ["results and plan", "shared journal", "results and plan"]
        )
        self.assertTrue(
            all(r.grant_id == grant.pk and r.therapist_id == therapist.pk for r in reads)
        )
        for persona in ("alex", "sam"):
            page = self.client_for(persona).get("/care/").content.decode()
            self.assertEqual(page.count("Lane looked at"), 3)
        self.assertNotIn("Lane looked at", self.client_for("casey").get("/care/").content.decode())
        # A refused read writes nothing.
        actions.do_revoke_grant(self.sam, grant.pk)
        client.get(self.couple_url)
        self.assertEqual(TherapistRead.objects.count(), 3)

    def test_the_link_does_not_work_for_a_partner_account(self):
        raw = actions.do_create_therapist_invite(self.alex)
        casey = self.client_for("casey")
        self.assertRedirects(
            casey.get(f"/therapist-invite/{raw}/"),
            "/therapist-invite/confirm/",
            fetch_redirect_response=False,
        )
        self.assertEqual(casey.post("/therapist-invite/confirm/").status_code, 403)
        self.assertFalse(TherapistGrant.objects.exists())

    def test_a_therapist_logs_in_to_their_couples(self):
        make_therapist("lane")
        response = self.client.post(
            "/login/", {"email": "lane@example.org", "password": THERAPIST_PASSWORD}
        )
        self.assertRedirects(response, "/therapist/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/home/").status_code, 404)

    def test_the_home_lists_every_couple_with_names_from_one_query(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        therapist = make_therapist("lane")
        grant_for(self.alex, therapist, consent_by=[self.sam])
        client = Client()
        client.force_login(therapist)
        client.get("/therapist/")
        with CaptureQueriesContext(connection) as one_couple:
            client.get("/therapist/")
        grant_for(self.casey, therapist, consent_by=[self.jordan])
        with CaptureQueriesContext(connection) as two_couples:
            page = client.get("/therapist/").content.decode()
        self.assertIn("Alex and Sam", page)
        self.assertIn("Casey and Jordan", page)

        def user_queries(captured):
            return sum(' FROM "accounts_user"' in q["sql"] for q in captured)

        # The session's user and every couple's names: the same two for any number of couples.
        self.assertEqual(user_queries(two_couples), user_queries(one_couple))

    def test_a_grant_ends_when_the_couple_space_closes(self):
        from reattune.couples.actions import do_leave_space

        therapist = make_therapist("lane")
        grant_for(self.alex, therapist, consent_by=[self.sam])
        client = Client()
        client.force_login(therapist)
        self.assertEqual(client.get(self.couple_url).status_code, 200)
        self.client_for("alex").post("/care/therapist/invite/")  # a link not yet used
        do_leave_space(self.sam)
        self.assertEqual(client.get(self.couple_url).status_code, 404)
        # Ended for good, not only hidden: the therapist's list no longer holds the couple,
        # and the unused link no longer opens anything.
        self.assertFalse(TherapistGrant.objects.filter(revoked_at__isnull=True).exists())
        self.assertNotContains(client.get("/therapist/"), "waiting until both partners agree")
        self.assertFalse(
            TherapistInvite.objects.filter(used_at__isnull=True, revoked_at__isnull=True).exists()
        )


class AuditLogLifecycleTests(BaseTestCase):
    """The audit log outlives the grant: each partner keeps reading what a therapist looked at,
    whoever leaves or deletes an account, the therapist included (docs/privacy.md)."""

    def setUp(self):
        super().setUp()
        self.space = active_membership(self.alex).space
        self.couple_url = f"/therapist/couples/{self.space.pk}/"
        self.therapist = make_therapist("lane")
        self.grant = grant_for(self.alex, self.therapist, consent_by=[self.sam])
        self.lane = Client()
        self.lane.force_login(self.therapist)
        self.assertEqual(self.lane.get(self.couple_url).status_code, 200)
        self.assertEqual(self.lane.get(self.couple_url + "journal/").status_code, 200)

    def seen_by(self, persona_or_user) -> int:
        if isinstance(persona_or_user, str):
            client = self.client_for(persona_or_user)
        else:
            client = Client()
            client.force_login(persona_or_user)
        return client.get("/care/").content.decode().count("Lane looked at")

    def test_the_therapist_deleting_their_account_erases_nothing_of_the_log(self):
        response = self.lane.post(
            "/account/delete/", {"password": THERAPIST_PASSWORD, "confirm": "on"}
        )
        self.assertContains(response, "account is deleted")
        self.assertEqual(TherapistRead.objects.count(), 2)
        self.assertEqual(self.seen_by("alex"), 2)
        self.assertEqual(self.seen_by("sam"), 2)
        # The grant ended with the account: nothing is left open for the couple to manage.
        self.assertFalse(TherapistGrant.objects.filter(revoked_at__isnull=True).exists())

    def test_both_keep_the_log_after_one_leaves_and_a_new_partner_never_sees_it(self):
        from reattune.accounts.actions import do_create_user
        from reattune.couples.actions import do_create_invite, do_join_space, do_leave_space

        do_leave_space(self.sam)
        self.assertEqual(self.lane.get(self.couple_url).status_code, 404)
        self.assertEqual(TherapistRead.objects.count(), 2)
        self.assertEqual(self.seen_by("alex"), 2)
        self.assertEqual(self.seen_by("sam"), 2)
        riley = do_create_user("riley@example.org", "riley-password-123", "Riley")
        do_join_space(riley, do_create_invite(self.alex))
        self.assertEqual(self.seen_by(riley), 0)

    def test_the_remaining_partner_keeps_the_log_when_the_other_deletes_their_account(self):
        from tests.base import PASSWORD

        self.client_for("alex").post("/account/delete/", {"password": PASSWORD, "confirm": "on"})
        self.assertEqual(self.seen_by("sam"), 2)

    def test_the_log_goes_once_neither_partner_has_an_account(self):
        from tests.base import PASSWORD

        for persona in ("alex", "sam"):
            self.client_for(persona).post(
                "/account/delete/", {"password": PASSWORD, "confirm": "on"}
            )
        self.assertFalse(TherapistRead.objects.exists())
        self.assertFalse(TherapistGrant.objects.exists())

    def test_a_read_row_holds_who_when_and_which_page_only(self):
        fields = {f.name for f in TherapistRead._meta.get_fields()}
        self.assertLessEqual(fields, {"id", "grant", "therapist", "therapist_name", "at", "page"})
        self.assertEqual(
            sorted(TherapistRead.objects.values_list("page", flat=True)),
            ["results and plan", "shared journal"],
        )

    def test_each_partner_s_export_holds_the_log_and_an_import_adds_none_of_it(self):
        import io
        import json
        import zipfile

        from reattune.exports.actions import do_import
        from reattune.exports.archive import export_bytes

        def reads_in(user) -> list[dict]:
            with zipfile.ZipFile(io.BytesIO(export_bytes(user))) as archive:
                return json.loads(archive.read("therapist_reads.json"))["rows"]

        for partner in (self.alex, self.sam):
            rows = reads_in(partner)
            self.assertEqual(
                sorted((row["therapist"], row["page"]) for row in rows),
                [("Lane", "results and plan"), ("Lane", "shared journal")],
            )
            self.assertEqual(set(rows[0]), {"at", "therapist", "page", "space"})
        self.assertEqual(reads_in(self.casey), [])  # another couple: nothing
        before = TherapistRead.objects.count()
        report = do_import(io.BytesIO(export_bytes(self.alex)), "alex2@example.org")
        self.assertEqual(TherapistRead.objects.count(), before)
        self.assertEqual(report.stats["therapist_reads"]["skipped"], 2)


class TherapistBrandLinkTests(BaseTestCase):
    def test_the_brand_link_takes_a_therapist_to_their_own_home(self):
        therapist = make_therapist("dana")
        client = Client()
        client.force_login(therapist)
        page = client.get("/therapist/").content.decode()
        self.assertIn('class="brand" href="/therapist/"', page)
        self.assertEqual(client.get("/therapist/").status_code, 200)
        partner = self.client_for("alex").get("/home/").content.decode()
        self.assertIn('class="brand" href="/home/"', partner)
