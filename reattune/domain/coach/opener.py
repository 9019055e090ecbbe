"""The conversation opener: a calm first-person start, checked so that it carries no blame.

The user fills in what they miss, how they feel and what they would like. Each part goes into
a template; the whole is analysed, and any part that reads as blame is first softened (the
absolute taken out) and, if still blaming, replaced by a gentle default.
"""

from __future__ import annotations

import re

from .analyzer import analyze
from .labels import BLAME_LABELS
from .lexicon import load_lexicon
from .model import Opener

_TRAILING = re.compile(r"[\s.,;:!?…]+$")
_PARTS = ("miss", "feel", "like")


def build_opener(miss: str, feel: str, like: str, lang: str = "en") -> Opener:
    lex = load_lexicon(lang)
    templates = lex.templates["opener"]
    given = {"miss": miss, "feel": feel, "like": like}
    parts: dict[str, str] = {}
    adjusted: list[str] = []
    for part in _PARTS:
        cleaned = _clean(given[part] or "", lex)
        if not cleaned:
            cleaned = templates[f"default_{part}"]
        parts[part] = _safe_part(part, cleaned, templates, lang, lex, adjusted)
    text = " ".join(
        [
            templates["start"],
            templates["miss"].format(miss=parts["miss"]),
            templates["feel"].format(feel=parts["feel"]),
            templates["like"].format(like=parts["like"]),
            templates["close"],
        ]
    )
    analysis = analyze(text[:5000], lang)
    if analysis.labels & BLAME_LABELS:
        # Should not happen once every part is checked, but never hand back a blaming opener.
        parts = {part: templates[f"default_{part}"] for part in _PARTS}
        adjusted = list(_PARTS)
        text = " ".join(
            [
                templates["start"],
                templates["miss"].format(miss=parts["miss"]),
                templates["feel"].format(feel=parts["feel"]),
                templates["like"].format(like=parts["like"]),
                templates["close"],
            ]
        )
        analysis = analyze(text, lang)
    return Opener(text=text, analysis=analysis, adjusted=adjusted)


def _clean(value: str, lex) -> str:
    value = " ".join(value.replace("’", "'").split())[:400]
    value = _TRAILING.sub("", value)
    match = lex.opener_strip.match(value.lower())
    if match:
        value = value[match.end() :].lstrip(" ,:-")
    if value[:2] not in ("I ", "I'"):
        value = value[:1].lower() + value[1:]
    return value


def _safe_part(part: str, value: str, templates, lang: str, lex, adjusted: list[str]) -> str:
    sentence = templates[part].format(**{part: value})
    found = analyze(sentence, lang)
    if not found.labels & BLAME_LABELS:
        return value
    adjusted.append(part)
    # Try without the absolute words first ("you never call" -> "you call" is not right,
    # so for a feeling keep only the feeling word the user gave, if any).
    if part == "feel":
        words = [f.word for f in found.feelings if lex.vocabulary[f.word].adjective]
        if words:
            candidate = words[0]
            if not analyze(templates["feel"].format(feel=candidate), lang).labels & BLAME_LABELS:
                return candidate
    softened = value
    for start, end in sorted(found.spans_for("absolute"), reverse=True):
        offset = sentence.find(value)
        if offset != -1 and offset <= start and end <= offset + len(value):
            softened = softened[: start - offset] + softened[end - offset :]
    softened = " ".join(softened.split())
    if (
        softened
        and not analyze(templates[part].format(**{part: softened}), lang).labels & BLAME_LABELS
    ):
        return softened
    return templates[f"default_{part}"]
