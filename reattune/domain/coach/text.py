"""Text preparation that keeps every character where it was.

All helpers return strings of the same length as the input, so a match position in the
prepared text is also a position in the original text the user typed.
"""

from __future__ import annotations

import re

# Typographic and stray apostrophes become a plain one, so "don’t" matches "don't".
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})

SENTENCE_MARKS = ".!?;\n"  # the marks that end a sentence
SENTENCE_RE = re.compile(r"[^.!?;\n]+")  # the runs between them
TOKEN_RE = re.compile(r"[\w']+")
# Lower-cased ASCII text (the usual message) is tokenized without a regex:
# text.encode().translate(ASCII_TOKENS_APART).decode().split() turns every byte that is not
# a token character into a space and splits there, which gives exactly the tokens TOKEN_RE
# finds (in ASCII, \w is [a-zA-Z0-9_], and no capitals are left) at a third of the cost.
_LOWER_ASCII_TOKEN_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_'")
ASCII_TOKENS_APART = bytes(
    byte if byte in _LOWER_ASCII_TOKEN_CHARS else ord(" ") for byte in range(256)
)


# A second translation gives each byte of an ASCII text its class, for the other questions
# asked of every message (any digit? where do the sentence marks stand?): a test on the
# classes costs a fraction of a regex search.
DIGIT_CLASS = ord("0")  # the class of the digits 0-9
SENTENCE_MARK_CLASS = b"."  # the class of the marks that end a sentence (see SENTENCE_RE)
ASCII_CLASSES = bytes(
    DIGIT_CLASS
    if chr(byte) in "0123456789"
    else SENTENCE_MARK_CLASS[0]
    if chr(byte) in SENTENCE_MARKS
    else ord("a")
    for byte in range(256)
)


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
