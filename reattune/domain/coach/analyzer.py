"""The analyzer: what a message may sound like to a partner, pointing at the exact words.

Works on a prepared copy of the text that keeps every character in place (lower case, plain
apostrophes, quoted speech blanked out), so every span is also a span of the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Set
from operator import itemgetter

from . import learned
from .labels import BLAME_LABELS, LEVELS
from .lexicon import DIGIT_RE, DIGIT_WORD, SYMBOL_RE, Lexicon, load_lexicon
from .model import MAX_CHARS, Analysis, Feeling, Finding, TextTooLong
from .text import (
    ASCII_CLASSES,
    ASCII_TOKENS_APART,
    DIGIT_CLASS,
    SENTENCE_MARK_CLASS,
    SENTENCE_MARKS,
    SENTENCE_RE,
    TOKEN_RE,
    is_token_char,
    mask,
    normalize,
    quoted_regions,
)

# A negation just before a feeling ("not mad", "don't feel upset"), unless it is undone
# ("can't stop worrying", "can't help feeling").
_NEGATED_BEFORE = re.compile(r"(?:\bnot|n't|nt|\bnever)\s+(?!stop\b|help\b)(?:[\w']+\s+)?$").search
_BUT = re.compile(r"\bbut\b").search
# A request asked after a complaint in the same sentence ("…all through dinner, can we…?").
_REQUEST_AFTER = re.compile(
    r",\s*(?:and\s+|so\s+)?(?:(?:please|pls)\s+)?(?:can|could|would|will|shall)\s+(?:we|you|u)\b"
).search
# "I'd be annoyed too", "I would have felt the same": the partner's feeling mirrored, not the
# speaker's own (the words before a feeling, and after it).
_HYPOTHETICAL_BEFORE = re.compile(
    r"\b(?:i'd|id|i would|i'd have|i would have|i would've|i'd've)\s+(?:have\s+)?"
    r"(?:be|been|feel|felt)\s+(?:so\s+|really\s+|just as\s+|pretty\s+)?$"
).search
_TOO_AFTER = re.compile(r"\s+(?:too|as well)\b").match
# A request anywhere in a message ("can you…", "please", "next time"): with a past act told
# plainly, it makes the act a complaint (complaint.yaml's `needs_feeling_or_request`).
_REQUEST = re.compile(
    r"\b(?:(?:can|could|would|will) (?:you|u|we)|please|pls|plz|next time|let's|lets)\b"
).search
# Questions the curiosity rules never count (curiosity.yaml's open questions leave them out:
# a worry, a verdict, an account or a plan), so the learned stage may not call them curious
# either: "what if something happened to you?", "how could you…", "what time…".
_NOT_CURIOUS_OPENING = re.compile(
    r"\W*(?:what if|what were (?:you|u) thinking|what do (?:you|u) (?:want|expect)|"
    r"how (?:could|can|dare)|what time|how (?:much|many|long)|why)\b"
).match
# A question someone else asked, reported ("she asked how are you feeling and I froze"), is
# not the speaker's question to the partner.
_REPORTED_QUESTION = re.compile(
    r"\b(?:asked|asks|asking|said|says|wondered|wonders|texted) (?:me )?(?:how|what|if|whether)\b"
).search
_HAS_SENTENCE_MARK = re.compile(f"[{re.escape(SENTENCE_MARKS)}]").search
# A single quote can open a quotation only at the start or after a space or bracket.
_SINGLE_QUOTE_OPENS = re.compile(r"[\s(\[:]'").search


def _may_hold_quotes(prepared: str) -> bool:
    """Does anything open a quotation? (Cheap `in` tests first: most messages have none.)"""
    if '"' in prepared:
        return True
    if "'" in prepared and (prepared[0] == "'" or _SINGLE_QUOTE_OPENS(prepared)):
        return True
    return not prepared.isascii() and ("“" in prepared or "„" in prepared or "«" in prepared)


_CONFLICT = ("absolute", "you_blame", "criticism", "contempt", "defensiveness", "stonewalling")
_BLAMING = frozenset({"absolute", "you_blame", "criticism", "contempt"})
_BLAMING_OR_DEFENSIVE = _BLAMING | {"defensiveness"}
# A counter-attack's "you didn't…" is defensiveness, not a complaint; nor is a moment told
# inside blame ("I'm sad that you don't care", "why didn't you…").
_NOT_A_COMPLAINT = frozenset({"absolute", "you_blame", "criticism", "contempt", "defensiveness"})
_FEAR_FAMILIES = frozenset({"fear"})
_IT = frozenset({"it"})  # "it hurt when you…": the speaker's own hurt
_FEEL_VERBS = frozenset({"feel", "felt", "feeling", "am", "was"})
_FEELING_SUBJECTS = frozenset({"i'm", "im", "i've", "ive"})  # "I'm feeling…" names itself
# Families whose hits mean the message blames in other words too (a worried question then
# stays blame): criticism and contempt patterns.
_NO_FEAR_QUESTION = frozenset({"criticism", "contempt"})
_WITHDRAWING = frozenset({"defensiveness", "stonewalling"})
# Any of these makes a practical message more than logistics.
_NOT_LOGISTICS_ONLY = frozenset(_CONFLICT) | {
    "complaint",
    "i_statement",
    "disguised_blame",
    "curiosity_question",
    "validation",
}

Span = tuple[int, int]
_LEVEL_LABELS = {level: f"level_{level}" for level in LEVELS}

# Shared empty results, never mutated: most lookups for a short message find nothing, and
# not building a fresh empty list or set each time is a measurable part of the analyzer's speed.
_NO_HITS: tuple = ()
_NO_LABELS: frozenset[str] = frozenset()
_NO_SENTENCES: frozenset[int] = frozenset()
_NO_EXPLANATION = ("",)  # the pieces of an empty explanation

# Sort key for hits (kind, start, end, options). The sort is stable, so hits that start at the
# same place keep the order they were found in: plain-word hits first, then patterns in lexicon
# order.
_by_start = itemgetter(1)
# Picked out by map() rather than by a comprehension, which costs a function call in Python 3.11.
_span_of_match = itemgetter(1, 2)  # (start, end) of a family hit (kind, start, end, options)
_finding_of = itemgetter(-1)  # the Finding, last in each entry of _findings' list


_PATTERN_FAMILIES = frozenset({"blame", "criticism", "contempt", "defensiveness", "stonewalling"})
_I_FAMILIES = frozenset({"i_disguised", "i_needs", "i_feel_like_self"})
_LISTENING_FAMILIES = frozenset({"validation", "curiosity", "invitations"})
_LEVEL_FAMILIES = frozenset({"levels", "logistics"})  # levels also come from feelings

# Labelling conventions (docs/coach.md, "Labelling guide"): these labels are always also
# you_blame (blame aimed at the partner), and a criticism is always about meaning (identity).
_IMPLY_YOU_BLAME = ("absolute", "criticism", "contempt", "disguised_blame")
_IMPLY_YOU_BLAME_SET = frozenset(_IMPLY_YOU_BLAME)
# With one of these found by the rules, the learned stage is not asked: a conflict pattern
# (the rules already speak).
_CONFLICT_SET = frozenset(_CONFLICT) | {"disguised_blame"}
# With one of these (and no conflict pattern), it may add the soft labels only: these are the
# constructive forms a rewrite is made of ("I'd like you to put your phone away" is a request,
# however much "you" weighs in a bag of words; "You raised your voice at me in front of the
# kids." is a complaint: one moment, not a verdict). Talk about the bond with no conflict
# pattern the rules can see is longing rather than an attack ("we never talk anymore", "I
# don't know if I can do this anymore"): out of fold, letting the stage add conflict labels
# there cost you_blame precision and gained no recall (2026-12-07).
_CONSTRUCTIVE = frozenset(
    {"i_statement", "validation", "curiosity_question", "complaint", "level_meaning"}
)
_CURIOSITY = frozenset({"curiosity_question"})
# A counter-attack is you_blame when it is aimed at the partner: a second-person word in its
# sentence, or one of the shapes that point at them without one ("says the person who…").
_PARTNER_WORDS = frozenset({"you", "u", "your", "ur", "you're", "youre", "yourself", "ya"})
_COUNTER_AT_PARTNER = re.compile(
    r"says the|look who's|at least i (?:don't|dont|do not|didn't|didnt)|coming from"
).search
# A denial or an excuse that points at the partner is a counter-attack too: "I'm not the one
# who…", "I only did it because you…", "it's your fault, not mine". "Because you kept / were
# being" needs a charge after it ("because you were being so sweet to me" thanks them).
_NEGATIVE_AFTER = (
    r"(?:[a-z']+ ){0,2}?(?:rude|mean|nasty|difficult|unreasonable|unfair|unkind|annoying|"
    r"impossible|selfish|cold|distant|childish|horrible|awful|stubborn|controlling|pushy|"
    r"dramatic|ridiculous|irritating|condescending|lazy|useless|hostile|aggressive|cruel|"
    r"jealous|sarcastic|defensive|critical|grumpy|moody|snappy|short with me|weird|a jerk|"
    r"an ass|a pain|a brat|a child|a baby|an idiot|a dick|nagging|yelling|shouting|screaming|"
    r"ignoring|criticising|criticizing|complaining|pushing|pestering|bugging|hassling|"
    r"interrupting|pressuring|provoking|picking|attacking|whining|moaning|bothering|harassing|"
    r"accusing|blaming|lying|snapping|mocking|asking|texting|calling|going on|bringing (?:it|"
    r"that|this) up|on at me|on my case|at me|arguing|fighting|lecturing|judging|sulking)\b"
)
_DENIAL_AT_PARTNER = re.compile(
    r"(?P<one>not the one (?:who|that|with))|(?:your|ur) fault,? not mine|because (?:you|u)"
    r"(?:'re|re| were| are| was)? (?:(?:never|always|didn't|didnt|don't|dont|won't|wont|"
    r"started|ignored|ignoring|nagging|yelling|shouting)\b|(?:kept|keep|being) "
    + _NEGATIVE_AFTER
    + ")"
).search
# After "I'm not the one who…": the partner as the subject ("…, you did") or someone else
# ("…, your sister did, she deserves the credit!"): a denial that hands it to a third person
# is not aimed at the partner. With neither, it is (the corpus: "I'm not the one who forgot
# the anniversary.").
_YOU_SUBJECT = re.compile(
    r"(?<!at )(?<!to )(?<!for )(?<!with )(?<!about )(?<!of )(?<!from )(?<!tell )(?<!told )"
    r"\b(?:you|u)\b(?!r\b)"
).search
_OTHER_SUBJECT = re.compile(
    r"(?:^|[,.;:!?-] *|\b(?:but|and) )(?:it was |it's |its |that was )?(?!(?:you|u|i)\b)"
    r"(?:she|he|they|we|(?:your|my|our|his|her|their|the) [a-z]+(?: [a-z]+)?|[a-z]+)"
    r"(?:'s| did| does| was| were| is| are| has| had| deserves?| should| gets| made| planned)\b"
).search


def _denial_at_partner(work: str, start: int, end: int) -> bool:
    """Is the denial or excuse at `start` (its sentence ends at `end`) aimed at the partner?"""
    match = _DENIAL_AT_PARTNER(work, start, end)
    if match is None:
        return False
    if match.group("one") is None:
        return True
    rest = match.end()
    you = _YOU_SUBJECT(work, rest)
    other = _OTHER_SUBJECT(work, rest)
    return other is None or (you is not None and you.start() < other.start())


_AT_PARTNER_KINDS = frozenset({"denial", "excuse"})
# Someone other than the partner named in a message (the partner's own names are read as
# "u" by then), and a second-person word in any spelling ("you've", "you'd").
_OTHER_PERSON = re.compile(
    r"\b(?:my|our|the|his|her|their|your) (?:boss|manager|mum|mom|mother|dad|father|sister|"
    r"brother|friend|friends|colleague|coworker|co-worker|teacher|neighbour|neighbor|kid|kids|"
    r"son|daughter|parents|family|landlord|doctor|cousin|aunt|uncle|grandma|grandpa|team)\b"
).search
_NOT_AT_OTHERS = frozenset({"you_blame"})


def _is_partner_word(token: str) -> bool:
    return token in _PARTNER_WORDS or token.startswith("you") or token.startswith("y'")


# Words the emotion vocabulary holds (they still name energy or well-being, level_process)
# that the labelling guide does not count as a named feeling.
NOT_NAMED_FEELINGS = frozenset({"tired", "fed up", "calm", "calmer", "sorry"})


class _Message:
    """One message being analysed: the prepared text, its sentences and the hits so far."""

    __slots__ = (
        "lex",
        "work",
        "found",
        "sentences",
        "starts",
        "hits",
        "hit_kinds",
        "sentence_labels",
        "feelings",
        "kind",
        "tokens",
    )

    def __init__(self, work: str, lex: Lexicon) -> None:
        self.lex = lex
        self.work = work
        if work.isascii():
            # The usual message, read with byte translations rather than regexes (a regex call
            # costs more than a whole translation): the tokens, and the class of each character
            # (see text.py).
            encoded = work.encode()
            tokens = encoded.translate(ASCII_TOKENS_APART).decode().split()
            classes = encoded.translate(ASCII_CLASSES)
            has_digit = DIGIT_CLASS in classes
            body = classes.rstrip(SENTENCE_MARK_CLASS)  # without the marks at the end
            marks_inside = SENTENCE_MARK_CLASS[0] in body
        else:
            tokens = TOKEN_RE.findall(work) + SYMBOL_RE.findall(work)
            has_digit = DIGIT_RE.search(work) is not None
            body = work.rstrip(SENTENCE_MARKS)
            marks_inside = _HAS_SENTENCE_MARK(body) is not None
        if has_digit:
            tokens.append(DIGIT_WORD)
        self.tokens = tokens
        # family -> hits (kind, start, end, options) in the order of the text; a family with
        # no hit has no entry. Every family is found here at once: a short message triggers few
        # patterns, and finding them all in one pass costs less than asking family by family.
        self.found: dict[str, list] = {}
        bits = lex.possible_patterns(tokens)
        if bits & lex.word_bits:
            # Patterns that are one plain word are found by lookup rather than by a regex.
            self._find_plain_words(lex.plain_words.intersection(tokens))
        if bits & lex.pattern_bits:
            self._run_patterns(bits)
        # (start, end) of each sentence. Most messages are one sentence, with at most marks
        # at the end: that case needs no regex. `starts` has where each sentence starts, for
        # a message of more than one (else None).
        self.starts: list[int] | None = None
        if not marks_inside:
            self.sentences = [(0, len(body))] if body else []
        else:
            self.sentences = [match.span() for match in SENTENCE_RE.finditer(work)]
            if len(self.sentences) > 1:
                self.starts = [start for start, _ in self.sentences]
        # label -> spans (start, end) in the order they were found
        self.hits: dict[str, list[Span]] = {}
        # label -> the kind of each of its hits, for the labels whose explanation depends on
        # the kind (Lexicon.kind_explanations); other labels need no kinds
        self.hit_kinds: dict[str, list[str]] = {}
        # sentence index -> labels found in it, kept only for a message of several sentences
        self.sentence_labels: dict[int, set[str]] = {}
        self.feelings: list[Feeling] = []
        # sentences that say something kind (a shared empty set until one does)
        self.kind: set[int] | frozenset[int] = _NO_SENTENCES

    def _run_patterns(self, bits: int) -> None:
        """Run every pattern whose bit is set, in lexicon order (so within a family, after its
        plain-word hits, patterns add their hits in the order the lexicon lists them)."""
        work, found, patterns = self.work, self.found, self.lex.numbered_searches
        bits &= self.lex.pattern_bits  # not the families' plain-word bits
        to_sort: set[str] | None = None  # families with hits from more than one source
        while bits:
            lowest = bits & -bits  # bit n is pattern n: lowest first, in lexicon order
            bits ^= lowest
            family, search, branch, whole_match = patterns[lowest.bit_length() - 1]
            # Searched here rather than in Branch.hits: a third of the patterns tried do not
            # match, and those then cost no further call.
            match = search(work)
            if match is None:
                continue
            start, end = match.span()
            if (
                whole_match
                and start < end
                and (start == 0 or work[start - 1] == " ")
                and search(work, end) is None
            ):
                # The usual case, as Branch.hits_from would find it: one hit, after a space.
                branch_hits = [(branch.kind, start, end, branch.options)]
            else:
                branch_hits = branch.hits_from(work, match)  # a new list, left to right
            if branch_hits:
                family_hits = found.get(family)
                if family_hits is None:
                    found[family] = branch_hits
                else:
                    family_hits.extend(branch_hits)
                    if to_sort is None:
                        to_sort = {family}
                    else:
                        to_sort.add(family)
        if to_sort is None:
            return
        for family in to_sort:
            # In the order of the text; the sort is stable, so hits that start at the same
            # place keep the order they were found in.
            found[family].sort(key=_by_start)

    def _find_plain_words(self, words: set[str]) -> None:
        """Every place where one of these words is a whole token of the message."""
        work, found, table = self.work, self.found, self.lex.word_table
        length = len(work)
        for word in words:
            size = len(word)
            start = work.find(word)
            while start >= 0:
                end = start + size
                # A whole token: no token character (as in TOKEN_RE) just before or after.
                # (Mostly a space, which needs no further test.)
                if (
                    start == 0 or work[start - 1] == " " or not is_token_char(work[start - 1])
                ) and (end == length or work[end] == " " or not is_token_char(work[end])):
                    for family, kind, options in table[word]:
                        hit = (kind, start, end, options)
                        family_hits = found.get(family)
                        if family_hits is None:
                            found[family] = [hit]
                        else:
                            family_hits.append(hit)
                start = work.find(word, start + 1)
        if len(words) > 1:
            for family_hits in found.values():
                family_hits.sort(key=_by_start)  # in the order of the text, as tokens come

    def sentence(self, pos: int) -> int:
        starts = self.starts
        if starts is None:
            return 0  # one sentence (or none): no search needed
        return max(bisect_right(starts, pos) - 1, 0)

    def bounds(self, index: int) -> Span:
        if not self.sentences:
            return 0, len(self.work)
        return self.sentences[index]

    def add(self, label: str, start: int, end: int, kind: str = "") -> None:
        spans = self.hits.get(label)
        if spans is None:
            self.hits[label] = [(start, end)]
        else:
            spans.append((start, end))
        if label in self.lex.kind_explanations:
            kinds = self.hit_kinds.get(label)
            if kinds is None:
                self.hit_kinds[label] = [kind]
            else:
                kinds.append(kind)
        if self.starts is not None:
            # Several sentences: note the labels of each. (In one sentence, the labels so far
            # are simply those of self.hits; see labels_in.)
            index = self.sentence(start)
            labels = self.sentence_labels.get(index)
            if labels is None:
                self.sentence_labels[index] = {label}
            else:
                labels.add(label)

    def within(self, name: str, start: int, end: int) -> bool:
        for _, s, e, _ in self.found.get(name, _NO_HITS):
            if start <= s and e <= end:
                return True
        return False

    def labels_in(self, index: int) -> Set[str]:
        """The labels added so far in one sentence (before the levels, which are not
        sentence-bound, are added to the hits)."""
        if self.starts is None:
            return self.hits.keys()  # one sentence: every label so far is in it
        return self.sentence_labels.get(index, _NO_LABELS)

    def disclaimed(self, index: int, pos: int) -> bool:
        """Is the word at pos disowned by a disclaimer before it in its sentence ("I'm not
        saying you never…")? A disclaimer followed by "but" is a hedge, not a disowning: in
        "I'm not saying you're lazy, but the dishes…" the verdict still stands."""
        if "disclaimers" not in self.found:
            return False  # the usual case: no disclaimer at all
        start, end = self.bounds(index)
        for _, s, e, _ in self.found["disclaimers"]:
            if start <= s and e <= pos:
                return _BUT(self.work, e, end) is None
        return False


def analyze(text: str, lang: str = "en") -> Analysis:
    """Read one message and return its findings, feelings and levels (the rules' findings,
    and what the learned stage adds unless learned.USE_MODEL is off)."""
    return analyze_with(text, lang, learned.load_model() if learned.USE_MODEL else None)


def analyze_with(text: str, lang: str, model: learned.CoachModel | None) -> Analysis:
    """analyze() with a given learned model (None: the rules alone)."""
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    if len(text) > MAX_CHARS:
        raise TextTooLong(len(text))
    lex = load_lexicon(lang)
    if not text or text.isspace():  # (as `not text.strip()`, without a copy)
        return Analysis(text=text, lang=lang)
    msg, findings, levels = _rules(text, lex)
    # The learned stage, only where the rules found no conflict pattern, and not where they
    # see a disclaimer (a bag of words cannot tell "I'm not saying you never help" from "you
    # never help"); where they found a constructive form or a kind sentence, or the message
    # is simply warm (coach_warmth.yaml: "You're so kind." is not criticism, however much
    # "you're so" weighs in a bag of words), it may add only the soft labels (see
    # _model_may_add; this also keeps it off many messages, for speed).
    if (
        model is not None
        and (allowed := _model_may_add(msg, model.adds))
        and not allowed.isdisjoint(model.adds)  # none it may add has a cut-off: not asked
    ):
        more = learned.add_findings(
            model, msg.tokens, msg.work, text, msg.sentences, findings, allowed
        )
        if more is not None:
            findings = more
            labels = {finding.label for finding in more}
            levels = [level for level in LEVELS if _LEVEL_LABELS[level] in labels]
    # Positional arguments: measurably cheaper than keywords for a call made per message.
    return Analysis(text, lang, findings, msg.feelings, levels)


def _rules(text: str, lex: Lexicon) -> tuple[_Message, list[Finding], list[str]]:
    """The rules' reading of a (non-blank) message: its state, findings and levels."""
    prepared = _prepare(text, lex)
    msg = _Message(prepared, lex)

    # Each step runs only if the message has hits of the families it reads.
    found = msg.found
    if "emotions" in found:
        _feelings(msg)
    if "absolutes" in found:
        _absolutes(msg)
    if not _PATTERN_FAMILIES.isdisjoint(found):
        _patterns(msg)
    if "complaint" in found:
        _complaints(msg)
    if msg.feelings or not _I_FAMILIES.isdisjoint(found):
        _i_statements(msg)
    if not _LISTENING_FAMILIES.isdisjoint(found):
        _validation_and_curiosity(msg)
    hits = msg.hits
    if not _IMPLY_YOU_BLAME_SET.isdisjoint(hits) or "defensiveness" in hits:
        _conventions(msg)
    found_levels = (
        _levels(msg)
        if msg.feelings
        or "criticism" in hits
        or "complaint" in hits
        or not _LEVEL_FAMILIES.isdisjoint(found)
        else None
    )
    findings = _findings(msg, text)
    levels = list(filter(found_levels.__contains__, LEVELS)) if found_levels else []
    return msg, findings, levels


def _model_may_add(msg: _Message, adds: frozenset[str] = learned.MODEL_LABELS) -> frozenset[str]:
    """The labels the learned stage may add to this message (after the rules have read it):
    none where the rules found a conflict pattern or a disclaimer; where they found a
    constructive form, the soft labels (complaint, curiosity, levels) only; in a kind or simply
    warm message, the gentle ones (curiosity, levels); otherwise any of the model's labels.
    Labels the rules already found are left out; nothing left, the model is not asked.
    `adds`: the labels the model has a cut-off for (the warmth check, which only tells the
    soft labels from the gentle ones after a constructive form, is skipped when it cannot
    matter)."""
    hits = msg.hits
    if not _CONFLICT_SET.isdisjoint(hits) or "disclaimers" in msg.found:
        return _NO_LABELS
    if msg.kind:
        allowed = learned.GENTLE_LABELS
    elif not _CONSTRUCTIVE.isdisjoint(hits):
        # complaint is the one soft label a warm message may not get
        warm = "complaint" in adds and "complaint" not in hits and _only_warm(msg)
        allowed = learned.GENTLE_LABELS if warm else learned.SOFT_LABELS
    elif _only_warm(msg):
        allowed = learned.GENTLE_LABELS
    else:
        allowed = learned.MODEL_LABELS
    if (
        ("?" not in msg.work and _HAS_SENTENCE_MARK(msg.work) is not None)
        or _PARTNER_WORDS.isdisjoint(msg.tokens)
        or _NOT_CURIOUS_OPENING(msg.work)
        or _REPORTED_QUESTION(msg.work)
    ):
        # The labelling guide's rule for a curious question holds for the model too: a
        # question mark, or a message typed with no punctuation at all; and it asks about
        # the partner ("Are we okay? I've been anxious about us" asks for reassurance).
        allowed = allowed - _CURIOSITY
    if (
        "you_blame" in allowed
        and _OTHER_PERSON(msg.work) is not None
        and not any(map(_is_partner_word, msg.tokens))
    ):
        # About someone else, with no second-person word at all (a message about the partner
        # is read as said to them): whatever the words weigh, it does not put the fault on the
        # partner ("I feel disrespected when my boss acts like a child."). Without anyone
        # named, the partner is still the one meant ("Late as usual, I see.").
        allowed = allowed - _NOT_AT_OTHERS
    if allowed.isdisjoint(hits):
        return allowed
    return allowed.difference(hits)


def model_gate(text: str, lang: str = "en") -> tuple[frozenset[str], bool]:
    """The rules' labels of a message and whether the learned stage would be asked about it
    for a conflict pattern."""
    labels, allowed = model_gates(text, lang)
    return labels, not allowed.isdisjoint(BLAME_LABELS)


def model_gates(text: str, lang: str = "en") -> tuple[frozenset[str], frozenset[str]]:
    """The rules' labels of a message and the labels the learned stage may add to it (for
    training: each label's cut-off is chosen on the messages it may be added to)."""
    if not text or text.isspace():
        return _NO_LABELS, _NO_LABELS
    msg, findings, _ = _rules(text, load_lexicon(lang))
    return frozenset(finding.label for finding in findings), _model_may_add(msg)


def _only_warm(msg: _Message) -> bool:
    warmth = msg.lex.warmth
    if warmth is None:
        return False
    pleasant = any(f.valence == "positive" for f in msg.feelings)
    return warmth.only_warm(msg.tokens, msg.work, pleasant)


def _prepare(text: str, lex: Lexicon) -> str:
    """The copy of the text the rules read: lower case, quotes blanked, partner mapped."""
    prepared = normalize(text)
    if _may_hold_quotes(prepared):
        prepared = mask(prepared, quoted_regions(prepared, lex.quote_patterns))
    if lex.third_person_mention is not None and "my " in prepared:
        if lex.third_person_mention.search(prepared):
            prepared = _as_partner(prepared, lex)
    return prepared


def model_features(text: str, lang: str = "en") -> set[str]:
    """The learned stage's features of a message, as analyze() computes them (for training)."""
    if not text or text.isspace():
        return set()
    lex = load_lexicon(lang)
    prepared = _prepare(text, lex)
    return learned.features(_Message(prepared, lex).tokens, prepared)


def _conventions(msg: _Message) -> None:
    """The labelling guide's implied labels: absolute, criticism, contempt and disguised blame
    are also you_blame, on the same words; so is a counter-attack aimed at the partner."""
    hits = msg.hits
    if "you_blame" in hits:
        return
    spans: list[Span] = []
    for label in _IMPLY_YOU_BLAME:
        found = hits.get(label)
        if found:
            spans.extend(found)
    if not spans:
        work = msg.work
        for kind, start, end, _ in msg.found.get("defensiveness", _NO_HITS):
            if kind in _AT_PARTNER_KINDS:
                if _denial_at_partner(work, start, msg.bounds(msg.sentence(start))[1]):
                    spans.append((start, end))
                continue
            if kind != "counter":
                continue
            s_start, s_end = msg.bounds(msg.sentence(start))
            if _COUNTER_AT_PARTNER(work, start, s_end) or not _PARTNER_WORDS.isdisjoint(
                TOKEN_RE.findall(work, s_start, s_end)
            ):
                spans.append((start, end))
    for start, end in spans:
        msg.add("you_blame", start, end, "implied")


def _as_partner(work: str, lex: Lexicon) -> str:
    """A message about the partner ("my husband never helps, he just walks off") read as if
    said to them ("u never helps, u just walks off"): each replacement is padded with spaces
    to the length of what it replaces, so every position stays where it was."""

    def replace(replacement: str):
        def padded(match: re.Match[str]) -> str:
            found = match.group()
            if len(replacement) > len(found):
                return found
            return replacement + " " * (len(found) - len(replacement))

        return padded

    for pattern, replacement in lex.third_person_edits:
        work = pattern.sub(replace(replacement), work)
    return work


# ----- feelings -----


def _feelings(msg: _Message) -> None:
    lex, work, found = msg.lex, msg.work, msg.found
    excluded = found.get("not_feelings", _NO_HITS)
    taken: list[Span] = []
    # (The `excluded and` and `taken and` tests skip building a generator in the usual case
    # where the list is empty.)
    for _, start, end, options in found["emotions"]:
        if excluded and any(a < end and start < b for _, a, b, _ in excluded):
            continue
        if taken and any(a < end and start < b for a, b in taken):
            continue  # "feel so ignored" and "ignored" are the same feeling
        taken.append((start, end))
        emotion = options["emotion"]
        intensity = emotion.intensity
        before = work[max(0, start - 14) : start]
        if lex.stronger.search(before):
            intensity = min(3, intensity + 1)
        elif lex.milder.search(before):
            intensity = max(1, intensity - 1)
        # Positional arguments (word, family, intensity, span, valence, owned): cheaper than
        # keywords for a call made for every feeling.
        msg.feelings.append(
            Feeling(
                emotion.word,
                emotion.family,
                intensity,
                (start, end),
                emotion.valence,
                _owned(msg, start, end),
            )
        )


def _owned(msg: _Message, start: int, end: int) -> bool:
    """Is this the speaker's own feeling ("I'm so tired", "it makes me sad")?"""
    lex, work = msg.lex, msg.work
    first = TOKEN_RE.match(work, start)
    if first is not None and first.group() in lex.first_person:
        return True  # the form itself starts with "I" ("I miss")
    sentence_start = msg.sentences[msg.sentence(start)][0] if msg.starts is not None else 0
    tokens = TOKEN_RE.findall(work, sentence_start, start)
    after = TOKEN_RE.search(work, end)
    next_token = after.group() if after and after.start() - end < 3 else ""
    index = len(tokens) - 1
    while index >= 0 and tokens[index] in lex.fillers:
        index -= 1
    if index >= 0 and "," in work[sentence_start:start]:
        # A clause of its own with no subject, as people text: "well done on the promotion,
        # so proud of you", "didn't hear from u all day, was getting worried".
        comma = work.rindex(",", sentence_start, start)
        clause = TOKEN_RE.findall(work, comma + 1, start)
        if clause and all(t in lex.fillers for t in clause):
            return True
    if index < 0:
        # A sentence without a subject is the speaker's own: "miss u", "love you",
        # "feeling kinda down", "so tired today" (but not "Happy Friday").
        return bool(tokens)
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
    # "it hurts me", "that scares me"; "it hurt when you…" (no one else named as hurt, and
    # not "I can see why it hurt")
    if token in ("it", "that", "this") and next_token in lex.first_person_object:
        return True
    if (
        token in _IT
        and work[start:end] in lex.caused_forms
        and next_token not in lex.partner_subjects
        and (index == 0 or tokens[index - 1] not in ("why", "how", "if"))
    ):
        return True
    if token in lex.partner_subjects or token in lex.other_subjects:
        return False
    # "I feel so much lighter and calmer": "I feel" shortly before, no subject in between.
    for back in range(index - 1, max(-1, index - 7), -1):
        earlier = tokens[back]
        if earlier in _FEELING_SUBJECTS:
            return True  # "I'm so much calmer"
        if earlier in lex.first_person:
            return tokens[back + 1] in _FEEL_VERBS
        if earlier in lex.partner_subjects or earlier in lex.other_subjects:
            return False
    return False


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
    for kind, start, end, _ in msg.found.get("absolutes", _NO_HITS):
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
            if msg.kind:
                msg.kind.add(index)
            else:
                msg.kind = {index}
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
    found = msg.found
    worried = None
    for kind, start, end, _ in found.get("blame", _NO_HITS):
        if kind == "question":
            if worried is None:
                worried = _worried(msg)
            if worried:
                continue  # "Why didn't you call? I was so worried": fear, not blame
        if not msg.disclaimed(msg.sentence(start), start):
            msg.add("you_blame", start, end, kind)
    for kind, start, end, _ in found.get("criticism", _NO_HITS):
        index = msg.sentence(start)
        if msg.disclaimed(index, start):
            continue
        if kind == "kind_of_person" and _kind_sentence(msg, index):
            continue
        msg.add("criticism", start, end, kind)
    for kind, start, end, _ in found.get("contempt", _NO_HITS):
        if not msg.disclaimed(msg.sentence(start), start):
            msg.add("contempt", start, end, kind)
    for kind, start, end, _ in found.get("defensiveness", _NO_HITS):
        msg.add("defensiveness", start, end, kind)
    # A pause with a promise to come back is self-soothing, not withdrawal.
    if "stonewalling" in found and "stonewalling_returns" not in found:
        for kind, start, end, _ in found["stonewalling"]:
            msg.add("stonewalling", start, end, kind)


def _worried(msg: _Message) -> bool:
    """Does the speaker name their own fear, with no absolute, verdict or insult anywhere in
    the message? Then a "why didn't you…?" is a worried question rather than an accusation."""
    if not any(f.owned and f.family in _FEAR_FAMILIES for f in msg.feelings):
        return False
    if msg.hits.keys() & _BLAMING:
        return False
    return _NO_FEAR_QUESTION.isdisjoint(msg.found)


def _kind_sentence(msg: _Message, index: int) -> bool:
    s_start, s_end = msg.bounds(index)
    if msg.within("kind_frames", s_start, s_end):
        return True
    inside = [f for f in msg.feelings if s_start <= f.span[0] < s_end]
    return bool(inside) and all(f.valence == "positive" for f in inside)


# ----- complaints -----


def _complaints(msg: _Message) -> None:
    warmth = msg.lex.warmth
    if (
        warmth is not None
        and not warmth.apology_words.isdisjoint(msg.tokens)
        and _BUT(msg.work) is None
    ):
        return  # an apology names the speaker's own act, not a complaint
    for kind, start, end, options in msg.found.get("complaint", _NO_HITS):
        index = msg.sentence(start)
        if msg.labels_in(index) & _NOT_A_COMPLAINT or index in msg.kind:
            continue
        s_start, s_end = msg.bounds(index)
        if msg.work.startswith("?", s_end) and not _REQUEST_AFTER(msg.work, end, s_end):
            # A question about what happened is a question, not a complaint; a request asked
            # after it ("…on your phone all through dinner, can we…?") leaves it a complaint.
            continue
        if msg.within("kind_frames", s_start, s_end) or msg.within(
            "logistics_not_only", s_start, s_end
        ):
            continue
        if msg.within("validation", s_start, s_end) or _disclaimed_act(msg, index, start):
            continue
        if kind in _TOLD_ACTS and (
            (
                warmth is not None
                and not warmth.warm_words.isdisjoint(TOKEN_RE.findall(msg.work, s_start, s_end))
            )
            or any(s_start <= f.span[0] < s_end and f.valence == "positive" for f in msg.feelings)
        ):
            continue  # "you cooked dinner last night, thank you" is thanks, not a complaint
        if options.get("needs_negative_feeling") and not any(
            s_start <= f.span[0] < s_end and f.valence == "negative" and f.owned
            for f in msg.feelings
        ):
            continue
        if (
            options.get("needs_feeling_or_request")
            and not any(f.valence == "negative" and f.owned for f in msg.feelings)
            and "i_needs" not in msg.found
            and _REQUEST(msg.work) is None
        ):
            continue
        msg.add("complaint", start, end, kind)


# Complaint kinds that tell an act by its shape, whatever the verb: thanks or a pleasant
# feeling in the sentence makes them thanks rather than a complaint.
_TOLD_ACTS = frozenset({"moment", "act"})


def _disclaimed_act(msg: _Message, index: int, pos: int) -> bool:
    """Is the act at pos inside a disclaimer's own clause ("I'm not saying you forgot")? A
    disclaimer disowns the verdict it holds, not a moment told after it ("I'm not saying
    you're selfish, I just felt hurt when you ate without me")."""
    if not msg.disclaimed(index, pos):
        return False
    start, _ = msg.bounds(index)
    for _, s, e, _ in msg.found["disclaimers"]:
        if start <= s and e <= pos and "," not in msg.work[e:pos]:
            return True
    return False


# ----- I-statements -----

# The speaker lets the wish go after it ("…, but that's okay", "no worries").
_ACCEPTED = re.compile(
    r"\b(?:but|and) (?:that's|thats|that is|it's|its|it is) (?:okay|ok|fine|alright|all right)"
    r"|\bno worries\b|\bi (?:understand|get it)\b"
).search


def _i_statements(msg: _Message) -> None:
    found = msg.found
    disguised_sentences: set[int] = set()
    for _, start, end, _ in found.get("i_disguised", _NO_HITS):
        if "rather" in msg.work[start:end] and _ACCEPTED(msg.work, end):
            continue  # "I'm sad that you'd rather stay home…, but that's okay": a wish let go
        msg.add("disguised_blame", start, end)
        disguised_sentences.add(msg.sentence(start))
    work = msg.work
    # "I'm not mad, it's just…" denies a hard feeling rather than owning it; "I'm not happy"
    # still speaks from the speaker's own state.
    candidates: list[Span] = [
        f.span
        for f in msg.feelings
        if f.owned
        and not (
            f.valence == "negative" and _NEGATED_BEFORE(work, max(0, f.span[0] - 16), f.span[0])
        )
    ]
    if "i_needs" in found:
        candidates += map(_span_of_match, found["i_needs"])
    if "i_feel_like_self" in found:
        candidates += map(_span_of_match, found["i_feel_like_self"])
    if len(candidates) > 1:
        candidates.sort()
    for start, end in candidates:
        if _TOO_AFTER(work, end) and _HYPOTHETICAL_BEFORE(work, max(0, start - 30), start):
            continue  # "I'd be annoyed too" mirrors the partner's feeling, not the speaker's
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
                for start_, _ in msg.hits.get(label, _NO_HITS)
                if msg.sentence(start_) == index
            )
            if start < first_blame:
                msg.add("disguised_blame", start, end)
                disguised_sentences.add(index)
        elif not labels & _WITHDRAWING:
            msg.add("i_statement", start, end)


