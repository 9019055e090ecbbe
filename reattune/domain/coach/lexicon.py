"""Load, check and compile the coach lexicons of one language.

Each language is a folder under reattune/data/lexicons/<code>/ holding the YAML files named in
FILES. Adding a language means adding a folder; the code stays the same. Every file is checked
on load and a problem is reported with the file, the field and what is wrong.

Pattern syntax (see language.yaml): patterns match lower-cased text with plain apostrophes;
a space means "one or more spaces"; {slot} inserts a slot; word edges are added automatically.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from .. import datafile
from ..datafile import DATA_DIR, DataFileError, read_yaml
from .anchors import DIGIT_TOKEN, anchor_requirements
from .text import SENTENCE_MARKS, TOKEN_RE, is_token_char
from .warmth import Warmth, load_warmth

LEXICON_ROOT = DATA_DIR / "lexicons"
SCHEMA = "coach_lexicon.schema.json"  # one definition per file: "<name>File"

FILES = (
    "language",
    "absolutes",
    "blame",
    "criticism",
    "complaint",
    "contempt",
    "defensiveness",
    "stonewalling",
    "logistics",
    "emotions",
    "validation",
    "curiosity",
    "levels",
    "i_statements",
    "templates",
)

_SLOT_RE = re.compile(r"\{([a-z_]+)\}")
_PLAIN_WORD = re.compile(r"[a-z0-9']+").fullmatch
_NAME_RE = re.compile(r"^[a-z_]+$")
_PATTERN_OPTIONS = {
    "pattern",
    "unless_followed_by",
    "whole_sentence",
    "needs_negative_feeling",
    "needs_feeling_or_request",
}
DIGIT_WORD = next(iter(DIGIT_TOKEN))
DIGIT_RE = re.compile(r"[0-9]")
# Symbols such as emoji count as tokens too, so patterns made of them can be indexed.
SYMBOL_RE = re.compile(r"[^\w\s\x00-\x7f]")
_EDGE_BEFORE = r"(?<![\w'])"
_EDGE_AFTER = r"(?![\w'])"
_SENTENCE_END = r"(?=[^\w']*(?:[.!?;\n]|$))"


class LexiconError(DataFileError):
    """A coach lexicon file is missing, unreadable or has a field that is not as expected:
    ``en/blame.yaml: cause[3]: unknown slot {nope} in pattern ...``."""

    def __init__(self, file: str | Path, field_name: str, problem: str) -> None:
        super().__init__(file, field_name, problem)
        path = Path(str(file))
        self.file = f"{path.parent.name}/{path.name}" if path.parent.name else path.name
        self.args = (f"{self.file}: {field_name}: {problem}",)


# How many of a pattern's sets of needed words are checked before its regex runs: the third
# and later rarely rule out anything the first three have not.
REQUIREMENT_CHECKS = 3


@dataclass(frozen=True)
class Branch:
    """One pattern. Its regex has no leading look-behind, so `re` can jump straight to the
    possible first characters; the word edge (or sentence start) before it is checked here."""

    regex: re.Pattern[str]
    kind: str
    options: dict[str, Any]
    sentence: bool  # must be a whole sentence
    inner: bool = False  # report the span of group "m" rather than the whole match

    def spans(self, text: str) -> list[tuple[int, int]]:
        return [(start, end) for _, start, end, _ in self.hits(text, keep_empty=True)]

    def hits(self, text: str, keep_empty: bool = False) -> list[tuple[str, int, int, dict]]:
        """(kind, start, end, options) for each match, left to right, not overlapping.

        Empty matches are dropped unless keep_empty is set. This is the analyzer's innermost
        loop, so the common case (no match at all) returns after a single regex search.
        """
        match = self.regex.search(text)
        if match is None:
            return _NO_HITS
        return self.hits_from(text, match, keep_empty)

    def hits_from(
        self, text: str, match: re.Match[str], keep_empty: bool = False
    ) -> list[tuple[str, int, int, dict]]:
        """The same as hits(), given the first match of this pattern's regex in the text (the
        analyzer searches itself, so that the usual miss costs no call)."""
        search = self.regex.search
        kind, options = self.kind, self.options
        found = []
        if self.sentence or self.inner or keep_empty:
            while match is not None:
                start = match.start()
                if (
                    self._sentence_starts_at(text, start)
                    if self.sentence
                    else start == 0 or not is_token_char(text[start - 1])
                ):
                    end = match.end()
                    if self.inner:
                        span_start, span_end = match.span("m")
                        if keep_empty or span_end > span_start:
                            found.append((kind, span_start, span_end, options))
                    elif keep_empty or end > start:
                        found.append((kind, start, end, options))
                    match = search(text, end if end > start else start + 1)
                else:
                    match = search(text, start + 1)
            return found
        # The usual pattern, in a shorter loop: each hit is a whole, non-empty match that
        # starts at a word edge. (Most matches follow a space, which needs no further test.)
        while match is not None:
            start, end = match.span()
            if start and text[start - 1] != " " and is_token_char(text[start - 1]):
                match = search(text, start + 1)  # inside a word: look further on
            elif end > start:
                found.append((kind, start, end, options))
                match = search(text, end)
            else:
                match = search(text, start + 1)
        return found

    @staticmethod
    def _sentence_starts_at(text: str, start: int) -> bool:
        """Only non-word characters between the sentence's start and this position?"""
        index = start - 1
        while index >= 0 and text[index] not in SENTENCE_MARKS:
            if is_token_char(text[index]):
                return False
            index -= 1
        return True


