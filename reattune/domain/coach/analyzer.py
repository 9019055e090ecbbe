"""The analyzer: what a message may sound like to a partner, pointing at the exact words.

Works on a prepared copy of the text that keeps every character in place (lower case, plain
apostrophes, quoted speech blanked out), so every span is also a span of the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .labels import LEVELS
from .lexicon import DIGIT_RE, DIGIT_WORD, SYMBOL_RE, Lexicon, load_lexicon
from .model import MAX_CHARS, Analysis, Feeling, Finding, TextTooLong
from .text import SENTENCE_RE, TOKEN_RE, mask, normalize, quoted_regions

# Something that can open a quotation (a single quote only after a space or bracket).
_QUOTE_OPENS = re.compile(r"[\"“„«]|(?:^|[\s(\[:])'").search
_CONFLICT = ("absolute", "you_blame", "criticism", "contempt", "defensiveness", "stonewalling")
_BLAMING = frozenset({"absolute", "you_blame", "criticism", "contempt"})

Span = tuple[int, int]


def _by_start(hit: tuple) -> int:
    return hit[1]


_PATTERN_FAMILIES = frozenset({"blame", "criticism", "contempt", "defensiveness", "stonewalling"})
_I_FAMILIES = frozenset({"i_disguised", "i_needs", "i_feel_like_self"})
_LISTENING_FAMILIES = frozenset({"validation", "curiosity", "invitations"})


class _Message:
    """One message being analysed: the prepared text, its sentences and the hits so far."""

    __slots__ = (
        "lex",
        "work",
        "tokens",
        "chosen",
        "found",
        "starts",
        "ends",
        "hits",
        "sentence_labels",
        "feelings",
        "kind",
    )

    def __init__(self, work: str, lex: Lexicon) -> None:
        self.lex = lex
        self.work = work
        self.found: dict[str, list] = {}
        tokens = TOKEN_RE.findall(work)
        if not work.isascii():
            tokens += SYMBOL_RE.findall(work)
        if DIGIT_RE.search(work):
            tokens.append(DIGIT_WORD)
        token_set = set(tokens)
        self.tokens = token_set
        present = lex.plain_words.intersection(token_set)
        if present:
            # Patterns that are one plain word are found by lookup, in one pass over the words.
            table = lex.word_table
            for match in TOKEN_RE.finditer(work):
                token = match.group()
                if token in present:
                    for family, kind, options in table[token]:
                        hit = (kind, match.start(), match.end(), options)
                        found = self.found.get(family)
                        if found is None:
                            self.found[family] = [hit]
                        else:
                            found.append(hit)
        self.chosen = lex.choose(token_set)
        # Families with word hits but no other pattern to run are already complete.
        for family in self.found:
            self.chosen.setdefault(family, [])
        spans = [match.span() for match in SENTENCE_RE.finditer(work)]
        self.starts = [start for start, _ in spans]
        self.ends = [end for _, end in spans]
        # label -> list of (start, end, kind)
        self.hits: dict[str, list[tuple[int, int, str]]] = {}
        # sentence index -> labels found in it
        self.sentence_labels: dict[int, set[str]] = {}
        self.feelings: list[Feeling] = []
        self.kind: set[int] = set()  # sentences that say something kind

    def sentence(self, pos: int) -> int:
        return max(bisect_right(self.starts, pos) - 1, 0)

    def bounds(self, index: int) -> Span:
        if not self.starts:
            return 0, len(self.work)
        return self.starts[index], self.ends[index]

    def add(self, label: str, start: int, end: int, kind: str = "") -> None:
        self.hits.setdefault(label, []).append((start, end, kind))
        self.sentence_labels.setdefault(self.sentence(start), set()).add(label)

    def find(self, name: str) -> list:
        """Matches of one pattern family, trying only the patterns this message can trigger."""
        chosen = self.chosen.get(name)
        if chosen is None:
            return []
        if chosen:
            more = self.lex.sets[name].matches(self.work, chosen=chosen)
            self.chosen[name] = []  # done; later calls reuse self.found
            found = self.found.get(name)
            if found is None:
                self.found[name] = found = more
            else:
                found.extend(more)
                found.sort(key=_by_start)
            return found
        return self.found.get(name, [])

    def within(self, name: str, start: int, end: int) -> bool:
        return any(start <= s and e <= end for _, s, e, _ in self.find(name))

    def labels_in(self, index: int) -> set[str]:
        return self.sentence_labels.get(index, set())

    def disclaimed(self, index: int, pos: int) -> bool:
        start, _ = self.bounds(index)
        return self.within("disclaimers", start, pos)


def analyze(text: str, lang: str = "en") -> Analysis:
    """Read one message and return its findings, feelings and levels."""
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    if len(text) > MAX_CHARS:
        raise TextTooLong(len(text))
    lex = load_lexicon(lang)
    analysis = Analysis(text=text, lang=lang)
    if not text.strip():
        return analysis
    prepared = normalize(text)
    if _QUOTE_OPENS(prepared):
        prepared = mask(prepared, quoted_regions(prepared, lex.quote_patterns))
    msg = _Message(prepared, lex)

    chosen = msg.chosen
    # Each step runs only if the message contains words that can trigger it.
    if "emotions" in chosen:
        _feelings(msg)
    if "absolutes" in chosen:
        _absolutes(msg)
    if not _PATTERN_FAMILIES.isdisjoint(chosen):
        _patterns(msg)
    if "complaint" in chosen:
        _complaints(msg)
    if not _I_FAMILIES.isdisjoint(chosen) or msg.feelings:
        _i_statements(msg)
    if not _LISTENING_FAMILIES.isdisjoint(chosen):
        _validation_and_curiosity(msg)
    levels = _levels(msg)

    analysis.feelings = msg.feelings
    analysis.levels = [level for level in LEVELS if level in levels]
    analysis.findings = _findings(msg, text)
    return analysis


# ----- feelings -----


def _feelings(msg: _Message) -> None:
    lex, work = msg.lex, msg.work
    found = msg.find("emotions")
    if not found:
        return
    excluded = [(a, b) for _, a, b, _ in msg.find("not_feelings")]
    taken: list[Span] = []
    for _, start, end, options in found:
        if any(a < end and start < b for a, b in excluded):
            continue
        if any(a < end and start < b for a, b in taken):
            continue  # "feel so ignored" and "ignored" are the same feeling
        taken.append((start, end))
        emotion = options["emotion"]
        intensity = emotion.intensity
        before = work[max(0, start - 14) : start]
        if lex.stronger.search(before):
            intensity = min(3, intensity + 1)
        elif lex.milder.search(before):
            intensity = max(1, intensity - 1)
        msg.feelings.append(
            Feeling(
                word=emotion.word,
                family=emotion.family,
                intensity=intensity,
                span=(start, end),
                valence=emotion.valence,
                owned=_owned(msg, start, end),
            )
        )


def _owned(msg: _Message, start: int, end: int) -> bool:
    """Is this the speaker's own feeling ("I'm so tired", "it makes me sad")?"""
    lex, work = msg.lex, msg.work
    first = TOKEN_RE.match(work, start)
    if first is not None and first.group() in lex.first_person:
        return True  # the form itself starts with "I" ("I miss")
    sentence_start, _ = msg.bounds(msg.sentence(start))
    tokens = TOKEN_RE.findall(work, sentence_start, start)
    after = TOKEN_RE.search(work, end)
    next_token = after.group() if after and after.start() - end < 3 else ""
    index = len(tokens) - 1
    while index >= 0 and tokens[index] in lex.fillers:
        index -= 1
    if index < 0:
        return False
    token = tokens[index]
    if token in lex.first_person:
        # "I hurt you" is about the partner's hurt, not the speaker's.
        form = work[start:end]
        caused = form in lex.caused_forms and index == len(tokens) - 1
        return not (caused and next_token in lex.partner_subjects)
    if token in lex.first_person_object:
        # "it makes me sad" is owned; "you (always) make me sad" is blame, handled elsewhere.
        if index < 1 or tokens[index - 1] not in lex.causatives:
            return False
        for earlier in reversed(tokens[: index - 1]):
            if earlier in lex.partner_subjects:
                return False
            if earlier in lex.other_subjects:
                return True
        return True
    # "it hurts me", "that scares me"
    return next_token in lex.first_person_object and token in ("it", "that", "this")


