"""The crisis lexicons as JSON, for the browser's copy of the detector (static/reattune/crisis.js).

Text that never reaches the server (the end-to-end encrypted vault) is checked in the browser.
The browser runs the same engine, ported by hand to JavaScript, with the same lexicons: this
module reads the compiled lexicons that ``reattune.domain.safety.crisis`` itself uses and
translates every pattern, mechanically and in this one place, from Python's regular expression
dialect into JavaScript's. It translates from Python's own parse of the pattern (the parse
tree of ``re._parser``), not from the text, so what the JavaScript pattern means is decided by
what Python understood:

* every character class, ``\\w``, ``\\b``, ``\\s`` and ``\\d`` is rebuilt from Python's Unicode
  definition (``\\b`` as look-arounds on the word class; JavaScript's own ``\\b`` and ``\\w`` are
  ASCII only; ``\\s`` as Python's exact list of spaces). The word and digit classes are sent once
  as Python's code-point ranges and crisis.js builds them from these at start.
* IGNORECASE is never left to JavaScript (its case folding differs from Python's, e.g. the
  dotless i, the long s, the Kelvin sign): every letter or class that case can affect becomes an
  explicit class of exactly the characters Python's engine accepts for it.
* ``$``, ``^``, ``.`` get Python's meaning (``$`` also before a final line break, ``.`` anything
  but a line break); possessive repeats and atomic groups become the look-ahead-and-back-reference
  form; inline and scoped flags are applied while translating.
* What cannot be translated faithfully (back-references, conditional groups, the LOCALE flag)
  raises :class:`Untranslatable`; the lexicon is then left out of the JSON and named in
  ``problems``, and tests/test_crisis_js_parity.py fails.

The view serves the JSON at a fixed URL, same origin, without a log-in (the lexicons are public
data shipped with the app), cacheable with an ETag made from the lexicon files' modification
times and sizes, so an edited lexicon reaches the browser on its next request. It is built at
run time rather than kept as a generated static file so that it can never drift from the YAML;
the built document is kept in the cache folder (``REATTUNE_CACHE_DIR``) under a digest of
everything it is made from, so each version is built once per install, not once per process.

The learned second stage's model (reattune/data/crisis_model.json, see
``reattune.domain.safety.crisis_model``) comes in the same document as ``model`` (null when
``crisis.USE_MODEL`` is off); it needs no translation, only the file's numbers and strings.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import json
import logging
import os
import re
import stat
import threading
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: every process builds its own
    fcntl = None  # type: ignore[assignment]

from django.http import HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

from reattune.domain.safety import check, crisis
from reattune.paths import replace_private

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the shape of the JSON changes (crisis.js checks it)


class Untranslatable(ValueError):
    """A Python pattern that has no faithful JavaScript form."""


# --------------------------------------------------------------------------- Unicode tables


def _ranges(codes) -> list[list[int]]:
    out: list[list[int]] = []
    for c in sorted(codes):
        if out and out[-1][1] == c - 1:
            out[-1][1] = c
        else:
            out.append([c, c])
    return out


_CASED_BELOW = 0x20000  # no character at or above this has a case (checked below)


@functools.cache
def _python_sets() -> dict[str, object]:
    """Python's own \\w, \\d, \\s and the characters case can affect, over every code point."""
    everything = "".join(map(chr, range(0x110000)))

    def ranges(regex: str) -> list[list[int]]:
        return [[m.start(), m.end() - 1] for m in re.finditer(regex, everything)]

    cased: set[int] = set()
    for i in range(_CASED_BELOW):
        ch = chr(i)
        if ch.lower() != ch or ch.upper() != ch or ch.casefold() != ch or ch.title() != ch:
            cased.add(i)
            for other in ch.lower() + ch.upper() + ch.casefold() + ch.title():
                cased.add(ord(other))
    try:
        from re import _casefix

        for group in _casefix._EXTRA_CASES.values():
            cased.update(group)
    except (ImportError, AttributeError):  # pragma: no cover - other Python versions
        pass
    return {
        "word": ranges(r"\w+"),
        "digit": ranges(r"\d+"),
        "space": ranges(r"\s+"),
        "cased": sorted(cased),
    }


