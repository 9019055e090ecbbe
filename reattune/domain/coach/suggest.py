"""Suggestions: an I-statement rewrite, antidotes, validating responses and a question back.

The rewrite is built from the user's own words: the feeling they named (or one from the
vocabulary that fits the pattern found), the situation without the absolute, and their own
request if they made one. All wording comes from the language's templates.yaml.
"""

from __future__ import annotations

import re

from .analyzer import analyze
from .labels import SEVERITY
from .lexicon import Lexicon, load_lexicon
from .model import Analysis, Feeling, Suggestions
from .text import SENTENCE_MARKS, TOKEN_RE

_TRAILING = re.compile(r"[\s.,;:!?…\"'“”)\]]+$")
_NON_TEXT = re.compile(r"[^\w\s',-]")
_REWRITE_LABELS = frozenset(SEVERITY)
_SITUATION_LABELS = ("absolute", "you_blame", "complaint", "disguised_blame")
_CHARACTER_LABELS = frozenset({"criticism", "contempt"})


def suggest(analysis: Analysis) -> Suggestions:
    """Suggestions for a message that has been analysed."""
    lex = load_lexicon(analysis.lang)
    templates = lex.templates
    labels = analysis.labels
    antidotes = [
        (name, text)
        for label, (name, text) in templates["antidotes"].items()
        if label in labels and (label != "no_feeling_named" or labels & _REWRITE_LABELS)
    ]
    questions = templates["question_back"]
    question = questions.get("meaning") if "meaning" in analysis.levels else None
    return Suggestions(
        rewrite=_rewrite(analysis, lex) if labels & _REWRITE_LABELS else None,
        antidotes=antidotes,
        question_back=question or questions["default"],
    )


# ----- the I-statement rewrite -----


def _rewrite(analysis: Analysis, lex: Lexicon) -> str:
    rewrite = lex.templates["rewrite"]
    main = next(label for label in SEVERITY if label in analysis.labels)
    feeling = _feeling(analysis, lex, main)
    situation, action = _situation(analysis, lex)
    request = _request(analysis, lex, main, action)
    if situation:
        text = rewrite["full"].format(feeling=feeling, situation=situation, request=request)
    else:
        text = rewrite["no_situation"].format(feeling=feeling, request=request)
    text = " ".join(text.split())
    # The rewrite must not carry an absolute about the partner; strip any that slipped in.
    check = analyze(text, analysis.lang)
    if "absolute" in check.labels:
        for start, end in sorted(check.spans_for("absolute"), reverse=True):
            text = text[:start] + text[end:]
        text = " ".join(text.split())
    return text


def _feeling(analysis: Analysis, lex: Lexicon, main: str) -> str:
    own: list[Feeling] = [f for f in analysis.feelings if f.owned]
    usable = [f for f in own if lex.vocabulary[f.word].adjective]
    negative = [f for f in usable if f.valence == "negative"]
    chosen = (negative or usable or [None])[0]
    if chosen is not None:
        return chosen.word
    defaults = lex.templates["rewrite"]["default_feelings"]
    return defaults.get(main, defaults["default"])


def _situation(analysis: Analysis, lex: Lexicon) -> tuple[str, str]:
    """The situation in the user's words, from the partner subject to the end of its sentence."""
    text = analysis.text
    starts = sorted(span[0] for label in _SITUATION_LABELS for span in analysis.spans_for(label))
    if not starts:
        return "", ""
    first = starts[0]
    sentence_start = max(text.rfind(mark, 0, first) for mark in ".!?;\n") + 1
    sentence_end = min(
        (i for i in (text.find(mark, first) for mark in ".!?;\n") if i != -1), default=len(text)
    )
    # Take the clause that begins with the partner as subject ("you never help with…").
    clause_start = None
    for match in TOKEN_RE.finditer(text.lower(), sentence_start, sentence_end):
        token = match.group().replace("’", "'")
        if token in ("you", "you're", "youre", "u", "you've", "youve"):
            clause_start = match.start()
            break
    if clause_start is None:
        return "", ""
    clause = text[clause_start:sentence_end]
    for label in _CHARACTER_LABELS:
        if any(clause_start <= s < sentence_end for s, _ in analysis.spans_for(label)):
            return "", ""  # a trait, not a situation: leave it out rather than repeat it
    clause = _NON_TEXT.sub(" ", clause.replace("’", "'"))
    clause = " ".join(clause.split())
    lowered = clause[0].lower() + clause[1:] if clause else clause
    action = ""
    never = re.match(
        r"(?:you|u) (?:never|don't ever|dont ever|do not ever)(?: once| ever)? (.+)", lowered, re.I
    )
    for pattern, replacement in lex.situation_edits:
        lowered = pattern.sub(replacement, lowered)
    lowered = " ".join(lowered.split())
    lowered = _TRAILING.sub("", lowered)
    if never and lowered.lower().startswith("you don't "):
        action = lowered[len("you don't ") :]
    lowered = re.sub(r"\bi\b", "I", lowered)
    return lowered, action