# ----- absolutes -----


def _subject(msg: _Message, sentence_start: int, pos: int) -> tuple[str | None, int]:
    lex = msg.lex
    for match in reversed(list(TOKEN_RE.finditer(msg.work, sentence_start, pos))):
        token = match.group()
        if token in lex.partner_subjects:
            return "partner", match.start()
        if token in lex.other_subjects:
            return "other", match.start()
    return None, pos


def _absolutes(msg: _Message) -> None:
    lex, work = msg.lex, msg.work
    for kind, start, end, _ in msg.find("absolutes"):
        index = msg.sentence(start)
        s_start, s_end = msg.bounds(index)
        if lex.softener.search(work[max(s_start, start - 16) : start]):
            continue
        if msg.disclaimed(index, start):
            continue
        who, subject_start = _subject(msg, s_start, start)
        if who is None and any(
            t in lex.partner_subjects for t in TOKEN_RE.findall(work, start, s_end)
        ):
            who = "partner"
        if who != "partner":
            continue
        if _kind_absolute(msg, kind, index, start, end):
            msg.kind.add(index)
            continue
        msg.add("absolute", start, end)
        msg.add("you_blame", min(subject_start, start), end, "absolute")


def _kind_absolute(msg: _Message, kind: str, index: int, start: int, end: int) -> bool:
    lex, work = msg.lex, msg.work
    s_start, s_end = msg.bounds(index)
    if msg.within("kind_frames", s_start, start):
        return True
    if lex.kind_after[kind].match(work, end):
        return True
    if lex.kind_before.search(work[max(s_start, start - 12) : start]):
        return True
    if kind == "always":
        after = [f for f in msg.feelings if end <= f.span[0] < s_end]
        if after and all(f.valence == "positive" for f in after):
            return True
    return False


