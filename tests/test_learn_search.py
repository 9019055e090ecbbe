"""Learn's topic index and its search (`/learn/?q=`): server-side, without JavaScript.

The search finds topics and pages by words in their title and text, without minding case or
accents; it says plainly when nothing is found; HTML, odd Unicode and very long queries are
answered with a clear page, never a 500, and never echoed unescaped.
"""

import re

from django.test import Client, SimpleTestCase, TestCase

from reattune.assessments import learn_search
from reattune.domain.concepts import load_concepts, load_learn
from tests.base import PASSWORD, make_couple

NOTHING = "Nothing found for"


def results_block(page: str) -> str:
    """The search results section only (the topic index below lists every topic anyway)."""
    match = re.search(r'<section class="card" id="results".*?</section>', page, re.S)
    assert match, "no results section on the page"
    return match.group(0)


class FoldTests(SimpleTestCase):
    def test_case_and_accents_and_punctuation_fold_away(self):
        self.assertEqual(learn_search.fold("Réparer  l'ÉCOUTE!"), "reparer l ecoute")
        self.assertEqual(learn_search.fold("STRAßE"), "strasse")
        self.assertEqual(learn_search.fold("<b>trust</b>"), "b trust b")
        self.assertEqual(learn_search.fold("\x00\u200b\ufeff"), "")

    def test_every_learn_page_is_under_exactly_one_topic(self):
        refs = [e.ref for t in learn_search.topics() for e in t.entries]
        self.assertEqual(len(refs), len(set(refs)))
        self.assertEqual(set(refs), set(load_learn()))

    def test_topics_come_from_the_concepts_data(self):
        ids = [t.id for t in learn_search.topics()]
        areas = [c.id for c in load_concepts().all("area")]
        self.assertEqual(ids[: len(areas)], areas)
        self.assertEqual(ids[len(areas) :], ["causes", "patterns", "practices", "help"])

    def test_every_word_must_match(self):
        found = learn_search.search("trust hurt")
        self.assertIn("sign:safety_breaches", [e.ref for e in found.entries])
        self.assertFalse(learn_search.search("trust zzzqqq").found)

    def test_title_matches_come_first(self):
        found = learn_search.search("repair")
        self.assertEqual(found.entries[0].ref, "practice:repair")
        self.assertGreater(len(found.entries), 1)  # "repair" is in other pages' text too

    def test_other_words_people_use_find_the_page_in_our_words(self):
        # Books and articles say "withdraw" or "stonewalling"; our pages say "pulls back".
        for query, ref in (
            ("withdraw", "pattern:pursue_withdraw"),
            ("pursuer", "pattern:pursue_withdraw"),
            ("stonewalling", "sign:terse_or_shut_down"),
            ("roommates", "cause:transactional_talk"),
            ("flooded", "practice:time_out"),
            ("apologize", "practice:repair"),
        ):
            self.assertIn(ref, [e.ref for e in learn_search.search(query).entries], query)

    def test_search_words_are_searched_never_shown(self):
        entry = load_learn()["pattern:pursue_withdraw"]
        self.assertIn("withdraw", entry.also_searched_as)
        shown = " ".join((entry.title, entry.summary, *entry.body)).lower()
        self.assertNotIn("withdrawer", shown)
        self.assertNotIn(
            "withdrawer", Client().get("/learn/pattern/pursue_withdraw/").content.decode()
        )


class LearnPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.alex, cls.sam = make_couple("alex", "sam")

    def setUp(self):
        self.client = Client()
        self.client.login(email="alex@example.org", password=PASSWORD)

    def get(self, q=None):
        response = self.client.get("/learn/", {} if q is None else {"q": q})
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_index_links_every_topic_to_its_folded_section(self):
        page = self.get()
        self.assertIn('<label for="learn-q">Search Learn</label>', page)
        self.assertIn('<form method="get" action="/learn/"', page)
        self.assertIn('name="q"', page)
        for topic in learn_search.topics():
            self.assertEqual(page.count(f'href="#{topic.anchor}"'), 1, topic.id)
            self.assertIn(f'<details class="card fold" id="{topic.anchor}">', page)
            self.assertIn(f"<summary><h2>{topic.title}</h2></summary>", page)
        # Nothing that was on the page is gone: every learn page is still linked.
        for entry in load_learn().values():
            self.assertIn(f'href="/learn/{entry.kind}/{entry.id}/"', page, entry.ref)
        self.assertNotIn('id="results"', page)

    def test_a_word_finds_its_topic_and_its_pages(self):
        block = results_block(self.get("withdraw"))
        self.assertIn('href="/learn/pattern/pursue_withdraw/"', block)
        block = results_block(self.get("affection"))
        self.assertIn('href="#topic-affection"', block)
        self.assertNotIn(NOTHING, block)
        block = results_block(self.get("Trust"))
        self.assertIn('href="/learn/sign/safety_breaches/"', block)

    def test_case_and_accents_do_not_matter(self):
        plain = results_block(self.get("repair"))
        for variant in ("REPAIR", "Répair", "repaír", "  repair  "):
            block = results_block(self.get(variant))
            self.assertIn('href="/learn/practice/repair/"', block, variant)
            self.assertEqual(
                re.findall(r'href="/learn/[^"]+"', block),
                re.findall(r'href="/learn/[^"]+"', plain),
                variant,
            )

    def test_an_unknown_word_says_nothing_was_found(self):
        block = results_block(self.get("xylophonequasar"))
        self.assertIn(f"{NOTHING} “xylophonequasar”", block)
        self.assertNotIn('href="/learn/', block.replace('href="/learn/"', ""))

    def test_html_in_the_query_is_shown_as_text(self):
        page = self.get('<script>alert(1)</script>"><img src=x onerror=alert(2)>')
        self.assertNotIn("<script>alert(1)", page)
        self.assertNotIn("<img src=x", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        self.assertIn(NOTHING, results_block(page))

    def test_odd_unicode_gets_a_clear_answer(self):
        for q in (
            "\u200b\u200b",
            "💔",
            "\ufeff",
            "日本語",
            "a\u0301\u0301\u0301",
            "％",
            "\x01\x7f",
        ):
            block = results_block(self.get(q))
            self.assertIn(NOTHING, block, repr(q))
        # Invalid UTF-8 in the address decodes to replacement characters, not an error.
        response = self.client.get("/learn/?q=%ff%fe%C0%AF")
        self.assertEqual(response.status_code, 200)
        self.assertIn(NOTHING, results_block(response.content.decode()))

    def test_a_very_long_query_is_refused_plainly(self):
        page = self.get("trust " * 2000)
        block = results_block(page)
        self.assertIn("That search is too long", block)
        self.assertNotIn('href="/learn/sign/', block)
        self.assertLess(len(page), 60_000)  # the query is not echoed in full

    def test_an_empty_query_shows_the_index_only(self):
        for q in ("", "   "):
            self.assertNotIn('id="results"', self.get(q))

    def test_it_works_without_signing_in_like_the_rest_of_learn(self):
        response = Client().get("/learn/", {"q": "touch"})
        self.assertEqual(response.status_code, 200)
        self.assertIn('href="#topic-affection"', results_block(response.content.decode()))
