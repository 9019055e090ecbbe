"""The crisis detector's learned second stage: a small linear model, run only where the rules
found nothing.

Plain Python, no Django, no numpy. The rules in :mod:`reattune.domain.safety.crisis` come
first; when they find nothing in a text, each sentence (cut as the rules cut it) is scored by
four one-vs-rest logistic regressions (suicide, self-harm, harm to others, harm from others)
over character n-grams and word unigrams and bigrams of the folded sentence. A sentence whose
best score reaches the threshold becomes a finding of that kind, with the sentence as its span
and ``model.<kind>`` as its rule.

The weights are data: ``reattune/data/crisis_model.json``, written by
``scripts/train_crisis_model.py`` from the dev corpus only (tests/data/crisis/dev), checked
against ``reattune/data/schemas/crisis_model.schema.json`` and then for what a schema cannot
see (weights matching the features, a fold table with only valid code points), and read once.

Everything the browser needs to score the same way is in the same file, served with the
lexicons (reattune/care/lexicons_json.py) to static/reattune/crisis.js:

* Folding: every code point below ``limit`` is replaced by its entry in ``fold`` (lower case,
  accents dropped, anything that is not a letter or digit becomes a space, an apostrophe
  disappears) or kept when it has no entry; every code point at or above ``limit`` becomes a
  space. The table is built by this module (:func:`fold_table`) when training and shipped, so
  Python's and JavaScript's Unicode tables never decide anything.
* Features: the tokens are the folded text split at spaces; ``w<token>`` for each token,
  ``b<token> <next>`` for each pair, and ``c<gram>`` for every character n-gram (``char_min`` to
  ``char_max`` code points) of the tokens joined by single spaces with a space at each end.
* Negation (when the file has ``negation``): the sentence is first cut into clauses at
  :data:`CLAUSE_MARKS` (comma, colon, brackets, quotes, dashes); after a token of ``cues``
  (unless the next token is one of ``not_before``: "can't stop") the next ``window`` tokens of
  the same clause are in its scope, up to a token of ``breaks`` ("but", "quando", "wenn",
  "wanneer"): each of them adds ``n<token>``, so "not ... hurt myself" and "hurt myself" weigh
  differently. The word lists are the lexicons' own, folded, gathered by the training script.
* Concepts (when the file has ``concepts``): a small table written by hand for the six languages
  maps words to shared concepts ("sterben", "mourir", "morire", "die" -> DIE; "Brücke",
  "pont", "brug" -> HEIGHT). A token is looked up whole in ``words``, else by its longest
  beginning (``min_prefix`` code points or more) in ``prefixes``. Each concept adds ``k<NAME>``
  (``k!<NAME>`` in a negation's scope) and each two concepts at most ``pair_gap`` tokens apart
  add ``k<A> <B>``: what one language teaches the model then counts in the others.
* Score for kind k: ``bias[k] + scale * S[k] / norm`` where ``S[k]`` is the integer sum of
  ``count(f) * weight[f][k]`` over the known features (exact in both languages) and ``norm`` the
  square root of the sum of squared counts of all features (known or not). The same IEEE
  operations in the same order give the same double in Python and JavaScript.

Work is linear in the text: at most ``char_max - char_min + 3`` features per character.
"""

from __future__ import annotations

import json
import logging
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..datafile import DATA_DIR, check
from .lexicon_error import LexiconError

log = logging.getLogger(__name__)

MODEL_FILE = DATA_DIR / "crisis_model.json"
SCHEMA = "crisis_model.schema.json"
FORMAT = 1
LABELS = ("suicide", "self_harm", "harm_to_others", "harm_from_others")
FOLD_LIMIT = 0x800  # code points at or above this fold to a space (none of the six languages)
APOSTROPHES = "'\u2019\u02bc"
# where a clause ends for the negation feature (crisis.js cuts at the same characters)
CLAUSE_MARKS = re.compile('[,:()"\u2013\u2014]')


class ModelError(LexiconError):
    """The model file is malformed: ``data/crisis_model.json: weights: problem``. A kind of
    LexiconError, so start-up (``validate_all_lexicons``) reports it the same way."""


def fold_char(c: str) -> str:
    """What one code point below FOLD_LIMIT becomes: the training script ships the table."""
    if c in APOSTROPHES:
        return ""
    out = []
    for ch in unicodedata.normalize("NFKD", c.lower()):
        if unicodedata.combining(ch):
            continue
        low = ch.lower()
        keep = ch.isalnum() and all(ord(x) < FOLD_LIMIT for x in low)
        out.append(low if keep else " ")
    return "".join(out)