# ----- validation and curiosity -----


def _validation_and_curiosity(msg: _Message) -> None:
    lex, work = msg.lex, msg.work
    for _, start, end, _ in msg.found.get("validation", _NO_HITS):
        index = msg.sentence(start)
        _, s_end = msg.bounds(index)
        if lex.validation_cancel in work[end : s_end + 1]:
            continue
        if "stonewalling" in msg.labels_in(index):
            continue  # "i guess that makes sense, whatever" takes it back
        msg.add("validation", start, end)
    unpunctuated: bool | None = None
    for kind, start, end, _ in msg.found.get("curiosity", _NO_HITS):
        index = msg.sentence(start)
        s_start, s_end = msg.bounds(index)
        if kind == "open":
            # An open question by its shape counts only where it opens its sentence or a
            # clause after a comma ("hey, you seemed a bit off, everything ok?"), and not in a
            # sentence about practical plans ("what time does your train get in?").
            clause = max(s_start, work.rfind(",", s_start, start) + 1)
            if not _opens_message(work[clause:], start - clause, lex) or msg.within(
                "logistics", s_start, s_end
            ):
                continue
        if not work.startswith("?", s_end):
            # Texting often leaves the question mark out ("hows ur day going"): a message
            # with no sentence mark at all that opens with the question still asks it.
            if unpunctuated is None:
                unpunctuated = _HAS_SENTENCE_MARK(work) is None
            if not (unpunctuated and _opens_message(work, start, lex)):
                continue
        if msg.labels_in(index) & _BLAMING_OR_DEFENSIVE:
            continue
        msg.add("curiosity_question", start, end)
    for _, start, end, _ in msg.found.get("invitations", _NO_HITS):
        if msg.labels_in(msg.sentence(start)) & _BLAMING_OR_DEFENSIVE:
            continue  # "why didn't you tell me about…?" asks for an account, not a feeling
        msg.add("curiosity_question", start, end)


