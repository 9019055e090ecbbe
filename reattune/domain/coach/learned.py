"""The coach's learned second stage: a small linear model over the words of a message.

One-vs-rest logistic regression over the prepared text (the analyzer's own lower-cased,
quote-masked, partner-mapped copy): word unigrams and bigrams, word classes (the spellings of
"you", "I", negation, always/never, intensifiers and laughter read as one class as well as
themselves: "ur lazy" and "you're lazy" share "#you lazy"), character 4-grams of each word (so
"clueless", "cluless" and "useless" share pieces), and two punctuation marks,
trained offline by ``scripts/train_coach_model.py`` from the development corpus only, and
shipped as ``reattune/data/coach_model.json`` (schema ``schemas/coach_model.schema.json``,
checked at load). Inference is plain Python: a dictionary lookup per feature and a few
additions.

The model only adds: a label the rules did not find is added when the model's score passes
that label's cut-off (chosen by cross-validation on the development corpus; a label with no
cut-off is never added). The added finding keeps the analyzer's promise: its span is the
sentence holding the words that weighed most, and its explanation quotes them. The rules'
findings are never changed or removed.

``USE_MODEL`` switches the whole stage on or off for ``analyze()`` (off: the rules' findings
alone, exactly as before the model existed); ``analyzer.analyze_with(text, lang, model)``
runs it with any model, whatever the switch says.
"""

from __future__ import annotations

import functools
import heapq
import json
import math
import re
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from ..datafile import DATA_DIR, DataFileError, check
from .labels import BLAME_LABELS, LABELS
from .model import Finding

# The one switch for the learned stage. On as shipped, since the model is no longer handed
# simply warm messages (warmth.py: "You're so kind." was once called criticism, "You're a
# genius!" contempt) and each label's cut-off is chosen on grouped out-of-fold scores of
# rules plus model (scripts/train_coach_model.py). Development part, grouped 5-fold CV,
# 2026-12-06, 1,942 messages: macro F1 0.949 with it against 0.943 rules only; on a fresh
# round measured once (105 messages) 0.882 against 0.854. The F1 floors of
# tests/domain/test_coach_eval.py hold with it only. Off: the rules' findings alone.
USE_MODEL = True

# Bits per label in the packed weights (see CoachModel.__post_init__): a message has at most
# MAX_CHARS characters: at most 2,500 words, so fewer than 13,000 features (words, classes,
# pairs of both, character grams) of at most 127 each: inside 2**21.
FIELD_BITS = 26

MODEL_PATH = DATA_DIR / "coach_model.json"
SCHEMA = "coach_model.schema.json"
# 2: word classes and character grams; 3: the message's first word (a file trained on the
# features of an earlier format would load but score wrongly, so it is refused).
FORMAT = 3

