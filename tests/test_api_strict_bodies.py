"""Every JSON body field takes only what JSON says: "7", 7.0 and true are not the number 7,
"yes" and 1 are not true, and 0 is not a date. Enumerated from the API's own operations, so a
new endpoint whose body has a lax number, flag or date fails here until it uses
reattune.api.types. Plus one request over HTTP to see the 422 a client gets."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from reattune.api.urls import api
from tests.base import BaseTestCase

BAD = {
    "integer": ["7", 7.0, True],
    "boolean": ["yes", "true", 1],
    "date": [0, 1_700_000_000],
}


def _body_models() -> dict[str, type[BaseModel]]:
    """{"METHOD path": model} for every operation's body schema, nested schemas included."""
    found: dict[str, type[BaseModel]] = {}
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for model in op.models:
                    if getattr(model, "__ninja_param_source__", None) != "body":
                        continue
                    for name in _nested(model):
                        found.setdefault(f"{name.__name__} ({'/'.join(op.methods)} {path})", name)
    return found


def _nested(model: type[BaseModel], seen=None) -> list[type[BaseModel]]:
    seen = set() if seen is None else seen
    if model in seen:
        return []
    seen.add(model)
    out = [model]
    for field in model.model_fields.values():
        for arg in _type_args(field.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                out += _nested(arg, seen)
    return out


def _type_args(annotation) -> list:
    stack, out = [annotation], []
    while stack:
        item = stack.pop()
        out.append(item)
        stack.extend(getattr(item, "__args__", ()) or ())
        origin = getattr(item, "__origin__", None)
        if origin is not None:
            out.append(origin)
    return out


def _kind(prop: dict) -> str | None:
    options = prop.get("anyOf", [prop])
    for option in options:
        if option.get("type") == "integer":
            return "integer"
        if option.get("type") == "boolean":
            return "boolean"
        if option.get("type") == "string" and option.get("format") == "date":
            return "date"
        extra = option.get("additionalProperties")
        if isinstance(extra, dict) and _kind(extra):
            return "map:" + _kind(extra)
    return None


def _cases():
    for label, model in sorted(_body_models().items()):
        properties = model.model_json_schema().get("properties", {})
        for field, prop in properties.items():
            kind = _kind(prop)
            if kind is None:
                continue
            for bad in BAD[kind.removeprefix("map:")]:
                value = {"some-id": bad} if kind.startswith("map:") else bad
                yield pytest.param(model, field, value, id=f"{label}.{field}={bad!r}")


CASES = list(_cases())


def test_it_finds_the_fields_it_should():
    # the enumeration must see the bodies we know have numbers, flags and dates
    seen = {(case.values[0].__name__, case.values[1]) for case in CASES}
    for expected in [
        ("DailyIn", "connection_today"),
        ("DailyIn", "day"),
        ("ChoiceIn", "include"),
        ("AnswersIn", "answers"),
        ("TimeOutIn", "minutes"),
    ]:
        assert expected in seen


@pytest.mark.parametrize(("model", "field", "value"), CASES)
def test_it_refuses_coerced_values(model, field, value):
    alias = field  # the JSON schema's property names are what a client sends
    with pytest.raises(ValidationError) as caught:
        model.model_validate({alias: value})
    locations = [error["loc"][:1] for error in caught.value.errors()]
    assert (alias,) in locations, caught.value.errors()
    wrong_type = [e for e in caught.value.errors() if e["loc"][:1] == (alias,)]
    assert all(e["type"] not in ("missing",) for e in wrong_type)


class StrictBodyOverHttpTests(BaseTestCase):
    def test_it_answers_422_naming_the_field(self):
        response = self.api(
            "alex",
            "post",
            "/api/v1/rituals/daily",
            json={
                "connection_today": "7",
                "best_part": "a walk",
                "challenging_part": "work",
                "appreciation": "the tea",
            },
        )
        assert response.status_code == 422, response.content
        assert "connection_today" in response.content.decode()


def test_no_two_schemas_share_a_name():
    # OpenAPI names components by class name: two classes called ItemOut became one component,
    # and clients were told the wrong shape for one of them
    from ninja import Schema

    import reattune.api.urls  # noqa: F401 - every router, so every schema, is imported

    seen: dict[str, set[str]] = {}
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("reattune."):
            seen.setdefault(cls.__name__, set()).add(cls.__module__)
    clashes = {name: sorted(mods) for name, mods in seen.items() if len(mods) > 1}
    assert clashes == {}
