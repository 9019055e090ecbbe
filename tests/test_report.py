"""The couple's report: each partner's choice, privacy, the page and the PDF.

The PDF is opened as text (pdftotext, or pypdf when poppler is missing) and checked for its
content, and for the absence of anything private of either partner: journal entries, ritual
text, item answers, safety-screen and crisis content.
"""

import re
import shutil
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

from django.test import SimpleTestCase
from django.utils.html import escape

from reattune.assessments.catalog import catalog
from reattune.couples.models import Space
from reattune.reports import build
from reattune.reports.models import ReportChoice
from reattune.reports.pdf import BASE_URL, RefusedURL, static_file, url_fetcher
from tests.base import BaseTestCase
from tests.checkups import complete_checkup, fill
from tests.rituals_helpers import submit


def pdf_text(data: bytes) -> str:
    if shutil.which("pdftotext"):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.pdf"
            path.write_bytes(data)
            result = subprocess.run(
                ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True
            )
            return result.stdout.decode()
    from io import BytesIO

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def _no_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def item_texts(instrument_ids) -> list[str]:
    texts = []
    for instrument_id in instrument_ids:
        for item in catalog().latest(instrument_id).items:
            if len(item.text) > 25:
                texts.append(item.text[:25])
    return texts


class ReportWorld(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        complete_checkup(cls.alex, 0.8)
        complete_checkup(cls.sam, 0.6)
        cls.space = Space.objects.get(memberships__user=cls.alex, memberships__left_at=None)
        # One evening each, with text that must never reach the report.
        submit("daily", cls.alex, who="alexmarker")
        submit("daily", cls.sam, who="sammarker")

    def include(self, *people):
        for person in people:
            build.do_set_included(getattr(self, person), True)


class ChoiceTests(ReportWorld):
    def test_nobody_is_included_until_they_say_yes(self):
        self.assertFalse(build.included(self.alex))
        report = build.build(self.alex, self.space)
        self.assertEqual(report.people, [])
        self.assertEqual(report.connection_svg, "")
        self.assertIsNone(report.couple)

    def test_the_page_offers_the_choice_and_saves_it(self):
        client = self.client_for("alex")
        page = client.get("/report/")
        self.assertContains(page, "Include my section")
        self.assertContains(page, "Sam's section is not included")
        response = client.post("/report/include/", {"include": "yes"})
        self.assertRedirects(response, "/report/")
        self.assertTrue(ReportChoice.objects.get(user=self.alex).include)
        page = client.get("/report/")
        self.assertContains(page, "Leave my section out")
        client.post("/report/include/", {"include": "no"})
        self.assertFalse(ReportChoice.objects.get(user=self.alex).include)

    def test_the_api_reads_and_sets_the_choice(self):
        self.assertEqual(
            self.api("alex", "GET", "/api/v1/reports/choice").json(),
            {"include": False, "partner_included": False},
        )
        answer = self.api("sam", "PUT", "/api/v1/reports/choice", json={"include": True})
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json(), {"include": True, "partner_included": False})
        self.assertEqual(
            self.api("alex", "GET", "/api/v1/reports/choice").json(),
            {"include": False, "partner_included": True},
        )

    def test_a_choice_belongs_to_one_space(self):
        self.include("alex")
        ReportChoice.objects.filter(user=self.alex).update(space=Space.objects.create())
        self.assertFalse(build.included(self.alex))