def _opens_message(work: str, start: int, lex: Lexicon) -> bool:
    """Only greeting or filler words before this position?"""
    return all(t in lex.question_openers for t in TOKEN_RE.findall(work, 0, start))


# ----- levels and logistics -----


def _levels(msg: _Message) -> dict[str, list[Span]]:
    """Spans of each level found (also added to the hits), and logistics_only if it applies."""
    found: dict[str, list[Span]] = {}
    for kind, start, end, _ in msg.found.get("levels", _NO_HITS):
        spans = found.get(kind)
        if spans is None:
            found[kind] = [(start, end)]
        else:
            spans.append((start, end))
    logistics = list(map(_span_of_match, msg.found.get("logistics", _NO_HITS)))
    if logistics:
        found.setdefault("content", []).extend(logistics)
    if msg.feelings:
        spans = found.setdefault("process", [])
        for feeling in msg.feelings:
            spans.append(feeling.span)
    criticism = msg.hits.get("criticism")
    if criticism:
        found.setdefault("meaning", []).extend(criticism)
    complaint = msg.hits.get("complaint")
    if complaint:
        # A complaint tells one thing that happened: an event (the labelling guide).
        found.setdefault("content", []).extend(complaint)
    for level, spans in found.items():
        # Levels are not sentence-bound, so they skip the per-sentence bookkeeping.
        msg.hits[_LEVEL_LABELS[level]] = spans
    if (
        logistics
        and not msg.feelings
        and "process" not in found
        and "meaning" not in found
        and _NOT_LOGISTICS_ONLY.isdisjoint(msg.hits)
        and "logistics_not_only" not in msg.found
    ):
        if "logistics_only" in msg.lex.kind_explanations:
            for start, end in logistics:
                msg.add("logistics_only", start, end)
        else:
            # Nothing reads the labels of each sentence after this, so the spans can go
            # straight in.
            msg.hits["logistics_only"] = logistics
    return found