def _request(analysis: Analysis, lex: Lexicon, main: str, action: str) -> str:
    rewrite = lex.templates["rewrite"]
    text = analysis.text.replace("’", "'")
    match = lex.request_frames.search(text.lower())
    if match:
        own = _TRAILING.sub("", text[match.end() :].split("\n")[0]).strip()
        own = re.split(r"[.!?;]", own)[0].strip()
        if own and "absolute" not in analyze(own, analysis.lang).labels:
            return own
    if action:
        return rewrite["request_from_never"].format(action=action)
    return rewrite.get("default_requests", {}).get(main, rewrite["default_request"])


# ----- validating responses -----


def _negated_feelings(analysis: Analysis, validating: dict) -> set[int]:
    """Indexes of feelings said with a negation in their clause ("you don't love me", "I'm not
    happy"): those are never mirrored back as if they were felt."""
    words = {w.lower() for w in validating.get("negation_words", ())}
    undone = {w.lower() for w in validating.get("negation_undone_by", ())}
    window = int(validating.get("negation_window", 4))
    text = analysis.text.replace("\u2019", "'")
    negated: set[int] = set()
    for index, feeling in enumerate(analysis.feelings):
        start = feeling.span[0]
        clause_start = max(text.rfind(mark, 0, start) for mark in SENTENCE_MARKS + ",") + 1
        tokens = [m.group().lower() for m in TOKEN_RE.finditer(text, clause_start, start)]
        if "but" in tokens or "just" in tokens:
            cut = max(i for i, t in enumerate(tokens) if t in ("but", "just"))
            tokens = tokens[cut + 1 :]
        recent = tokens[-window:]
        for i, token in enumerate(recent):
            plain = token.replace("'", "")
            if plain in words or token.endswith("n't"):
                after = recent[i + 1] if i + 1 < len(recent) else ""
                if after not in undone:
                    negated.add(index)
                    break
    return negated


def validating_responses(partner_text: str, lang: str = "en") -> list[str]:
    """Responses to consider for what a partner shared: the feeling reflected before any advice.

    A feeling said with a negation is never mirrored: "I feel like you don't love me anymore"
    does not get "I feel that way about you too".
    """
    analysis = analyze(partner_text, lang)
    lex = load_lexicon(lang)
    validating = lex.templates["validating"]
    responses: list[str] = []
    negated = _negated_feelings(analysis, validating)
    missing_good = any(analysis.feelings[i].valence == "positive" for i in negated)
    kept = [f for i, f in enumerate(analysis.feelings) if i not in negated]
    feelings = sorted(kept, key=lambda f: (-f.intensity, f.span[0]))
    if missing_good:
        responses.extend(validating.get("negated") or validating["default"])
    if feelings:
        strongest = feelings[0]
        reflectable = [f for f in feelings if lex.vocabulary[f.word].adjective]
        if reflectable:
            responses.append(validating["reflect_named"].format(feeling=reflectable[0].word))
        if not (missing_good and strongest.valence == "positive"):
            responses.extend(validating["families"].get(strongest.family, []))
    if "meaning" in analysis.levels:
        responses.append(validating["meaning"])
    if not feelings and not missing_good:
        if "content" in analysis.levels and "process" not in analysis.levels:
            responses.append(validating["content"])
        responses.extend(validating["default"])
    elif "process" not in analysis.levels:
        responses.append(validating["process"])
    unique: list[str] = []
    for line in responses:
        if line not in unique:
            unique.append(line)
    return unique[:4]
