"""The coach on crisis language: no feedback, rewrite or opener; plain words and help lines.

Page, htmx fragment, API and `reattune coach` (readable and --json). Listen on a partner's
crisis sentence shows how to respond instead of validating replies.
"""

import json
import subprocess
import sys

from reattune.cli import main
from reattune.domain.coach import validating_responses
from tests.base import BaseTestCase

CRISIS = "You always ignore me and I want to kill myself."
HURT = "You threatened to kill me last night and I am scared to come home."
PARTNER_SAYS = "Sometimes I feel like I want to die."
BLAMING = "You never listen to me. You are so lazy."


class CoachPageCrisisTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.alex.country = "GB"
        self.alex.save()

    def assert_support_without_feedback(self, page):
        self.assertContains(page, "This sounds like a lot to carry")
        self.assertContains(page, "Samaritans")
        self.assertContains(page, "999")
        self.assertContains(page, 'href="/care/safety/"')
        self.assertContains(page, "Nothing you typed here has been saved")
        for absent in ("Another way to say it", "What can help", "Worth another look", "Blame"):
            self.assertNotContains(page, absent)

    def test_the_page_shows_help_and_no_rewrite(self):
        self.assert_support_without_feedback(
            self.client_for("alex").post("/coach/", {"text": CRISIS})
        )

    def test_the_live_fragment_shows_help_and_no_rewrite(self):
        fragment = self.client_for("alex").post(
            "/coach/feedback/", {"text": CRISIS}, headers={"HX-Request": "true"}
        )
        self.assert_support_without_feedback(fragment)
        self.assertNotContains(fragment, "<html")

    def test_being_hurt_puts_the_domestic_violence_lines_first(self):
        page = self.client_for("alex").post("/coach/", {"text": HURT}).content.decode()
        self.assertIn("National Domestic Abuse Helpline", page)
        self.assertLess(page.index("National Domestic Abuse Helpline"), page.index("Samaritans"))
        self.assertNotIn("Another way to say it", page)

    def test_ordinary_blame_still_gets_feedback(self):
        page = self.client_for("alex").post("/coach/", {"text": BLAMING})
        self.assertContains(page, "Another way to say it")
        self.assertNotContains(page, 'id="support"')

    def test_the_opener_shows_help_and_no_opening(self):
        page = self.client_for("alex").post(
            "/coach/opener/", {"miss": "us", "feel": "like I want to kill myself", "like": ""}
        )
        self.assertContains(page, "Samaritans")
        self.assertNotContains(page, "You could start like this")

    def test_listen_on_a_crisis_sentence_shows_how_to_respond(self):
        page = self.client_for("alex").post("/coach/listen/", {"text": PARTNER_SAYS})
        self.assertContains(page, "How you can respond")
        self.assertContains(page, "Ask them directly")
        self.assertContains(page, "Samaritans")
        self.assertNotContains(page, "You could say")
        self.assertNotContains(page, "Nothing you typed here has been saved")

    def test_listen_uses_the_readers_country(self):
        self.sam.country = "DE"
        self.sam.save()
        page = self.client_for("sam").post("/coach/listen/", {"text": PARTNER_SAYS})
        self.assertContains(page, "112")
        self.assertNotContains(page, "Samaritans")


class CoachApiCrisisTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.alex.country = "GB"
        self.alex.save()

    def test_analyze_returns_support_and_no_rewrite(self):
        response = self.api("alex", "post", "/api/v1/coach/analyze", {"text": CRISIS})
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(set(data), {"support"})
        support = data["support"]
        self.assertEqual(support["context"], "draft")
        self.assertEqual(support["kinds"], ["suicide"])
        self.assertEqual(support["emergency"]["number"], "999")
        self.assertIn("Samaritans", [line["name"] for line in support["lines"]])
        self.assertEqual(support["safety_check_url"], "/care/safety/")
        self.assertNotIn("rewrite", json.dumps(data))

    def test_analyze_leaves_support_out_for_ordinary_text(self):
        data = self.api("alex", "post", "/api/v1/coach/analyze", {"text": BLAMING}).json()
        self.assertNotIn("support", data)
        self.assertIn("rewrite", data["suggestions"])

    def test_validate_answers_a_partners_crisis_with_guidance(self):
        data = self.api("alex", "post", "/api/v1/coach/validate", {"text": PARTNER_SAYS}).json()
        self.assertEqual(data["replies"], [])
        self.assertEqual(data["support"]["context"], "partner")
        self.assertTrue(any("Ask them directly" in step for step in data["support"]["guidance"]))
        self.assertIsNone(data["support"].get("safety_check_url"))

    def test_opener_returns_support_and_no_text(self):
        data = self.api(
            "alex", "post", "/api/v1/coach/opener", {"feel": "like I want to kill myself"}
        ).json()
        self.assertIn("support", data)
        self.assertNotIn("text", data)