# --------------------------------------------------------------------------- translation


def _esc(code: int) -> str:
    ch = chr(code)
    if ch.isascii() and ch.isalnum():
        return ch
    return f"\\u{{{code:x}}}"


def _class_body(codes) -> str:
    parts = []
    for lo, hi in _ranges(codes):
        parts.append(_esc(lo) if lo == hi else f"{_esc(lo)}-{_esc(hi)}")
    return "".join(parts)


ANY_CHAR = r"[\s\S]"
# Placeholders crisis.js fills in at start from the tables of engine_json() (Python's own \w, \d
# and \s over every code point); "@" never appears unescaped in a translated pattern.
WORD, NOT_WORD, DIGIT, NOT_DIGIT, SPACE, NOT_SPACE = "@W@", "@NW@", "@D@", "@ND@", "@S@", "@NS@"
BOUNDARY, NOT_BOUNDARY = "@B@", "@NB@"
ASCII_WORD, ASCII_SPACE = "[A-Za-z0-9_]", "[\\u{9}-\\u{d}\\u{20}]"
_ATOM = re.compile(r"[A-Za-z0-9]|\\u\{[0-9a-f]+\}|\[[^\[\]]*\]|@[A-Z]+@")


def _group(source: str) -> str:
    return source if _ATOM.fullmatch(source) else f"(?:{source})"


_CHAR_CACHE: dict[tuple, str] = {}  # one character matcher -> JavaScript (pure function)


