"""The shared vocabulary (``reattune/data/concepts.yaml``) and the learn library built on it.

Plain Python: no Django import. Every sign, cause, pattern, practice and so on has one id;
instruments, the learn library, the practice library and the plan generator refer to them.

A *reference* to a concept is written ``kind:id`` (``sign:divided_attention``). A bare id
(``life_load``) is accepted where it names exactly one concept; ``divided_attention`` is
both a sign and a cause, so it must be qualified.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from .datafile import DATA_DIR, DataFileError, check, read_yaml

CONCEPTS_FILE = DATA_DIR / "concepts.yaml"
LEARN_DIR = DATA_DIR / "learn"
CONCEPTS_SCHEMA = "concepts.schema.json"
LEARN_SCHEMA = "learn.schema.json"

# Section name in concepts.yaml -> the kind used in references ("sign:...").
SECTIONS: dict[str, str] = {
    "areas": "area",
    "signs": "sign",
    "help_signs": "help_sign",
    "causes": "cause",
    "patterns": "pattern",
    "care_channels": "care_channel",
    "practices": "practice",
    "outcomes": "outcome",
}
KINDS: tuple[str, ...] = tuple(SECTIONS.values())
# Kinds that have a page in the learn library.
LEARN_KINDS: tuple[str, ...] = ("sign", "help_sign", "cause", "pattern", "practice")


class ConceptError(ValueError):
    """concepts.yaml or a learn file is malformed, or a reference does not resolve."""


class ConceptFileError(DataFileError, ConceptError):
    """concepts.yaml or a learn file is malformed: ``<file>: <field>: <problem>``."""


@dataclass(frozen=True)
class Concept:
    kind: str
    id: str
    title: str
    area: str | None = None  # signs only

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, eq=False)
class Concepts:
    """All concepts, by kind then id, in file order."""

    version: int
    by_kind: Mapping[str, Mapping[str, Concept]]
    source: Path | None = None
    _bare: Mapping[str, tuple[Concept, ...]] = field(default_factory=dict, repr=False)

    def ids(self, kind: str) -> tuple[str, ...]:
        return tuple(self.by_kind.get(kind, {}))

    def all(self, kind: str) -> tuple[Concept, ...]:
        return tuple(self.by_kind.get(kind, {}).values())

    def get(self, kind: str, id: str) -> Concept | None:
        return self.by_kind.get(kind, {}).get(id)

    def has(self, kind: str, id: str) -> bool:
        return self.get(kind, id) is not None

    def resolve(self, ref: str) -> Concept:
        """Return the concept a reference names; raise ConceptError (with a plain reason)."""
        if not isinstance(ref, str) or not ref:
            raise ConceptError(f"concept reference must be a non-empty string, got {ref!r}")
        if ":" in ref:
            kind, _, id_ = ref.partition(":")
            if kind not in self.by_kind:
                raise ConceptError(
                    f"unknown concept kind {kind!r} in {ref!r} (kinds: {', '.join(KINDS)})"
                )
            concept = self.get(kind, id_)
            if concept is None:
                raise ConceptError(f"unknown concept {ref!r}")
            return concept
        matches = self._bare.get(ref, ())
        if not matches:
            raise ConceptError(f"unknown concept {ref!r}")
        if len(matches) > 1:
            options = " or ".join(f"'{c.ref}'" for c in matches)
            kinds = " and ".join(f"a {c.kind.replace('_', ' ')}" for c in matches)
            raise ConceptError(f"'{ref}' is both {kinds}; write {options}")
        return matches[0]

    def title(self, ref: str) -> str:
        return self.resolve(ref).title

    def signs_in_area(self, area: str) -> tuple[Concept, ...]:
        return tuple(c for c in self.all("sign") if c.area == area)


def _fail(source: Path | str, where: str, problem: str) -> ConceptFileError:
    return ConceptFileError(source, where, problem)


def parse_concepts(data: object, source: Path | str = "concepts.yaml") -> Concepts:
    """Validate the loaded concepts document and build a Concepts object."""
    check(data, CONCEPTS_SCHEMA, source, error=ConceptFileError)
    if not isinstance(data, dict):  # the schema checked this; never skipped under -O
        raise TypeError("expected a mapping at the top of the file")
    version = data.get("version", 1)
    by_kind: dict[str, dict[str, Concept]] = {}
    bare: dict[str, list[Concept]] = {}
    for section, kind in SECTIONS.items():
        entries = data.get(section) or {}  # the schema requires all but help_signs, outcomes
        found: dict[str, Concept] = {}
        for id_, value in entries.items():
            area = None
            if kind == "sign":
                area, title = value["area"], value["title"]
                if area not in data["areas"]:
                    raise _fail(source, f"{section}.{id_}.area", f"unknown area {area!r}")
            else:
                title = value
            concept = Concept(kind=kind, id=id_, title=title.strip(), area=area)
            found[id_] = concept
            bare.setdefault(id_, []).append(concept)
        by_kind[kind] = found
    return Concepts(
        version=version,
        by_kind=MappingProxyType({k: MappingProxyType(v) for k, v in by_kind.items()}),
        source=Path(str(source)),
        _bare=MappingProxyType({k: tuple(v) for k, v in bare.items()}),
    )


def load_concepts(path: Path | str | None = None) -> Concepts:
    """Load concepts.yaml (the shipped file by default; that one is cached)."""
    if path is None:
        return _load_default_concepts()
    path = Path(path)
    return parse_concepts(read_yaml(path, ConceptFileError), path)


@functools.cache
def _load_default_concepts() -> Concepts:
    return parse_concepts(read_yaml(CONCEPTS_FILE, ConceptFileError), CONCEPTS_FILE)


# --------------------------------------------------------------------------- learn library


@dataclass(frozen=True)
class LearnEntry:
    """One learn-library page: in our own plain words, never a diagnosis."""

    kind: str
    id: str
    title: str
    summary: str
    body: tuple[str, ...]
    try_practices: tuple[str, ...]  # practice ids ("what you can try")
    # Other words people use for it (from books, articles, a therapist): found by Learn's
    # search, not shown, so someone who looks for "withdraw" finds the page in our own words.
    also_searched_as: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.id}"

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "id": self.id,
            "ref": self.ref,
            "title": self.title,
            "summary": self.summary,
            "body": list(self.body),
            "try": list(self.try_practices),
        }


def parse_learn(data: object, source: Path | str, concepts: Concepts) -> dict[str, LearnEntry]:
    """Validate one learn file (schema, then references) and return entries keyed by ref."""
    check(data, LEARN_SCHEMA, source, error=ConceptFileError)
    kind = data["kind"]
    out: dict[str, LearnEntry] = {}
    for id_, entry in data["entries"].items():
        where = f"entries.{id_}"
        if not concepts.has(kind, id_):
            raise _fail(source, where, f"unknown {kind} id {id_!r}")
        for i, practice in enumerate(entry["try"]):
            if not concepts.has("practice", practice):
                raise _fail(source, f"{where}.try[{i}]", f"unknown practice {practice!r}")
        learn = LearnEntry(
            kind=kind,
            id=id_,
            title=entry["title"].strip(),
            summary=entry["summary"].strip(),
            body=tuple(" ".join(p.split()) for p in entry["body"]),
            try_practices=tuple(entry["try"]),
            also_searched_as=tuple(entry.get("search_words", ())),
        )
        out[learn.ref] = learn
    return out


def load_learn(
    directory: Path | str | None = None, concepts: Concepts | None = None
) -> dict[str, LearnEntry]:
    """Load every ``*.yaml`` learn file in a folder; entries keyed by ``kind:id``."""
    if directory is None and concepts is None:
        return dict(_load_default_learn())
    concepts = concepts or load_concepts()
    directory = Path(directory) if directory is not None else LEARN_DIR
    entries: dict[str, LearnEntry] = {}
    for path in sorted(directory.glob("*.yaml")):
        for ref, entry in parse_learn(read_yaml(path, ConceptFileError), path, concepts).items():
            if ref in entries:
                raise _fail(path, f"entries.{entry.id}", f"{ref} already has a page")
            entries[ref] = entry
    return entries


@functools.cache
def _load_default_learn() -> Mapping[str, LearnEntry]:
    return MappingProxyType(load_learn(LEARN_DIR, load_concepts()))


def missing_learn_pages(
    entries: Mapping[str, LearnEntry] | None = None, concepts: Concepts | None = None
) -> list[str]:
    """Refs of concepts (of the LEARN_KINDS) that have no learn page."""
    concepts = concepts or load_concepts()
    entries = load_learn() if entries is None else entries
    return [c.ref for kind in LEARN_KINDS for c in concepts.all(kind) if c.ref not in entries]