# ----- blame, criticism, contempt, defensiveness, stonewalling -----


def _patterns(msg: _Message) -> None:
    for kind, start, end, _ in msg.find("blame"):
        if not msg.disclaimed(msg.sentence(start), start):
            msg.add("you_blame", start, end, kind)
    for kind, start, end, _ in msg.find("criticism"):
        index = msg.sentence(start)
        if msg.disclaimed(index, start):
            continue
        if kind == "kind_of_person" and _kind_sentence(msg, index):
            continue
        msg.add("criticism", start, end, kind)
    for kind, start, end, _ in msg.find("contempt"):
        if not msg.disclaimed(msg.sentence(start), start):
            msg.add("contempt", start, end, kind)
    for kind, start, end, _ in msg.find("defensiveness"):
        msg.add("defensiveness", start, end, kind)
    stonewalls = msg.find("stonewalling")
    # A pause with a promise to come back is self-soothing, not withdrawal.
    if stonewalls and not msg.find("stonewalling_returns"):
        for kind, start, end, _ in stonewalls:
            msg.add("stonewalling", start, end, kind)


def _kind_sentence(msg: _Message, index: int) -> bool:
    s_start, s_end = msg.bounds(index)
    if msg.within("kind_frames", s_start, s_end):
        return True
    inside = [f for f in msg.feelings if s_start <= f.span[0] < s_end]
    return bool(inside) and all(f.valence == "positive" for f in inside)


# ----- complaints -----


def _complaints(msg: _Message) -> None:
    for kind, start, end, options in msg.find("complaint"):
        index = msg.sentence(start)
        if msg.labels_in(index) & {"absolute", "criticism", "contempt"} or index in msg.kind:
            continue
        s_start, s_end = msg.bounds(index)
        if msg.within("kind_frames", s_start, s_end) or msg.within(
            "logistics_not_only", s_start, s_end
        ):
            continue
        if msg.within("validation", s_start, s_end) or msg.disclaimed(index, start):
            continue
        if options.get("needs_negative_feeling") and not any(
            s_start <= f.span[0] < s_end and f.valence == "negative" for f in msg.feelings
        ):
            continue
        msg.add("complaint", start, end, kind)


# ----- I-statements -----