def fold_table(limit: int = FOLD_LIMIT) -> dict[int, str]:
    """Every code point below ``limit`` that does not fold to itself, with what it becomes."""
    table = {}
    for code in range(limit):
        c = chr(code)
        folded = fold_char(c)
        if folded != c:
            table[code] = folded
    return table


@dataclass(frozen=True)
class Negation:
    """The negation feature's words, folded as the model folds (see the module docstring)."""

    cues: frozenset[str]
    not_before: frozenset[str]
    breaks: frozenset[str]
    window: int


@dataclass(frozen=True)
class Concepts:
    """The hand-written concept table (see the module docstring), folded as the model folds."""

    words: dict[str, str]
    prefixes: dict[str, str]
    min_prefix: int
    max_prefix: int
    pair_gap: int

    def of(self, token: str) -> str | None:
        found = self.words.get(token)
        if found is not None:
            return found
        for n in range(min(len(token), self.max_prefix), self.min_prefix - 1, -1):
            found = self.prefixes.get(token[:n])
            if found is not None:
                return found
        return None


@dataclass(frozen=True)
class Model:
    labels: tuple[str, ...]
    char_min: int
    char_max: int
    limit: int
    fold: dict[int, str]
    scale: float
    bias: tuple[float, ...]
    threshold: float
    weights: dict[str, tuple[int, ...]]
    negation: Negation | None = None
    concepts: Concepts | None = None

    def tokens(self, text: str) -> list[str]:
        folded = text.translate(self.fold)
        if any(ord(c) >= self.limit for c in folded):
            folded = "".join(c if ord(c) < self.limit else " " for c in folded)
        return [t for t in folded.split(" ") if t]

    def is_content(self, c: str) -> bool:
        """Does this code point fold to something other than a space (used to trim spans)?"""
        code = ord(c)
        if code >= self.limit:
            return False
        folded = self.fold.get(code, c)
        return folded != "" and folded.strip(" ") != ""

    def features(self, text: str) -> dict[str, int]:
        """Feature counts of one sentence: the words and n-grams, then the negated words."""
        if self.negation is None and self.concepts is None:
            return features(self.tokens(text), self.char_min, self.char_max)
        tokens: list[str] = []
        starts: set[int] = set()
        for clause in CLAUSE_MARKS.split(text):
            starts.add(len(tokens))
            tokens += self.tokens(clause)
        scope = [] if self.negation is None else negated_positions(tokens, starts, self.negation)
        extra = ["n" + tokens[i] for i in scope]
        if self.concepts is not None:
            extra += concept_features(tokens, set(scope), self.concepts)
        return features(tokens, self.char_min, self.char_max, extra)

    def scores(self, text: str, meter: list[int] | None = None) -> list[float] | None:
        """Scores per label for one sentence, or None when it has no token."""
        counts = self.features(text)
        if not counts:
            return None
        if meter is not None:
            meter[0] += len(text) + sum(counts.values())
        n = len(self.labels)
        sums = [0] * n
        # integer sums: exact whatever the order, so only the known features are visited
        squares = sum(count * count for count in counts.values())
        weights = self.weights
        rows = []
        for key in counts.keys() & weights.keys():
            count, row = counts[key], weights[key]
            rows.append(row if count == 1 else tuple(count * x for x in row))
        if rows:
            sums = [sum(column) for column in zip(*rows, strict=True)]
        norm = math.sqrt(squares)
        return [self.bias[k] + self.scale * sums[k] / norm for k in range(n)]


def concept_features(tokens: list[str], negated: set[int], concepts: Concepts) -> list[str]:
    """``k<NAME>`` for each token with a concept (``k!<NAME>`` when negated), then ``k<A> <B>``
    for each concept and the next one at most ``pair_gap`` tokens further on."""
    found: list[tuple[int, str]] = []
    for i, token in enumerate(tokens):
        name = concepts.of(token)
        if name is not None:
            found.append((i, ("!" + name) if i in negated else name))
    out = ["k" + name for _i, name in found]
    for (i, a), (j, b) in zip(found, found[1:], strict=False):
        if j - i <= concepts.pair_gap:
            out.append("k" + a + " " + b)
    return out


def negated_positions(tokens: list[str], starts: set[int], negation: Negation) -> list[int]:
    """Where the tokens in the scope of a negation cue are (see the module docstring)."""
    out: list[int] = []
    left = 0
    for i, token in enumerate(tokens):
        if i in starts or token in negation.breaks:
            left = 0
        if token in negation.cues:
            following = tokens[i + 1] if i + 1 < len(tokens) and i + 1 not in starts else ""
            left = 0 if following in negation.not_before else negation.window
            continue
        if left:
            out.append(i)
            left -= 1
    return out