class _Translator:
    def __init__(self, tree, flags: int):
        from re import _constants as c

        self.c = c
        self.tree = tree
        self.flags = flags
        if flags & re.LOCALE:
            raise Untranslatable("LOCALE flag")
        self.group_map: dict[int, int] = {}
        self.js_groups = 0

    def translate(self) -> str:
        return self.seq(self.tree.data, self.flags, behind=False)

    # -- pieces

    def seq(self, items, flags, behind) -> str:
        items = list(items)
        out = []
        for i, (op, av) in enumerate(items):
            if op is self.c.AT and av is self.c.AT_BOUNDARY and not flags & re.ASCII:
                before = items[i - 1] if i else None
                out.append(self.boundary(before, items[i + 1 : i + 2], flags))
            else:
                out.append(self.node(op, av, flags, behind))
        return "".join(out)

    def boundary(self, before, after, flags) -> str:
        """\\b, shorter when a neighbour surely is (or is not) a word character.

        Inside a match, \\b before a character that must be a word character is "no word
        character before"; after one, "no word character next"; the general form tests both
        sides twice, and the word class is big (V8 compiles it once per use).
        """
        nxt = _edge(after[0], self.c, True, flags) if after else None
        if nxt is True:
            return f"(?<!{WORD})"
        if nxt is False:
            return f"(?<={WORD})"
        prev = _edge(before, self.c, False, flags) if before else None
        if prev is True:
            return f"(?!{WORD})"
        if prev is False:
            return f"(?={WORD})"
        return BOUNDARY

    @staticmethod
    def word(flags, negate=False) -> str:
        if flags & re.ASCII:
            return "[^A-Za-z0-9_]" if negate else ASCII_WORD
        return NOT_WORD if negate else WORD

    def node(self, op, av, flags, behind) -> str:
        c = self.c
        if op in (c.LITERAL, c.NOT_LITERAL, c.IN):
            return self.char(op, av, flags)
        if op is c.ANY:
            return ANY_CHAR if flags & re.DOTALL else "[^\\n]"
        if op is c.BRANCH:
            return "(?:" + "|".join(self.seq(b, flags, behind) for b in av[1]) + ")"
        if op is c.SUBPATTERN:
            group, add, remove, body = av
            inner_flags = (flags | add) & ~remove
            if (add | remove) & re.LOCALE:
                raise Untranslatable("LOCALE flag")
            if group is None:
                return "(?:" + self.seq(body, inner_flags, behind) + ")"
            self.js_groups += 1
            self.group_map[group] = self.js_groups
            return "(" + self.seq(body, inner_flags, behind) + ")"
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            low, high, body = av
            if op is c.POSSESSIVE_REPEAT:
                return self.atomic(lambda: self.repeat(low, high, body, flags, behind, ""), behind)
            return self.repeat(low, high, body, flags, behind, "?" if op is c.MIN_REPEAT else "")
        if op is getattr(c, "ATOMIC_GROUP", object()):
            return self.atomic(lambda: "(?:" + self.seq(av, flags, behind) + ")", behind)
        if op in (c.ASSERT, c.ASSERT_NOT):
            direction, body = av
            back = direction < 0
            head = {
                (c.ASSERT, False): "(?=",
                (c.ASSERT, True): "(?<=",
                (c.ASSERT_NOT, False): "(?!",
            }
            start = head.get((op, back), "(?<!")
            return start + self.seq(body, flags, behind or back) + ")"
        if op is c.AT:
            return self.at(av, flags)
        if op in (c.GROUPREF, c.GROUPREF_EXISTS):
            raise Untranslatable("back-references and conditional groups")
        raise Untranslatable(f"unknown construct {op}")

    def repeat(self, low, high, body, flags, behind, lazy) -> str:
        inner = _group(self.seq(body, flags, behind))
        if high == self.c.MAXREPEAT:
            count = "*" if low == 0 else "+" if low == 1 else f"{{{low},}}"
        elif low == high:
            count = f"{{{low}}}"
        else:
            count = f"{{{low},{high}}}"
        return inner + count + lazy

    def atomic(self, build, behind) -> str:
        if behind:
            raise Untranslatable("atomic group or possessive repeat inside a look-behind")
        self.js_groups += 1
        number = self.js_groups
        return "(?:(?=(" + build() + "))\\" + str(number) + ")"

    def at(self, code, flags) -> str:
        c = self.c
        multiline = flags & re.MULTILINE
        if code is c.AT_BEGINNING:
            return "(?:^|(?<=\\n))" if multiline else "^"
        if code is c.AT_BEGINNING_STRING:
            return "^"
        if code is c.AT_END:
            return "(?=\\n|$)" if multiline else "(?=\\n?$)"
        if code is c.AT_END_STRING:
            return "$"
        w = ASCII_WORD
        if code is c.AT_BOUNDARY:
            return f"(?:(?<={w})(?!{w})|(?<!{w})(?={w}))" if flags & re.ASCII else BOUNDARY
        if code is c.AT_NON_BOUNDARY:
            return f"(?:(?<={w})(?={w})|(?<!{w})(?!{w}))" if flags & re.ASCII else NOT_BOUNDARY
        raise Untranslatable(f"unknown anchor {code}")

    # -- one character

    def char(self, op, av, flags) -> str:
        key = (op, tuple(av) if isinstance(av, list) else av, flags)
        found = _CHAR_CACHE.get(key)
        if found is None:
            found = _CHAR_CACHE[key] = self._char(op, av, flags)
        return found

    def _char(self, op, av, flags) -> str:
        c = self.c
        if op is c.LITERAL:
            items, negate = [(c.LITERAL, av)], False
        elif op is c.NOT_LITERAL:
            items, negate = [(c.LITERAL, av)], True
        else:
            items = list(av)
            negate = bool(items) and items[0][0] is c.NEGATE
            if negate:
                items = items[1:]
        base = self.char_set(items, negate, flags)
        if not flags & re.IGNORECASE:
            return base
        plus, minus = _case_difference(_python_class(items, negate, c), flags & re.ASCII)
        if not plus and not minus:
            return base
        if op is c.LITERAL:
            return "[" + _class_body({av, *plus}) + "]"
        out = base
        if minus:
            out = "(?![" + _class_body(minus) + "])" + out
        if plus:
            out = "(?:" + out + "|[" + _class_body(plus) + "])"
        return out

    def char_set(self, items, negate, flags) -> str:
        """A character matcher without IGNORECASE: a JavaScript class, or a union of them."""
        c = self.c
        ascii_only = flags & re.ASCII
        codes: set[int] = set()
        ranges: list[str] = []
        others: list[str] = []
        names = {
            "CATEGORY_SPACE": ASCII_SPACE if ascii_only else SPACE,
            "CATEGORY_NOT_SPACE": "[^\\u{9}-\\u{d}\\u{20}]" if ascii_only else NOT_SPACE,
            "CATEGORY_WORD": self.word(flags),
            "CATEGORY_NOT_WORD": self.word(flags, negate=True),
            "CATEGORY_DIGIT": "[0-9]" if ascii_only else DIGIT,
            "CATEGORY_NOT_DIGIT": "[^0-9]" if ascii_only else NOT_DIGIT,
        }
        for op, av in items:
            if op is c.LITERAL:
                codes.add(av)
            elif op is c.RANGE:
                lo, hi = av
                ranges.append(_esc(lo) if lo == hi else f"{_esc(lo)}-{_esc(hi)}")
            elif op is c.CATEGORY and str(av) in names:
                others.append(names[str(av)])
            else:
                raise Untranslatable(f"unknown class item {op} {av}")
        if len(codes) == 1 and not ranges and not others and not negate:
            return _esc(next(iter(codes)))
        simple = _class_body(codes) + "".join(ranges)
        if not others:
            if not simple:
                return ANY_CHAR if negate else "[^\\s\\S]"
            return ("[^" if negate else "[") + simple + "]"
        alternatives = ([f"[{simple}]"] if simple else []) + others
        union = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?!{union}){ANY_CHAR}" if negate else union


