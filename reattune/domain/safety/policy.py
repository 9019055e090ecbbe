"""Safety mode: what rests for one person after a positive private safety check.

:func:`policy_for` takes the person's latest :class:`~reattune.domain.safety.screen.ScreenResult`
(or None) and returns a frozen :class:`SafetyPolicy`: named flags (True = this rests for them)
and what is offered instead. Every feature asks it through one Django helper,
``reattune.care.safety.policy(user)``, and only ever changes that person's own view.

The rule: while the latest result is positive, everything that asks the person to raise
things with their partner or to work on the relationship together rests: agreements, the
ladder, ritual prompts that ask to raise a problem or a need, the coach's rewrite-to-partner
and opener, the couple-therapist invite, any card recommending couples therapy, and plan
practices of the conjoint kind. In their place: domestic-violence lines, the safety plan and
individual support (``suggestions``). An urgent result adds ``urgent_note``. No result, a
negative result or a deleted result: nothing rests.

Text lives in ``reattune/data/safety/safety_mode.yaml`` (shape: screen.schema.json).
Plain Python: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from .resources import DATA_ROOT, SafetyDataError, read_yaml, schema_check
from .screen import SCHEMA, ScreenResult

SAFETY_MODE_FILE = DATA_ROOT / "safety" / "safety_mode.yaml"

#: The flags, in the order of the data file. Each is a field of SafetyPolicy.
FEATURES = (
    "agreements",
    "ladder",
    "ritual_prompts",
    "coach_rewrite",
    "coach_opener",
    "therapist_invite",
    "couples_therapy",
    "conjoint_practices",
)


@dataclass(frozen=True)
class Suggestion:
    id: str
    target: str  # safety_plan | help_lines | individual_support | emergency
    title: str
    text: str


@dataclass(frozen=True)
class SafetyModeText:
    resting_title: str
    resting_text: str
    urgent_note: str
    rest_titles: Mapping[str, str]
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True)
class SafetyPolicy:
    """What rests for one person. ``active`` is safety mode; every flag is True only then."""

    active: bool = False
    urgent: bool = False
    agreements: bool = False
    ladder: bool = False
    ritual_prompts: bool = False
    coach_rewrite: bool = False
    coach_opener: bool = False
    therapist_invite: bool = False
    couples_therapy: bool = False
    conjoint_practices: bool = False
    resting_title: str | None = None
    resting_text: str | None = None
    urgent_note: str | None = None
    suggestions: tuple[Suggestion, ...] = ()

    def rests(self, feature: str) -> bool:
        if feature not in FEATURES:
            raise KeyError(f"unknown feature {feature!r}; known: {', '.join(FEATURES)}")
        return bool(getattr(self, feature))

    @property
    def resting(self) -> tuple[str, ...]:
        return tuple(f for f in FEATURES if getattr(self, f))

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "suggestions"}
        out["suggestions"] = [
            {"id": s.id, "target": s.target, "title": s.title, "text": s.text}
            for s in self.suggestions
        ]
        return out


#: Nothing rests (no result, a negative result, or a deleted one).
NONE = SafetyPolicy()


def parse_safety_mode(data: Mapping, source: Path | str = "(safety mode)") -> SafetyModeText:
    schema_check(data, SCHEMA, source)
    if data["kind"] != "safety_mode":
        raise SafetyDataError(source, "kind", "expected 'safety_mode'")
    titles = {r["id"]: r["title"] for r in data["rests"]}
    missing = [f for f in FEATURES if f not in titles]
    if missing:
        raise SafetyDataError(source, "rests", f"missing {missing}")
    ids = [s["id"] for s in data["suggestions"]]
    if len(set(ids)) != len(ids):
        raise SafetyDataError(source, "suggestions", "duplicate suggestion ids")
    return SafetyModeText(
        resting_title=data["resting_title"].strip(),
        resting_text=data["resting_text"].strip(),
        urgent_note=data["urgent_note"].strip(),
        rest_titles={f: titles[f] for f in FEATURES},
        suggestions=tuple(
            Suggestion(s["id"], s["target"], s["title"].strip(), s["text"].strip())
            for s in data["suggestions"]
        ),
    )


@lru_cache(maxsize=4)
def _load(path: Path) -> SafetyModeText:
    return parse_safety_mode(read_yaml(path), path)


def load_safety_mode(path: Path | str | None = None) -> SafetyModeText:
    return _load(Path(path) if path is not None else SAFETY_MODE_FILE)


def policy_for(result: ScreenResult | None, text: SafetyModeText | None = None) -> SafetyPolicy:
    """What rests for the person whose latest safety result is ``result``. Pure."""
    if result is None or not result.positive:
        return NONE
    words = text if text is not None else load_safety_mode()
    return SafetyPolicy(
        active=True,
        urgent=bool(result.urgent),
        **dict.fromkeys(FEATURES, True),
        resting_title=words.resting_title,
        resting_text=words.resting_text,
        urgent_note=words.urgent_note if result.urgent else None,
        suggestions=words.suggestions,
    )
