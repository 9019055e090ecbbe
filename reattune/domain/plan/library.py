"""The practice library and the ritual content: loading and validating the YAML files.

Plain Python (no Django). Files, all in ``reattune/data``:

* ``practices.yaml``  every practice id of concepts.yaml, what it addresses, steps, variants,
  and the phrases plans use to explain a choice;
* ``ladder.yaml``     the progressive vulnerability ladder;
* ``agreements.yaml`` the communication agreements a couple can accept;
* ``rituals.yaml``    prompts for the daily check-in, weekly review and monthly check-in.

All are validated against ``schemas/practice.schema.json`` (``practices.yaml`` is the root,
the others are ``$defs``), then cross-checked against concepts.yaml. A problem raises
:class:`PracticeError`, whose text reads ``<file>: <field path>: <problem>``, e.g.
``practices.yaml: practices.repair.addresses[2]: unknown concept 'sign:nope'``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from reattune.domain.concepts import ConceptError, Concepts, load_concepts
from reattune.domain.datafile import DATA_DIR, DataFileError, check, read_yaml

PRACTICES_FILE = DATA_DIR / "practices.yaml"
LADDER_FILE = DATA_DIR / "ladder.yaml"
AGREEMENTS_FILE = DATA_DIR / "agreements.yaml"
RITUALS_FILE = DATA_DIR / "rituals.yaml"
SCHEMA = "practice.schema.json"

ROLES: tuple[str, ...] = ("pursuer", "withdrawer", "fact_sharer", "hopes_intuited")
FREQUENCIES: tuple[str, ...] = ("daily", "weekly", "monthly", "once", "as_needed")
# Who a practice involves (the "form" field). Conjoint-risky practices ask the two partners to
# raise or work through hard things together: they rest for a person in safety mode.
FORMS: tuple[str, ...] = ("solo", "together", "conjoint_risky")
# Signals that are not concepts but that the plan understands (see generator.FLAG_TARGETS).
FLAGS: tuple[str, ...] = ("escalation",)
RITUAL_IDS: tuple[str, ...] = ("daily_checkin", "weekly_review", "monthly_checkin")
LADDER_ID = "vulnerability_ladder"


class PracticeError(DataFileError):
    """A malformed practice, ladder, agreements or rituals file: ``<file>: <field>: <problem>``."""


# --------------------------------------------------------------------------- data model


@dataclass(frozen=True)
class Variant:
    role: str
    summary: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Practice:
    id: str
    title: str
    kind: str  # focus | ritual | ladder
    solo: bool
    why: str
    invitation: str
    addresses: tuple[str, ...]  # "sign:..", "cause:..", "pattern:.."
    steps: tuple[str, ...]
    duration_minutes: int
    frequency: str
    variants: Mapping[str, Variant]  # role -> Variant, in file order
    solo_invitation: str | None = None  # wording for one partner alone; None: use invitation
    form: str = "together"  # solo | together | conjoint_risky (see FORMS)

    @property
    def is_focus(self) -> bool:
        return self.kind == "focus"

    def invitation_for(self, *, solo: bool) -> str:
        return (self.solo_invitation or self.invitation) if solo else self.invitation

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "solo": self.solo,
            "form": self.form,
            "why": self.why,
            "invitation": self.invitation,
            "solo_invitation": self.solo_invitation,
            "addresses": list(self.addresses),
            "steps": list(self.steps),
            "duration_minutes": self.duration_minutes,
            "frequency": self.frequency,
            "variants": {
                role: {"summary": v.summary, "steps": list(v.steps)}
                for role, v in self.variants.items()
            },
        }


class PracticeLibrary(Mapping[str, Practice]):
    """Practices by id (sorted by id when iterated), plus the plan phrases and general list."""

    def __init__(
        self,
        practices: Mapping[str, Practice],
        phrases: Mapping[str, str],
        general: tuple[str, ...],
        concepts: Concepts,
        source: Path | None = None,
    ):
        self._practices = MappingProxyType(dict(sorted(practices.items())))
        self.phrases = MappingProxyType(dict(phrases))
        self.general = general
        self.concepts = concepts
        self.source = source
        # generator.alternatives' answers, (practice id, solo) -> ids: the library never
        # changes, so each is worked out once.
        self.alternatives_found: dict[tuple[str, bool], tuple[str, ...]] = {}

    def __getitem__(self, key: str) -> Practice:
        return self._practices[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._practices)

    def __len__(self) -> int:
        return len(self._practices)

    def __repr__(self) -> str:
        return f"<PracticeLibrary {len(self)} practices from {self.source}>"

    def focus(self) -> tuple[Practice, ...]:
        return tuple(p for p in self._practices.values() if p.is_focus)

    def addressing(self, ref: str) -> tuple[str, ...]:
        """Ids of practices (any kind) that address a reference, sorted."""
        return tuple(pid for pid, p in self._practices.items() if ref in p.addresses)


@dataclass(frozen=True)
class LadderStep:
    number: int  # 1-based
    id: str
    theme: str
    prompts: tuple[str, ...]
    match_depth: str

    def prompt_for_week(self, week: date) -> str:
        """This week's prompt: the step's prompts take turns, one calendar week each."""
        return self.prompts[(week.toordinal() // 7) % len(self.prompts)]


@dataclass(frozen=True)
class Ladder:
    advice: str
    steps: tuple[LadderStep, ...]

    def __len__(self) -> int:
        return len(self.steps)

    def step(self, number: int) -> LadderStep:
        """Step by 1-based number; numbers past the top return the top step."""
        if number < 1:
            raise ValueError("ladder steps start at 1")
        return self.steps[min(number, len(self.steps)) - 1]


@dataclass(frozen=True)
class Agreement:
    id: str
    title: str
    text: str
    why: str
    suggested_minutes: int | None = None


# --------------------------------------------------------------------------- helpers


def _read_yaml(path: Path) -> object:
    return read_yaml(path, PracticeError)


def _validate(data: object, definition: str, source: Path) -> None:
    # Report the first problem in document order (deterministic), the most relevant there.
    check(data, SCHEMA, source, definition=definition, error=PracticeError, first_in_document=True)


def _clean(text: str) -> str:
    """Fold YAML line breaks and runs of spaces into single spaces."""
    return " ".join(text.split())


# --------------------------------------------------------------------------- practices


def parse_practices(
    data: object, source: Path | str = "practices.yaml", concepts: Concepts | None = None
) -> PracticeLibrary:
    """Validate a loaded practices document (schema, then references) and build the library."""
    source = Path(str(source))
    concepts = concepts or load_concepts()
    _validate(data, "practicesFile", source)
    if not isinstance(data, dict):  # the schema checked this; never skipped under -O
        raise TypeError("expected a mapping at the top of the file")

    def check_ref(ref: str, where: str) -> None:
        kind, _, id_ = ref.partition(":")
        if kind == "flag":
            if id_ not in FLAGS:
                raise PracticeError(source, where, f"unknown flag {ref!r}")
            return
        try:
            concepts.resolve(ref)
        except ConceptError as exc:
            raise PracticeError(source, where, f"{exc} (not in concepts.yaml)") from exc

    for key in data["phrases"]:
        check_ref(key, f"phrases.{key}")

    known = set(concepts.ids("practice"))
    practices: dict[str, Practice] = {}
    for pid, entry in data["practices"].items():
        where = f"practices.{pid}"
        if pid not in known:
            raise PracticeError(
                source, where, f"unknown practice id {pid!r} (not in concepts.yaml)"
            )
        for i, ref in enumerate(entry["addresses"]):
            check_ref(ref, f"{where}.addresses[{i}]")
        kind = entry["kind"]
        if pid in RITUAL_IDS and kind != "ritual":
            raise PracticeError(source, f"{where}.kind", f"{pid} must have kind 'ritual'")
        if pid == LADDER_ID and kind != "ladder":
            raise PracticeError(source, f"{where}.kind", f"{pid} must have kind 'ladder'")
        if kind != "focus" and pid not in RITUAL_IDS + (LADDER_ID,):
            raise PracticeError(
                source, f"{where}.kind", f"only the rituals and the ladder may be {kind!r}"
            )
        if entry["form"] == "solo" and not entry["solo"]:
            raise PracticeError(
                source, f"{where}.form", "a practice of form 'solo' must have solo: true"
            )
        variants = {
            role: Variant(
                role=role, summary=_clean(v["summary"]), steps=tuple(map(_clean, v["steps"]))
            )
            for role, v in entry.get("variants", {}).items()
        }
        practices[pid] = Practice(
            id=pid,
            title=_clean(entry["title"]),
            kind=kind,
            solo=entry["solo"],
            why=_clean(entry["why"]),
            invitation=_clean(entry["invitation"]),
            addresses=tuple(entry["addresses"]),
            steps=tuple(_clean(s) for s in entry["steps"]),
            duration_minutes=entry["duration_minutes"],
            frequency=entry["frequency"],
            variants=MappingProxyType(variants),
            solo_invitation=_clean(entry["solo_invitation"])
            if "solo_invitation" in entry
            else None,
            form=entry["form"],
        )
    missing = sorted(known - set(practices))
    if missing:
        raise PracticeError(
            source, "practices", f"missing practices from concepts.yaml: {', '.join(missing)}"
        )
    for i, pid in enumerate(data["general"]):
        if pid not in practices:
            raise PracticeError(source, f"general[{i}]", f"unknown practice id {pid!r}")
        if not practices[pid].is_focus:
            raise PracticeError(source, f"general[{i}]", f"{pid!r} is not a focus practice")
    return PracticeLibrary(
        practices,
        phrases={k: _clean(v) for k, v in data["phrases"].items()},
        general=tuple(data["general"]),
        concepts=concepts,
        source=source,
    )


def load_practices(
    path: Path | str | None = None, concepts: Concepts | None = None
) -> PracticeLibrary:
    """Load and validate practices.yaml (the shipped file by default; that one is cached).

    Raises :class:`PracticeError` naming the file, the field path and the problem.
    """
    if path is None and concepts is None:
        return _load_default_practices()
    path = Path(path) if path is not None else PRACTICES_FILE
    return parse_practices(_read_yaml(path), path, concepts)


@functools.cache
def _load_default_practices() -> PracticeLibrary:
    return parse_practices(_read_yaml(PRACTICES_FILE), PRACTICES_FILE, load_concepts())


def missing_phrases(library: PracticeLibrary) -> list[str]:
    """Signs, causes and patterns with no plan phrase (the plan falls back to the title)."""
    concepts = library.concepts
    return [
        c.ref
        for kind in ("sign", "cause", "pattern")
        for c in concepts.all(kind)
        if c.ref not in library.phrases
    ]


# --------------------------------------------------------------------------- ladder


def parse_ladder(data: object, source: Path | str = "ladder.yaml") -> Ladder:
    source = Path(str(source))
    _validate(data, "ladderFile", source)
    if not isinstance(data, dict):  # the schema checked this; never skipped under -O
        raise TypeError("expected a mapping at the top of the file")
    seen: set[str] = set()
    steps = []
    for i, step in enumerate(data["steps"]):
        if step["id"] in seen:
            raise PracticeError(source, f"steps[{i}].id", f"duplicate step id {step['id']!r}")
        seen.add(step["id"])
        steps.append(
            LadderStep(
                number=i + 1,
                id=step["id"],
                theme=_clean(step["theme"]),
                prompts=tuple(_clean(p) for p in step["prompts"]),
                match_depth=_clean(step["match_depth"]),
            )
        )
    return Ladder(advice=_clean(data["advice"]), steps=tuple(steps))


def load_ladder(path: Path | str | None = None) -> Ladder:
    if path is None:
        return _load_default_ladder()
    path = Path(path)
    return parse_ladder(_read_yaml(path), path)


@functools.cache
def _load_default_ladder() -> Ladder:
    return parse_ladder(_read_yaml(LADDER_FILE), LADDER_FILE)


# --------------------------------------------------------------------------- agreements


def parse_agreements(data: object, source: Path | str = "agreements.yaml") -> tuple[Agreement, ...]:
    source = Path(str(source))
    _validate(data, "agreementsFile", source)
    if not isinstance(data, dict):  # the schema checked this; never skipped under -O
        raise TypeError("expected a mapping at the top of the file")
    seen: set[str] = set()
    out = []
    for i, entry in enumerate(data["agreements"]):
        if entry["id"] in seen:
            raise PracticeError(source, f"agreements[{i}].id", f"duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        out.append(
            Agreement(
                id=entry["id"],
                title=_clean(entry["title"]),
                text=_clean(entry["text"]),
                why=_clean(entry["why"]),
                suggested_minutes=entry.get("suggested_minutes"),
            )
        )
    return tuple(out)


def load_agreements(path: Path | str | None = None) -> tuple[Agreement, ...]:
    if path is None:
        return _load_default_agreements()
    path = Path(path)
    return parse_agreements(_read_yaml(path), path)


@functools.cache
def _load_default_agreements() -> tuple[Agreement, ...]:
    return parse_agreements(_read_yaml(AGREEMENTS_FILE), AGREEMENTS_FILE)


# --------------------------------------------------------------------------- rituals


def parse_rituals(data: object, source: Path | str = "rituals.yaml") -> Mapping:
    """Validate rituals.yaml; return it as read-only plain data (text folded to one line)."""
    source = Path(str(source))
    _validate(data, "ritualsFile", source)
    if not isinstance(data, dict):  # the schema checked this; never skipped under -O
        raise TypeError("expected a mapping at the top of the file")
    rituals = {}
    for rid, ritual in data["rituals"].items():
        seen: set[str] = set()
        prompts = []
        for i, prompt in enumerate(ritual["prompts"]):
            where = f"rituals.{rid}.prompts[{i}]"
            if prompt["id"] in seen:
                raise PracticeError(source, f"{where}.id", f"duplicate prompt id {prompt['id']!r}")
            seen.add(prompt["id"])
            if prompt["kind"] == "scale" and prompt["min"] >= prompt["max"]:
                raise PracticeError(source, where, "scale min must be below max")
            clean = {k: _clean(v) if isinstance(v, str) else v for k, v in prompt.items()}
            clean.setdefault("required", False)
            prompts.append(MappingProxyType(clean))
        rituals[rid] = MappingProxyType(
            {
                "title": _clean(ritual["title"]),
                "intro": _clean(ritual["intro"]),
                "duration_minutes": ritual["duration_minutes"],
                "prompts": tuple(prompts),
            }
        )
    feelings = data["feelings"]
    overlap = set(feelings["pleasant"]) & set(feelings["hard"])
    if overlap:
        raise PracticeError(source, "feelings", f"listed as both: {', '.join(sorted(overlap))}")
    return MappingProxyType(
        {
            "rituals": MappingProxyType(rituals),
            "feelings": MappingProxyType(
                {"pleasant": tuple(feelings["pleasant"]), "hard": tuple(feelings["hard"])}
            ),
        }
    )


def load_rituals(path: Path | str | None = None) -> Mapping:
    if path is None:
        return _load_default_rituals()
    path = Path(path)
    return parse_rituals(_read_yaml(path), path)


@functools.cache
def _load_default_rituals() -> Mapping:
    return parse_rituals(_read_yaml(RITUALS_FILE), RITUALS_FILE)
