"""Learn's topics and its search: built from the concepts data and the learn library.

Topics: the six areas of connection (each with its signs, from concepts.yaml), then the causes,
the patterns, the practices and the signs that it may be time for help. Search: every word of
the query must begin a word of an entry's title, summary or text (or its topic's title, or
one of the other words people use for it, listed with the entry as ``search_words``),
compared without case and without accents ("Réparer" finds "reparer"). Plain Python over data already
in memory: no database, nothing stored, the query never logged.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from reattune.domain.concepts import LearnEntry, load_concepts, load_learn

# Longer queries are refused with a plain message rather than searched.
MAX_QUERY = 200
MAX_WORDS = 12
MIN_WORD = 2

KIND_TOPICS: tuple[tuple[str, str, str], ...] = (
    # (kind, topic id, title)
    ("cause", "causes", "What can be behind it"),
    ("pattern", "patterns", "Patterns between two people"),
    ("practice", "practices", "Things you can try"),
    ("help_sign", "help", "When to look for help"),
)
SIGNS_INTRO = "Signs you may notice"


@dataclass(frozen=True)
class Topic:
    id: str  # the section's anchor is "topic-<id>"
    title: str
    entries: tuple[LearnEntry, ...]
    short: str = ""  # an area's own title, for the index under "Signs you may notice"

    @property
    def anchor(self) -> str:
        return f"topic-{self.id}"


@dataclass(frozen=True)
class SearchResult:
    query: str  # as typed (trimmed); the template escapes it
    too_long: bool
    topics: tuple[Topic, ...]
    entries: tuple[LearnEntry, ...]

    @property
    def found(self) -> bool:
        return bool(self.topics or self.entries)


_NOT_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Lower case, accents removed, anything but letters and digits turned into spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", bare.casefold()).replace("_", " ").split())


@functools.cache
def topics() -> tuple[Topic, ...]:
    concepts = load_concepts()
    library = load_learn()
    found: list[Topic] = []
    for area_id, title in _areas(concepts).items():
        signs = tuple(library[c.ref] for c in concepts.signs_in_area(area_id) if c.ref in library)
        if signs:
            found.append(Topic(area_id, f"{SIGNS_INTRO}: {title.lower()}", signs, short=title))
    for kind, topic_id, title in KIND_TOPICS:
        entries = tuple(
            sorted((e for e in library.values() if e.kind == kind), key=lambda e: e.title)
        )
        if entries:
            found.append(Topic(topic_id, title, entries))
    return tuple(found)


def _areas(concepts) -> dict[str, str]:
    return {c.id: c.title for c in concepts.all("area")}


@functools.cache
def _index() -> tuple[tuple[tuple[Topic, str], ...], tuple[tuple[LearnEntry, str, str], ...]]:
    """(topic, folded title) pairs and (entry, folded title, folded text) triples."""
    # Folded texts start with a space so that " word" matches at the start of any word.
    topic_rows = tuple((t, " " + fold(t.title)) for t in topics())
    seen: dict[str, tuple[LearnEntry, str, str]] = {}
    for topic, _ in topic_rows:
        for entry in topic.entries:
            words = (entry.summary, *entry.body, topic.title, *entry.also_searched_as)
            text = " " + fold(" ".join(words))
            seen.setdefault(entry.ref, (entry, " " + fold(entry.title), text))
    return topic_rows, tuple(seen.values())


def search(raw: str) -> SearchResult:
    query = " ".join(raw.split())
    if len(query) > MAX_QUERY:
        return SearchResult(query[:MAX_QUERY], True, (), ())
    # Each word is looked for at the start of a word ("repair" finds "repairing"); single
    # letters are left out, as they would find nearly everything.
    words = [f" {w}" for w in fold(query).split() if len(w) >= MIN_WORD][:MAX_WORDS]
    if not words:
        return SearchResult(query, False, (), ())
    topic_rows, entry_rows = _index()
    matched_topics = tuple(t for t, title in topic_rows if all(w in title for w in words))
    in_title: list[LearnEntry] = []
    in_text: list[LearnEntry] = []
    for entry, title, text in entry_rows:
        if all(w in title for w in words):
            in_title.append(entry)
        elif all(w in title or w in text for w in words):
            in_text.append(entry)
    return SearchResult(query, False, matched_topics, tuple(in_title + in_text))