_NO_HITS: tuple = ()  # shared and never mutated: most searches find nothing


# Sort key for hits (kind, start, end, options): by start; Python's sort is stable, so hits
# that start together keep the order they were found in.
_by_start = itemgetter(1)


@dataclass(frozen=True, eq=False)
class PatternSet:
    """The patterns of one label, each compiled alone and indexed by its anchor words.

    `matches` tries only the patterns whose anchor words occur among the message's tokens
    (see anchors.py); `matches_slow` tries every pattern, for the tests that check that the
    shortcut is exact.
    """

    branches: tuple[Branch, ...]
    index: dict[str, tuple[int, ...]]
    always: frozenset[int]
    # Patterns that are one plain word are looked up per token instead of searched for.
    words: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    # For each pattern, the sets of words it needs (one of each; see anchors.py), anchor first.
    requirements: tuple[tuple[frozenset[str], ...], ...] = ()

    def choose(self, tokens) -> list[int]:
        """Numbers of the patterns worth trying, in lexicon order (so results never depend on
        the order in which a set happens to list them)."""
        chosen = set(self.always)
        for token in tokens:
            hit = self.index.get(token)
            if hit:
                chosen.update(hit)
        return sorted(chosen)

    def matches(
        self, text: str, tokens=None, chosen=None
    ) -> list[tuple[str, int, int, dict[str, Any]]]:
        found = []
        if chosen is None:
            token_list = TOKEN_RE.findall(text) if tokens is None else tokens
            tokens = set(token_list)
            if DIGIT_RE.search(text):
                tokens.add(DIGIT_WORD)
            chosen = self.choose(tokens)
            if self.words:
                for match in TOKEN_RE.finditer(text):
                    word = self.words.get(match.group())
                    if word is not None:
                        found.append((word[0], match.start(), match.end(), word[1]))
        branches = self.branches
        for number in chosen:
            found.extend(branches[number].hits(text))
        if len(found) > 1:
            found.sort(key=_by_start)
        return found

    def matches_slow(self, text: str) -> list[tuple[str, int, int, dict[str, Any]]]:
        """Every pattern tried, without the anchor shortcut (the tests compare the two)."""
        found = []
        for branch in self.branches:
            found.extend(branch.hits(text))
        for word, (kind, options) in self.words.items():
            for match in re.finditer(f"{_EDGE_BEFORE}{re.escape(word)}{_EDGE_AFTER}", text):
                found.append((kind, match.start(), match.end(), options))
        found.sort(key=_by_start)
        return found


@dataclass(frozen=True)
class Emotion:
    word: str
    family: str
    intensity: int
    valence: str
    adjective: bool