_WORD_RE = re.compile(r"\w")


def _edge(node, c, first: bool, flags: int) -> bool | None:
    """Is the first (or last) character a node consumes surely a word character (True), surely
    not one (False), or either (None)? Only for nodes that always consume one."""
    op, av = node
    if op is c.LITERAL:
        chars = {av}
        if flags & re.IGNORECASE:  # every character Python's IGNORECASE accepts for it
            chars |= _case_difference(_python_class([(c.LITERAL, av)], False, c), 0)[0]
        kinds = {bool(_WORD_RE.match(chr(x))) for x in chars}
        return kinds.pop() if len(kinds) == 1 else None
    if op is c.IN and not flags & re.IGNORECASE:
        items = list(av)
        if not items or items[0][0] is c.NEGATE:
            return None
        kinds = set()
        for item_op, item_av in items:
            if item_op is c.LITERAL:
                kinds.add(bool(_WORD_RE.match(chr(item_av))))
            elif item_op is c.RANGE and item_av[1] - item_av[0] < 512:
                lo, hi = item_av
                kinds.update(bool(_WORD_RE.match(chr(x))) for x in range(lo, hi + 1))
            elif item_op is c.CATEGORY and str(item_av) in _CATEGORY_WORDNESS:
                kinds.add(_CATEGORY_WORDNESS[str(item_av)])
            else:
                return None
        return kinds.pop() if len(kinds) == 1 else None
    if op is c.SUBPATTERN:
        _group, add, remove, body = av
        return _edge_of_seq(body, c, first, (flags | add) & ~remove)
    if op is c.BRANCH:
        kinds = {_edge_of_seq(branch, c, first, flags) for branch in av[1]}
        return kinds.pop() if len(kinds) == 1 else None
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
        return _edge_of_seq(av[2], c, first, flags)
    return None


_CATEGORY_WORDNESS = {
    "CATEGORY_WORD": True,
    "CATEGORY_DIGIT": True,
    "CATEGORY_NOT_WORD": False,
    "CATEGORY_SPACE": False,
}


