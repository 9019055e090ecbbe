"""Crisis language in free text: suicide, self-harm, harm to others, harm from others.

Called on every free-text path (journal, check-ins, reviews, coach). On a hit the caller shows
how to reach help now; nothing is sent to anyone and nothing about the hit is stored.

Kinds: ``suicide`` (explicit or indirect wishes to die or not to exist, hopelessness about going
on, means and preparations), ``self_harm``, ``harm_to_others`` (the author says they may hurt
someone) and ``harm_from_others`` (the author says someone threatened, attacked or strangled
them, or that they are afraid of them or of going home: show the emergency number and
domestic-violence lines first).

Design (plain Python, no Django):

* The patterns are data, one file per language: ``reattune/data/lexicons/<lang>/crisis.yaml``,
  checked against ``reattune/data/schemas/crisis_lexicon.schema.json`` and then for what a
  schema cannot see (unknown or nested definitions, duplicate ids, patterns that do not compile
  or that nest unbounded repetition). The header of the English file explains every field.
* Languages: every text is checked with EVERY shipped lexicon and the hits are joined. There is
  no language guess: people mix languages, short texts defeat guessers, and the per-sentence
  trigger words make a lexicon that has nothing to say about a sentence cost one search. A
  ``lang`` argument only decides which lexicon is tried first (its span wins a tie).
* Each rule is written around first-person statements of intent or experience, or threats and
  attacks by another person against the author. Idioms and hyperbole ("this deadline is
  killing me", "dead tired", "I'd die for a coffee") never match or are cancelled by an
  overlapping rule ``exclude`` or file-wide ``idioms`` phrase.
* Negation inside the same clause cancels a match ("I'm not suicidal"), except after words such
  as "can't stop" or "not sure" that do not negate. In a clause opened by a subordinating word
  ("when", "quando", "wenn", "quand", "cuando", "wanneer": ``negation.subordinators``) only a cue
  in the last ``negation.subordinate_window`` words counts: the clause often runs on into the
  main clause without a comma, and "quando il piccolo non smette di piangere ho voglia di ..."
  negates the crying, not the urge. The negation words of every lexicon in use
  count, so an English "not" also cancels a match that another language's rules found.
  In the same way every lexicon's ``idioms`` cancel a match whichever lexicon found it, and a
  sentence any lexicon reads as ``reported`` is reported for all (the French rule for
  "suicide" also fires on English text, and "the film was about suicide" must stop it).
* Joke markers ("lol", "I'm only kidding") cancel only rules marked ``jokes_cancel`` (threats and
  hyperbole about other people), never suicide or self-harm.
* An ellipsis followed by a lower-case word ("and just... not wake up") does not end the
  sentence: the thought goes on, and so does the clause for negation.
* Quoted titles of songs, films and books are blanked before matching; a sentence about a film,
  a book or the news (``reported``) is ignored unless the author speaks in the first person
  right at the match.
* Work is linear in the text length: only the first :data:`MAX_CHARS` characters are read, each
  sentence is cut into overlapping pieces of at most :data:`SEGMENT` characters, every search
  runs inside one piece (or a bounded window around a match) and no pattern may nest unbounded
  repetition. :func:`scan_work` counts the characters handed to the regex engine, so tests can
  check the bound without a clock.
* A prefilter keeps that work small: from each rule's pattern :func:`rule_needs` derives sets
  of strings every match contains one of; one search per piece (a trie of all those strings)
  finds which the piece has, only the rules whose sets it meets are tried, and the trigger
  words are looked for only once one of them matches. The spans are exactly those of trying
  every rule (``_scan(..., prefilter=False)``; tests compare both on the whole dev corpus and
  on hypothesis text; figures in bench/crisis_speed.py). Text is lower-cased once and matched
  with case-sensitive copies of the patterns (several times faster than IGNORECASE; timings in
  bench/crisis_eval.py). Text whose lower case is longer (a dotted capital I) is matched as it
  is with the IGNORECASE patterns; the prefilter then reads its case fold (:func:`_fold_case`,
  the characters IGNORECASE takes for one another made one), about three times faster than
  trying every rule.
* All of that is made when a lexicon file is loaded (once per version of the file, at start-up
  for the app): each rule pattern is parsed once, and that one parse gives the check for nested
  repetition, the needed strings and, compiled, the lower-case twin; the case-insensitive
  pattern is only compiled if something asks for it. The first check in a process then only
  searches (cold-start figures in bench/crisis_speed.py). What the checks and that parse worked
  out is kept (:data:`ANALYSIS_STORE`, the app's cache folder) under a digest of the file's
  bytes and of this code, so the next process that loads the same file only compiles.
* A lexicon file is refused when a YAML key is given twice, since YAML would keep the last one.
* A learned second stage (:mod:`reattune.domain.safety.crisis_model`, weights in
  ``reattune/data/crisis_model.json``) runs only when the rules found nothing in the text: it
  scores each sentence (cut as the rules cut it) and reports one that reaches its threshold,
  with the sentence as span and ``model.<kind>`` as rule. :data:`USE_MODEL` switches it off.
* :func:`detect_crisis` never raises: on any internal error it logs and reports no hit for that
  language, so a save can never fail because of this check. :func:`validate_all_lexicons` does
  raise (:class:`LexiconError`, naming file, field and problem); call it at start-up.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol, cast

import yaml

from .lexicon_error import LexiconError

log = logging.getLogger(__name__)

DATA_ROOT = Path(__file__).resolve().parents[2] / "data"
LEXICON_ROOT = DATA_ROOT / "lexicons"
SCHEMA_FILE = DATA_ROOT / "schemas" / "crisis_lexicon.schema.json"
DEFAULT_LANGUAGE = "en"
KINDS = frozenset({"self_harm", "suicide", "harm_to_others", "harm_from_others"})
MAX_CHARS = 200_000  # only the first 200,000 characters are checked (far above any entry)
SEGMENT = 480  # longest piece of a sentence handed to the rules
OVERLAP = 160  # consecutive pieces of a long sentence overlap by about this much
_REACH = 160  # characters around a match searched for exclusions and negation
_NEAR_SPEAKER = 40  # first-person words this close before a match keep it in a reported sentence

# Typographic apostrophes and quotes become plain ones; every replacement is one character
# for one character, so offsets stay the same.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u2032": "'"})
_DOUBLE_QUOTES = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u201f": '"'}
)
# Control characters, zero-width characters and bidirectional marks become spaces (one for one),
# so "want\x00to" or a right-to-left override between words still reads as words.
_INVISIBLE = str.maketrans(
    {
        **{c: " " for c in range(0x20) if chr(c) not in "\n\r"},
        0x7F: " ",
        **{c: " " for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)},
        **{c: " " for c in range(0x202A, 0x202F)},
        **{c: " " for c in range(0x2066, 0x206A)},
        0x200E: " ",
        0x200F: " ",
    }
)
# An ellipsis followed by a lower-case word ("and just... not wake up") goes on with the same
# sentence: its dots become spaces (one for one) before the text is cut into sentences.
_TRAILING_OFF = re.compile(r"(?:\.{2,}|\u2026)(?=[ \t]*[a-z])")
_SENTENCE = re.compile(r"[^.!?;\n\r\u2026\u3002\u061f\u06d4]+")
# Letters of any script (not only a-z), so negation works in every lexicon language.
_TOKEN = re.compile(r"[^\W\d_][^\W\d_']*(?:'[^\W\d_']*)*")
_QUOTED = re.compile(r'"([^"\n]{1,120})"')
_SINGLE_QUOTED = re.compile(
    r"(?:^|(?<=[\s(\[]))\u2018([^\u2018\u2019\n]{1,120})\u2019(?![a-z])", re.I
)
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_BY_NAME = re.compile(r"\s*,?\s+by\s+[A-Z]")
_MACRO = re.compile(r"\{([a-z_]+)\}")

# The learned second stage (crisis_model.py): False turns it off here and in crisis.js (the
# model is then left out of the JSON served to the browser).
USE_MODEL = True


@dataclass(frozen=True)
class CrisisSpan:
    start: int
    end: int
    kind: str
    rule: str
    lang: str = ""


@dataclass(frozen=True)
class CrisisResult:
    hit: bool
    kinds: frozenset[str] = field(default_factory=frozenset)
    spans: tuple[CrisisSpan, ...] = ()

    def __bool__(self) -> bool:
        return self.hit


NO_HIT = CrisisResult(False)


@dataclass(frozen=True)
class _Rule:
    id: str
    kind: str
    source: str  # the pattern with its definitions filled in and its spaces made whitespace
    exclude: tuple[re.Pattern, ...]
    first_person: bool
    jokes_cancel: bool

    @functools.cached_property
    def pattern(self) -> re.Pattern:
        """The case-insensitive pattern (compiled when first asked for: the checks match
        lower-cased text with :func:`_lower_case_twin`, made when the file is loaded)."""
        return re.compile(self.source, re.IGNORECASE)


@dataclass(frozen=True)
class Lexicon:
    language: str
    rules: tuple[_Rule, ...]
    first_person: re.Pattern
    negation_cues: frozenset[str]
    not_before: frozenset[str]
    clause_breaks: re.Pattern
    window: int
    jokes: re.Pattern
    title_cues: re.Pattern
    triggers: re.Pattern
    idioms: re.Pattern | None = None
    reported: re.Pattern | None = None
    subordinators: frozenset[str] = frozenset()
    subordinate_window: int = 3
    # made once when the file is loaded (the strings the rules need and one search for all of
    # those; a rule's lower-case twin is compiled when a text first reaches that rule)
    prefilter: _Prefilter | None = field(default=None, compare=False, repr=False)


# --------------------------------------------------------------------------- loading


@functools.cache
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _field_path(parts) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def _schema_check(data: object, path: Path) -> None:
    from jsonschema.exceptions import best_match

    errors = list(_validator().iter_errors(data))
    if not errors:
        return
    err = best_match(errors)
    message = err.message
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        known = set(err.schema.get("properties", {}))
        extra = [repr(k) for k in err.instance if k not in known]
        if extra:
            message = f"unknown field{'s' if len(extra) > 1 else ''} {', '.join(extra)}"
    raise LexiconError(path, _field_path(err.absolute_path), message)


def _spaces_to_whitespace(pattern: str) -> str:
    """A literal space means one or more whitespace characters, except inside [...].

    A space followed by ``?`` or ``*`` ("any ?more") means any whitespace or none. Inside a
    look-behind ("(?<!not )"), which must have a fixed width, a space means one whitespace
    character.
    """
    out: list[str] = []
    in_class = escaped = skip = False
    depth = 0
    behind: list[int] = []  # depths at which a look-behind group opened
    for i, ch in enumerate(pattern):
        if skip:
            skip = False
            continue
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        elif in_class:
            pass
        elif ch == "(":
            depth += 1
            if pattern.startswith(("(?<=", "(?<!"), i):
                behind.append(depth)
        elif ch == ")":
            if behind and behind[-1] == depth:
                behind.pop()
            depth -= 1
        elif ch == " ":
            following = pattern[i + 1 : i + 2]
            if behind:
                out.append(r"\s")
            elif following in ("?", "*"):
                out.append(r"\s*")
                skip = True
            else:
                out.append(r"\s+")
                skip = following == "+"
            continue
        out.append(ch)
    return "".join(out)


def _nested_unbounded(pattern: str) -> bool:
    """Does the pattern repeat, without bound, something that itself repeats without bound?

    Such patterns ("(a+)+", "(\\w+ )*") can backtrack exponentially; they are refused.
    """
    try:
        from re import _parser as parser

        tree = list(parser.parse(pattern))
    except Exception:  # the compile step reports real syntax errors
        return False
    return _nested_unbounded_tree(tree)


def _nested_unbounded_tree(tree: list) -> bool:
    """:func:`_nested_unbounded` on an already parsed pattern."""
    try:
        from re import _constants as c
    except ImportError:  # pragma: no cover - other Python versions: skip the check
        return False
    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}

    def walk(items, inside_unbounded: bool) -> bool:
        for op, av in items:
            if op in repeats:
                _low, high, body = av
                unbounded = high == c.MAXREPEAT
                if unbounded and inside_unbounded:
                    return True
                if walk(body, inside_unbounded or unbounded):
                    return True
            elif op == c.SUBPATTERN:
                if walk(av[-1], inside_unbounded):
                    return True
            elif op == getattr(c, "ATOMIC_GROUP", None):
                if walk(av, inside_unbounded):
                    return True
            elif op == c.BRANCH:
                if any(walk(branch, inside_unbounded) for branch in av[1]):
                    return True
            elif op in (c.ASSERT, c.ASSERT_NOT):
                if walk(av[1], inside_unbounded):
                    return True
        return False

    return walk(tree, False)


def _expand(source: str, defs: dict[str, str], path: Path, where: str) -> str:
    def expand(match: re.Match) -> str:
        name = match.group(1)
        if name not in defs:
            raise LexiconError(path, where, f"unknown definition {{{name}}}")
        return f"(?:{defs[name]})"

    return _spaces_to_whitespace(_MACRO.sub(expand, source.strip()))


def _compile_rule(
    source: str,
    defs: dict[str, str],
    path: Path,
    where: str,
    known: dict[str, tuple[frozenset[str], ...]] | None = None,
) -> str:
    """Check one rule pattern and make, from ONE parse, what matching needs: the lower-case
    twin (:func:`_lower_case_twin`) and the strings every match contains (:func:`rule_needs`),
    kept in :data:`_MADE`. Returns the pattern text; the case-insensitive pattern itself is only
    compiled if something asks for it (``_Rule.pattern``).

    ``known``: what an earlier load of this very file worked out (:class:`AnalysisStore`); a
    pattern found there is not parsed or checked again."""
    text = _expand(source, defs, path, where)
    if known is not None:
        if text not in known:
            raise _StaleAnalysis(text)
        made = _Made(None, known[text], 0 if text == text.lower() else re.IGNORECASE)
        if "(?<=" in text or "(?<!" in text:
            made.compiled_twin(text)
        _MADE[text] = made
        return text
    try:
        from re import _parser as parser

        tree = parser.parse(text)
    except re.error as exc:
        raise LexiconError(path, where, f"invalid pattern ({exc})") from exc
    except Exception:  # pragma: no cover - other Python versions: the slower way
        _compile(source, defs, path, where)
        return text
    if _nested_unbounded_tree(list(tree)):
        raise LexiconError(
            path, where, "nested unbounded repetition (could take exponential time); bound it"
        )
    lower = text == text.lower()
    needs: tuple[frozenset[str], ...] = ()
    if lower and not tree.state.flags & re.IGNORECASE:
        needs = tuple(c for c in _needs(list(tree), False) if all(c))[:_MAX_CLAUSES]
    if len(_MADE) > 20_000:
        _MADE.clear()
    # The twin is compiled when a check first tries this rule (the prefilter passes few rules
    # per text). The parse above refused every broken pattern but one kind, which only the
    # compiler sees: a look-behind of varying width; a pattern with a look-behind is compiled
    # now, so a broken file still stops at load with its field named.
    made = _Made(None, needs, 0 if lower else re.IGNORECASE)
    if "(?<=" in text or "(?<!" in text:
        try:
            made.compiled_twin(text)
        except re.error as exc:
            raise LexiconError(path, where, f"invalid pattern ({exc})") from exc
    _MADE[text] = made
    return text


@dataclass
class _Made:
    """What loading made of one rule pattern: its lower-case twin (compiled on first use),
    the strings every match needs, and the flags the twin is compiled with."""

    twin: re.Pattern | None
    needs: tuple[frozenset[str], ...]
    flags: int

    def compiled_twin(self, text: str) -> re.Pattern:
        if self.twin is None:  # two threads may both compile it: the same pattern either way
            self.twin = re.compile(text, self.flags)
        return self.twin


# pattern text -> what loading made of it (see _Made), kept when a lexicon file is loaded
_MADE: dict[str, _Made] = {}


def _compile(
    source: str, defs: dict[str, str], path: Path, where: str, checked: bool = False
) -> re.Pattern:
    text = _expand(source, defs, path, where)
    try:
        compiled = re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(path, where, f"invalid pattern ({exc})") from exc
    if not checked and _nested_unbounded(text):
        raise LexiconError(
            path, where, "nested unbounded repetition (could take exponential time); bound it"
        )
    return compiled


def _parse(
    data: object, path: Path, known: dict[str, tuple[frozenset[str], ...]] | None = None
) -> Lexicon:
    """Check one loaded lexicon document (schema, then semantics) and compile it.

    With ``known`` (what an earlier load of these very bytes, by this very code, worked out and
    found good: :class:`AnalysisStore`) the checks are not made again and the rule patterns are
    not analysed again; everything is still compiled."""
    path = Path(str(path))
    checked = known is not None
    if not checked:
        _schema_check(data, path)
    if not isinstance(data, dict):  # the schema checked this; never skipped under -O
        raise LexiconError(path, "(top)", "expected a mapping")
    raw_defs = data.get("defs") or {}
    defs = {str(k): str(v).strip() for k, v in raw_defs.items()}
    for key, value in defs.items() if not checked else ():
        if _MACRO.search(value):
            raise LexiconError(path, f"defs.{key}", "definitions may not use other definitions")
        try:
            re.compile(_spaces_to_whitespace(value))
        except re.error as exc:
            raise LexiconError(path, f"defs.{key}", f"invalid pattern ({exc})") from exc
    rules = []
    seen: set[str] = set()
    for index, raw in enumerate(data["rules"]):
        where = f"rules[{index}]"
        rid = raw["id"]
        if rid in seen:
            raise LexiconError(path, f"{where}.id", f"duplicate id {rid!r}")
        seen.add(rid)
        excludes = raw.get("exclude") or []
        rules.append(
            _Rule(
                id=rid,
                kind=raw["kind"],
                source=_compile_rule(raw["pattern"], defs, path, f"{where}.pattern ({rid})", known),
                exclude=tuple(
                    _compile(str(x), defs, path, f"{where}.exclude[{i}] ({rid})", checked)
                    for i, x in enumerate(excludes)
                ),
                first_person=bool(raw.get("first_person", False)),
                jokes_cancel=bool(raw.get("jokes_cancel", False)),
            )
        )
    negation = data["negation"]
    subordinators = [str(w).lower() for w in negation.get("subordinators") or []]
    breaks = list(negation.get("clause_breaks") or [])
    breaks += [w for w in subordinators if w not in breaks]  # a subordinator is a break too
    clause_re = r"[,:()\"\u2013\u2014]" + (
        "|" + r"\b(?:" + "|".join(map(re.escape, breaks)) + r")\b" if breaks else ""
    )
    idioms = data.get("idioms") or []
    idiom_re = (
        _compile("|".join(f"(?:{str(x).strip()})" for x in idioms), defs, path, "idioms", checked)
        if idioms
        else None
    )
    for i, x in enumerate(idioms if not checked else ()):  # name the broken one
        _compile(str(x), defs, path, f"idioms[{i}]")
    reported = data.get("reported")
    triggers = _compile(str(data["triggers"]), defs, path, "triggers", checked)
    rules_tuple = tuple(rules)
    return Lexicon(
        language=str(data["language"]),
        rules=rules_tuple,
        first_person=_compile(str(data["first_person"]), defs, path, "first_person", checked),
        negation_cues=frozenset(str(w).lower() for w in negation.get("cues") or []),
        not_before=frozenset(str(w).lower() for w in negation.get("not_before") or []),
        clause_breaks=re.compile(clause_re, re.IGNORECASE),
        window=int(negation.get("window", 5)),
        jokes=_compile(str(data["jokes"]), defs, path, "jokes", checked),
        title_cues=_compile(str(data["titles"]["cues"]), defs, path, "titles.cues", checked),
        triggers=triggers,
        idioms=idiom_re,
        reported=_compile(str(reported), defs, path, "reported", checked) if reported else None,
        prefilter=_prefilter(rules_tuple),
        subordinators=frozenset(subordinators),
        subordinate_window=int(negation.get("subordinate_window", 3)),
    )


def _normalise_lang(lang: str | None) -> str:
    if not isinstance(lang, str) or not lang:
        return DEFAULT_LANGUAGE
    return lang.replace("_", "-").split("-")[0].lower()


def available_languages(root: Path | None = None) -> list[str]:
    base = root or LEXICON_ROOT
    return sorted(p.parent.name for p in base.glob("*/crisis.yaml"))


@lru_cache(maxsize=4)
def _shipped_languages() -> tuple[str, ...]:
    return tuple(available_languages())


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: object, line: int):
        super().__init__(f"duplicate key {key!r}")
        self.key, self.line = key, line


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader that refuses a key given twice (YAML would keep the last one silently).

    On libyaml's parser when PyYAML has it (as reattune.domain.datafile): every process that
    checks text reads all six lexicons first."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read(path: Path, raw: bytes | None = None) -> object:
    """The file's document (``raw``: its bytes, already read)."""
    try:
        text = (path.read_bytes() if raw is None else raw).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(path, "(file)", f"cannot be read ({exc})") from exc
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506  # nosec B506 - a SafeLoader subclass
    except _DuplicateKey as exc:
        raise LexiconError(path, f"line {exc.line}", f"duplicate key {exc.key!r}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LexiconError(path, where, f"YAML syntax error: {problem}") from exc
    if data is None:
        raise LexiconError(path, "(file)", "file is empty")
    return data


def load_lexicon_file(path: Path) -> Lexicon:
    """Read, check and compile one lexicon file. Raises LexiconError.

    Compiled once per version of the file (path, modification time, size): start-up's check
    and the detector share the compiled patterns."""
    try:
        stat = Path(path).stat()
    except OSError:
        return _load_lexicon_file(Path(path))  # raises LexiconError naming the file
    return _compiled_lexicon_file(Path(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _compiled_lexicon_file(path: Path, mtime_ns: int, size: int) -> Lexicon:
    return _load_lexicon_file(path)


class AnalysisStore(Protocol):
    """Where the analysis of a lexicon file is kept between processes (the app gives one:
    reattune.care.lexicons_json.AnalysisFolder). ``read`` answers None for anything it cannot
    vouch for; ``write`` may silently keep nothing."""

    def read(self, name: str) -> bytes | None: ...

    def write(self, name: str, data: bytes) -> None: ...


# None: every process analyses every file itself (plain Python use, the tests of the analysis)
ANALYSIS_STORE: AnalysisStore | None = None
_ANALYSIS_FORMAT = 1


def _analysis_name(raw: bytes) -> str:
    """The kept analysis's name: a digest of the file's bytes and of everything that judges
    them (this module, the schema, the Python that parses the patterns, PyYAML and its loader,
    jsonschema). Raises OSError when this module's source cannot be read (then nothing is
    kept or read)."""
    from importlib.metadata import version

    judges = (_ANALYSIS_FORMAT, sys.version_info[:3], yaml.__version__, _StrictLoader.__mro__[1])
    digest = hashlib.sha256(repr((*judges, version("jsonschema"))).encode())
    for part in (raw, Path(__file__).read_bytes(), SCHEMA_FILE.read_bytes()):
        digest.update(b"%d:" % len(part))
        digest.update(part)
    return f"crisis-analysis-{digest.hexdigest()[:40]}.json"


def _kept_analysis(data: bytes | None) -> dict[str, tuple[frozenset[str], ...]] | None:
    try:
        doc = json.loads(data) if data else None
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("format") != _ANALYSIS_FORMAT:
        return None
    needs = doc.get("needs")
    if not isinstance(needs, dict):
        return None
    known: dict[str, tuple[frozenset[str], ...]] = {}
    for text, sets in needs.items():
        if not (
            isinstance(sets, list)
            and all(isinstance(x, list) and all(isinstance(y, str) for y in x) for x in sets)
        ):
            return None
        known[text] = tuple(frozenset(x) for x in sets)
    return known


class _StaleAnalysis(Exception):
    """A kept analysis that does not cover a pattern of the file (never kept by this code)."""


def _load_lexicon_file(path: Path) -> Lexicon:
    """Read, check and compile one file. A check that passed is kept (ANALYSIS_STORE) under a
    digest of the file's bytes and of this code: another process loading the same bytes skips
    the checks and the analysis of each pattern, about four fifths of the work."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LexiconError(path, "(file)", f"cannot be read ({exc})") from exc
    data = _read(path, raw)
    store = ANALYSIS_STORE
    lexicon = None
    if store is not None:
        try:
            name = _analysis_name(raw)
        except OSError:  # installed without its source: every process analyses for itself
            store = None
    if store is not None:
        known = _kept_analysis(store.read(name))
        if known is not None:
            try:
                lexicon = _parse(data, path, known)
            except (_StaleAnalysis, LexiconError):
                lexicon = None  # checked and analysed afresh below
    if lexicon is None:
        lexicon = _parse(data, path)
        if store is not None and lexicon.language == path.parent.name:
            needs = {
                rule.source: [sorted(strings) for strings in _rule_needs(rule)]
                for rule in lexicon.rules
            }
            kept = {"format": _ANALYSIS_FORMAT, "needs": needs}
            store.write(name, json.dumps(kept, ensure_ascii=False, sort_keys=True).encode())
    if lexicon.language != path.parent.name:
        raise LexiconError(
            path, "language", f"{lexicon.language!r} does not match its folder {path.parent.name!r}"
        )
    return lexicon


@lru_cache(maxsize=16)
def load_lexicon(lang: str = DEFAULT_LANGUAGE, root: Path | None = None) -> Lexicon:
    """Load and compile the lexicon for ``lang`` (falls back to English). Raises LexiconError."""
    base = root or LEXICON_ROOT
    path = base / _normalise_lang(lang) / "crisis.yaml"
    if not path.is_file():
        path = base / DEFAULT_LANGUAGE / "crisis.yaml"
    return load_lexicon_file(path)


def validate_all_lexicons(root: Path | None = None) -> dict[str, Lexicon]:
    """Check every ``<lang>/crisis.yaml`` under ``root`` (default: the shipped lexicons).

    Meant for start-up (an ``AppConfig.ready()``): raises :class:`LexiconError` naming the file,
    the field and the problem of the first broken file, so the app refuses to start rather than
    silently checking fewer languages; the second stage's model file is checked too (when
    :data:`USE_MODEL`). Returns the compiled lexicons by language.
    """
    base = root or LEXICON_ROOT
    found = {path.parent.name: path for path in sorted(base.glob("*/crisis.yaml"))}
    if DEFAULT_LANGUAGE not in found:
        raise LexiconError(base / DEFAULT_LANGUAGE / "crisis.yaml", "(file)", "missing")
    lexicons = {code: load_lexicon_file(path) for code, path in found.items()}
    if USE_MODEL:
        from .crisis_model import load_model

        load_model()  # raises ModelError (a LexiconError) naming the field and the problem
    return lexicons


# --------------------------------------------------------------------------- matching


class _Meter:
    """Counts characters handed to the regex engine (a clock-free measure of work)."""

    __slots__ = ("chars",)

    def __init__(self) -> None:
        self.chars = 0


def _is_title(text: str, start: int, end: int, inner: str, lex: Lexicon) -> bool:
    before = text[max(0, start - 40) : start]
    if lex.title_cues.search(before):
        return True
    if _BY_NAME.match(text, end):
        return True
    words = _TITLE_WORD.findall(inner)
    long_words = [w for w in words if len(w) >= 4]
    return len(words) >= 2 and bool(long_words) and all(w[0].isupper() for w in long_words)


def _blank_titles(original: str, plain: str, lex: Lexicon) -> str:
    """Blank out quoted titles (same length, so offsets stay valid)."""
    chars = None
    for regex, source in ((_QUOTED, plain), (_SINGLE_QUOTED, original)):
        for m in regex.finditer(source):
            if _is_title(original, m.start(), m.end(), m.group(1), lex):
                if chars is None:
                    chars = list(plain)
                chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return plain if chars is None else "".join(chars)


def _negated(before: str, lex: Lexicon, cues: frozenset[str], not_before: frozenset[str]) -> bool:
    """Is there a negation cue in the last few words of the clause that ends at the match?

    ``cues`` and ``not_before`` hold the words of every lexicon in use, so an English "not"
    cancels a match that another language's rules found in an English sentence. When the
    clause was opened by one of the lexicon's subordinators ("quando", "when"), only the last
    ``subordinate_window`` words count: a negation further back belongs to the subordinate
    clause ("quando non smette di piangere ho voglia di ..."), not to the match.
    """
    last = None
    for found in lex.clause_breaks.finditer(before):
        last = found
    clause = before[last.end() :] if last is not None else before
    window = lex.window
    if last is not None and last.group().lower() in lex.subordinators:
        window = min(window, lex.subordinate_window)
    tokens = _TOKEN.findall(clause.lower())[-window:]
    for i, token in enumerate(tokens):
        bare = token.strip("'")
        if bare in cues or bare.endswith("n't"):
            following = tokens[i + 1].strip("'") if i + 1 < len(tokens) else ""
            if following in not_before:
                continue
            return True
    return False


def _overlaps(regex: re.Pattern, text: str, start: int, end: int, m_start: int, m_end: int) -> bool:
    return any(x.start() < m_end and x.end() > m_start for x in regex.finditer(text, start, end))


def _pieces(masked: str, meter: _Meter):
    """Sentences, with long ones cut into overlapping pieces of at most SEGMENT characters."""
    for sentence in _SENTENCE.finditer(masked):
        s_start, s_end = sentence.span()
        if s_end - s_start < 3:
            continue
        start = s_start
        while True:
            end = min(s_end, start + SEGMENT)
            if end < s_end:
                cut = masked.rfind(" ", start + SEGMENT // 2, end)
                if cut > start:
                    end = cut
            yield start, end
            if end >= s_end:
                break
            nxt = end - OVERLAP
            space = masked.find(" ", nxt, end)
            start = space + 1 if space != -1 and space + 1 < end else nxt


def _prepare(text: str, lex: Lexicon, plain: str | None = None) -> str:
    """The text as the rules read it (``plain``: its model_plain, when already made)."""
    plain = model_plain(text) if plain is None else plain
    # a left single quote opens a quotation; elsewhere treat it as an apostrophe
    return _blank_titles(text, plain, lex).replace("\u2018", "'")


def _lower_case_twin(pattern: re.Pattern) -> re.Pattern:
    """The same pattern without IGNORECASE, for text that is already lower case.

    Python's regex engine is several times faster on case-sensitive literals. A pattern with
    upper-case letters of its own (an escape such as \\S, a class such as [A-Z]) keeps its
    IGNORECASE form, which is just as right on lower-case text.

    Asked for each lexicon's triggers, idioms and reported-sentence cues on every scan, so the
    answer is kept per pattern text and flags: a compiled pattern as a cache key (lru_cache)
    hashes all of its compiled code on every call, about 15 microseconds for a long pattern,
    90 times per check. A pattern is kept, never a text.
    """
    key = (pattern.pattern, pattern.flags)
    twin = _TWINS.get(key)
    if twin is None:
        twin = _make_twin(pattern)
        if len(_TWINS) > 8_192:
            _TWINS.clear()
        _TWINS[key] = twin
    return twin


def _make_twin(pattern: re.Pattern) -> re.Pattern:
    if pattern.flags & re.IGNORECASE:
        made = _MADE.get(pattern.pattern)
        if made is not None:
            return made.compiled_twin(pattern.pattern)
    if pattern.pattern != pattern.pattern.lower():
        return pattern
    return re.compile(pattern.pattern)


_TWINS: dict[tuple[str | bytes, int], re.Pattern] = {}


def _same(pattern: re.Pattern) -> re.Pattern:
    return pattern


# --------------------------------------------------------------------------- the prefilter


_MAX_CLAUSES = 3  # strings sets kept per rule (the most telling ones)


def _best(clause: frozenset[str]) -> tuple[int, int]:
    """How telling a set of strings is: its shortest string long, then few strings."""
    return (min(map(len, clause)), -len(clause))


def _needs(items, ignore_case: bool) -> list[frozenset[str]]:
    """Sets of literal strings such that every match of ``items`` (a parsed sequence) contains
    a string of each set (most telling first; empty when nothing can be said).

    An optional part, a class or a case-insensitive literal gives nothing; only text the match
    consumes counts (look-arounds and anchors give nothing, and the literals on either side of
    one are taken separately). Of alternatives, each one's most telling set is joined.
    """
    from re import _constants as c

    repeats = {c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)}
    clauses: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            clauses.append(frozenset({"".join(run)}))
            run.clear()

    for op, av in items:
        if op == c.LITERAL and not ignore_case:
            run.append(chr(av))
            continue
        if op == c.BRANCH and run:
            # "di(?:e|sappear)" (how the parser stores "die|disappear"): the run goes on with
            # each alternative's leading literals
            heads = []
            for branch in av[1]:
                head = []
                for b_op, b_av in branch:
                    if b_op != c.LITERAL:
                        break
                    head.append(chr(b_av))
                heads.append("".join(run) + "".join(head))
            clauses.append(frozenset(heads))
            run.clear()
        close_run()
        if op == c.SUBPATTERN:
            clauses += _needs(av[-1], ignore_case or bool(av[1] & re.IGNORECASE))
        elif op == getattr(c, "ATOMIC_GROUP", None):
            clauses += _needs(av, ignore_case)
        elif op in repeats:
            if av[0] >= 1:
                clauses += _needs(av[2], ignore_case)
        elif op == c.BRANCH:
            alternatives = [_needs(branch, ignore_case) for branch in av[1]]
            if all(alternatives):
                clauses.append(frozenset().union(*(a[0] for a in alternatives)))
    close_run()
    return sorted(set(clauses), key=_best, reverse=True)


@lru_cache(maxsize=4096)
def rule_needs(pattern: re.Pattern) -> tuple[frozenset[str], ...]:
    """Sets of strings such that every match of ``pattern``'s lower-case twin contains one
    string of each set (at most :data:`_MAX_CLAUSES`, most telling first; empty: no need).

    A rule whose needs a piece of lower-cased text does not meet cannot match there, so it is
    not tried (the prefilter of :func:`_scan`; crisis.js does the same with these sets).
    Nothing is needed of a twin that keeps IGNORECASE.
    """
    if pattern.flags & re.IGNORECASE:
        made = _MADE.get(pattern.pattern)
        if made is not None:
            return made.needs
    twin = _lower_case_twin(pattern)
    if twin.flags & re.IGNORECASE:
        return ()
    try:
        from re import _parser as parser

        tree = parser.parse(twin.pattern, twin.flags)
    except Exception:  # pragma: no cover - other Python versions: no prefilter
        return ()
    if tree.state.flags & re.IGNORECASE:
        return ()
    return tuple(c for c in _needs(list(tree), False) if all(c))[:_MAX_CLAUSES]


def _rule_twin(rule: _Rule) -> re.Pattern:
    """The rule's pattern for lower-cased text (made when its file was loaded)."""
    made = _MADE.get(rule.source)
    return made.compiled_twin(rule.source) if made is not None else _lower_case_twin(rule.pattern)


def _rule_needs(rule: _Rule) -> tuple[frozenset[str], ...]:
    """:func:`rule_needs` of the rule's pattern (made when its file was loaded)."""
    made = _MADE.get(rule.source)
    return made.needs if made is not None else rule_needs(rule.pattern)


def _trie_pattern(strings) -> str:
    """One regex that, at each position, captures the longest of ``strings`` starting there
    (a trie: greedy optional tails, so the first success is the longest)."""
    trie: dict = {}
    for string in strings:
        node = trie
        for ch in string:
            node = node.setdefault(ch, {})
        node[None] = {}

    def emit(node: dict) -> str:
        parts = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k is not None)]
        if not parts:
            return ""
        body = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
        return f"(?:{body})?" if None in node else body

    return "(?=(" + emit(trie) + "))"


