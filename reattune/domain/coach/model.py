"""The coach's result types. Plain data, JSON-serialisable through to_dict()."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_CHARS = 5000


class TextTooLong(ValueError):
    """The text is longer than the coach reads in one go."""

    def __init__(self, length: int, limit: int = MAX_CHARS) -> None:
        self.length = length
        self.limit = limit
        super().__init__(
            f"This message is {length} characters long; the coach reads up to {limit} at a time. "
            "Please shorten it or split it into parts."
        )


@dataclass(slots=True)
class Finding:
    label: str
    spans: list[tuple[int, int]]
    explanation: str

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "spans": [list(span) for span in self.spans],
            "explanation": self.explanation,
        }


@dataclass(slots=True)
class Feeling:
    word: str
    family: str
    intensity: int
    span: tuple[int, int]
    valence: str = "negative"
    owned: bool = False  # the speaker's own feeling ("I'm worried"), not the partner's

    def to_dict(self) -> dict:
        return {
            "word": self.word,
            "family": self.family,
            "intensity": self.intensity,
            "span": list(self.span),
        }


@dataclass(slots=True)
class Analysis:
    text: str
    lang: str
    findings: list[Finding] = field(default_factory=list)
    feelings: list[Feeling] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)

    @property
    def labels(self) -> set[str]:
        return {finding.label for finding in self.findings}

    def spans_for(self, label: str) -> list[tuple[int, int]]:
        return [span for f in self.findings if f.label == label for span in f.spans]

    def to_dict(self) -> dict:
        # The text itself is left out on purpose: callers already have it, and a result that
        # does not repeat it is safer to pass around.
        return {
            "lang": self.lang,
            "length": len(self.text),
            "findings": [finding.to_dict() for finding in self.findings],
            "feelings": [feeling.to_dict() for feeling in self.feelings],
            "levels": list(self.levels),
        }


@dataclass(frozen=True)
class Suggestions:
    rewrite: str | None
    antidotes: list[tuple[str, str]]
    question_back: str
    kept: str | None = None  # for a message left alone: what it already does well

    def to_dict(self) -> dict:
        return {
            "rewrite": self.rewrite,
            "kept": self.kept,
            "antidotes": [{"name": name, "text": text} for name, text in self.antidotes],
            "question_back": self.question_back,
        }


@dataclass(frozen=True)
class Opener:
    text: str
    analysis: Analysis
    adjusted: list[str] = field(default_factory=list)  # which parts were softened or replaced

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "analysis": self.analysis.to_dict(),
            "adjusted": list(self.adjusted),
        }
