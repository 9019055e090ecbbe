"""One kit for every domain data file: where they live, how they are read and schema-checked,
and the error that names the file, the field and the problem.

A host who drops a malformed file into a folder reads, at start-up, exactly where to look:
``connection_check.yaml: items[3].scale: unknown scale 'freq5'``.

* :data:`DATA_DIR` is ``reattune/data``; schemas are in ``DATA_DIR / "schemas"``.
* :func:`read_yaml` reads a YAML (or JSON) file; dates stay text so a schema can check them.
* :func:`validator` gives the cached Draft 2020-12 validator of a schema file (or of one of its
  ``$defs``); :func:`check` raises the most relevant schema problem, with its field path.
* :func:`validate_all` loads every shipped data file once; an ``AppConfig.ready()`` calls it so a
  broken file stops start-up instead of failing on someone's page later.

Plain Python: no Django.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SCHEMA_DIR = DATA_DIR / "schemas"


class DataFileError(ValueError):
    """A data file is missing, unreadable or wrong. ``str()`` is ``<file>: <field>: <problem>``."""

    def __init__(self, file: str | Path, field: str, problem: str):
        self.path = Path(str(file))
        self.file = self.path.name
        self.field = field
        self.problem = problem
        super().__init__(f"{self.file}: {field}: {problem}")

    @property
    def where(self) -> str:
        return self.field


def field_path(parts: Iterable, top: str = "(top)") -> str:
    """['items', 3, 'scale'] -> 'items[3].scale'; an empty path is ``top``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or top


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps dates as text, so a bad date is reported with its field."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def read_yaml(path: Path | str, error: type[DataFileError] = DataFileError) -> object:
    """Read one YAML (or JSON) file; raise ``error`` naming the file when it cannot be read,
    is not valid YAML or is empty. Dates are kept as the text written in the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise error(path, "(file)", f"cannot read: {reason}") from exc
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506  # nosec B506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise error(path, where, f"YAML syntax error: {problem}") from exc
    if data is None:
        raise error(path, "(file)", "file is empty")
    return data


def plain(value: object) -> object:
    """Keys as strings and dates as ISO text, as JSON Schema expects (YAML gives int keys for
    ``labels: {0: Never}``)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


