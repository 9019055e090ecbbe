"""Anchor words: a cheap test of whether a pattern can match a message at all.

For each pattern we derive from its parsed regex a set of whole words, one of which must appear
as a token for the pattern to match. At run time only patterns whose anchors are among the
message's tokens are tried, which skips most of the lexicon for a typical short message. A
pattern whose anchors cannot be worked out safely gets None and is always tried.
"""

from __future__ import annotations

import re
from re import _constants as c  # the stdlib regex parser: stable across 3.11+
from re import _parser as parser

_WORD_CHAR = re.compile(r"[\w']")
# Words too common to be worth anchoring on when a better choice exists.
_COMMON = frozenset(
    "you u ya i a an the to me it is so of what that this how why feel like about for with when "
    "just not do did are was were be been have has my your we us our and but or in on at if".split()
)
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (c.AT, c.ASSERT, c.ASSERT_NOT)


def anchor_words(pattern: str) -> frozenset[str] | None:
    """Words of which at least one must be a token of any text the pattern matches."""
    requirements = anchor_requirements(pattern)
    return requirements[0] if requirements else None


def anchor_requirements(pattern: str) -> list[frozenset[str]]:
    """Every such set of words the pattern needs (one word of each), the best anchor first.

    A message whose tokens miss any one of these sets cannot match, so the analyzer checks
    them all before it runs the regex. An empty list means nothing is known for sure.
    """
    try:
        parsed = parser.parse(pattern)
    except re.error:
        return []
    requirements = list(dict.fromkeys(_sequence(list(parsed), True, True)))
    if not requirements:
        return []
    best = max(requirements, key=_score)
    requirements.remove(best)
    # Rarest-looking sets next: they are the ones most likely to rule the pattern out.
    return [best, *sorted(requirements, key=_score, reverse=True)]


def _score(words: frozenset[str]) -> tuple[bool, int, int]:
    return (not (words & _COMMON), min(len(w) for w in words), -len(words))


def _nonword_item(op, av) -> bool:
    """Does this item always consume at least one non-word character?"""
    if op is c.LITERAL:
        return not _WORD_CHAR.match(chr(av))
    if op is c.IN:
        return _nonword_class(av)
    if op in _REPEATS:
        low, _, sub = av
        return low >= 1 and len(sub) == 1 and _nonword_item(*list(sub)[0])
    return False


def _nonword_class(members) -> bool:
    for op, av in members:
        if op is c.CATEGORY:
            if av not in (c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD, c.CATEGORY_NOT_DIGIT):
                return False
            if av is c.CATEGORY_NOT_DIGIT:
                return False
        elif op is c.LITERAL:
            if _WORD_CHAR.match(chr(av)):
                return False
        else:
            return False
    return True


def _all_nonword(items) -> bool:
    return bool(items) and all(_nonword_item(op, av) for op, av in items)


def _ends_with_boundary(items) -> bool:
    """Does every way through these items end with a non-word character?"""
    items = [item for item in items if item[0] not in _ZERO_WIDTH]
    if not items:
        return False
    op, av = items[-1]
    if _nonword_item(op, av):
        return True
    if op is c.SUBPATTERN:
        return _ends_with_boundary(list(av[-1]))
    if op is c.BRANCH:
        return all(_ends_with_boundary(list(alt)) for alt in av[1])
    return False


def _alternatives(op, av):
    if op is c.BRANCH:
        return [list(alt) for alt in av[1]]
    if op is c.SUBPATTERN:
        inner = list(av[-1])
        if len(inner) == 1 and inner[0][0] is c.BRANCH:
            return [list(alt) for alt in inner[0][1][1]]
        return [inner]
    return None


def _sequence(items, left_bounded: bool, right_bounded: bool) -> list[frozenset[str]]:
    """Requirements of a sequence; each is a set of words of which one must appear."""
    requirements: list[frozenset[str]] = []
    run: list[str] = []
    bounded = left_bounded  # is the position before the current run a word boundary?

    def close(boundary_after: bool) -> None:
        nonlocal run
        if run and bounded and boundary_after:
            requirements.append(frozenset({"".join(run)}))
        run = []

    for position, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        if op is c.LITERAL and _WORD_CHAR.match(chr(av)):
            run.append(chr(av))
            continue
        if _nonword_item(op, av):
            close(True)
            bounded = True
            if op is c.LITERAL and av > 127:
                requirements.append(frozenset({chr(av)}))  # a symbol such as an emoji
            continue
        if _is_digits(op, av):
            close(False)
            bounded = False
            requirements.append(DIGIT_TOKEN)
            continue
        suffixes = _literal_suffixes(op, av)
        if suffixes is not None and run and _next_is_boundary(items, position + 1, right_bounded):
            # The regex parser turns "close|closer" into "close" + ("" | "r"); put them back.
            if bounded:
                stem = "".join(run)
                requirements.append(frozenset(stem + suffix for suffix in suffixes))
            run = []
            bounded = True
            continue
        alternatives = _alternatives(op, av)
        if alternatives is not None:
            before = bounded and not run
            close(False)
            after = _next_is_boundary(items, position + 1, right_bounded)
            chosen: list[frozenset[str]] = []
            for alternative in alternatives:
                found = _sequence(alternative, before, after)
                if not found:
                    chosen = []
                    break
                chosen.append(max(found, key=_score))
            if chosen:
                requirements.append(frozenset().union(*chosen))
            bounded = all(_ends_with_boundary(alternative) for alternative in alternatives)
            continue
        if op in _REPEATS and av[0] == 0 and _all_nonword(list(av[2])):
            # An optional comma or dash: the word before it still ends at a boundary when a
            # space or other non-word character must follow.
            if _next_is_boundary(items, position + 1, right_bounded):
                close(True)
                bounded = True
                continue
        if op in _REPEATS and av[0] == 0:
            # Optional: the boundary survives if the optional part itself ends with one.
            was_bounded = bounded and not run
            close(False)
            bounded = was_bounded and _ends_with_boundary(list(av[2]))
            continue
        close(False)
        bounded = False
    close(right_bounded)
    return requirements


# Stands for "the message contains a digit"; the analyzer adds it to a message's tokens.
DIGIT_TOKEN = frozenset({"#digit"})


def _is_digits(op, av) -> bool:
    if op in _REPEATS and av[0] >= 1 and len(av[2]) == 1:
        op, av = list(av[2])[0]
    if op is not c.IN:
        return False
    return all(
        (kind is c.CATEGORY and value is c.CATEGORY_DIGIT)
        or (kind is c.RANGE and value == (ord("0"), ord("9")))
        for kind, value in av
    )


def _literal_suffixes(op, av) -> list[str] | None:
    """Alternatives that are all plain word characters (one may be empty), else None."""
    if op in _REPEATS and av[0] == 0 and av[1] == 1:
        inner = _literal_word(list(av[2]))
        return None if inner is None else ["", inner]
    alternatives = _alternatives(op, av)
    if alternatives is None:
        return None
    words = [_literal_word(alternative) for alternative in alternatives]
    return None if any(w is None for w in words) else words


def _literal_word(items) -> str | None:
    chars = []
    for op, av in items:
        if op is not c.LITERAL or not _WORD_CHAR.match(chr(av)):
            return None
        chars.append(chr(av))
    return "".join(chars)


def _next_is_boundary(items, start: int, right_bounded: bool) -> bool:
    for op, av in items[start:]:
        if op in _ZERO_WIDTH:
            continue
        return _nonword_item(op, av)
    return right_bounded