def features(
    tokens: list[str], char_min: int, char_max: int, extra: list[str] | None = None
) -> dict[str, int]:
    """Feature counts of one folded sentence, in the order they are met (see the docstring);
    ``extra`` (negated words, concepts) are met last."""
    if not tokens:
        return {}
    keys = ["w" + token for token in tokens]
    # word keys, then each pair after its first word: the order they were always met in
    ordered: list[str] = []
    for i, token in enumerate(tokens):
        ordered.append(keys[i])
        if i + 1 < len(tokens):
            ordered.append("b" + token + " " + tokens[i + 1])
    joined = " " + " ".join(tokens) + " "
    length = len(joined)
    for n in range(char_min, char_max + 1):
        ordered += ["c" + joined[i : i + n] for i in range(length - n + 1)]
    if extra:
        ordered += extra
    return dict(Counter(ordered))  # counts in the order features were first met


def parse(data: object, path: Path | str = MODEL_FILE) -> Model:
    """Check a loaded model document (schema, then what a schema cannot see). Raises ModelError."""
    check(data, SCHEMA, path, error=ModelError)
    if not isinstance(data, dict):  # the schema checked this; never skipped under -O
        raise ModelError(path, "(top)", "expected a mapping")
    labels = tuple(data["labels"])
    if labels != LABELS:
        raise ModelError(path, "labels", f"expected {list(LABELS)}")
    if data["char_min"] > data["char_max"]:
        raise ModelError(path, "char_min", "greater than char_max")
    n = len(labels)
    names, flat = data["features"], data["weights"]
    if len(flat) != n * len(names):
        raise ModelError(
            path, "weights", f"{len(flat)} numbers for {len(names)} features x {n} labels"
        )
    for i, name in enumerate(names):
        if not isinstance(name, str) or len(name) < 2 or name[0] not in "cwbnk":
            raise ModelError(path, f"features[{i}]", f"{name!r} is not c, w, b, n or k and a text")
    for i, x in enumerate(flat):
        if type(x) is not int or not -127 <= x <= 127:
            raise ModelError(path, f"weights[{i}]", f"{x!r} is not an integer of -127..127")
    if len(set(names)) != len(names):
        raise ModelError(path, "features", "a feature is listed twice")
    if len(data["bias"]) != n:
        raise ModelError(path, "bias", f"expected {n} numbers")
    limit = int(data["limit"])
    fold: dict[int, str] = {}
    for key, value in data["fold"].items():
        code = int(key)
        if not 0 <= code < limit or any(ord(c) >= limit for c in value):
            raise ModelError(path, f"fold.{key}", f"code points must be below limit {limit}")
        fold[code] = value
    weights = {name: tuple(flat[i * n : (i + 1) * n]) for i, name in enumerate(names)}
    negation = None
    if "negation" in data:
        neg = data["negation"]
        negation = Negation(
            cues=frozenset(neg["cues"]),
            not_before=frozenset(neg["not_before"]),
            breaks=frozenset(neg["breaks"]),
            window=int(neg["window"]),
        )
    concepts = concepts_from(data["concepts"], path) if "concepts" in data else None
    return Model(
        labels=labels,
        char_min=int(data["char_min"]),
        char_max=int(data["char_max"]),
        limit=limit,
        fold=fold,
        scale=float(data["scale"]),
        bias=tuple(float(b) for b in data["bias"]),
        threshold=float(data["threshold"]),
        weights=weights,
        negation=negation,
        concepts=concepts,
    )


def concepts_from(table: dict, path: Path | str = MODEL_FILE) -> Concepts:
    """The concept table of a model file (or of the training script). Raises ModelError."""
    words: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for name, entries in table["names"].items():
        for entry in entries:
            into = prefixes if entry.endswith("*") else words
            key = entry.rstrip("*")
            if key in into:
                raise ModelError(path, f"concepts.names.{name}", f"{entry!r} listed twice")
            if into is prefixes and len(key) < table["min_prefix"]:
                raise ModelError(path, f"concepts.names.{name}", f"{entry!r} is too short")
            into[key] = name
    return Concepts(
        words=words,
        prefixes=prefixes,
        min_prefix=int(table["min_prefix"]),
        max_prefix=max(map(len, prefixes), default=0),
        pair_gap=int(table["pair_gap"]),
    )


def read(path: Path | str = MODEL_FILE) -> dict:
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ModelError(path, "(file)", f"cannot be read ({exc})") from exc


@lru_cache(maxsize=2)
def load_model(path: Path | str = MODEL_FILE) -> Model:
    """Read and check the shipped model once. Raises ModelError."""
    return parse(read(path), path)
