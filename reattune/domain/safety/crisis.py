"""Explicit crisis language in free text: suicide, self-harm, harm to others.

Called on every save of free text (journal, check-ins, reviews, coach saves). On a hit the text
is saved as usual and only its author is shown how to reach help now; nothing is sent to anyone.

Kinds: ``suicide``, ``self_harm``, ``harm_to_others`` (the author says they may hurt someone)
and ``harm_from_others`` (the author says someone threatened or attacked them, or that they fear
being killed or hurt: show the emergency number and domestic-violence lines first).

Design (plain Python, no Django):

* The patterns are data, one file per language: ``reattune/data/lexicons/<lang>/crisis.yaml``.
  The header of the English file explains every field. Unknown languages fall back to English.
* Explicit language only. Each rule is written around first-person statements of intent or
  experience ("I want to kill myself", "I've been cutting myself", "I'm going to kill him").
  Idioms and hyperbole ("this deadline is killing me", "I could kill for a coffee", "dying to
  see you") are never matched or are cancelled by an overlapping ``exclude`` phrase.
* Negation inside the same clause cancels a match ("I'm not suicidal"), except after words
  such as "can't stop" or "not sure" that do not negate.
* Quoted titles of songs, films and books are blanked before matching.
* Matching preserves offsets, so ``spans`` index the original text.
* :func:`detect_crisis` never raises: on any internal error it logs and reports no hit, so a
  save can never fail because of this check. The lexicon itself is checked by the tests
  (:func:`load_lexicon` does raise on a broken file).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

log = logging.getLogger(__name__)

LEXICON_ROOT = Path(__file__).resolve().parents[2] / "data" / "lexicons"
DEFAULT_LANGUAGE = "en"
KINDS = frozenset({"self_harm", "suicide", "harm_to_others", "harm_from_others"})
MAX_CHARS = 200_000  # only the first 200,000 characters are checked (far above any entry)

# Typographic apostrophes and quotes become plain ones; every replacement is one character
# for one character, so offsets stay the same.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u2032": "'"})
_DOUBLE_QUOTES = str.maketrans(
    {"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u201f": '"'}
)
_SENTENCE = re.compile(r"[^.!?;\n\r\u2026]+")
# Letters of any script (not only a-z), so negation works in every lexicon language.
_TOKEN = re.compile(r"[^\W\d_][^\W\d_']*(?:'[^\W\d_']*)*")
_QUOTED = re.compile(r'"([^"\n]{1,120})"')
_SINGLE_QUOTED = re.compile(
    r"(?:^|(?<=[\s(\[]))\u2018([^\u2018\u2019\n]{1,120})\u2019(?![a-z])", re.I
)
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_BY_NAME = re.compile(r"\s*,?\s+by\s+[A-Z]")
_MACRO = re.compile(r"\{([a-z_]+)\}")
_REACH = 160  # characters around a match searched for exclusions and negation


class LexiconError(ValueError):
    """A crisis lexicon file is malformed (names the file and the problem)."""


@dataclass(frozen=True)
class CrisisSpan:
    start: int
    end: int
    kind: str
    rule: str


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
    pattern: re.Pattern
    exclude: tuple[re.Pattern, ...]
    first_person: bool
    jokes_cancel: bool


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


def _spaces_to_whitespace(pattern: str) -> str:
    """A literal space means one or more whitespace characters, except inside [...]."""
    out: list[str] = []
    in_class = escaped = False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        elif ch == " " and not in_class:
            out.append(r"\s+")
            continue
        out.append(ch)
    return "".join(out)


def _compile(source: str, defs: dict[str, str], where: str) -> re.Pattern:
    def expand(match: re.Match) -> str:
        name = match.group(1)
        if name not in defs:
            raise LexiconError(f"{where}: unknown definition {{{name}}}")
        return f"(?:{defs[name]})"

    text = _spaces_to_whitespace(_MACRO.sub(expand, source.strip()))
    try:
        return re.compile(text, re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(f"{where}: invalid pattern ({exc})") from exc


def _parse(data: object, path: Path) -> Lexicon:
    name = str(path)
    if not isinstance(data, dict):
        raise LexiconError(f"{name}: expected a mapping at the top level")
    for key in ("language", "rules", "first_person", "negation", "jokes", "titles", "triggers"):
        if key not in data:
            raise LexiconError(f"{name}: missing field {key!r}")
    raw_defs = data.get("defs") or {}
    if not isinstance(raw_defs, dict):
        raise LexiconError(f"{name}: field 'defs' must be a mapping")
    defs = {str(k): str(v).strip() for k, v in raw_defs.items()}
    for key, value in defs.items():
        if _MACRO.search(value):
            raise LexiconError(f"{name}: defs.{key}: definitions may not use other definitions")
    rules = []
    seen = set()
    if not isinstance(data["rules"], list) or not data["rules"]:
        raise LexiconError(f"{name}: field 'rules' must be a non-empty list")
    for index, raw in enumerate(data["rules"]):
        where = f"{name}: rules[{index}]"
        if not isinstance(raw, dict):
            raise LexiconError(f"{where}: expected a mapping")
        rid = raw.get("id")
        if not isinstance(rid, str) or not rid:
            raise LexiconError(f"{where}: missing field 'id'")
        where = f"{name}: rule {rid!r}"
        if rid in seen:
            raise LexiconError(f"{where}: duplicate id")
        seen.add(rid)
        kind = raw.get("kind")
        if kind not in KINDS:
            raise LexiconError(f"{where}: kind must be one of {sorted(KINDS)}, not {kind!r}")
        if not isinstance(raw.get("pattern"), str):
            raise LexiconError(f"{where}: missing field 'pattern'")
        excludes = raw.get("exclude") or []
        if not isinstance(excludes, list):
            raise LexiconError(f"{where}: field 'exclude' must be a list")
        unknown = set(raw) - {"id", "kind", "pattern", "exclude", "first_person", "jokes_cancel"}
        if unknown:
            raise LexiconError(f"{where}: unknown field(s) {sorted(unknown)}")
        rules.append(
            _Rule(
                id=rid,
                kind=kind,
                pattern=_compile(raw["pattern"], defs, f"{where} pattern"),
                exclude=tuple(
                    _compile(str(x), defs, f"{where} exclude[{i}]") for i, x in enumerate(excludes)
                ),
                first_person=bool(raw.get("first_person", False)),
                jokes_cancel=bool(raw.get("jokes_cancel", False)),
            )
        )
    negation = data["negation"]
    if not isinstance(negation, dict):
        raise LexiconError(f"{name}: field 'negation' must be a mapping")
    for key in ("cues", "not_before", "clause_breaks"):
        words = negation.get(key) or []
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise LexiconError(
                f"{name}: negation.{key} must be a list of words (quote yes/no/on/off in YAML)"
            )
    breaks = list(negation.get("clause_breaks") or [])
    clause_re = r"[,:()\"\u2013\u2014]" + (
        "|" + r"\b(?:" + "|".join(map(re.escape, breaks)) + r")\b" if breaks else ""
    )
    titles = data["titles"]
    if not isinstance(titles, dict) or "cues" not in titles:
        raise LexiconError(f"{name}: field 'titles' must be a mapping with 'cues'")
    window = negation.get("window", 5)
    if not isinstance(window, int) or window < 1:
        raise LexiconError(f"{name}: negation.window must be a positive whole number")
    return Lexicon(
        language=str(data["language"]),
        rules=tuple(rules),
        first_person=_compile(str(data["first_person"]), defs, f"{name}: first_person"),
        negation_cues=frozenset(str(w).lower() for w in negation.get("cues") or []),
        not_before=frozenset(str(w).lower() for w in negation.get("not_before") or []),
        clause_breaks=re.compile(clause_re, re.IGNORECASE),
        window=window,
        jokes=_compile(str(data["jokes"]), defs, f"{name}: jokes"),
        title_cues=_compile(str(titles["cues"]), defs, f"{name}: titles.cues"),
        triggers=_compile(str(data["triggers"]), defs, f"{name}: triggers"),
    )


def _normalise_lang(lang: str | None) -> str:
    if not isinstance(lang, str) or not lang:
        return DEFAULT_LANGUAGE
    return lang.replace("_", "-").split("-")[0].lower()


def available_languages(root: Path | None = None) -> list[str]:
    base = root or LEXICON_ROOT
    return sorted(p.parent.name for p in base.glob("*/crisis.yaml"))


@lru_cache(maxsize=16)
def load_lexicon(lang: str = DEFAULT_LANGUAGE, root: Path | None = None) -> Lexicon:
    """Load and compile the lexicon for ``lang`` (falls back to English). Raises LexiconError."""
    base = root or LEXICON_ROOT
    code = _normalise_lang(lang)
    path = base / code / "crisis.yaml"
    if not path.is_file():
        path = base / DEFAULT_LANGUAGE / "crisis.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: cannot be read ({exc})") from exc
    return _parse(data, path)


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


def _negated(before: str, lex: Lexicon) -> bool:
    """Is there a negation cue in the last few words of the clause that ends at the match?"""
    parts = lex.clause_breaks.split(before)
    clause = parts[-1] if parts else before
    tokens = _TOKEN.findall(clause.lower())[-lex.window :]
    for i, token in enumerate(tokens):
        bare = token.strip("'")
        if bare in lex.negation_cues or bare.endswith("n't"):
            following = tokens[i + 1].strip("'") if i + 1 < len(tokens) else ""
            if following in lex.not_before:
                continue
            return True
    return False


def _overlaps(regex: re.Pattern, text: str, start: int, end: int, m_start: int, m_end: int) -> bool:
    return any(x.start() < m_end and x.end() > m_start for x in regex.finditer(text, start, end))


def _scan(text: str, lex: Lexicon) -> CrisisResult:
    plain = text.translate(_APOSTROPHES).translate(_DOUBLE_QUOTES)
    # a left single quote opens a quotation; elsewhere treat it as an apostrophe
    masked = _blank_titles(text, plain, lex).replace("\u2018", "'")
    spans: list[CrisisSpan] = []
    for sentence in _SENTENCE.finditer(masked):
        s_start, s_end = sentence.span()
        if s_end - s_start < 3 or not lex.triggers.search(masked, s_start, s_end):
            continue
        fp_cache: bool | None = None
        joke_cache: bool | None = None
        for rule in lex.rules:
            for m in rule.pattern.finditer(masked, s_start, s_end):
                m_start, m_end = m.span()
                w_start, w_end = max(s_start, m_start - _REACH), min(s_end, m_end + _REACH)
                if any(_overlaps(x, masked, w_start, w_end, m_start, m_end) for x in rule.exclude):
                    continue
                if rule.first_person:
                    if fp_cache is None:
                        fp_cache = bool(lex.first_person.search(masked, s_start, s_end))
                    if not fp_cache:
                        continue
                if rule.jokes_cancel:
                    if joke_cache is None:
                        joke_cache = bool(lex.jokes.search(masked, s_start, s_end))
                    if joke_cache:
                        continue
                if _negated(masked[max(s_start, m_start - _REACH) : m_start], lex):
                    continue
                spans.append(CrisisSpan(m_start, m_end, rule.kind, rule.id))
    if not spans:
        return NO_HIT
    spans.sort(key=lambda s: (s.start, s.end, s.kind))
    return CrisisResult(True, frozenset(s.kind for s in spans), tuple(spans))


def detect_crisis(text: object, lang: str = DEFAULT_LANGUAGE) -> CrisisResult:
    """Check ``text`` for explicit suicide, self-harm or harm-to-others language.

    Returns ``CrisisResult(hit, kinds, spans)``; ``kinds`` is a subset of :data:`KINDS`
    ({"self_harm", "suicide", "harm_to_others", "harm_from_others"}); ``spans`` index ``text``.
    Never raises; anything that is not a string (or bytes) gives no hit.
    """
    try:
        if isinstance(text, bytes | bytearray):
            text = bytes(text).decode("utf-8", errors="replace")
        if not isinstance(text, str) or not text.strip():
            return NO_HIT
        return _scan(text[:MAX_CHARS], load_lexicon(_normalise_lang(lang)))
    except Exception:  # never let this check break a save
        log.exception("crisis check failed; treating the text as no hit")
        return NO_HIT