class ContentTests(ReportWorld):
    def test_only_the_included_partner_is_in_it(self):
        self.include("sam")
        report = build.build(self.alex, self.space)
        self.assertEqual([p.name for p in report.people], ["Sam"])
        self.assertIn("Sam", report.connection_svg)
        self.assertNotIn("Alex", report.connection_svg)
        self.assertIsNone(report.couple)  # patterns need both
        self.assertIn("both of you include", report.couple_note)

    def test_both_included_gives_areas_patterns_trends_and_the_plan(self):
        self.include("alex", "sam")
        report = build.build(self.alex, self.space)
        self.assertEqual([p.name for p in report.people], ["Alex", "Sam"])
        self.assertTrue(report.areas)
        self.assertTrue(all(len(row["values"]) == 2 for row in report.areas))
        self.assertIsNotNone(report.couple)
        self.assertIn("<svg", report.connection_svg)
        self.assertIn("<svg", report.rituals_svg)
        self.assertIsNotNone(report.plan)
        self.assertEqual(len(report.plan["weeks"]), 6)

    def test_the_page_shows_the_charts(self):
        self.include("alex", "sam")
        page = self.client_for("sam").get("/report/")
        self.assertContains(page, 'id="report-connection"')
        self.assertContains(page, 'id="report-rituals"')
        self.assertContains(page, "Check-up areas")
        self.assertContains(page, "What you have practised")
        self.assertNotContains(page, "alexmarker")
        self.assertNotContains(page, "sammarker")

    def test_names_and_plan_titles_made_in_python_are_escaped_and_in_place(self):
        # The header cells, the "who" line and the check-up days are built in build.py, not
        # in the template: each name is escaped exactly once, and the plan's current week
        # is marked.
        self.include("alex", "sam")
        self.alex.display_name = 'Al<ex & "J"'
        self.alex.save(update_fields=["display_name"])
        html = self.client_for("sam").get("/report/").content.decode()
        name = "Al&lt;ex &amp; &quot;J&quot;"
        self.assertNotIn("Al<ex", html)
        self.assertNotIn("&amp;lt;", html)  # not escaped twice
        self.assertIn(f'<p class="report-who">Sam and {name}</p>', html)
        heads = f'<th scope="col">Sam</th><th scope="col">{name}</th></tr></thead>'
        self.assertEqual(html.count(heads), 3)  # areas, connection, rituals
        self.assertRegex(html, rf"latest check-up \(Sam: \d+ \w+ \d{{4}}\) \({name}: ")
        report = build.build(self.sam, self.space)
        current = next(week for week in report.plan["weeks"] if week["current"])
        focus = ", ".join(escape(title) for title in current["focus"])
        self.assertIn(
            f'<li class="current">Week {current["number"]} (this week): {focus}</li>', html
        )

    def test_the_plan_is_the_viewers_own_view_and_the_partners_safety_never_shows(self):
        import tests.test_care_screen as screen

        self.include("alex", "sam")
        sam_before = self.client_for("sam").get("/report/").content.decode()
        alex_before = build.build(self.alex, self.space).plan
        response = self.client_for("alex").post("/care/safety/", screen.POSITIVE)
        self.assertEqual(response.status_code, 302)
        alex = screen.fresh(self.alex)
        alex_after = build.build(alex, self.space).plan
        # Alex's own report shows the plan as Alex's plan page does: safety first, the
        # practices for two resting.
        self.assertNotEqual(alex_before["weeks"], alex_after["weeks"])
        focus = [title for week in alex_after["weeks"] for title in week["focus"]]
        self.assertTrue(any(title.endswith("(resting for now)") for title in focus))
        self.assertFalse(
            any("(resting for now)" in t for w in alex_before["weeks"] for t in w["focus"])
        )
        # Sam's report is the same, byte for byte (after the form's CSRF token).
        sam_after = self.client_for("sam").get("/report/").content.decode()
        self.assertEqual(_no_csrf(sam_before), _no_csrf(sam_after))

    def test_a_cause_that_can_rest_on_one_answer_is_not_in_the_partners_section(self):
        from reattune.assessments.models import Answer, Response

        # Sam's "what's behind it": only the mental-health questions at the top.
        response = Response.objects.get(author=self.sam, instrument_id="whats_behind_it")
        instrument = catalog().latest("whats_behind_it")
        for item in instrument.items:
            scale = instrument.scales[item.scale]
            top = item.construct == "mental_health"
            value = (scale.max if not item.reverse else scale.min) if top else scale.min
            if item.reverse and not top:
                value = scale.max
            Answer.objects.filter(response=response, item_id=item.id).update(value=value)
        from reattune.assessments.results import insight_for

        own = {c["id"] for c in insight_for(self.sam)[0].likely_causes}
        self.assertIn("mental_health", own)  # on Sam's own results page
        self.include("alex", "sam")
        report = build.build(self.alex, self.space)
        sam = next(p for p in report.people if p.name == "Sam")
        self.assertNotIn("mental_health", {c["id"] for c in sam.insight["likely_causes"]})
        page = self.client_for("alex").get("/report/").content.decode()
        self.assertNotIn("What may be behind it, for Sam", page)

    def test_someone_alone_in_a_space_gets_a_page(self):
        self.assertEqual(self.client_for("casey").get("/report/").status_code, 200)


