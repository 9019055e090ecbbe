"""One kit for every domain data file: where they live, how they are read and schema-checked,
and the error that names the file, the field and the problem.

A host who drops a malformed file into a folder reads, at start-up, exactly where to look:
``connection_check.yaml: items[3].scale: unknown scale 'freq5'``.

* :data:`DATA_DIR` is ``reattune/data``; schemas are in ``DATA_DIR / "schemas"``.
* :func:`read_yaml` reads a YAML (or JSON) file; dates stay text so a schema can check them.
* :func:`validator` gives the cached Draft 2020-12 validator of a schema file (or of one of its
  ``$defs``); :func:`check` raises the most relevant schema problem, with its field path.
* :func:`reattune.domain.data_check.validate_all` loads every data file once; an
  ``AppConfig.ready()`` calls it so a broken file stops start-up instead of failing on
  someone's page later. (It lives in its own module: it imports every loader, and every
  loader imports this one.)

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


# libyaml's parser when PyYAML has it (about ten times faster: every data file is read at
# start-up), else the pure-Python one; both are safe loaders.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeBase):
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
    # The schemas ship with the code, like the loaders: each is checked against the JSON
    # Schema meta-schema by the test suite (tests/test_data_startup.py), not again in every
    # process at start-up (that check alone cost a fifth of validate_all()).
    return json.loads((SCHEMA_DIR / schema_name).read_text(encoding="utf-8"))


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