@dataclass
class Lexicon:
    """Everything the analyzer needs for one language, compiled once.

    `sets` holds every family of detection patterns; `triggers` maps a word to the patterns
    it can start, so a message only runs the patterns whose words it contains.
    """

    code: str
    name: str
    quote_patterns: list[re.Pattern[str]]
    partner_subjects: frozenset[str]
    other_subjects: frozenset[str]
    sets: dict[str, PatternSet]
    triggers: dict[str, tuple[int, ...]]  # word -> numbers of the patterns it can start
    # word -> (family, kind, options) for every pattern that is just that word
    word_table: dict[str, tuple[tuple[str, str, dict[str, Any]], ...]]
    owners: tuple[tuple[str, int], ...]  # pattern number -> (family, number within family)
    always: frozenset[int]
    softener: re.Pattern[str]
    kind_after: dict[str, re.Pattern[str]]
    kind_before: re.Pattern[str]
    stronger: re.Pattern[str]
    milder: re.Pattern[str]
    caused_forms: frozenset[str]
    fillers: frozenset[str]
    first_person: frozenset[str]
    first_person_object: frozenset[str]
    causatives: frozenset[str]
    validation_cancel: str
    question_openers: frozenset[str]
    templates: dict[str, Any]
    situation_edits: list[tuple[re.Pattern[str], str]]
    request_frames: re.Pattern[str]
    opener_strip: re.Pattern[str]
    vocabulary: dict[str, Emotion] = field(default_factory=dict)
    # A message about the partner in the third person: the mention that switches it on, and
    # the replacements that read it as addressed to them (language.yaml, third_person)
    third_person_mention: re.Pattern[str] | None = None
    third_person_edits: tuple[tuple[re.Pattern[str], str], ...] = ()
    # The rewrite's own patterns (templates.yaml, rewrite.*): a guess at the partner's mind,
    # requests asked as questions, words that trail off a situation.
    mind_reading: re.Pattern[str] | None = None
    request_questions: tuple[tuple[re.Pattern[str], str], ...] = ()
    trailing_words: frozenset[str] = frozenset()
    trigger_words: frozenset[str] = frozenset()
    plain_words: frozenset[str] = frozenset()
    # Every token the lexicon cares about (a pattern needs it, or it is a pattern itself): one
    # set intersection with a message's tokens finds all there is to look up.
    indexed_words: frozenset[str] = frozenset()
    # (label, kind) -> "label.kind" for every explanation written for one kind of a label
    explanation_keys: dict[tuple[str, str], str] = field(default_factory=dict)
    # The same by label: label -> {kind: "label.kind"}, only for labels that have such kinds
    kind_explanations: dict[str, dict[str, str]] = field(default_factory=dict)
    # explanation key -> its template cut at each "{words}", so that filling it in is one
    # quoted.join(pieces), the same as template.replace("{words}", quoted)
    explanation_pieces: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Which patterns a message can trigger, as bits of one integer: OR-ing a few integers per
    # message is much cheaper than building sets of pattern numbers and sorting them.
    # Bit n stands for pattern number n (see owners); after those, each family has one more
    # bit meaning "one of this family's plain-word patterns is among the tokens".
    # A pattern is tried only if the message has a word from each of its first REQUIREMENT_CHECKS
    # sets of needed words (anchors.py). The bits of all checks are packed side by side into
    # one integer, one width of bits per check, so a message's tokens are OR-ed once each:
    # word -> packed bits it turns on (see possible_patterns).
    token_bits: dict[str, int] = field(default_factory=dict)
    # The packed bits the checks start from: patterns with nothing (more) to check, word bits.
    start_bits: int = 0
    check_mask: int = 0  # the bits of one check
    check_shifts: tuple[int, ...] = ()  # where the second and later checks start
    # Warm messages the learned stage leaves alone (coach_warmth.yaml; None: no such file)
    warmth: Warmth | None = None
    word_bits: int = 0  # the families' plain-word bits together
    pattern_bits: int = 0  # the bits of all patterns (all but the word bits)
    # pattern number -> (family, the search method of its regex, pattern, whether its hits are
    # whole matches after a word edge: not whole sentences, not group "m")
    numbered_searches: tuple[tuple[str, Any, Branch, bool], ...] = ()
    family_bits: dict[str, int] = field(default_factory=dict)  # all bits of one family
    # family -> (number of its first pattern, bits of its patterns counted from there, patterns)
    family_patterns: dict[str, tuple[int, int, tuple[Branch, ...]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.trigger_words = frozenset(self.triggers)
        self.plain_words = frozenset(self.word_table)
        self.explanation_keys = {
            tuple(key.split(".", 1)): key for key in self.templates["explanations"] if "." in key
        }
        self.explanation_pieces = {
            key: tuple(template.split("{words}"))
            for key, template in self.templates["explanations"].items()
            if template  # an empty one falls back to the label's, as `or` does
        }
        for (label, kind), key in self.explanation_keys.items():
            if kind:  # a hit without a kind always uses the label's own explanation
                self.kind_explanations.setdefault(label, {})[kind] = key
        offset = 0
        word_bit = {}
        for index, (name, pattern_set) in enumerate(self.sets.items()):
            count = len(pattern_set.branches)
            own = (1 << count) - 1
            word_bit[name] = 1 << (len(self.owners) + index)
            self.family_patterns[name] = (offset, own, pattern_set.branches)
            self.family_bits[name] = (own << offset) | word_bit[name]
            offset += count
        self.word_bits = sum(word_bit.values())
        self.pattern_bits = (1 << len(self.owners)) - 1
        numbered = [(name, self.sets[name].branches[local]) for name, local in self.owners]
        self.numbered_searches = tuple(
            (name, branch.regex.search, branch, not (branch.sentence or branch.inner))
            for name, branch in numbered
        )
        # checks[c][word]: bits of the patterns whose c-th needed set holds this word
        checks: list[dict[str, int]] = [{} for _ in range(REQUIREMENT_CHECKS)]
        # A plain-word bit needs its word among the tokens (the first check, filled in below)
        # and passes the other checks as it is.
        start = [0] + [self.word_bits] * (REQUIREMENT_CHECKS - 1)
        for number, (name, local) in enumerate(self.owners):
            needs = self.sets[name].requirements[local]
            for check in range(REQUIREMENT_CHECKS):
                if check >= len(needs):
                    start[check] |= 1 << number  # nothing to check: always passes
                    continue
                for word in needs[check]:
                    table = checks[check]
                    table[word] = table.get(word, 0) | 1 << number
        for word, entries in self.word_table.items():
            for name in {name for name, _, _ in entries}:
                checks[0][word] = checks[0].get(word, 0) | word_bit[name]
        width = len(self.owners) + len(self.sets)  # the bits of one check
        self.check_mask = (1 << width) - 1
        self.check_shifts = tuple(width * check for check in range(1, REQUIREMENT_CHECKS))
        self.start_bits = sum(bits << (width * check) for check, bits in enumerate(start))
        self.indexed_words = frozenset().union(*checks)
        self.token_bits = {
            word: sum(table.get(word, 0) << (width * check) for check, table in enumerate(checks))
            for word in self.indexed_words
        }

    def possible_patterns(self, tokens: list[str]) -> int:
        """Bits of the patterns (and plain-word families) these tokens can trigger: those with
        a word from each of their first REQUIREMENT_CHECKS sets of needed words."""
        # A plain loop: measurably cheaper than functools.reduce over map() for a few tokens.
        packed = self.start_bits
        token_bits = self.token_bits
        for token in tokens:
            packed |= token_bits.get(token, 0)
        bits = packed & self.check_mask
        for shift in self.check_shifts:
            bits &= packed >> shift
        return bits


# ----- checking helpers: each names the file and the field when something is wrong -----


def _get(data: dict[str, Any], key: str, kind: type | tuple[type, ...], file: str, path: str = ""):
    where = f"{path}.{key}" if path else key
    if key not in data:
        raise LexiconError(file, where, "is missing")
    value = data[key]
    if not isinstance(value, kind):
        expected = (
            kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        )
        raise LexiconError(file, where, f"should be a {expected}, not {type(value).__name__}")
    return value


def _strings(value: Any, file: str, where: str) -> list[str]:
    if not isinstance(value, list) or not value:
        raise LexiconError(file, where, "should be a non-empty list of strings")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise LexiconError(file, f"{where}[{index}]", "should be a non-empty string")
    return value


def _expand(pattern: str, slots: dict[str, str], file: str, where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in slots:
            raise LexiconError(file, where, f"unknown slot {{{name}}} in pattern {pattern!r}")
        return slots[name]

    expanded = _SLOT_RE.sub(replace, pattern).replace(" ", r"\s+")
    if "(?P<" in expanded:
        raise LexiconError(file, where, "named groups are not allowed in patterns")
    try:
        re.compile(expanded)
    except re.error as exc:
        raise LexiconError(file, where, f"pattern {pattern!r} is not a valid regex: {exc}") from exc
    return expanded


def _phrase(text: str) -> str:
    """A literal phrase as a pattern (spaces stay flexible)."""
    return re.escape(text.strip()).replace("\\ ", " ")


def _alternation(parts: list[str]) -> str:
    # Longer alternatives first, so "never once" wins over "never".
    return "(?:" + "|".join(sorted(set(parts), key=len, reverse=True)) + ")"


def _single_regex(
    values: Any, slots: dict[str, str], file: str, where: str, prefix: str = "", suffix: str = ""
):
    """Patterns used at one known position (not searched for), as one regex."""
    body = _alternation([e for _, e, _ in _listed(values, slots, file, where)])
    return re.compile(f"{prefix}{_EDGE_BEFORE}{body}{suffix}")


def _entries(mapping: Any, slots: dict[str, str], file: str, where: str):
    """(kind, expanded body, options) for each pattern of a kinds-to-patterns mapping."""
    if not isinstance(mapping, dict) or not mapping:
        raise LexiconError(file, where or "(top level)", "should map kinds to lists of patterns")
    for kind, entries in mapping.items():
        kind_where = f"{where}.{kind}" if where else str(kind)
        if not isinstance(kind, str) or not _NAME_RE.match(kind):
            raise LexiconError(file, kind_where, "kind names use lower-case letters and _")
        if not isinstance(entries, list) or not entries:
            raise LexiconError(file, kind_where, "should be a non-empty list of patterns")
        for index, entry in enumerate(entries):
            entry_where = f"{kind_where}[{index}]"
            options: dict[str, Any] = {}
            if isinstance(entry, dict):
                unknown = set(entry) - _PATTERN_OPTIONS
                if unknown:
                    raise LexiconError(file, entry_where, f"unknown keys {sorted(unknown)}")
                options = {k: v for k, v in entry.items() if k != "pattern"}
                entry = entry.get("pattern")
            if not isinstance(entry, str) or not entry.strip():
                raise LexiconError(file, entry_where, "should be a pattern string")
            unless = options.get("unless_followed_by")
            if unless is not None:
                if not isinstance(unless, str):
                    raise LexiconError(file, entry_where, "unless_followed_by should be a string")
                options["unless"] = _expand(unless, slots, file, entry_where)
            yield kind, _expand(entry, slots, file, entry_where), options


def _listed(values: Any, slots: dict[str, str], file: str, where: str, kind: str = "match"):
    for index, item in enumerate(_strings(values, file, where)):
        yield kind, _expand(item, slots, file, f"{where}[{index}]"), {}


def _build_set(entries) -> PatternSet:
    """Compile patterns one by one and index them by their anchor words.

    (They were once also compiled all together, in one regex that nothing read: about a
    sixth of the work of loading a lexicon, in every process that coaches.)"""
    singles: list[Branch] = []
    anchor_index: dict[str, list[int]] = {}
    requirements: list[tuple[frozenset[str], ...]] = []
    always: set[int] = set()
    words: dict[str, tuple[str, dict[str, Any]]] = {}
    for kind, body, options in entries:
        if _PLAIN_WORD(body) and not options and body not in words:
            words[body] = (kind, options)
            continue
        inner = "(?P<m>" in body
        if options.get("whole_sentence"):
            single = f"(?:{body}){_SENTENCE_END}"
        else:
            tail = "" if options.get("open_end") else _EDGE_AFTER
            if "unless" in options:
                tail += f"(?!{options['unless']})"
            single = f"(?:{body}){tail}"
        number = len(singles)
        singles.append(
            Branch(re.compile(single), kind, options, bool(options.get("whole_sentence")), inner)
        )
        needs = anchor_requirements(body)
        requirements.append(tuple(needs))
        if not needs:
            always.add(number)
        else:
            for word in needs[0]:
                anchor_index.setdefault(word, []).append(number)
    return PatternSet(
        words=words,
        branches=tuple(singles),
        index={word: tuple(numbers) for word, numbers in anchor_index.items()},
        always=frozenset(always),
        requirements=tuple(requirements),
    )


def _read(directory: Path, name: str) -> dict[str, Any]:
    path = directory / f"{name}.yaml"
    file = f"{directory.name}/{name}.yaml"
    if not path.is_file():
        raise LexiconError(file, "(file)", "is missing")
    data = read_yaml(path, LexiconError)
    datafile.check(
        data, SCHEMA, file, definition=f"{name}File", error=LexiconError, top="(top level)"
    )
    if not isinstance(data, dict):  # the schema checked this; never skipped under -O
        raise LexiconError(file, "(top level)", "should be a mapping")
    return data


def _word_slots(data: dict[str, Any], file: str, slots: dict[str, str]) -> None:
    extra = data.get("slots")
    if extra is None:
        return
    if not isinstance(extra, dict):
        raise LexiconError(file, "slots", "should map slot names to word lists")
    for name, words in extra.items():
        if name in slots:
            raise LexiconError(file, f"slots.{name}", "this slot is already defined")
        slots[name] = _alternation([_phrase(w) for w in _strings(words, file, f"slots.{name}")])


def _emotions(data: dict[str, Any], slots: dict[str, str], file: str):
    """Pattern entries for every feeling form, and the vocabulary by word."""
    families = _get(data, "families", dict, file)
    entries: list[tuple[str, str, dict[str, Any]]] = []
    vocabulary: dict[str, Emotion] = {}
    seen: set[str] = set()
    feel = slots.get("feel")
    for family, spec in families.items():
        where = f"families.{family}"
        if not isinstance(spec, dict):
            raise LexiconError(file, where, "should be a mapping with valence and words")
        valence = _get(spec, "valence", str, file, where)
        if valence not in ("positive", "negative"):
            raise LexiconError(file, f"{where}.valence", "should be 'positive' or 'negative'")
        words = _get(spec, "words", dict, file, where)
        for word, info in words.items():
            word_where = f"{where}.words.{word}"
            if not isinstance(info, dict):
                raise LexiconError(file, word_where, "should be a mapping with an intensity")
            intensity = _get(info, "intensity", int, file, word_where)
            if intensity not in (1, 2, 3):
                raise LexiconError(file, f"{word_where}.intensity", "should be 1, 2 or 3")
            word_forms = _strings(info.get("forms", [word]), file, f"{word_where}.forms")
            emotion = Emotion(
                str(word), family, intensity, valence, bool(info.get("adjective", True))
            )
            vocabulary[str(word)] = emotion
            for form in word_forms:
                key = " ".join(form.lower().split())
                if key in seen:
                    raise LexiconError(file, f"{word_where}.forms", f"'{form}' is listed twice")
                seen.add(key)
                body = _phrase(key).replace(" ", r"\s+")
                if info.get("needs_feel"):
                    if feel is None:
                        raise LexiconError(
                            "language.yaml", "slots.feel", "is needed by needs_feel words"
                        )
                    # The span reported is the feeling word (group m), not the verb before it.
                    body = f"{feel.replace(' ', chr(92) + 's+')}\\s+(?P<m>{body})"
                entries.append((family, body, {"emotion": emotion}))
    return entries, vocabulary


def _words(data: dict[str, Any], key: str, file: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _strings(data.get(key), file, key))


def _check_templates(templates: dict[str, Any], vocabulary: dict[str, Emotion], file: str) -> None:
    for key in ("explanations", "antidotes", "rewrite", "question_back", "validating", "opener"):
        _get(templates, key, dict, file)
    for label, pair in templates["antidotes"].items():
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            raise LexiconError(file, f"antidotes.{label}", "should be [name, suggestion]")
    rewrite = templates["rewrite"]
    for key in ("full", "no_situation", "default_request", "request_from_never"):
        _get(rewrite, key, str, file, "rewrite")
    defaults = _get(rewrite, "default_feelings", dict, file, "rewrite")
    if "default" not in defaults:
        raise LexiconError(file, "rewrite.default_feelings.default", "is missing")
    for label, word in defaults.items():
        if word not in vocabulary:
            raise LexiconError(
                file, f"rewrite.default_feelings.{label}", f"'{word}' is not in emotions.yaml"
            )
    _get(templates["question_back"], "default", str, file, "question_back")
    validating = templates["validating"]
    for key in ("reflect_named", "meaning", "process", "content"):
        _get(validating, key, str, file, "validating")
    _strings(validating.get("default"), file, "validating.default")
    for family, lines in _get(validating, "families", dict, file, "validating").items():
        _strings(lines, file, f"validating.families.{family}")
    for key in ("start", "miss", "feel", "like", "close", "default_miss", "default_feel"):
        _get(templates["opener"], key, str, file, "opener")
    _get(templates["opener"], "default_like", str, file, "opener")


def _compile_regex(value: Any, slots: dict[str, str], file: str, where: str) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise LexiconError(file, where, "should be a pattern string")
    return re.compile(_expand(value, slots, file, where))


@functools.lru_cache(maxsize=16)
def load_lexicon(lang: str = "en", root: str | None = None) -> Lexicon:
    """Load and compile a language once; later calls reuse the compiled lexicon."""
    if not isinstance(lang, str) or not _NAME_RE.match(lang.replace("-", "_")):
        raise LexiconError(str(lang), "(language)", "is not a valid language code")
    directory = Path(root) if root else LEXICON_ROOT
    directory = directory / lang
    if not directory.is_dir():
        raise LexiconError(f"{lang}/", "(language)", f"no lexicon folder at {directory}")
    raw = {name: _read(directory, name) for name in FILES}
    file = {name: f"{lang}/{name}.yaml" for name in FILES}

    language = raw["language"]
    slots_raw = _get(language, "slots", dict, file["language"])
    slots: dict[str, str] = {}
    for name, value in slots_raw.items():
        if not isinstance(value, str):
            raise LexiconError(file["language"], f"slots.{name}", "should be a regex string")
        slots[name] = value
    for name in ("criticism", "contempt"):
        _word_slots(raw[name], file[name], slots)
    # Validate slot values only after all are known, since slots may use other slots.
    for name in list(slots):
        slots[name] = _SLOT_RE.sub(lambda m: slots.get(m.group(1), m.group(0)), slots[name])
        _expand(slots[name], slots, file["language"], f"slots.{name}")

    quote_patterns = []
    for index, pair in enumerate(_get(language, "quotes", list, file["language"])):
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(q, str) for q in pair)
        ):
            raise LexiconError(file["language"], f"quotes[{index}]", "should be [open, close]")
        opening, closing = pair
        if opening == "'":
            continue  # single quotes double as apostrophes; text.py handles them
        quote_patterns.append(
            re.compile(f"{re.escape(opening)}([^{re.escape(closing)}\\n]+){re.escape(closing)}")
        )
    subjects = _get(language, "subjects", dict, file["language"])

    absolutes = raw["absolutes"]
    f_abs = file["absolutes"]
    absolute_entries = [
        (kind, _phrase(p).replace(" ", r"\s+"), {})
        for kind, key in (("always", "always_like"), ("never", "never_like"))
        for p in _strings(absolutes.get(key), f_abs, key)
    ]
    emotions = raw["emotions"]
    f_emo = file["emotions"]
    emotion_entries, vocabulary = _emotions(emotions, slots, f_emo)

    templates = raw["templates"]
    f_tpl = file["templates"]
    _check_templates(templates, vocabulary, f_tpl)
    rewrite = templates["rewrite"]
    edits = []
    for index, pair in enumerate(_get(rewrite, "situation_edits", list, f_tpl, "rewrite")):
        where = f"rewrite.situation_edits[{index}]"
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            raise LexiconError(f_tpl, where, "should be [pattern, replacement]")
        edits.append((re.compile(_expand(pair[0], slots, f_tpl, where), re.I), pair[1]))

    stonewalling = raw["stonewalling"]
    f_sw = file["stonewalling"]
    logistics = raw["logistics"]
    f_log = file["logistics"]
    curiosity = raw["curiosity"]
    f_cur = file["curiosity"]
    levels = raw["levels"]
    i_statements = raw["i_statements"]
    f_i = file["i_statements"]
    f_lang = file["language"]
    # Disguised-blame patterns end in a look-ahead, so they get no closing word edge.
    disguised = [
        (k, body, {"open_end": True})
        for k, body, _ in _listed(i_statements.get("disguised"), slots, f_i, "disguised")
    ]
    sets = {
        "absolutes": _build_set(absolute_entries),
        "blame": _build_set(_entries(raw["blame"], slots, file["blame"], "")),
        "criticism": _build_set(
            _entries(raw["criticism"].get("patterns"), slots, file["criticism"], "patterns")
        ),
        "complaint": _build_set(
            _entries(raw["complaint"].get("patterns"), slots, file["complaint"], "patterns")
        ),
        "contempt": _build_set(
            _entries(raw["contempt"].get("patterns"), slots, file["contempt"], "patterns")
        ),
        "defensiveness": _build_set(
            _entries(raw["defensiveness"], slots, file["defensiveness"], "")
        ),
        "stonewalling": _build_set(_entries(stonewalling.get("patterns"), slots, f_sw, "patterns")),
        "stonewalling_returns": _build_set(
            _listed(stonewalling.get("returns"), slots, f_sw, "returns")
        ),
        "logistics": _build_set(_listed(logistics.get("words"), slots, f_log, "words")),
        "logistics_not_only": _build_set(
            _listed(logistics.get("not_only_if"), slots, f_log, "not_only_if")
        ),
        "emotions": _build_set(emotion_entries),
        "not_feelings": _build_set(
            _listed(emotions.get("not_feelings"), slots, f_emo, "not_feelings")
        ),
        "validation": _build_set(
            _listed(raw["validation"].get("patterns"), slots, file["validation"], "patterns")
        ),
        "curiosity": _build_set(
            chain(
                _listed(curiosity.get("questions"), slots, f_cur, "questions"),
                _listed(curiosity["open_questions"], slots, f_cur, "open_questions", kind="open")
                if "open_questions" in curiosity
                else (),
            )
        ),
        "invitations": _build_set(
            _listed(curiosity.get("invitations"), slots, f_cur, "invitations")
        ),
        "levels": _build_set(
            kinded
            for level in ("content", "process", "meaning")
            for kinded in _listed(levels.get(level), slots, file["levels"], level, kind=level)
        ),
        "i_needs": _build_set(_listed(i_statements.get("needs"), slots, f_i, "needs")),
        "i_feel_like_self": _build_set(
            _listed(i_statements.get("feel_like_self"), slots, f_i, "feel_like_self")
        ),
        "i_disguised": _build_set(disguised),
        "disclaimers": _build_set(
            _listed(language.get("disclaimers"), slots, f_lang, "disclaimers")
        ),
        "kind_frames": _build_set(
            _listed(absolutes.get("kind_frames"), slots, f_abs, "kind_frames")
        ),
    }
    triggers: dict[str, list[int]] = {}
    word_table: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    always: set[int] = set()
    owners: list[tuple[str, int]] = []
    for set_name, pattern_set in sets.items():
        offset = len(owners)
        owners.extend((set_name, n) for n in range(len(pattern_set.branches)))
        for word, numbers in pattern_set.index.items():
            triggers.setdefault(word, []).extend(offset + n for n in numbers)
        always.update(offset + n for n in pattern_set.always)
        for word, (kind, options) in pattern_set.words.items():
            word_table.setdefault(word, []).append((set_name, kind, options))

    def word_list(key: str) -> re.Pattern[str]:
        words = _strings(emotions.get(key), f_emo, key)
        return re.compile(
            f"{_EDGE_BEFORE}{_alternation([_phrase(w) for w in words])}\\s+$".replace(" ", r"\s+")
        )

    return Lexicon(
        warmth=load_warmth(directory, LexiconError),
        code=_get(language, "code", str, f_lang),
        name=_get(language, "name", str, f_lang),
        quote_patterns=quote_patterns,
        partner_subjects=frozenset(_strings(subjects.get("partner"), f_lang, "subjects.partner")),
        other_subjects=frozenset(_strings(subjects.get("other"), f_lang, "subjects.other")),
        sets=sets,
        triggers={word: tuple(hits) for word, hits in triggers.items()},
        owners=tuple(owners),
        word_table={word: tuple(hits) for word, hits in word_table.items()},
        always=frozenset(always),
        softener=_compile_regex(language.get("softeners"), slots, f_lang, "softeners"),
        kind_after={
            "always": _single_regex(
                absolutes.get("kind_after_always"),
                slots,
                f_abs,
                "kind_after_always",
                r"\s+",
                _EDGE_AFTER,
            ),
            "never": _single_regex(
                absolutes.get("kind_after_never"),
                slots,
                f_abs,
                "kind_after_never",
                r"\s+",
                _EDGE_AFTER,
            ),
        },
        kind_before=re.compile(
            _alternation(
                [
                    e
                    for _, e, _ in _listed(
                        absolutes.get("kind_before"), slots, f_abs, "kind_before"
                    )
                ]
            )
        ),
        stronger=word_list("stronger"),
        milder=word_list("milder"),
        caused_forms=_words(emotions, "caused_forms", f_emo),
        fillers=_words(emotions, "fillers", f_emo),
        first_person=_words(emotions, "first_person", f_emo),
        first_person_object=_words(emotions, "first_person_object", f_emo),
        causatives=_words(emotions, "causatives", f_emo),
        validation_cancel=_get(raw["validation"], "cancelled_by", str, file["validation"]),
        question_openers=frozenset(
            w.lower() for w in _strings(curiosity["openers"], f_cur, "openers")
        )
        if "openers" in curiosity
        else frozenset(),
        templates=templates,
        situation_edits=edits,
        request_frames=_compile_regex(
            rewrite.get("request_frames"), slots, f_tpl, "rewrite.request_frames"
        ),
        opener_strip=_compile_regex(
            templates["opener"].get("strip_prefixes"), slots, f_tpl, "opener.strip_prefixes"
        ),
        vocabulary=vocabulary,
        third_person_mention=_compile_regex(
            language["third_person"]["mention"], slots, f_lang, "third_person.mention"
        )
        if "third_person" in language
        else None,
        third_person_edits=tuple(
            _pairs(language["third_person"]["as_partner"], slots, f_lang, "third_person.as_partner")
        )
        if "third_person" in language
        else (),
        mind_reading=_compile_regex(rewrite["mind_reading"], slots, f_tpl, "rewrite.mind_reading")
        if "mind_reading" in rewrite
        else None,
        request_questions=tuple(
            _pairs(rewrite.get("request_questions", []), slots, f_tpl, "rewrite.request_questions")
        ),
        trailing_words=frozenset(
            w.lower() for w in _strings(rewrite["trailing_words"], f_tpl, "rewrite.trailing_words")
        )
        if "trailing_words" in rewrite
        else frozenset(),
    )


def _pairs(
    value: Any, slots: dict[str, str], file: str, field_name: str
) -> list[tuple[re.Pattern[str], str]]:
    pairs = []
    for index, pair in enumerate(value):
        where = f"{field_name}[{index}]"
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        ):
            raise LexiconError(file, where, "should be [pattern, replacement]")
        pairs.append((re.compile(_expand(pair[0], slots, file, where)), pair[1]))
    return pairs


def tokens_between(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(TOKEN_RE.finditer(text, start, end))