@dataclass(frozen=True)
class _Prefilter:
    finder: re.Pattern  # captures, at each position, the longest needed string starting there
    masks: dict[str, int]  # found string -> rules (bits in rule order) whose first set it meets
    prefixes: dict[str, frozenset[str]]  # found string -> the needed strings it starts with
    always: int  # rules that need nothing
    rest: tuple[tuple[frozenset[str], ...], ...]  # per rule, the needed sets after the first
    # per rule, the pattern for lower-cased text: filled when a text first passes it the rule
    twins: list[re.Pattern | None]
    # every needed string is its own case fold (_fold_case): the prefilter then also serves
    # text matched with the case-insensitive patterns (see _scan)
    foldable: bool = False


_PREFILTERS: dict[int, tuple[tuple[_Rule, ...], _Prefilter]] = {}

try:  # what the regex engine's IGNORECASE compares: the simple lower case and a few more
    from re import _casefix
    from re import _compiler as _re_compiler

    _FOLDS: dict[int, int] | None = {}
    _TO_LOWER = _re_compiler._sre.unicode_tolower
    _EXTRA_CASES: dict[int, tuple[int, ...]] = _casefix._EXTRA_CASES
except (ImportError, AttributeError):  # pragma: no cover - other Python versions
    _FOLDS = None


