"""Therapist personas against the access table (tests/access/care.yaml), and the world they
live in. The partner personas run in tests/test_access_matrix.py like every other table.

A therapist with no consent, with one consent, with both consents and after revocation: only
both consents open the couple's pages, and nothing else in the app opens for any therapist.
"""

from django.test import TestCase

from reattune.care import actions
from reattune.couples.actions import active_membership
from tests.access import matrix

THERAPIST_PASSWORD = "therapist long passphrase 7"


def make_therapist(name: str):
    return actions.do_create_therapist(f"{name}@example.org", THERAPIST_PASSWORD, name.title())


def grant_for(inviter, therapist, consent_by=(), share_journal=True):
    """A grant made the real way: inviter's link, accepted by the therapist, then consents."""
    raw = actions.do_create_therapist_invite(inviter, share_journal=share_journal)
    grant = actions.do_accept_therapist_invite(therapist, raw)
    for partner in consent_by:
        actions.do_consent(partner, grant.pk, share_journal)
    return grant


def world_care(world):
    """Therapist personas, their grants on alex & sam's space, spaces, an open link."""
    alex, sam = world["alex"], world["sam"]
    world["alex_space"] = active_membership(alex).space
    world["casey_space"] = active_membership(world["casey"]).space
    world["therapist_none"] = make_therapist("therapist_none")
    world["therapist_one"] = make_therapist("therapist_one")
    world["therapist_both"] = make_therapist("therapist_both")
    world["therapist_revoked"] = make_therapist("therapist_revoked")
    grant_for(alex, world["therapist_one"])
    world["care_grant_both"] = grant_for(alex, world["therapist_both"], consent_by=[sam])
    revoked = grant_for(alex, world["therapist_revoked"], consent_by=[sam])
    actions.do_revoke_grant(sam, revoked.pk)
    actions.do_save_screen(alex, {"hurt": 0, "afraid": 0})  # alex answered: all "never"
    world["therapist_invite_token"] = actions.do_create_therapist_invite(alex)
    return "care"


class TherapistPersonaMatrixTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)

    def _run(self, cases, personas):
        clients = matrix.Personas(self.world, personas=personas)
        checked, mismatches = 0, []
        for case in cases:
            url = matrix.case_url(case, self.world)
            for method in matrix.METHODS:
                for persona in personas:
                    for auth in matrix.auths_for(case):
                        expected = case.expected(method, persona, auth)
                        if expected is None:
                            continue
                        client, headers = clients.client(persona, auth)
                        response, error = matrix.request_rolled_back(
                            client, method, url, case.body(method), case.api, headers
                        )
                        checked += 1
                        got = error or response.status_code
                        if got not in expected:
                            mismatches.append(
                                f"{method} {url} as {persona} ({auth}): got {got}, "
                                f"expected {'/'.join(map(str, expected))}"
                            )
        return checked, mismatches

    def test_it_therapists_match_the_care_table(self):
        cases = [c for c in self.tables.all_cases() if c.source == "care.yaml"]
        checked, mismatches = self._run(cases, matrix.THERAPIST_PERSONAS)
        self.assertGreater(checked, 100)
        self.assertEqual(mismatches, [], "\n".join(mismatches))

    def test_it_opens_the_couple_only_with_both_consents(self):
        case = next(
            c
            for c in self.tables.cases["therapist/couples/<int:space_id>/"]
            if c.kwargs["space_id"] == "alex_space"
        )
        statuses = {p: case.expected("GET", p, "session") for p in matrix.THERAPIST_PERSONAS}
        self.assertEqual(
            statuses,
            {
                "therapist_none": (404,),
                "therapist_one": (404,),
                "therapist_both": (200,),
                "therapist_revoked": (404,),
            },
        )

    # A therapist's own account settings (password, tokens, deleting the account) hold only
    # their own data; they are open to every signed-in role.
    OWN_ACCOUNT_ROUTES = {"account/"}

    def test_it_no_other_page_or_api_opens_for_a_consented_therapist(self):
        """Every route of every other table: a therapist with both consents gets nothing that
        a partner page or the partner API holds (404, or 401 for the API without a token);
        only public pages (those anonymous may open too) answer 200."""
        personas = ("therapist_both", "anonymous")
        clients = matrix.Personas(self.world, personas=personas)
        problems = []
        for case in self.tables.all_cases():
            if case.source == "care.yaml" or case.route in self.OWN_ACCOUNT_ROUTES:
                continue
            url = matrix.case_url(case, self.world)
            for auth in matrix.auths_for(case):
                answers = {}
                for persona in personas:
                    client, headers = clients.client(persona, auth)
                    response, error = matrix.request_rolled_back(
                        client, "GET", url, None, case.api, headers
                    )
                    answers[persona] = error or response.status_code
                got, anonymous = answers["therapist_both"], answers["anonymous"]
                if got == 200 and anonymous != 200:
                    problems.append(f"GET {url} ({auth}): 200 for a therapist")
                if got not in (200, 302, 401, 404, 405):
                    problems.append(f"GET {url} ({auth}): {got} for a therapist")
        self.assertEqual(problems, [], "\n".join(problems))