# Punctuation that carries meaning the word tokens lose (questions, exclamations).
PUNCTUATION_FEATURES = ("?", "!")
# Word classes: each spelling is read as itself and as its class, so what the model learns
# about one spelling carries to the others (text-speak, contractions without apostrophes).
# A class name starts with "#", which no token can.
WORD_CLASSES = {
    "#you": "you u ya yah ye yu you're youre ur your yours yourself you've youve you'd "
    "you'll youll yall y'all",
    "#i": "i i'm im me my myself i've ive i'd i'll",
    "#not": "not no nope don't dont didn't didnt doesn't doesnt can't cant cannot won't wont "
    "isn't isnt aren't arent wasn't wasnt weren't haven't havent hasn't wouldn't wouldnt "
    "couldn't couldnt shouldn't nothing nobody none",
    "#always": "always never constantly forever everytime every ever again once",
    "#so": "so such soo sooo soooo really literally totally completely absolutely truly very "
    "super actually honestly seriously",
    "#lol": "lol lool lmao lmaoo lmaooo lmfao haha hahaha hahahaha rofl lolol",
}
CLASS_OF = {word: name for name, words in WORD_CLASSES.items() for word in words.split()}
# The message's first word, and its class, marked with FIRST ("^what", "^#you"): how a message
# opens tells a question about the partner ("what did…", "how was…") from a blaming one
# ("why do you…") and a request from a verdict, wherever the rest of its words stand.
FIRST = "^"
# Character n-grams: of each word with "<" and ">" around it; stored with GRAM_MARK in front
# (a gram like "love" must not be the word "love").
GRAM = 4
# How many words' weighted grams a model keeps at most (see CoachModel.gram_cache): about the
# words of 20,000 messages, a few megabytes.
GRAM_CACHE_SIZE = 50_000
GRAM_MARK = "~"
# The model reads English: a message fewer than this share of whose words it has weights for
# (another language: "Ich bin so stolz auf dich" knows only "so") is left to the rules. On
# English it has not seen (the 258 sentences of tests/data/coach_rewrites.yaml) the share is 0.67 or more; on the
# warm messages in five other languages of tests/domain/test_coach_warmth.py, 0.22 or less.
MIN_KNOWN = 0.4
# Labels the model may add. feeling_named and no_feeling_named follow from the feeling words
# alone; the model never guesses them.
ADDABLE = tuple(label for label in LABELS if label not in ("feeling_named", "no_feeling_named"))
# The labels the model may add where the rules found a constructive form (an I-statement,
# validation, a curious question or a complaint) but no conflict pattern: what such messages
# most often miss in new voices is the specific moment ("u didnt ask about my exam"), a
# follow-up question ("wait, what happened at work?") and what it means for the two of them.
# level_content is not among them: it is in most messages, so asking the model for it after
# every constructive form cost a third of the analyzer's speed (2026-12-07) for a few points of
# recall; it is added where the model is asked anyway.
SOFT_LABELS = frozenset({"complaint", "curiosity_question", "level_meaning"})
# Where the message is kind or simply warm: only what cannot hurt to be told (a kind message
# is never called a complaint).
GENTLE_LABELS = frozenset({"curiosity_question", "level_meaning"})
# The labels the shipped model adds (the others keep their cut-offs in the file, unused): the
# conflict patterns, where the rules miss most in new voices, and the soft labels above, each
# with a cut-off chosen out of fold (a label whose additions lower its out-of-fold F1 gets
# none). I-statements, validation and process are left to the rules: a bag of words cannot
# tell "I'd be annoyed too" from "I'm annoyed".
MODEL_LABELS = BLAME_LABELS | SOFT_LABELS | {"level_content"}
# Labels that make a message more than logistics (a conflict pattern, a complaint, a question
# about the partner's inner world, what it means for the two of them).
_NOT_LOGISTICS = BLAME_LABELS | {"complaint", "curiosity_question", "level_meaning"}
# The labelling guide's implications (docs/coach.md), applied to what the model adds too.
IMPLIED = {
    "absolute": ("you_blame",),
    "criticism": ("you_blame", "level_meaning"),
    "contempt": ("you_blame",),
    "disguised_blame": ("you_blame",),
}


class CoachModelError(DataFileError):
    """The coach model file is missing or wrong."""