def _fold_code(code: int) -> int:
    """One character as IGNORECASE sees it: characters it takes for one another (a pattern's
    lower-case letter and every character it matches) fold to the same code."""
    folds = _FOLDS if _FOLDS is not None else {}
    folded = folds.get(code)
    if folded is None:
        low = _TO_LOWER(code)
        folded = min((low, *_EXTRA_CASES.get(low, ())))
        if len(folds) > 20_000:  # a character is kept, never a text
            folds.clear()
        folds[code] = folded
    return folded


def _fold_case(text: str) -> str:
    """``text`` folded one character for one (offsets stay valid) as IGNORECASE compares it:
    wherever a case-insensitive pattern matches a literal string of its own in ``text``, the
    folded text there is that string folded. So a rule whose needed strings (folded) a piece
    of the folded text lacks cannot match that piece with its case-insensitive pattern."""
    codes = map(ord, set(text))
    table = {code: folded for code in codes if (folded := _fold_code(code)) != code}
    return text.translate(table) if table else text


def _prefilter(rules: tuple[_Rule, ...]) -> _Prefilter:
    """The prefilter of a lexicon's rules, made once per rules tuple."""
    cached = _PREFILTERS.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    first: dict[str, int] = {}
    every: set[str] = set()
    always = 0
    rest = []
    for index, rule in enumerate(rules):
        needs = _rule_needs(rule)
        rest.append(needs[1:])
        if not needs:
            always |= 1 << index
            continue
        every.update(*needs)
        for string in needs[0]:
            first[string] = first.get(string, 0) | 1 << index
    # the finder reports the longest string at a position: the shorter ones that start there
    # too are its prefixes
    prefixes = {
        string: frozenset(
            string[:end] for end in range(1, len(string) + 1) if string[:end] in every
        )
        for string in every
    }
    masks = {}
    for string, found in prefixes.items():
        mask = 0
        for x in found:
            mask |= first.get(x, 0)
        masks[string] = mask
    made = _Prefilter(
        finder=re.compile(_trie_pattern(sorted(every))),
        masks=masks,
        prefixes=prefixes,
        always=always,
        rest=tuple(rest),
        twins=[None] * len(rules),
        foldable=_FOLDS is not None and all(_fold_case(x) == x for x in every),
    )
    if len(_PREFILTERS) > 64:
        _PREFILTERS.clear()
    _PREFILTERS[id(rules)] = (rules, made)  # the tuple is kept, so its id is not reused
    return made