def _i_statements(msg: _Message) -> None:
    disguised_sentences: set[int] = set()
    for _, start, end, _ in msg.find("i_disguised"):
        msg.add("disguised_blame", start, end)
        disguised_sentences.add(msg.sentence(start))
    candidates: list[Span] = [(s, e) for _, s, e, _ in msg.find("i_needs")]
    candidates += [(s, e) for _, s, e, _ in msg.find("i_feel_like_self")]
    candidates += [f.span for f in msg.feelings if f.owned]
    for start, end in sorted(candidates):
        index = msg.sentence(start)
        if index in disguised_sentences:
            continue
        labels = msg.labels_in(index)
        if labels & _BLAMING:
            # "I feel hurt because you never…" is blame in an I-statement's clothes; in
            # "You never notice when I'm upset" the blame comes first and is simply blame.
            first_blame = min(
                start_
                for label in _BLAMING
                for start_, _, _ in msg.hits.get(label, ())
                if msg.sentence(start_) == index
            )
            if start < first_blame:
                msg.add("disguised_blame", start, end)
                disguised_sentences.add(index)
        elif not labels & {"defensiveness", "stonewalling"}:
            msg.add("i_statement", start, end)


# ----- validation and curiosity -----


def _validation_and_curiosity(msg: _Message) -> None:
    lex, work = msg.lex, msg.work
    for _, start, end, _ in msg.find("validation"):
        index = msg.sentence(start)
        _, s_end = msg.bounds(index)
        if lex.validation_cancel in work[end : s_end + 1]:
            continue
        msg.add("validation", start, end)
    for _, start, end, _ in msg.find("curiosity"):
        index = msg.sentence(start)
        _, s_end = msg.bounds(index)
        if not work.startswith("?", s_end):
            continue
        if msg.labels_in(index) & (_BLAMING | {"defensiveness"}):
            continue
        msg.add("curiosity_question", start, end)
    for _, start, end, _ in msg.find("invitations"):
        msg.add("curiosity_question", start, end)


# ----- levels and logistics -----


def _levels(msg: _Message) -> set[str]:
    found: dict[str, list[Span]] = {}
    for kind, start, end, _ in msg.find("levels"):
        found.setdefault(kind, []).append((start, end))
    logistics = [(s, e) for _, s, e, _ in msg.find("logistics")]
    if logistics:
        found.setdefault("content", []).extend(logistics)
    if msg.feelings:
        found.setdefault("process", []).extend(f.span for f in msg.feelings)
    for level, spans in found.items():
        # Levels are not sentence-bound, so they skip the per-sentence bookkeeping.
        msg.hits[f"level_{level}"] = [(start, end, "") for start, end in spans]
    blocking = set(_CONFLICT) | {
        "complaint",
        "i_statement",
        "disguised_blame",
        "curiosity_question",
        "validation",
    }
    if (
        logistics
        and not msg.feelings
        and "process" not in found
        and "meaning" not in found
        and not blocking & msg.hits.keys()
        and not msg.find("logistics_not_only")
    ):
        for start, end in logistics:
            msg.add("logistics_only", start, end)
    return set(found)


# ----- findings with explanations -----


def _findings(msg: _Message, text: str) -> list[Finding]:
    explanations = msg.lex.templates["explanations"]
    hits = msg.hits
    if msg.feelings:
        hits["feeling_named"] = [(f.span[0], f.span[1], "") for f in msg.feelings]
    else:
        stripped = len(text) - len(text.lstrip())
        hits["no_feeling_named"] = [(stripped, len(text.rstrip()), "")]
    groups: dict[tuple[str, str], list[Span]] = {}
    for label, label_hits in hits.items():
        for start, end, kind in label_hits:
            key = label
            if kind:
                dotted = f"{label}.{kind}"
                if dotted in explanations:
                    key = dotted
            spans = groups.get((label, key))
            if spans is None:
                groups[(label, key)] = [(start, end)]
            else:
                spans.append((start, end))
    findings = []
    for (label, key), spans in groups.items():
        if len(spans) > 1:
            spans = _merge(spans)
        template = explanations.get(key) or explanations.get(label, "")
        if label != "no_feeling_named" and "{words}" in template:
            template = template.replace("{words}", _quote_words(text, spans))
        findings.append(Finding(label, spans, template))
    findings.sort(key=_finding_order)
    return findings


def _finding_order(finding: Finding) -> tuple[int, str]:
    return finding.spans[0][0], finding.label


def _quote_words(text: str, spans: list[Span]) -> str:
    seen: list[str] = []
    for start, end in spans:
        piece = " ".join(text[start:end].split())
        if len(piece) > 60:
            piece = piece[:57] + "…"
        if piece and piece not in seen:
            seen.append(piece)
            if len(seen) == 3:
                break
    return "”, “".join(seen)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(set(spans)):
        if end <= start:
            continue
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