@dataclass(frozen=True, slots=True)
class CoachModel:
    labels: tuple[str, ...]
    bias: tuple[float, ...]
    # Score (log-odds) a label must reach to be added; None: the model never adds it.
    cutoffs: tuple[float | None, ...]
    # feature -> ((label index, weight), ...), only the weights that are not zero
    table: dict[str, tuple[tuple[int, float], ...]]
    explanations: dict[str, str]
    scale: float = 1.0  # a weight is an integer times this
    # The fast path, made from the above (see __post_init__).
    active: tuple[int, ...] = field(init=False, compare=False)
    # the labels of `active`: what the model can add at all
    adds: frozenset[str] = field(init=False, compare=False)
    packed: dict[str, int] = field(init=False, compare=False)
    # the bigrams' packed weights keyed by the token pair: no string to build per message
    packed_pairs: dict[tuple[str, ...], int] = field(init=False, compare=False)
    # the character grams' packed weights keyed by the gram itself (without GRAM_MARK)
    packed_grams: dict[str, int] = field(init=False, compare=False)
    # word -> its character grams that carry a weight (most carry none), filled as words are
    # met and emptied when it grows past GRAM_CACHE_SIZE: a message's grams cost a lookup per
    # word instead of slicing every word again
    gram_cache: dict[str, frozenset[str]] = field(init=False, compare=False, repr=False)
    # the words (unigrams) the model has a weight for, any label
    known: frozenset[str] = field(init=False, compare=False)
    question: int = field(init=False, compare=False)
    exclamation: int = field(init=False, compare=False)
    base: int = field(init=False, compare=False)
    high: int = field(init=False, compare=False)
    # label index -> {feature: weight} of the features that push towards it (explanations)
    pushing: dict[int, dict[str, float]] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        """Pack each feature's integer weights for the labels with a cut-off ("active") into
        one Python int, FIELD_BITS bits per label (two's complement across fields works out:
        the sum is exact). Adding `base` to the sum of a message's packed weights makes field
        k hold (sum of label k's weights - what it needs + 2**(FIELD_BITS - 1)), never negative
        and below 2**FIELD_BITS, so its top bit is set exactly when label k reaches its cut-off:
        one sum and one `&` answer "does any label pass?" for the whole message."""
        active = tuple(
            i
            for i, cutoff in enumerate(self.cutoffs)
            if cutoff is not None and self.labels[i] in MODEL_LABELS
        )
        position = {index: k for k, index in enumerate(active)}
        packed: dict[str, int] = {}
        for feature, entries in self.table.items():
            value = 0
            for index, weight in entries:
                k = position.get(index)
                if k is not None:
                    value += round(weight / self.scale) << (FIELD_BITS * k)
            if value:
                packed[feature] = value
        half = 1 << (FIELD_BITS - 1)
        base = high = 0
        for k, index in enumerate(active):
            cutoff = self.cutoffs[index]
            if cutoff is None:  # never: `active` holds only labels with a cut-off
                continue
            # the integer sum a label needs: bias + scale * sum >= cutoff
            needed = math.ceil((cutoff - self.bias[index]) / self.scale - 1e-9)
            needed = max(-half // 2, min(half // 2, needed))
            base += (half - needed) << (FIELD_BITS * k)
            high += half << (FIELD_BITS * k)
        pushing: dict[int, dict[str, float]] = {index: {} for index in active}
        for feature, entries in self.table.items():
            for index, weight in entries:
                if weight > 0 and index in pushing:
                    pushing[index][feature] = weight
        object.__setattr__(self, "pushing", pushing)
        pairs = {tuple(f.split(" ")): v for f, v in packed.items() if " " in f}
        grams = {f[1:]: v for f, v in packed.items() if f.startswith(GRAM_MARK)}
        object.__setattr__(self, "packed_pairs", pairs)
        object.__setattr__(self, "packed_grams", grams)
        object.__setattr__(self, "gram_cache", {})
        words = (
            f for f in self.table if " " not in f and not f.startswith(("#", GRAM_MARK, FIRST))
        )
        object.__setattr__(self, "known", frozenset(words))
        object.__setattr__(self, "question", packed.get("?", 0))
        object.__setattr__(self, "exclamation", packed.get("!", 0))
        object.__setattr__(self, "active", active)
        object.__setattr__(self, "adds", frozenset(self.labels[i] for i in active))
        object.__setattr__(self, "packed", packed)
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "high", high)

    def passing(self, feats: set[str]) -> list[int]:
        """The indexes of the labels whose score reaches their cut-off (usually none)."""
        return self._passing((sum(map(self.packed.get, feats, repeat(0))) + self.base) & self.high)

    def passing_tokens(self, tokens: list[str], work: str) -> list[int]:
        """passing(features(tokens, work)), without building the features (the analyzer's
        path: a lookup per token and per token pair, one sum and one `&`). Nothing passes for a
        message mostly of words the model never saw (see MIN_KNOWN)."""
        unique = set(tokens)
        if len(unique.intersection(self.known)) < MIN_KNOWN * len(unique):
            return []
        # each token as its class where it has one (CLASS_OF.get(token, token))
        mapped = list(map(CLASS_OF.get, tokens, tokens))
        words = unique.union(mapped)
        total = self.base + sum(map(self.packed.get, words, repeat(0)))
        if len(tokens) > 1:
            pairs = set(zip(tokens, tokens[1:], strict=False))
            pairs.update(zip(mapped, mapped[1:], strict=False))
            total += sum(map(self.packed_pairs.get, pairs, repeat(0)))
        total += sum(map(self.packed_grams.__getitem__, self._weighted_grams(unique)))
        first = tokens[0] if tokens else ""
        get = self.packed.get
        total += get(FIRST + first, 0) + get(FIRST + CLASS_OF.get(first, ""), 0)
        if "?" in work:
            total += self.question
        if "!" in work:
            total += self.exclamation
        return self._passing(total & self.high)

    def weighted_features(self, tokens: list[str], work: str) -> set[str]:
        """features(tokens, work) less the character grams that carry no weight (the only
        features an explanation can quote, at a fraction of the cost: a message's grams come
        from the cache)."""
        feats = features(tokens, work, grams=False)
        feats.update(GRAM_MARK + gram for gram in self._weighted_grams(set(tokens)))
        return feats

    def _weighted_grams(self, words: set[str]) -> set[str]:
        """The character grams of these words that carry a weight (as _grams, less the rest)."""
        cache = self.gram_cache
        found: set[str] = set()
        for word in words:
            grams = cache.get(word)
            if grams is None:
                if len(cache) >= GRAM_CACHE_SIZE:
                    cache.clear()
                weighted = self.packed_grams
                grams = cache[word] = frozenset(g for g in _grams({word}) if g in weighted)
            if grams:
                found.update(grams)
        return found

    def _passing(self, flags: int) -> list[int]:
        if not flags:
            return []
        top = FIELD_BITS - 1
        return [i for k, i in enumerate(self.active) if flags >> (FIELD_BITS * k + top) & 1]

    def scores(self, feats: set[str]) -> list[float]:
        total = list(self.bias)
        get = self.table.get
        for feature in feats:
            entry = get(feature)
            if entry is not None:
                for index, weight in entry:
                    total[index] += weight
        return total