def _scan(
    text: str,
    lex: Lexicon,
    meter: _Meter | None = None,
    cues: frozenset[str] | None = None,
    not_before: frozenset[str] | None = None,
    prefilter: bool = True,
    company: tuple[Lexicon, ...] = (),
    plain: str | None = None,
) -> list[CrisisSpan]:
    """The spans ``lex``'s rules find in ``text``.

    ``company`` are the other lexicons in use: their idioms cancel a match here too, and a
    sentence that any of them reads as reported (a film, a book, the news) is reported here too
    ("the film was about suicide": English reports it, and the French rule for "suicide" must
    hear that), as negation uses the cues of every lexicon. Only this lexicon's first-person
    words near a match keep it in a reported sentence (English "im" is not German "im").

    With ``prefilter`` (the default) a rule is only tried on a piece that contains one of the
    strings its every match contains (:func:`rule_needs`; one search of the piece finds them
    all), and a piece where no rule is left is not searched at all: the same spans as without
    it (tests/domain/test_crisis.py compares both on the whole dev corpus), for a fraction of
    the work.

    ``plain`` (:func:`model_plain` of ``text``) lets one check of every lexicon make the
    text's plain form once.
    """
    meter = meter or _Meter()
    cues = lex.negation_cues if cues is None else cues
    not_before = lex.not_before if not_before is None else not_before
    masked = _prepare(text, lex, plain)
    lowered = masked.lower()
    # match lower-cased text with case-sensitive twins when lowering kept every offset
    if len(lowered) == len(masked):
        subject, fast = lowered, _lower_case_twin
    else:
        subject, fast = masked, _same
    meter.chars += 3 * len(text)
    spans: list[CrisisSpan] = []
    triggers, first_person = fast(lex.triggers), fast(lex.first_person)
    everyone = (lex, *(other for other in company if other is not lex))
    idiom_sets = [fast(x.idioms) for x in everyone if x.idioms is not None]
    reporters = [fast(x.reported) for x in everyone if x.reported is not None]
    made = lex.prefilter or _prefilter(lex.rules)
    # Text whose lower case is longer (a dotted capital I) is matched as it is, with the
    # case-insensitive patterns; the prefilter then looks for the needed strings in its case
    # fold (_fold_case), which holds them wherever such a pattern matches.
    pre = made if prefilter and (fast is _lower_case_twin or made.foldable) else None
    needles = subject if fast is _lower_case_twin or pre is None else _fold_case(masked)
    all_rules: list[tuple[_Rule, re.Pattern]] = []
    if pre is None and fast is _lower_case_twin:
        twins = made.twins  # every rule is tried: all twins made once, then shared
        if None in twins:
            twins[:] = [_rule_twin(rule) for rule in lex.rules]
        all_rules = list(zip(lex.rules, cast("list[re.Pattern]", twins), strict=True))
    elif pre is None:
        all_rules = [(rule, rule.pattern) for rule in lex.rules]
    for p_start, p_end in _pieces(masked, meter):
        if pre is None:
            rules = all_rules
            meter.chars += p_end - p_start
            if not triggers.search(subject, p_start, p_end):
                continue
            triggered: bool | None = True
        else:
            # the rules whose needed strings this piece has, in rule order; the trigger words
            # are only looked for once one of them matches (without them nothing counts)
            meter.chars += p_end - p_start
            here: set[str] = set()
            mask = pre.always
            for string in set(pre.finder.findall(needles, p_start, p_end)):
                mask |= pre.masks[string]
                here |= pre.prefixes[string]
            rules = []
            while mask:
                low = mask & -mask
                index = low.bit_length() - 1
                mask ^= low
                if all(not need.isdisjoint(here) for need in pre.rest[index]):
                    if fast is not _lower_case_twin:
                        rules.append((lex.rules[index], lex.rules[index].pattern))
                        continue
                    twin = pre.twins[index]
                    if twin is None:
                        twin = pre.twins[index] = _rule_twin(lex.rules[index])
                    rules.append((lex.rules[index], twin))
            triggered = None
        fp_cache: bool | None = None
        joke_cache: bool | None = None
        reported_cache: bool | None = None
        for rule, pattern in rules:
            if triggered is False:
                break
            meter.chars += p_end - p_start
            for m in pattern.finditer(subject, p_start, p_end):
                if triggered is None:
                    meter.chars += p_end - p_start
                    triggered = bool(triggers.search(subject, p_start, p_end))
                if not triggered:
                    break
                m_start, m_end = m.span()
                w_start, w_end = max(p_start, m_start - _REACH), min(p_end, m_end + _REACH)
                meter.chars += (w_end - w_start) * (len(rule.exclude) + 1)
                if any(
                    _overlaps(fast(x), subject, w_start, w_end, m_start, m_end)
                    for x in rule.exclude
                ):
                    continue
                if any(
                    _overlaps(idiom, subject, w_start, w_end, m_start, m_end)
                    for idiom in idiom_sets
                ):
                    continue
                if rule.first_person:
                    if fp_cache is None:
                        meter.chars += p_end - p_start
                        fp_cache = bool(first_person.search(subject, p_start, p_end))
                    if not fp_cache:
                        continue
                if rule.jokes_cancel:
                    if joke_cache is None:
                        meter.chars += p_end - p_start
                        joke_cache = bool(fast(lex.jokes).search(subject, p_start, p_end))
                    if joke_cache:
                        continue
                if reporters:
                    if reported_cache is None:
                        meter.chars += (p_end - p_start) * len(reporters)
                        reported_cache = any(r.search(subject, p_start, p_end) for r in reporters)
                    if reported_cache and not first_person.search(
                        subject, max(p_start, m_start - _NEAR_SPEAKER), m_end
                    ):
                        continue
                if _negated(
                    subject[max(p_start, m_start - _REACH) : m_start], lex, cues, not_before
                ):
                    continue
                spans.append(CrisisSpan(m_start, m_end, rule.kind, rule.id, lex.language))
    return spans


