"""Warm messages the learned stage must leave alone (lexicons/<lang>/coach_warmth.yaml).

A bag of words sees "You're so kind." and "You're so selfish." as the same shape, and so the
learned stage once called kindness criticism or contempt. The veto: a message that says
something warm (thanks, praise, love, an apology, or a pleasant feeling the rules found) and
carries no cue that turns warmth into sarcasm or mixes it with blame (an insult, a sarcasm
marker, a negation, "but") is not handed to the model. The rules read it as always.

Its apology words also keep the rules from calling an apology a complaint ("I'm sorry I
snapped at you, you didn't deserve that" is about the speaker's own act).

The file is optional: a language without one has no veto. It is read with the lexicon
(load_lexicon), so a broken file is reported at start-up, naming the file and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..datafile import DataFileError, read_yaml

FILE_NAME = "coach_warmth.yaml"
_FIELDS = ("warm_words", "cold_words", "cold_patterns", "apology_words")


@dataclass(frozen=True, slots=True)
class Warmth:
    warm_words: frozenset[str]
    cold_words: frozenset[str]
    cold_patterns: tuple[re.Pattern[str], ...]
    apology_words: frozenset[str] = frozenset()

    def only_warm(self, tokens: list[str], work: str, pleasant_feeling: bool = False) -> bool:
        """Does the message say something warm and nothing that turns it round?"""
        if self.warm_words.isdisjoint(tokens) and not pleasant_feeling:
            return False
        if not self.cold_words.isdisjoint(tokens):
            return False
        return not any(pattern.search(work) for pattern in self.cold_patterns)


def _words(data: dict[str, Any], key: str, file: str, error: type[DataFileError]) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise error(file, key, "should be a non-empty list of strings")
    for n, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or item != item.strip().lower():
            raise error(file, f"{key}[{n}]", f"should be a lower-case word, not {item!r}")
    return value


def load_warmth(directory: Path, error: type[DataFileError] = DataFileError) -> Warmth | None:
    """The folder's coach_warmth.yaml, checked; None when the folder has none."""
    path = directory / FILE_NAME
    if not path.is_file():
        return None
    file = f"{directory.name}/{FILE_NAME}"
    data = read_yaml(path, error)
    if not isinstance(data, dict):
        raise error(file, "(top level)", "should be a mapping")
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise error(file, "(top level)", f"unknown field {unknown[0]!r}")
    warm = _words(data, "warm_words", file, error)
    cold = _words(data, "cold_words", file, error)
    patterns = data.get("cold_patterns", [])
    if not isinstance(patterns, list):
        raise error(file, "cold_patterns", "should be a list of patterns")
    compiled: list[re.Pattern[str]] = []
    for n, pattern in enumerate(patterns):
        if not isinstance(pattern, str) or not pattern.strip():
            raise error(file, f"cold_patterns[{n}]", "should be a pattern string")
        try:
            compiled.append(re.compile(f"(?<![\\w'])(?:{pattern})(?![\\w'])"))
        except re.error as exc:
            raise error(file, f"cold_patterns[{n}]", f"not a valid pattern: {exc}") from exc
    apology = _words(data, "apology_words", file, error) if "apology_words" in data else []
    both = set(warm) & set(cold)
    if both:
        raise error(file, "cold_words", f"also a warm word: {sorted(both)[0]!r}")
    return Warmth(
        frozenset(warm),
        frozenset(cold),
        tuple(compiled),
        frozenset(apology),
    )
