"""No page shows an empty placeholder or a wrong plural: every page without parameters in the
URL map, rendered for both partners of the demo couple (twelve weeks of data), is read as a
person reads it (visible text only) and checked for "Week  of", "1 minutes", a stray "None"
and the like."""

import re
from html.parser import HTMLParser

from django.test import Client, TestCase

from tests.access import matrix
from tests.access.demo_pages import demo_pages

# Each pattern finds a sentence the template did not finish, or a plural that does not agree.
PLACEHOLDERS = {
    # "Week 3 of your plan" without its number ("Week of 1 Dec" and "Day of the week" are fine)
    "a number is missing": re.compile(
        r"\b(?:[Ww]eek|[Dd]ay|[Mm]onth|[Ss]tep)\s{2,}of\b|\b[Ww]eek\s+of\s+(?:your|the|our)\s+plan"
    ),
    "a plural after one": re.compile(
        r"(?<![\d.,])\b1 (?:minutes|hours|days|weeks|months|questions|answers|entries|times|"
        r"check-ins|people|partners|tokens|couples)\b"
    ),
    "a singular after several": re.compile(
        r"\b(?:[02-9]|\d{2,}) (?:minute|hour|day|week|month|question|answer|entry|time)\b(?!-)"
    ),
    # None alone, or after a word or a colon ("Week None", "Partner: None"); "None stands out
    # yet" starting a sentence is English.
    "Python's None": re.compile(r"^None$|[^.!?\s]\s*\bNone\b"),
    "an empty pair of brackets": re.compile(r"\(\s*\)"),
    "a doubled space inside a sentence": re.compile(r"\w  +\w"),
    "a space before a full stop or comma": re.compile(r"\w \s*[.,](?:\s|$)"),
}


class VisibleText(HTMLParser):
    """The text nodes a person sees (no script, style or template of the page)."""

    HIDDEN = {"script", "style", "template", "title"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.nodes: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.nodes.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.nodes


class PageTextTests(TestCase):
    def test_every_page_reads_without_placeholders(self):
        # The demo couple's pages, fetched once for this test and tests/test_page_weight.py.
        findings, pages = [], 0
        for page in demo_pages():
            if not page.is_html_page:
                continue
            pages += 1
            for node in visible_text(page.html):
                for problem, pattern in PLACEHOLDERS.items():
                    if pattern.search(node):
                        findings.append(f"/{page.route} ({page.email}): {problem}: {node[:120]!r}")
        self.assertGreater(pages, 25)
        self.assertEqual(findings, [], "\n".join(findings))


class EveryPageEveryPersonaTests(TestCase):
    """Every page of the URL map, those with parameters too (filled from the expected-access
    tables' world, tests/access/), read by each named persona: alex and sam (a couple),
    casey (the other couple), anonymous (signed out) and the therapists; then the pages only
    a step before opens (a waiting invite, a password-reset link)."""

    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)

    def check(self, url: str, who: str, response, findings: list[str]) -> bool:
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return False
        for node in visible_text(response.content.decode()):
            for problem, pattern in PLACEHOLDERS.items():
                if pattern.search(node):
                    findings.append(f"{url} ({who}): {problem}: {node[:120]!r}")
        return True

    def test_every_page_reads_without_placeholders_for_every_persona(self):
        everyone = (*matrix.PERSONAS, *matrix.THERAPIST_PERSONAS)
        personas = matrix.Personas(self.world, personas=everyone)
        findings, readers, routes = [], set(), set()
        for case in self.tables.all_cases():
            if case.api:
                continue
            url = matrix.case_url(case, self.world)
            for persona in everyone:
                client, _ = personas.client(persona)
                if self.check(url, persona, client.get(url), findings):
                    readers.add(persona)
                    routes.add(case.route)

        # A step first: the invite waiting for alex (on the join page and home), and the page a
        # password-reset link opens.
        from reattune.accounts.reset import reset_path

        alex = Client()
        alex.force_login(self.world["alex"])
        alex.get(f"/invite/{self.world['invite_token']}/")
        for url in ("/invite/confirm/", "/home/"):
            if self.check(url, "alex, invite waiting", alex.get(url), findings):
                routes.add(url.strip("/") + "/")
        url = reset_path(self.world["casey"])
        self.assertTrue(self.check(url, "anonymous", Client().get(url, follow=True), findings))

        self.assertIn("invite/confirm/", routes)
        self.assertTrue(any(matrix.route_params(route) for route in routes), routes)
        self.assertEqual(readers, set(everyone))
        self.assertGreater(len(routes), 45)
        self.assertEqual(findings, [], "\n".join(findings))