def _lexicons(lang: str | None) -> list[Lexicon]:
    codes = list(_shipped_languages()) or [DEFAULT_LANGUAGE]
    first = _normalise_lang(lang) if lang else DEFAULT_LANGUAGE
    if first in codes:
        codes.remove(first)
        codes.insert(0, first)
    out = []
    for code in codes:
        try:
            out.append(load_lexicon(code))
        except Exception as exc:  # a broken file must not stop the other languages at run time
            if _REPORTED_BROKEN.get(code) != str(exc):  # say it once, not on every save
                _REPORTED_BROKEN[code] = str(exc)
                log.error("crisis lexicon %s cannot be used; checking without it: %s", code, exc)
    return out


_REPORTED_BROKEN: dict[str, str] = {}


def model_plain(text: str) -> str:
    """The text as the model reads it (and the rules before titles are blanked): invisible
    characters, apostrophes and quotes made plain and a trailing-off ellipsis blanked, one
    character for one (offsets stay valid). Not cached: a cache would keep people's last
    texts in memory between requests, and three translations cost little."""
    plain = text.translate(_INVISIBLE).translate(_APOSTROPHES).translate(_DOUBLE_QUOTES)
    return _TRAILING_OFF.sub(lambda m: " " * len(m.group()), plain)


def model_pieces(text: str):
    """(start, end, piece) for each sentence piece the model scores, cut as the rules cut."""
    plain = model_plain(text)
    for start, end in _pieces(plain, _Meter()):
        yield start, end, plain[start:end]