# ----- findings with explanations -----


def _findings(msg: _Message, text: str) -> list[Finding]:
    lex = msg.lex
    explanations = lex.explanation_pieces
    kind_explanations = lex.kind_explanations
    hits = msg.hits
    # Each entry is (start, label, finding), or (start, label, sequence, finding) for a label
    # that gives one finding per kind: sorted by where they start, then by label. Only those
    # labels can tie on (start, label); their sequence number keeps the order they were made
    # in (as a stable sort would), so Findings are never compared.
    ordered: list[tuple] = []
    # An emoji is not a named feeling either (it still counts for level_process).
    named = [
        f.span
        for f in msg.feelings
        if f.word not in NOT_NAMED_FEELINGS and text[f.span[0]].isalpha()
    ]
    if named:
        hits["feeling_named"] = named
    else:
        # Quotes no words: the explanation is its template as written.
        stripped = len(text) - len(text.lstrip())
        explanation = "{words}".join(explanations.get("no_feeling_named", _NO_EXPLANATION))
        ordered.append(
            (
                stripped,
                "no_feeling_named",
                Finding("no_feeling_named", [(stripped, len(text.rstrip()))], explanation),
            )
        )
    for label, spans in hits.items():
        if label in kind_explanations:
            _findings_by_kind(msg, text, label, spans, ordered)
            continue
        # The usual case: every hit of the label shares one explanation.
        if len(spans) > 1:
            spans = _merge(spans)
        # The explanation around each "{words}" of its template (see Lexicon).
        pieces = explanations.get(label, _NO_EXPLANATION)
        if len(pieces) == 1:
            explanation = pieces[0]
        elif len(spans) == 1:  # the usual case, without _quote_words' bookkeeping
            explanation = _quoted_piece(text, *spans[0]).join(pieces)
        else:
            explanation = _quote_words(text, spans).join(pieces)
        ordered.append((spans[0][0], label, Finding(label, spans, explanation)))
    if len(ordered) > 1:
        ordered.sort()
    return list(map(_finding_of, ordered))


