"""Text preparation that keeps every character where it was.

All helpers return strings of the same length as the input, so a match position in the
prepared text is also a position in the original text the user typed.
"""

from __future__ import annotations

import re

# Typographic and stray apostrophes become a plain one, so "don’t" matches "don't".
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})

SENTENCE_RE = re.compile(r"[^.!?;\n]+")
TOKEN_RE = re.compile(r"[\w']+")


def is_token_char(char: str) -> bool:
    """Is this one character a token character, as `[\\w']` in TOKEN_RE? (For a str pattern,
    `re` counts as \\w exactly the characters str.isalnum() accepts, and "_"; this is the same
    test without the cost of a regex call.)"""
    return char.isalnum() or char == "_" or char == "'"


# A single quote opens a quotation only after a space or bracket and before a non-space,
# and closes before a space or punctuation; the apostrophe in "it's" does neither.
_SINGLE_QUOTED = re.compile(
    r"(?:^|(?<=[\s(\[:]))'(?=\S)([^'\n]*?(?:'[a-z][^'\n]*?)*?)(?<=\S)'(?=$|[\s.,!?;:)\]])"
)


def normalize(text: str) -> str:
    """Plain apostrophes and lower case, without changing the length."""
    if text.isascii():
        # The usual case, done cheaply: in ASCII the backtick is the only apostrophe to
        # replace, and lower case never changes the length.
        lowered = text.lower()
        return lowered.replace("`", "'") if "`" in lowered else lowered
    plain = text.translate(_APOSTROPHES)
    lowered = plain.lower()
    if len(lowered) != len(plain):
        # A few characters (such as "İ") grow when lower-cased; keep those as they are.
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in plain)
    return lowered


def quoted_regions(text: str, pair_patterns: list[re.Pattern[str]]) -> list[tuple[int, int]]:
    """Spans of quoted content (reported speech), found by the language's quote patterns."""
    regions: list[tuple[int, int]] = []
    for pattern in pair_patterns:
        for match in pattern.finditer(text):
            if match.end(1) > match.start(1):
                regions.append(match.span(1))
    if "'" in text:
        for match in _SINGLE_QUOTED.finditer(text):
            if match.end(1) > match.start(1):
                regions.append(match.span(1))
    return regions


def mask(text: str, regions: list[tuple[int, int]]) -> str:
    """Blank out regions with spaces, unless one region is the whole message."""
    if not regions:
        return text
    stripped = text.strip(" \t\n\"'“”„«»")
    pieces: list[str] = []
    last = 0
    for start, end in sorted(regions):
        if end - start >= len(stripped):
            # The whole message is in quotes: the user is quoting themselves, keep it.
            return text
        if start < last:
            continue
        pieces.append(text[last:start])
        pieces.append(" " * (end - start))
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