def _grams(words: set[str]) -> set[str]:
    """The character GRAM-grams of each word, with "<" and ">" marking its ends."""
    grams: set[str] = set()
    for word in words:
        padded = f"<{word}>"
        grams.update(padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1))
    return grams


def features(tokens: list[str], work: str, grams: bool = True) -> set[str]:
    """The model's features of a message (see passing_tokens, which computes the same): its
    tokens (emoji among them) and their classes, adjacent pairs of both, character grams
    (unless `grams` is false), the first word, "?" and "!"."""
    feats = set(tokens)
    mapped = [CLASS_OF.get(token, token) for token in tokens]
    feats.update(mapped)
    if len(tokens) > 1:
        feats.update(map(" ".join, zip(tokens, tokens[1:], strict=False)))
        feats.update(map(" ".join, zip(mapped, mapped[1:], strict=False)))
    if grams:
        feats.update(GRAM_MARK + gram for gram in _grams(set(tokens)))
    if tokens:
        feats.add(FIRST + tokens[0])
        if tokens[0] in CLASS_OF:
            feats.add(FIRST + CLASS_OF[tokens[0]])
    if "?" in work:
        feats.add("?")
    if "!" in work:
        feats.add("!")
    return feats


def from_data(data: dict, path: Path | str = MODEL_PATH) -> CoachModel:
    """A model from the parsed file, checked (schema, then what a schema cannot say)."""
    weights = data.get("weights") if isinstance(data, dict) else None
    if isinstance(weights, dict) and weights:
        # The schema is checked without the thousands of weights (jsonschema takes seconds
        # over them); they are checked below.
        check({**data, "weights": {}}, SCHEMA, path, error=CoachModelError)
    else:
        check(data, SCHEMA, path, error=CoachModelError)
    labels = tuple(data["labels"])
    unknown = [label for label in labels if label not in ADDABLE]
    if unknown:
        raise CoachModelError(path, "labels", f"labels the model may not add: {unknown}")
    if len(set(labels)) != len(labels):
        raise CoachModelError(path, "labels", "a label appears twice")
    n = len(labels)
    for name in ("bias", "cutoffs"):
        if len(data[name]) != n:
            raise CoachModelError(path, name, f"{len(data[name])} entries for {n} labels")
    scale = data["scale"]
    table: dict[str, tuple[tuple[int, float], ...]] = {}
    for feature, entries in data["weights"].items():
        pairs = []
        if not feature or not isinstance(entries, list) or not entries:
            raise CoachModelError(path, f"weights.{feature}", "not a list of [label, weight]")
        for entry in entries:
            if not (
                isinstance(entry, list)
                and len(entry) == 2
                and all(type(v) is int for v in entry)
                and 0 <= entry[0]
                and -127 <= entry[1] <= 127
            ):
                raise CoachModelError(path, f"weights.{feature}", f"not [label, weight]: {entry}")
            index, quantised = entry
            if index >= n:
                raise CoachModelError(path, f"weights.{feature}", f"label index {index} >= {n}")
            pairs.append((index, quantised * scale))
        table[feature] = tuple(pairs)
    explanations = dict(data["explanations"])
    missing = [label for label in labels if label not in explanations]
    if missing:
        raise CoachModelError(path, "explanations", f"no explanation for {missing}")
    for label, template in explanations.items():
        if template.count("{words}") != 1:
            raise CoachModelError(path, f"explanations.{label}", "needs {words} exactly once")
    cutoffs = tuple(None if c is None else float(c) for c in data["cutoffs"])
    bias = tuple(float(b) for b in data["bias"])
    if not all(math.isfinite(v) for v in bias + tuple(c for c in cutoffs if c is not None)):
        raise CoachModelError(path, "bias", "not a finite number")
    return CoachModel(labels, bias, cutoffs, table, explanations, scale)