def _findings_by_kind(
    msg: _Message, text: str, label: str, label_spans: list[Span], ordered: list[tuple]
) -> None:
    """The findings of a label whose kinds have explanations of their own: one per explanation."""
    explanations = msg.lex.explanation_pieces
    own_keys = msg.lex.kind_explanations[label]
    by_key: dict[str, list[Span]] = {}
    for span, kind in zip(label_spans, msg.hit_kinds[label], strict=False):
        key = own_keys.get(kind, label)
        spans = by_key.get(key)
        if spans is None:
            by_key[key] = [span]
        else:
            spans.append(span)
    for key, spans in by_key.items():
        if len(spans) > 1:
            spans = _merge(spans)
        pieces = explanations.get(key) or explanations.get(label, _NO_EXPLANATION)
        if len(pieces) == 1:
            explanation = pieces[0]
        else:
            explanation = _quote_words(text, spans).join(pieces)
        ordered.append((spans[0][0], label, len(ordered), Finding(label, spans, explanation)))


def _quote_words(text: str, spans: list[Span]) -> str:
    """The words of up to three spans, each shortened to 60 characters, without repeats."""
    seen: list[str] = []
    for start, end in spans:
        piece = _quoted_piece(text, start, end)
        if piece and piece not in seen:
            seen.append(piece)
            if len(seen) == 3:
                break
    return "”, “".join(seen)


def _quoted_piece(text: str, start: int, end: int) -> str:
    """The words of one span on one line, shortened to 60 characters."""
    piece = " ".join(text[start:end].split())
    return piece if len(piece) <= 60 else piece[:57] + "…"


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