def _edge_of_seq(items, c, first: bool, flags: int) -> bool | None:
    items = list(items)
    if not items or flags & re.ASCII:
        return None
    return _edge(items[0] if first else items[-1], c, first, flags)


def _python_class(items, negate, c) -> str:
    """Python source for one character matcher (to ask Python's engine what it accepts)."""
    names = {
        "CATEGORY_SPACE": r"\s",
        "CATEGORY_NOT_SPACE": r"\S",
        "CATEGORY_WORD": r"\w",
        "CATEGORY_NOT_WORD": r"\W",
        "CATEGORY_DIGIT": r"\d",
        "CATEGORY_NOT_DIGIT": r"\D",
    }
    body = []
    for op, av in items:
        if op is c.LITERAL:
            body.append(f"\\U{av:08x}")
        elif op is c.RANGE:
            body.append(f"\\U{av[0]:08x}-\\U{av[1]:08x}")
        else:
            body.append(names[str(av)])
    return ("[^" if negate else "[") + "".join(body) + "]"


@functools.lru_cache(maxsize=4096)
def _case_difference(source: str, ascii_only: int) -> tuple[frozenset[int], frozenset[int]]:
    """Characters Python's IGNORECASE adds to (plus) or takes from (minus) a character matcher.

    Only characters that case can affect are asked about; any other character is matched the
    same with and without the flag.
    """
    flags = re.ASCII if ascii_only else 0
    exact = re.compile(source, flags)
    folded = re.compile(source, flags | re.IGNORECASE)
    plus, minus = set(), set()
    for code in _python_sets()["cased"]:
        ch = chr(code)
        a, b = bool(exact.match(ch)), bool(folded.match(ch))
        if b and not a:
            plus.add(code)
        elif a and not b:
            minus.add(code)
    return frozenset(plus), frozenset(minus)


@functools.lru_cache(maxsize=4096)
def _tree(source: str, flags: int):
    from re import _parser as parser

    if not isinstance(source, str):
        raise Untranslatable("bytes pattern")
    try:
        return parser.parse(source, flags)
    except Exception as exc:  # pragma: no cover - it compiled in Python
        raise Untranslatable(f"cannot parse ({exc})") from exc


@functools.lru_cache(maxsize=8192)
def _translate(source: str, parse_flags: int, flags: int) -> tuple[str, tuple]:
    tree = _tree(source, parse_flags)
    t = _Translator(tree, tree.state.flags if flags < 0 else flags)
    return t.translate(), tuple(sorted(t.group_map.items()))


def to_js(pattern: re.Pattern) -> dict:
    """A compiled Python pattern as JavaScript source (for the flags "u" plus "g" or "y").

    ``groups`` maps Python's group numbers to JavaScript's (they differ when an atomic group or
    possessive repeat was rewritten)."""
    source, groups = _translate(pattern.pattern, pattern.flags, -1)
    return {"source": source, "groups": {str(k): v for k, v in groups}}


def _pair(pattern: re.Pattern) -> dict:
    """The two forms the engine uses: ``fast`` for lower-cased text, ``full`` for the rest.

    ``fast`` is the translation of the case-sensitive twin crisis.py matches lower-cased text
    with (the pattern itself when it has upper-case letters of its own); one parse serves both:
    the twin has the same source, only without the IGNORECASE given at compile time."""
    full = to_js(pattern)["source"]
    twin = crisis._lower_case_twin(pattern)
    if twin is pattern:
        return {"fast": full}
    fast, _groups = _translate(pattern.pattern, pattern.flags, twin.flags)
    return {"fast": fast, "full": full}


# --------------------------------------------------------------------------- the document


