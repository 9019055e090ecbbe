"""Prompts that ask to raise things with the partner are never required, for anyone.

A person whose safety check is kept in the vault cannot be excused by the server (it cannot
read the check), so no such prompt may be required: the weekly review's `closer_area` and the
monthly check-in's `want_to_grow` are optional for everyone (data/rituals.yaml; the schema
refuses `raises_issues` with `required: true`). An empty answer looks the same to the partner
whoever leaves it and why: here a vault-safety person's skip and an ordinary person's skip
read alike, on the partner's page and in the API, and nothing on either says safety or vault.
A safety check the server holds still rests the prompts (not asked at all).
"""

import re
import uuid

import yaml

from reattune.accounts.actions import do_create_token
from reattune.couples.models import Space
from reattune.domain.plan.library import RITUALS_FILE, PracticeError, parse_rituals
from reattune.rituals.kinds import MONTHLY, WEEKLY
from reattune.rituals.models import MonthlyCheckIn, WeeklyReview
from reattune.vault import actions as vault
from tests.base import BaseTestCase
from tests.rituals_helpers import answers, form_data
from tests.test_care_privacy import POSITIVE
from tests.test_vault_api import sealed, vector_keyring

API = "/api/v1/rituals"
RAISING = {"weekly": "closer_area", "monthly": "want_to_grow"}
KINDS = {"weekly": WEEKLY, "monthly": MONTHLY}
MODELS = {"weekly": WeeklyReview, "monthly": MonthlyCheckIn}
# Words that would tell the partner why an answer is missing.
TELLING = ("safety", "vault", "resting", "skipped", "not asked")


def period_of(user, kind: str):
    today = Space.objects.get(memberships__user=user, memberships__left_at=None).today()
    return KINDS[kind].period_of(today)


def give_vault_safety_check(user) -> None:
    """A vault with a safety check in it: the server cannot read what it says."""
    vault.do_create_keyring(user, **vector_keyring())
    item_id = str(uuid.uuid4())
    vault.do_create_item(user, item_id, "safety", sealed(item_id, "safety", "afraid"))


class RaisingPromptsAreOptionalTests(BaseTestCase):
    def test_every_prompt_that_raises_issues_is_optional(self):
        for kind in KINDS.values():
            for prompt in kind.prompts():
                if prompt.get("raises_issues"):
                    self.assertFalse(prompt["required"], prompt["id"])
        self.assertTrue(
            all(any(p["id"] == pid for p in KINDS[k].prompts()) for k, pid in RAISING.items())
        )

    def test_the_schema_refuses_a_required_prompt_that_raises_issues(self):
        data = yaml.safe_load(RITUALS_FILE.read_text(encoding="utf-8"))
        prompt = next(
            p for p in data["rituals"]["weekly_review"]["prompts"] if p["id"] == "closer_area"
        )
        prompt["required"] = True
        with self.assertRaises(PracticeError) as raised:
            parse_rituals(data, "rituals.yaml")
        self.assertIn("weekly_review.prompts[1].required", str(raised.exception))