@functools.cache
def _schema(schema_name: str) -> dict:
    from jsonschema import Draft202012Validator

    schema = json.loads((SCHEMA_DIR / schema_name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


@functools.cache
def validator(schema_name: str, definition: str | None = None):
    """The Draft 2020-12 validator of ``schemas/<schema_name>`` (or of its ``$defs/definition``)."""
    from jsonschema import Draft202012Validator

    schema = _schema(schema_name)
    if definition is not None:
        schema = {"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]}
    return Draft202012Validator(schema)


def _order(data: object, path: Iterable) -> tuple[int, ...]:
    """Position of a path in the document: list index or key position at each level."""
    out = []
    for part in path:
        if isinstance(data, dict):
            keys = list(data)
            out.append(keys.index(part) if part in keys else len(keys))
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int):
            out.append(part)
            data = data[part] if part < len(data) else None
        else:
            out.append(0)
            data = None
    return tuple(out)


def check(
    data: object,
    schema_name: str,
    path: Path | str,
    *,
    definition: str | None = None,
    error: type[DataFileError] = DataFileError,
    top: str = "(top)",
    first_in_document: bool = False,
) -> None:
    """Raise ``error(path, field, problem)`` for the most relevant schema problem, if any.

    ``first_in_document`` reports the first problem in document order (deterministic when a
    file has several), else jsonschema's best match over the whole document. Unknown fields are
    named (``unknown field 'colour'``) rather than described by the pattern they fail.
    """
    from jsonschema.exceptions import best_match

    errors = list(validator(schema_name, definition).iter_errors(data))
    if not errors:
        return
    if first_in_document:
        first = min(errors, key=lambda e: _order(data, e.absolute_path))
        errors = [e for e in errors if e.absolute_path == first.absolute_path]
    err = best_match(errors)
    message = err.message
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        known = set(err.schema.get("properties", {}))
        patterns = [re.compile(p) for p in err.schema.get("patternProperties", {})]
        extra = [
            k
            for k in err.instance
            if k not in known and not any(p.search(str(k)) for p in patterns)
        ]
        if extra:
            names = ", ".join(repr(k) for k in extra)
            message = f"unknown field{'s' if len(extra) > 1 else ''} {names}"
    raise error(path, field_path(err.absolute_path, top), message)


def validate_all(
    root: Path | str | None = None,
    *,
    instrument_dirs: Iterable[Path | str] = (),
    resource_dirs: Iterable[Path | str] = (),
) -> dict[str, int]:
    """Load and check every data file under ``root`` (default: the shipped ``DATA_DIR``), plus
    a host's instrument and resource folders. The first broken file raises its loader's
    :class:`DataFileError` (file, field, problem). Returns how many files of each kind passed.

    Meant for start-up (an ``AppConfig.ready()``). For the shipped data the loaders' caches are
    filled, so the work is not done twice; for another ``root`` nothing is cached but the
    coach lexicons and resources (their caches are keyed by folder).
    """
    from .coach.lexicon import FILES as COACH_FILES
    from .coach.lexicon import load_lexicon
    from .concepts import load_concepts, load_learn
    from .instruments.loader import SUFFIXES, load_instruments, shipped_catalog
    from .plan.library import load_agreements, load_ladder, load_practices, load_rituals
    from .safety import crisis
    from .safety.policy import load_safety_mode
    from .safety.resources import load_resources
    from .safety.screen import load_safety_plan, load_screen

    shipped = root is None
    base = DATA_DIR if shipped else Path(root)

    def at(*parts: str) -> Path | None:
        return None if shipped else base.joinpath(*parts)

    def count(folder: Path, pattern: str = "*.yaml") -> int:
        return sum(1 for _ in folder.glob(pattern))

    done: dict[str, int] = {}
    concepts = load_concepts(at("concepts.yaml"))
    done["concepts"] = 1
    load_learn(at("learn"), None if shipped else concepts)
    done["learn"] = count(base / "learn")

    instrument_dirs = [Path(d) for d in instrument_dirs]
    if shipped:
        shipped_catalog()
        if instrument_dirs:
            load_instruments(instrument_dirs, concepts=concepts)
    else:
        load_instruments(
            [base / "instruments", *instrument_dirs], include_shipped=False, concepts=concepts
        )
    done["instruments"] = sum(
        1
        for folder in [base / "instruments", *instrument_dirs]
        for path in folder.iterdir()
        if path.suffix.lower() in SUFFIXES
    )

    load_practices(at("practices.yaml"), None if shipped else concepts)
    load_ladder(at("ladder.yaml"))
    load_agreements(at("agreements.yaml"))
    load_rituals(at("rituals.yaml"))
    done["practices"] = 4

    resource_dirs = [Path(d) for d in resource_dirs]
    load_resources(resource_dirs or None, base_dir=at("resources"))
    done["resources"] = count(base / "resources") + sum(count(d) for d in resource_dirs)

    load_screen(at("safety", "screen.yaml"))
    load_safety_plan(at("safety", "safety_plan.yaml"))
    load_safety_mode(at("safety", "safety_mode.yaml"))
    done["safety"] = 3

    # The lexicons last: compiling them is the slow part.
    lexicons = base / "lexicons"
    coach = sorted(
        folder.name
        for folder in lexicons.iterdir()
        if folder.is_dir() and any((folder / f"{name}.yaml").exists() for name in COACH_FILES)
    )
    for lang in coach:
        load_lexicon(lang, None if shipped else str(lexicons))
    done["coach_lexicons"] = len(coach) * len(COACH_FILES)
    check_crisis = getattr(crisis, "validate_all_lexicons", None)
    if check_crisis is not None:
        done["crisis_lexicons"] = len(check_crisis(None if shipped else lexicons))

    return done