def _lexicon_json(lex: crisis.Lexicon) -> dict:
    return {
        "language": lex.language,
        "rules": [
            {
                "id": rule.id,
                "kind": rule.kind,
                "pattern": _pair(rule.pattern),
                "exclude": [_pair(x) for x in rule.exclude],
                "first_person": rule.first_person,
                "jokes_cancel": rule.jokes_cancel,
                # the prefilter's sets (crisis.rule_needs): crisis.js tries a rule only where
                # one string of each set is in the lower-cased text, as crisis.py does
                "needs": [sorted(x) for x in crisis.rule_needs(rule.pattern)],
            }
            for rule in lex.rules
        ],
        "first_person": _pair(lex.first_person),
        "negation_cues": sorted(lex.negation_cues),
        "not_before": sorted(lex.not_before),
        "clause_breaks": to_js(lex.clause_breaks)["source"],
        "window": lex.window,
        "subordinators": sorted(lex.subordinators),
        "subordinate_window": lex.subordinate_window,
        "jokes": _pair(lex.jokes),
        "title_cues": to_js(lex.title_cues)["source"],
        "triggers": _pair(lex.triggers),
        "idioms": _pair(lex.idioms) if lex.idioms is not None else None,
        "reported": _pair(lex.reported) if lex.reported is not None else None,
    }


def _table(mapping: dict) -> dict[str, str]:
    return {str(k): v for k, v in mapping.items()}


def engine_json() -> dict:
    """The engine's own constants, tables and patterns (crisis.py), translated the same way."""
    sets = _python_sets()
    return {
        "max_chars": crisis.MAX_CHARS,
        "segment": crisis.SEGMENT,
        "overlap": crisis.OVERLAP,
        "reach": crisis._REACH,
        "near_speaker": crisis._NEAR_SPEAKER,
        "kinds": sorted(crisis.KINDS),
        "kind_order": list(check.KIND_ORDER),
        "apostrophes": _table(crisis._APOSTROPHES),
        "double_quotes": _table(crisis._DOUBLE_QUOTES),
        "invisible": _table(crisis._INVISIBLE),
        "space": sets["space"],
        "word": sets["word"],
        "digit": sets["digit"],
        "patterns": {
            "trailing_off": to_js(crisis._TRAILING_OFF)["source"],
            "sentence": to_js(crisis._SENTENCE)["source"],
            "token": to_js(crisis._TOKEN)["source"],
            "title_word": to_js(crisis._TITLE_WORD)["source"],
            "by_name": to_js(crisis._BY_NAME)["source"],
            "quoted": to_js(crisis._QUOTED),
            "single_quoted": to_js(crisis._SINGLE_QUOTED),
        },
    }


def lexicon_files(root: Path | None = None) -> list[Path]:
    """The lexicon files in the order the detector uses them (English first, as crisis.py)."""
    base = root or crisis.LEXICON_ROOT
    files = sorted(base.glob("*/crisis.yaml"))
    first = [p for p in files if p.parent.name == crisis.DEFAULT_LANGUAGE]
    return first + [p for p in files if p not in first]


def build(lexicons: list[crisis.Lexicon] | None = None) -> dict:
    """The whole document. A lexicon that does not load or translate is left out, as the
    Python detector leaves out one that does not load, and named in ``problems``."""
    problems: list[str] = []
    out = []
    if lexicons is None:
        lexicons = []
        for path in lexicon_files():
            try:
                lexicons.append(crisis.load_lexicon_file(path))
            except Exception as exc:
                problems.append(f"{path.parent.name}: does not load ({exc})")
    for lex in lexicons:
        try:
            out.append(_lexicon_json(lex))
        except Untranslatable as exc:
            problems.append(f"{lex.language}: cannot be translated to JavaScript ({exc})")
    model = None
    if crisis.USE_MODEL:
        try:
            model = model_json()
        except Exception as exc:
            problems.append(f"model: does not load ({exc})")
    for problem in problems:
        log.error("crisis lexicons for the browser: %s", problem)
    return {
        "format": FORMAT,
        "engine": engine_json(),
        "lexicons": out,
        "model": model,
        "problems": problems,
    }


def model_json() -> dict:
    """The second stage's model file as crisis.js reads it (checked first, as crisis.py does);
    the notes on how it was trained stay on the server."""
    from reattune.domain.safety import crisis_model

    crisis_model.load_model()  # raises on a broken file
    doc = crisis_model.read()
    doc.pop("trained", None)
    return doc


