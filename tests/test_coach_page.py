import logging

from django.apps import apps
from django.db import connection

from reattune.journal.models import Entry
from tests.base import BaseTestCase

BLAMING = "You never listen to me. You are so lazy."
MARKER = "zebra-coach-marker-4471"


def table_counts():
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (names from the models)
            counts[model._meta.label] = cursor.fetchone()[0]
    return counts


class CoachPageTests(BaseTestCase):
    def test_it_highlights_blame_and_offers_a_rewrite_without_javascript(self):
        page = self.client_for("alex").post("/coach/", {"text": BLAMING})
        self.assertContains(page, '<mark class="concern"')
        self.assertContains(page, "Another way to say it")
        self.assertContains(page, "Criticism of character")

    def test_the_live_fragment_answers_htmx(self):
        fragment = self.client_for("alex").post(
            "/coach/feedback/", {"text": BLAMING}, headers={"HX-Request": "true"}
        )
        self.assertContains(fragment, "What your words may sound like")
        self.assertNotContains(fragment, "<html")

    def test_a_kind_message_is_called_kind(self):
        page = self.client_for("alex").post(
            "/coach/feedback/", {"text": "I love that you always make time for me."}
        )
        self.assertContains(page, "Nothing here is likely to land as blame")

    def test_a_good_complaint_gets_no_rewrite_and_is_told_why(self):
        page = self.client_for("alex").post(
            "/coach/feedback/",
            {
                "text": "I felt lonely last night when you were on your phone. "
                "Could we keep phones away at dinner?"
            },
        )
        self.assertNotContains(page, "Another way to say it")
        self.assertContains(page, "Leave it as it is")

    def test_text_over_the_limit_gets_a_clear_message(self):
        page = self.client_for("alex").post("/coach/", {"text": "a" * 5001})
        self.assertContains(page, "reads up to 5000 characters", status_code=422)

    def test_html_in_the_text_is_shown_as_text(self):
        page = self.client_for("alex").post(
            "/coach/feedback/", {"text": "<script>alert(1)</script> you never"}
        )
        self.assertNotContains(page, "<script>alert(1)")
        self.assertContains(page, "&lt;script&gt;")

    def test_listen_suggests_validating_replies(self):
        page = self.client_for("alex").post(
            "/coach/listen/", {"text": "I had an awful day and I feel so alone."}
        )
        self.assertContains(page, "You could say")

    def test_opener_builds_a_calm_first_person_opening(self):
        page = self.client_for("alex").post(
            "/coach/opener/",
            {"miss": "our evening walks", "feel": "lonely", "like": "a walk together on Sunday"},
        )
        self.assertContains(page, "You could start like this")
        self.assertContains(page, "lonely")
        self.assertContains(
            self.client_for("alex").post("/coach/opener/", {}), "at least one", status_code=422
        )


class CoachStoresNothingTests(BaseTestCase):
    def test_coach_text_is_never_logged_or_stored_unless_saved(self):
        client = self.client_for("alex")
        before = table_counts()
        logger = logging.getLogger()
        records = []

        class Keep(logging.Handler):
            def emit(self, record):
                records.append(self.format(record))

        handler = Keep(level=logging.DEBUG)
        old_level = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            text = f"You never care. {MARKER}"
            client.post("/coach/", {"text": text})
            client.post("/coach/feedback/", {"text": text})
            client.post("/coach/listen/", {"text": text})
            client.post("/coach/opener/", {"miss": MARKER, "feel": "sad", "like": "time"})
            self.api("alex", "post", "/api/v1/coach/analyze", {"text": text})
            self.api("alex", "post", "/api/v1/coach/validate", {"text": text})
            self.api("alex", "post", "/api/v1/coach/opener", {"miss": MARKER})
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old_level)
        after = table_counts()
        changed = {k for k in before if before[k] != after[k]}
        self.assertEqual(changed - {"sessions.Session", "accounts.UserSession"}, set())
        self.assertFalse([r for r in records if MARKER in r])

    def test_saving_puts_the_draft_in_the_private_journal_once(self):
        client = self.client_for("alex")
        data = {"text": f"I miss you. {MARKER}", "save_key": "0b9f1d3a-1111-4a2b-9c3d-5e6f7a8b9c0d"}
        client.post("/coach/save/", data)
        client.post("/coach/save/", data)
        saved = [e for e in Entry.objects.filter(author=self.alex) if MARKER in e.body]
        self.assertEqual(len(saved), 1)
        self.assertEqual(saved[0].visibility, "private")
        self.assertEqual(self.client_for("sam").get(f"/journal/{saved[0].pk}/").status_code, 404)


class CoachApiTests(BaseTestCase):
    def test_analyze_returns_findings_with_spans_inside_the_text(self):
        data = self.api("alex", "post", "/api/v1/coach/analyze", {"text": BLAMING}).json()
        labels = {f["label"] for f in data["analysis"]["findings"]}
        self.assertIn("you_blame", labels)
        for finding in data["analysis"]["findings"]:
            for start, end in finding["spans"]:
                self.assertTrue(0 <= start < end <= len(BLAMING))
        self.assertIn("rewrite", data["suggestions"])

    def test_errors_are_clear(self):
        self.assertEqual(
            self.api("alex", "post", "/api/v1/coach/analyze", {"text": "x" * 5001}).status_code, 422
        )
        self.assertEqual(self.api("alex", "post", "/api/v1/coach/analyze", {}).status_code, 422)
        self.assertEqual(
            self.api("anonymous", "post", "/api/v1/coach/analyze", {"text": "hi"}).status_code, 401
        )
        self.assertEqual(self.api("alex", "post", "/api/v1/coach/opener", {}).status_code, 422)