@functools.cache
def load_model(path: Path | str = MODEL_PATH) -> CoachModel:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CoachModelError(path, "(file)", f"cannot read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise CoachModelError(path, f"line {exc.lineno}", f"not JSON: {exc.msg}") from exc
    return from_data(data, path)


def active_model() -> CoachModel | None:
    """The shipped model, or None when the learned stage is switched off."""
    return load_model() if USE_MODEL else None


# ----- findings -----


def from_the_model(finding: Finding) -> bool:
    """Was this finding added by the learned stage? (Its explanation is one of the model's
    templates: "This may land as mockery or sarcasm, mostly because of ...".) The rewrite
    takes a situation only from the rules' findings: the model's span is a whole sentence, and
    a bag of words cannot tell a moment ("when you left the dishes") from a verdict ("when
    you're emotionally useless")."""
    model = load_model()
    template = model.explanations.get(finding.label)
    if template is None:
        return False
    before, after = template.split("{words}")
    return finding.explanation.startswith(before) and finding.explanation.endswith(after)


def _word_pattern(word: str) -> str:
    """A pattern for one word of a feature: the word, or any spelling of its class."""
    members = WORD_CLASSES.get(word)
    if members is None:
        return re.escape(word)
    return "(?:" + "|".join(map(re.escape, members.split())) + ")"


def _word_span(work: str, feature: str, start: int, end: int) -> tuple[int, int] | None:
    """Where a feature's words stand in the prepared text (between start and end); for a
    character gram, the word holding it."""
    if feature in PUNCTUATION_FEATURES or (len(feature) == 1 and not feature.isalnum()):
        pos = work.find(feature, start, end)
        return (pos, pos + 1) if pos >= 0 else None
    if feature.startswith(FIRST) and len(feature) > len(FIRST):
        feature = feature[len(FIRST) :]  # the first word: its first occurrence
    if feature.startswith(GRAM_MARK):
        gram = feature[len(GRAM_MARK) :]
        core = re.escape(gram.strip("<>"))
        before = r"(?<![\w'])" if gram.startswith("<") else r"(?<![\w'])[\w']*"
        after = r"(?![\w'])" if gram.endswith(">") else r"[\w']*(?![\w'])"
        pattern = before + core + after
    else:
        words = feature.split(" ")
        pattern = r"(?<![\w'])" + r"[^\w']+".join(map(_word_pattern, words)) + r"(?![\w'])"
    match = _compiled(pattern).search(work, start, end)
    return match.span() if match else None


@functools.lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern[str]:
    """A feature's pattern, compiled once (re's own cache holds too few for every feature)."""
    return re.compile(pattern)


def add_findings(
    model: CoachModel,
    tokens: list[str],
    work: str,
    text: str,
    sentences: list[tuple[int, int]],
    findings: list[Finding],
    allowed: frozenset[str] = MODEL_LABELS,
) -> list[Finding] | None:
    """The findings with what the model adds (of the labels `allowed`), or None when it adds
    nothing."""
    # The usual case: a lookup per token and token pair, one sum and one `&`, all in C.
    passing = model.passing_tokens(tokens, work)
    if not passing:
        return None
    have = {finding.label for finding in findings}
    labels_ = model.labels
    added = [labels_[i] for i in passing if labels_[i] in allowed and labels_[i] not in have]
    if not added:
        return None
    feats = model.weighted_features(tokens, work)
    new: list[Finding] = []
    for label in added:
        new.append(_finding(model, label, feats, work, text, sentences))
    labels = have | set(added)
    for label in added:
        for implied in IMPLIED.get(label, ()):
            if implied not in labels:
                labels.add(implied)
                base = new[added.index(label)]
                new.append(Finding(implied, list(base.spans), base.explanation))
    findings = findings + new
    if "logistics_only" in labels and not _NOT_LOGISTICS.isdisjoint(labels):
        # A conflict pattern (or a complaint, a curious question, meaning) makes the message
        # more than logistics.
        findings = [f for f in findings if f.label != "logistics_only"]
    findings.sort(key=lambda f: (f.spans[0][0] if f.spans else 0, f.label))
    return findings


# How many of the heaviest features are looked at for the (at most three) quoted cues.
_CANDIDATES = 8
# Words too common to show as a cue on their own (a quoted cue needs one word of at least
# three letters that is not one of these).
_STOPWORDS = frozenset(
    "a an the and or but so if of to in on at by for with from as is am are was were be been "
    "being it its it's this that these those there here then than i i'm im me my mine we us "
    "our do does did have has had just very".split()
)


def _quotable(piece: str) -> bool:
    """Does a quoted piece hold a word a reader can take as the cue?"""
    return any(
        len(word) >= 3 and word not in _STOPWORDS for word in re.findall(r"[\w']+", piece.lower())
    )


def _finding(
    model: CoachModel,
    label: str,
    feats: set[str],
    work: str,
    text: str,
    sentences: list[tuple[int, int]],
) -> Finding:
    pushing = model.pushing[model.labels.index(label)]
    weighed = [(-pushing[feature], feature) for feature in feats if feature in pushing]
    top = [feature for _, feature in heapq.nsmallest(_CANDIDATES, weighed)]
    # The span: the sentence holding the word that weighed most (the whole message if none).
    # Only words a reader can recognise as the cue are quoted: "a" or "the" weigh, but quoting
    # them explains nothing.
    start, end = 0, len(work)
    spans = [_word_span(work, feature, 0, len(work)) for feature in top]
    spans = [span for span in spans if span is not None and _quotable(work[span[0] : span[1]])]
    spans = spans[:3]
    first = next((span for span in spans if span is not None), None)
    if first is not None and sentences:
        for s_start, s_end in sentences:
            if s_start <= first[0] < max(s_end, s_start + 1):
                start, end = s_start, s_end
                break
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        start, end = 0, len(text)
    quoted: list[str] = []
    for span in spans:
        if span is None:
            continue
        piece = " ".join(text[span[0] : span[1]].split())
        if piece and piece not in quoted:
            quoted.append(piece)
    words = "”, “".join(quoted) if quoted else " ".join(text[start:end].split())[:60]
    return Finding(label, [(start, end)], model.explanations[label].replace("{words}", words))