class PdfTests(ReportWorld):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Private content of both: journal (tests/base.py), a safety screen, an unshared
        # pulse, a weekly review, a crisis-worded private entry.
        from reattune.journal.actions import do_create_entry

        do_create_entry(cls.sam, "sam crisis words samcrisismarker", visibility="private")
        for instrument in catalog().current():
            if instrument.kind == "safety":
                fill(cls.sam, instrument.id, 0.9)
        fill(cls.sam, "closeness_pulse", 0.3)
        submit("weekly", cls.sam, who="samweeklymarker")

    def pdf(self, persona="alex"):
        response = self.client_for(persona).post("/report/pdf/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertTrue(response.content.startswith(b"%PDF"))
        return pdf_text(response.content)

    def test_the_pdf_has_title_dates_page_numbers_and_the_content(self):
        self.include("alex", "sam")
        text = self.pdf()
        today = self.space.today()
        self.assertIn("Our report", text)
        self.assertIn(f"Prepared on {today.day} {today:%B %Y}", text)
        self.assertIn("Page 1 of", text)
        self.assertIn("Page 2 of", text)
        for heading in (
            "Check-up areas",
            "Patterns between you",
            "Over the weeks",
            "What you have practised",
            "Alex, 7-day average",  # the chart's legend, drawn in the SVG
            "Rituals done each week",
            "The plan",
        ):
            self.assertIn(heading, text)
        self.assertIn("Sam", text)

    def test_nothing_private_of_either_partner_is_in_the_pdf(self):
        self.include("alex", "sam")
        ReportChoice.objects.filter(user=self.sam).update(include=True)
        for persona in ("alex", "sam"):
            text = self.pdf(persona)
            for marker in (
                "private secret text",  # journal entries (tests/base.py)
                "shared text for the couple",  # even shared journal entries
                "alexmarker",
                "sammarker",  # ritual text
                "samweeklymarker",
                "samcrisismarker",
            ):
                self.assertNotIn(marker, text, persona)
            for fragment in item_texts(["connection_check", "whats_behind_it"]):
                self.assertNotIn(fragment, text, "an item's wording is in the report")
            for instrument in catalog().current():
                if instrument.kind == "safety":
                    self.assertNotIn(instrument.title, text)

    def test_shared_item_answers_stay_out_too(self):
        from reattune.assessments.models import Response

        Response.objects.filter(author=self.sam).update(share_items=True)
        self.include("alex", "sam")
        text = self.pdf()
        for fragment in item_texts(["connection_check", "whats_behind_it"]):
            self.assertNotIn(fragment, text)

    def test_the_partner_who_said_no_is_not_in_the_pdf(self):
        self.include("alex")
        text = self.pdf()
        self.assertNotIn("Sam", text.replace("Sam's section", ""))


class FetcherTests(SimpleTestCase):
    def test_it_serves_our_static_files(self):
        path = static_file(f"{BASE_URL}static/reports/report.css")
        self.assertTrue(path.is_file())
        response = url_fetcher().fetch(f"{BASE_URL}static/reports/pdf.css")
        self.assertIn(b"@page", response.read())

    def test_it_refuses_everything_else(self):
        fetcher = url_fetcher()
        for url in (
            "https://example.org/static/reports/report.css",
            "http://127.0.0.1:8000/static/reports/report.css",
            "file:///etc/passwd",
            "data:text/css,body{}",
            f"{BASE_URL}static/../settings.py",
            f"{BASE_URL}static/reports/missing.css",
            f"{BASE_URL}report/",
            "ftp://example.org/x",
        ):
            with self.subTest(url=url), self.assertRaises(RefusedURL):
                fetcher.fetch(url)

    def test_a_remote_image_in_the_html_is_never_fetched(self):
        from unittest import mock

        from reattune.reports.pdf import render_pdf

        with mock.patch("urllib.request.OpenerDirector.open", side_effect=AssertionError):
            data = render_pdf(
                '<img src="https://example.org/x.png"><link rel="stylesheet" '
                'href="http://example.org/x.css"><p>hello</p>'
            )
        self.assertIn("hello", pdf_text(data))


class DaysTests(ReportWorld):
    def test_the_trend_covers_twelve_weeks(self):
        # A couple older than twelve weeks (a newer one starts at its first day:
        # tests/test_first_day_axes.py).
        self.space.created_at -= timedelta(weeks=20)
        self.space.save(update_fields=["created_at"])
        for membership in self.space.memberships.all():
            membership.joined_at -= timedelta(weeks=20)
            membership.save(update_fields=["joined_at"])
        self.include("alex")
        report = build.build(self.alex, self.space)
        self.assertEqual(report.trend_start, report.today - timedelta(days=83))
        self.assertEqual(len(report.rituals_table), 12)