class VaultSafetySkipTests(BaseTestCase):
    """alex keeps a safety check in the vault; casey (another couple, no vault) skips too."""

    def setUp(self):
        super().setUp()
        give_vault_safety_check(self.alex)
        _, self.jordan_token = do_create_token(self.jordan, "tests")

    def skip(self, persona: str, kind: str, partner: str) -> dict:
        """`persona` submits the form with the raising prompt left empty (the browser hid it,
        so it is posted empty), the partner shares theirs; returns what the partner reads."""
        pid = RAISING[kind]
        data = form_data(kind, persona, **{pid: ""})
        response = self.client_for(persona).post(f"/rituals/{kind}/", data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        entry = MODELS[kind].objects.get(author=getattr(self, persona))
        self.assertEqual(getattr(entry, pid), "")
        self.assertEqual(entry.kept_private(), {})
        shared = self.api(partner, "POST", f"{API}/{kind}", answers(kind, partner))
        self.assertEqual(shared.status_code, 201, shared.content)
        period = period_of(getattr(self, persona), kind).isoformat()
        seen = self.api(partner, "GET", f"{API}/{kind}/{period}").json()["partner"]
        page = self.client_for(partner).get(f"/rituals/{kind}/{period}/").content.decode()
        theirs = page.split('class="card answers partner-answers"', 1)[1]
        return {"api": seen, "page": theirs}

    def assert_nothing_tells(self, seen: dict, kind: str, persona: str) -> None:
        label = next(p["label"] for p in KINDS[kind].prompts() if p["id"] == RAISING[kind])
        self.assertNotIn(label, seen["page"])  # no answer shown, and no empty heading either
        self.assertIn(
            f"{persona} {'connecting moment' if kind == 'weekly' else 'most connecting'}",
            seen["page"],
        )
        text = (str(seen["api"]) + seen["page"]).lower()
        for word in TELLING:
            self.assertNotIn(word, text)

    def test_a_vault_safety_person_can_share_the_weekly_review_without_closer_area(self):
        # The form: optional for alex as for everyone, marked for the browser to hide.
        form = self.client_for("alex").get("/rituals/weekly/").content.decode()
        field = re.search(
            r'<div data-vault-rest="usual">(?:(?!</textarea>).)*id="f-closer_area"', form, re.S
        )
        self.assertIsNotNone(field, "closer_area is not marked for the browser to hide")
        self.assertRegex(form, r'for="f-closer_area"[^>]*>[^<]*<span class="muted">\(optional\)')
        alex_skip = self.skip("alex", "weekly", "sam")
        casey_skip = self.skip("casey", "weekly", "jordan")
        self.assert_nothing_tells(alex_skip, "weekly", "alex")
        self.assert_nothing_tells(casey_skip, "weekly", "casey")
        # The partner's API answer has the same shape whoever skipped, and why.
        self.assertEqual(alex_skip["api"]["answers"]["closer_area"], "")
        self.assertEqual(sorted(alex_skip["api"]["answers"]), sorted(casey_skip["api"]["answers"]))
        self.assertEqual(alex_skip["api"]["private_fields"], casey_skip["api"]["private_fields"])

        # The partner's page is the same whoever skipped: names, the csrf token and the period
        # (the two couples live in different time zones) aside.
        def plain(page: str, *names: str) -> str:
            page = re.sub(r'name="(csrfmiddlewaretoken|period)" value="[^"]+"', "", page)
            for name in names:
                page = page.replace(name.title(), "X").replace(name, "x")
            return page

        self.assertEqual(
            plain(alex_skip["page"], "alex", "sam"), plain(casey_skip["page"], "casey", "jordan")
        )

    def test_a_vault_safety_person_can_share_the_monthly_check_in_without_want_to_grow(self):
        alex_skip = self.skip("alex", "monthly", "sam")
        casey_skip = self.skip("casey", "monthly", "jordan")
        self.assert_nothing_tells(alex_skip, "monthly", "alex")
        self.assertEqual(alex_skip["api"]["answers"]["want_to_grow"], "")
        self.assertEqual(sorted(alex_skip["api"]["answers"]), sorted(casey_skip["api"]["answers"]))

    def test_the_api_takes_an_empty_answer_too(self):
        for kind, pid in RAISING.items():
            sent = self.api("alex", "POST", f"{API}/{kind}", answers(kind, "alex", **{pid: ""}))
            self.assertEqual(sent.status_code, 201, sent.content)

    def test_the_partners_form_is_as_it_always_was(self):
        form = self.client_for("sam").get("/rituals/weekly/").content.decode()
        self.assertNotIn("data-vault-rest", form)
        self.assertIn('id="f-closer_area"', form)
        self.assertRegex(form, r'for="f-closer_area"[^>]*>[^<]*<span class="muted">\(optional\)')


class ServerHeldSafetyStillRestsTests(BaseTestCase):
    def test_a_positive_check_the_server_holds_leaves_the_prompts_out(self):
        self.assertEqual(self.client_for("alex").post("/care/safety/", POSITIVE).status_code, 302)
        for kind, pid in RAISING.items():
            form = self.client_for("alex").get(f"/rituals/{kind}/").content.decode()
            self.assertNotIn(f'id="f-{pid}"', form)
            data = form_data(kind, "alex")
            data.pop(pid)
            response = self.client_for("alex").post(f"/rituals/{kind}/", data)
            self.assertEqual(response.status_code, 302, response.content[:2000])