def _model_spans(text: str, meter: list[int] | None = None) -> list[CrisisSpan]:
    from .crisis_model import load_model

    model = load_model()
    spans = []
    for start, end, piece in model_pieces(text):
        scores = model.scores(piece, meter)
        if scores is None:
            continue
        top = max(range(len(scores)), key=lambda k: (scores[k], -k))  # first best on a tie
        if scores[top] < model.threshold:
            continue
        while start < end and not model.is_content(text[start]):
            start += 1
        while end > start and not model.is_content(text[end - 1]):
            end -= 1
        kind = model.labels[top]
        spans.append(CrisisSpan(start, end, kind, f"model.{kind}", ""))
    return spans


def _check(
    text: object,
    lang: str | None,
    meter: _Meter,
    use_model: bool = False,
    model_meter: list[int] | None = None,
    prefilter: bool = True,
) -> CrisisResult:
    if isinstance(text, bytes | bytearray):
        text = bytes(text[: 4 * MAX_CHARS]).decode("utf-8", errors="replace")
    if not isinstance(text, str) or not text.strip():
        return NO_HIT
    text = text[:MAX_CHARS]
    found: dict[tuple[int, int, str], CrisisSpan] = {}
    lexicons = _lexicons(lang)
    cues = frozenset().union(*(lex.negation_cues for lex in lexicons))
    not_before = frozenset().union(*(lex.not_before for lex in lexicons))
    company, plain = tuple(lexicons), model_plain(text)
    for lex in lexicons:
        try:
            for span in _scan(text, lex, meter, cues, not_before, prefilter, company, plain):
                found.setdefault((span.start, span.end, span.kind), span)
        except Exception:
            log.exception("crisis check (%s) failed; no hit from this language", lex.language)
    if not found and use_model:
        try:
            for span in _model_spans(text, model_meter):
                found.setdefault((span.start, span.end, span.kind), span)
        except Exception:
            log.exception("crisis model failed; the rules' answer stands")
    if not found:
        return NO_HIT
    spans = sorted(found.values(), key=lambda s: (s.start, s.end, s.kind))
    return CrisisResult(True, frozenset(s.kind for s in spans), tuple(spans))