def test_the_cli_prints_help_lines_and_no_rewrite(capsys):
    assert main(["coach", "--country", "GB", CRISIS]) == 0
    out = capsys.readouterr().out
    assert "This sounds like a lot to carry" in out
    assert "Samaritans" in out and "999" in out
    assert "Another way to say it" not in out
    assert "Blame" not in out


def test_the_cli_json_has_support_and_no_rewrite():
    result = subprocess.run(
        [sys.executable, "-m", "reattune", "coach", "--json", "--country", "GB"],
        input=HURT,
        text=True,
        capture_output=True,
        timeout=300,  # a hang guard, even on a busy machine
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"support"}
    assert data["support"]["kinds"][0] == "harm_from_others"
    assert data["support"]["lines"][0]["kind"] == "domestic_violence"
    assert "rewrite" not in result.stdout


def test_validating_replies_never_mirror_a_negated_feeling():
    replies = validating_responses("I feel like you don't love me anymore")
    assert "I feel that way about you too." not in replies
    assert "That means a lot to me. Thank you for saying it." not in replies
    assert replies, "a negated feeling still gets a caring reply"
    for text, word in (("I'm not happy", "happy"), ("I'm not angry, just sad", "angry")):
        assert not any(f"feeling {word}" in reply for reply in validating_responses(text)), text
    assert "It sounds like you're feeling sad. Thank you for telling me." in validating_responses(
        "I'm not angry, just sad"
    )


def test_a_feeling_that_is_not_negated_is_still_reflected():
    assert "I feel that way about you too." in validating_responses("I feel loved")
    assert any("worried" in r for r in validating_responses("I can't stop worrying about money"))


class SupportWordingTests(BaseTestCase):
    """support_for: the same object everywhere, with wording true for its context."""

    def setUp(self):
        super().setUp()
        from reattune.care.support import support_for

        self.support_for = support_for
        self.alex.country = "GB"
        self.alex.save()
        self.sam.country = "DE"
        self.sam.save()

    def test_each_context_says_only_what_is_true(self):
        private = self.support_for(self.alex, CRISIS, context="private")
        shared = self.support_for(self.alex, CRISIS, context="shared")
        draft = self.support_for(self.alex, CRISIS, context="draft")
        self.assertIn("your partner cannot read them", private["message"])
        self.assertIn("your partner can read them", shared["message"])
        self.assertNotIn("cannot read", shared["message"])
        self.assertIn("Nothing you typed here has been saved", draft["message"])
        for support, context in ((private, "private"), (shared, "shared"), (draft, "draft")):
            self.assertEqual(support["context"], context)
            self.assertEqual(support["guidance"], [])
            self.assertEqual(support["safety_check_url"], "/care/safety/")
            # Never more than is true: the host can read the server's data.
            self.assertNotIn("only you can read", support["message"].lower())

    def test_the_partner_gets_guidance_and_the_readers_own_lines(self):
        support = self.support_for(self.sam, HURT, context="partner")
        self.assertEqual(support["context"], "partner")
        self.assertEqual(support["kinds"][0], "harm_from_others")
        self.assertEqual(support["country"], "DE")
        self.assertEqual(support["emergency"]["number"], "112")
        self.assertEqual(support["lines"][0]["kind"], "domestic_violence")
        self.assertTrue(any("Ask them directly" in step for step in support["guidance"]))
        self.assertIsNone(support["safety_check_url"])
        self.assertNotIn("you alone", support["message"])

    def test_no_hit_is_none_in_every_context(self):
        for context in ("private", "shared", "draft", "partner"):
            self.assertIsNone(self.support_for(self.alex, BLAMING, context=context))

    def test_after_save_passes_the_context_and_keeps_old_hooks_working(self):
        from django.http import HttpResponse
        from django.test import RequestFactory

        from reattune.core import aftersave

        seen = []
        request = RequestFactory().post("/journal/new/")
        request.user = self.alex
        old = aftersave._HOOKS[:]
        aftersave._HOOKS[:] = [
            lambda request, text: seen.append(("old", text)),
            lambda request, text, context="private": seen.append(("new", context)),
        ]
        try:
            result = aftersave.after_save(request, None, HttpResponse("next"), [("hi", "shared")])
        finally:
            aftersave._HOOKS[:] = old
        self.assertEqual(result.content, b"next")
        self.assertEqual(seen, [("old", "hi"), ("new", "shared")])

    def test_a_shared_journal_entry_says_the_partner_can_read_it(self):
        import uuid

        page = self.client_for("alex").post(
            "/journal/new/",
            {"title": "", "body": CRISIS, "visibility": "shared", "submit_key": str(uuid.uuid4())},
        )
        self.assertContains(page, "your partner can read them")
        self.assertNotContains(page, "your partner cannot read them")
        private = self.client_for("alex").post(
            "/journal/new/",
            {"title": "", "body": CRISIS, "visibility": "private", "submit_key": str(uuid.uuid4())},
        )
        self.assertContains(private, "your partner cannot read them")
        data = self.api("alex", "post", "/api/v1/journal", {"body": CRISIS, "visibility": "shared"})
        self.assertEqual(data.json()["support"]["context"], "shared")
