"""The shared vocabulary (``reattune/data/concepts.yaml``) and the learn library built on it.

Plain Python: no Django import. Every sign, cause, pattern, practice and so on has one id;
instruments, the learn library, the practice library and the plan generator refer to them.

A *reference* to a concept is written ``kind:id`` (``sign:divided_attention``). A bare id
(``life_load``) is accepted where it names exactly one concept; ``divided_attention`` is
both a sign and a cause, so it must be qualified.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CONCEPTS_FILE = DATA_DIR / "concepts.yaml"
LEARN_DIR = DATA_DIR / "learn"
LEARN_SCHEMA_FILE = DATA_DIR / "schemas" / "learn.schema.json"

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

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class ConceptError(ValueError):
    """concepts.yaml or a learn file is malformed, or a reference does not resolve."""


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


def _fail(source: Path | str, where: str, problem: str) -> ConceptError:
    return ConceptError(f"{Path(str(source)).name}: {where}: {problem}")


def parse_concepts(data: object, source: Path | str = "concepts.yaml") -> Concepts:
    """Validate the loaded concepts document and build a Concepts object."""
    if not isinstance(data, dict):
        raise _fail(source, "(top)", "expected a mapping of sections")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool):
        raise _fail(source, "version", "must be an integer")
    by_kind: dict[str, dict[str, Concept]] = {}
    bare: dict[str, list[Concept]] = {}
    for section, kind in SECTIONS.items():
        entries = data.get(section)
        if entries is None:
            if section in ("help_signs", "outcomes"):
                by_kind[kind] = {}
                continue
            raise _fail(source, section, "section is missing")
        if not isinstance(entries, dict):
            raise _fail(source, section, "expected a mapping of id to title")
        found: dict[str, Concept] = {}
        for id_, value in entries.items():
            where = f"{section}.{id_}"
            if not isinstance(id_, str) or not _ID.match(id_):
                raise _fail(source, where, "id must be lower_snake_case")
            area = None
            if kind == "sign":
                if not isinstance(value, dict):
                    raise _fail(source, where, "a sign needs {area: ..., title: ...}")
                area, title = value.get("area"), value.get("title")
                if area not in entries_or_empty(data.get("areas")):
                    raise _fail(source, f"{where}.area", f"unknown area {area!r}")
            else:
                title = value
            if not isinstance(title, str) or not title.strip():
                raise _fail(source, where, "title must be a non-empty string")
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


def entries_or_empty(value: object) -> Mapping:
    return value if isinstance(value, dict) else {}


def _read_yaml(path: Path, error: type[Exception]) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path.name}: (file): cannot read: {exc.strerror or exc}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"{path.name}: {where}: YAML syntax error: {problem}") from exc


def load_concepts(path: Path | str | None = None) -> Concepts:
    """Load concepts.yaml (the shipped file by default; that one is cached)."""
    if path is None:
        return _load_default_concepts()
    path = Path(path)
    return parse_concepts(_read_yaml(path, ConceptError), path)


@functools.cache
def _load_default_concepts() -> Concepts:
    return parse_concepts(_read_yaml(CONCEPTS_FILE, ConceptError), CONCEPTS_FILE)


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


@functools.cache
def _learn_validator():
    import json

    from jsonschema import Draft202012Validator

    schema = json.loads(LEARN_SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _json_path(parts: Iterable) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


def parse_learn(data: object, source: Path | str, concepts: Concepts) -> dict[str, LearnEntry]:
    """Validate one learn file (schema, then references) and return entries keyed by ref."""
    validator = _learn_validator()
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        from jsonschema.exceptions import best_match

        err = best_match(errors)
        raise _fail(source, _json_path(err.absolute_path), err.message)
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
        for ref, entry in parse_learn(_read_yaml(path, ConceptError), path, concepts).items():
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