def detect_crisis(
    text: object, lang: str | None = None, *, model: bool | None = None
) -> CrisisResult:
    """Check ``text`` for crisis language in every shipped language.

    Returns ``CrisisResult(hit, kinds, spans)``; ``kinds`` is a subset of :data:`KINDS`
    ({"self_harm", "suicide", "harm_to_others", "harm_from_others"}); ``spans`` index ``text``.
    ``lang`` (a code or tag such as "de" or "en-GB") only puts that language first.
    Never raises; anything that is not a string (or bytes) gives no hit.
    When the rules find nothing, the learned second stage is asked (unless ``model`` is False,
    or None with :data:`USE_MODEL` off); its spans have the rule ``model.<kind>``.
    """
    try:
        return _check(text, lang, _Meter(), USE_MODEL if model is None else model)
    except Exception:  # never let this check break a save
        log.exception("crisis check failed; treating the text as no hit")
        return NO_HIT


def scan_work(text: object, lang: str | None = None) -> int:
    """How many characters :func:`detect_crisis` hands to the regex engine for ``text``.

    For tests and benchmarks: the work grows linearly with the text, whatever the machine load.
    """
    meter = _Meter()
    _check(text, lang, meter)
    return meter.chars


def model_work(text: object) -> int:
    """How many characters and features the second stage handles for ``text`` (rules ignored):
    for tests and benchmarks, like :func:`scan_work`."""
    meter = [0]
    if isinstance(text, str) and text.strip():
        _model_spans(text[:MAX_CHARS], meter)
    return meter[0]