def _etag() -> str:
    digest = hashlib.sha256(f"{FORMAT}".encode())
    for path in lexicon_files():
        info = path.stat()
        digest.update(f"{path.parent.name}:{info.st_mtime_ns}:{info.st_size};".encode())
    from reattune.domain.safety import crisis_model

    if crisis.USE_MODEL and crisis_model.MODEL_FILE.is_file():
        info = crisis_model.MODEL_FILE.stat()
        digest.update(f"model:{info.st_mtime_ns}:{info.st_size};".encode())
    return '"' + digest.hexdigest()[:32] + '"'


_BUILDING = threading.Lock()  # one build at a time: the first takes seconds, the rest wait


def _body(etag: str) -> tuple[bytes, bytes]:
    with _BUILDING:
        return _built(etag)


@functools.lru_cache(maxsize=2)
def _built(etag: str) -> tuple[bytes, bytes]:
    """The document for one version of the files (the ETag names it): plain and gzipped."""
    raw = _cached_build()
    return raw, gzip.compress(raw, compresslevel=6, mtime=0)


# What the document is made from besides the lexicons and the model: the engine, the model's
# reader, the lexicons' schema and this translator. A change to any of them (an upgrade) must
# not be answered from an old cache file.
_SOURCES = (
    Path(__file__),
    Path(crisis.__file__),
    Path(check.__file__),
    Path(crisis.__file__).with_name("crisis_model.py"),
    crisis.SCHEMA_FILE,
)


def content_key() -> str:
    """A digest of everything the document is built from, by content (not modification time).

    Python's and PyYAML's versions are in it too: the Unicode tables sent to the browser are
    Python's own, and the lexicons are read by PyYAML."""
    import sys
    import unicodedata

    import yaml

    from reattune.domain.safety import crisis_model

    digest = hashlib.sha256(
        f"{FORMAT};{sys.version_info[:2]};{unicodedata.unidata_version};{yaml.__version__};"
        f"{crisis.USE_MODEL}".encode()
    )
    model = [crisis_model.MODEL_FILE] if crisis.USE_MODEL else []
    for path in [*_SOURCES, *lexicon_files(), *model]:
        digest.update(f"{path.parent.name}/{path.name}:".encode())
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
    return digest.hexdigest()[:40]


_PREFIX = "crisis-lexicons-"


def _private_folder(folder: Path) -> bool:
    """The cache folder is used only when it is a real folder of this user's that nobody else
    may write to: its files are served to anyone, and a planted one must never be."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o022


def _read_private_file(target: Path) -> bytes | None:
    """The file's bytes, only if it is a regular file of this user's (never through a link)."""
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as kept:
        info = os.fstat(kept.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
            return None
        return kept.read()


class AnalysisFolder:
    """The crisis patterns' analysis kept in the cache folder (crisis.ANALYSIS_STORE, set by
    CareConfig.ready): each process that loads the same lexicon file with the same code then
    skips its checks and analysis. Used only when the folder is private (_private_folder): a
    planted analysis could keep a rule from being tried."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def read(self, name: str) -> bytes | None:
        if not _private_folder(self.folder):
            return None
        return _read_private_file(self.folder / name)

    def write(self, name: str, data: bytes) -> None:
        # other versions' files go after a week (rebuilt if still wanted); a folder that is not
        # private keeps nothing, silently (read() never uses it either)
        _keep(self.folder, name, data, "crisis-analysis-", 7 * 86400, "crisis patterns' analysis")


def _read_kept(target: Path, lexicon_count: int) -> bytes | None:
    """The kept document, only if it is a regular file of this user's (never through a link)
    that holds a whole, problem-free document of this format with every lexicon."""
    raw = _read_private_file(target)
    if raw is None:
        return None
    try:
        doc = json.loads(raw)
    except ValueError:
        return None
    if (
        not isinstance(doc, dict)
        or doc.get("format") != FORMAT
        or doc.get("problems") != []
        or not isinstance(doc.get("engine"), dict)
        or not isinstance(doc.get("lexicons"), list)
        or len(doc["lexicons"]) != lexicon_count
    ):
        return None
    return raw


def _cached_build() -> bytes:
    """The JSON document, from the cache folder when these very files were built before.

    Building translates every pattern and takes seconds of CPU; the cache file is named by
    ``content_key``, so a file can only ever be reused for the same inputs, and it is checked
    before use (``_read_kept``). The folder holds public data only. Any problem with it
    (read-only, full, missing, open to other users) falls back to building."""
    from django.conf import settings

    folder = Path(settings.CACHE_DIR)
    target = folder / f"{_PREFIX}{content_key()}.json"
    files = lexicon_files()
    if _private_folder(folder):
        kept = _read_kept(target, len(files))
        if kept is not None:
            return kept
    # Several processes starting at once (app processes behind one proxy, test workers) would
    # each build the same document: the first one builds under a lock in the cache folder and
    # the others, once it is released, read what it kept.
    with _build_lock(folder):
        if _private_folder(folder):
            kept = _read_kept(target, len(files))
            if kept is not None:
                return kept
        return _build_and_keep(folder, target, files)


@contextlib.contextmanager
def _build_lock(folder: Path):
    """An exclusive lock on ``.crisis-lexicons.lock`` in ``folder`` while the block runs; no
    lock at all (the block still runs) where the folder is not private or cannot hold one."""
    descriptor = None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        pass  # then no lock: building does not need the folder
    if fcntl is not None and _private_folder(folder):
        try:
            descriptor = os.open(
                folder / f".{_PREFIX}lock",
                os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0),
                0o600,
            )
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError:
            if descriptor is not None:
                os.close(descriptor)
            descriptor = None
    try:
        yield
    finally:
        if descriptor is not None:
            os.close(descriptor)  # closing releases the lock


def _build_and_keep(folder: Path, target: Path, files: list[Path]) -> bytes:
    document = build()
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if document["problems"] or len(document["lexicons"]) != len(files):
        return raw  # a broken lexicon is logged at each build, never kept
    _keep(folder, target.name, raw, _PREFIX, 600, "crisis lexicons for the browser", loud=True)
    return raw


def _keep(
    folder: Path, name: str, data: bytes, prefix: str, older: int, what: str, loud: bool = False
) -> None:
    """Keep ``data`` as ``folder/name`` when the folder is private (0600 as every file in the
    data folder: public data, but nobody else's to change; readers see the whole file or none),
    then remove the other files of ``prefix`` (another version's, or a crashed write's) older
    than it by ``older`` seconds. Problems are logged, never raised; ``loud`` also logs a folder
    that is not private."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private_folder(folder):
            if loud:
                log.warning("%s: not cached (%s is not private)", what, folder)
            return
        target = folder / name
        replace_private(target, data)
        cutoff = target.stat().st_mtime - older
        for old in [*folder.glob(f"{prefix}*.json"), *folder.glob(f".{prefix}*.partial")]:
            if old != target and old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
    except OSError as error:
        log.warning("%s: not kept (%s)", what, error)


@require_safe
def crisis_lexicons(request):
    """GET: every crisis lexicon as JSON for crisis.js. Public, cacheable, revalidated by ETag.

    The lexicons are public data shipped with the app and say nothing about who asks, so no
    log-in is needed and the answer may be stored (``cacheable`` lifts the middleware's
    no-store); ``no-cache`` makes the browser ask again with the ETag, so an edited lexicon is
    used on the next load."""
    etag = _etag()
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        raw, packed = _body(etag)
        response = HttpResponse(content_type="application/json; charset=utf-8")
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            response.content = packed
            response["Content-Encoding"] = "gzip"
        else:
            response.content = raw
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, no-cache"
    response.cacheable = True  # SecurityHeadersMiddleware: public data, may be stored
    return response
