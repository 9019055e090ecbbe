"""The private safety screen and the safety plan outline.

Data: ``reattune/data/safety/screen.yaml`` and ``safety_plan.yaml`` (shape:
``reattune/data/schemas/screen.schema.json``). The wording is ours; the YAML header explains the
evaluation, repeated here:

* Each item has a ``positive_at`` value on its scale. The screen is **positive** when any
  answered item reaches it; ``areas`` are the areas of those items. Anything physical, any
  threat, any fear and any sign of coercive control (being watched, money used to control,
  being cut off, sexual pressure) counts the first time. Insults and screaming count from
  "Sometimes"; "Once or twice" is **noted** (``noted``) but not positive.
* An ``urgent`` item at its threshold makes the result positive and **urgent**: feeling
  unsafe right now, strangulation, threats to kill, weapons, stalking and danger around
  separation (the Danger Assessment's risk factors are the basis, see the YAML header). Show
  the emergency number and the domestic-violence line first, then the safety plan.
* Unanswered items (``None``, "Prefer not to say") never count either way.
* :func:`parse_submission` turns a submitted form (every field with all its values) into
  answers, or refuses it with a message fit to show: nothing answered, questions left without
  any choice, a value off the scale, an unknown field or a repeated one.

A positive result is for that partner only: the caller must make sure nothing the other
partner can see changes. Plain Python: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..datafile import DATA_DIR
from .resources import SafetyDataError, read_yaml, schema_check

SCREEN_FILE = DATA_DIR / "safety" / "screen.yaml"
SAFETY_PLAN_FILE = DATA_DIR / "safety" / "safety_plan.yaml"
SCHEMA = "screen.schema.json"

#: The areas the screen must cover.
REQUIRED_AREAS = frozenset(
    {
        "physical_harm",
        "threats",
        "insults",
        "fear",
        "monitoring",
        "financial_control",
        "isolation",
        "sexual_pressure",
        "strangulation",
        "threats_to_kill",
        "weapons",
        "stalking",
        "separation_danger",
    }
)

#: Areas whose items must be urgent (the Danger Assessment's risk factors; docs/care.md).
URGENT_AREAS = frozenset(
    {"strangulation", "threats_to_kill", "weapons", "stalking", "separation_danger"}
)

#: The form value for "Prefer not to say".
SKIP_VALUE = "skip"


class ScreenAnswerError(ValueError):
    """An answer does not fit the screen (unknown item, or a value not on the item's scale)."""


@dataclass(frozen=True)
class Option:
    value: int | bool
    label: str


@dataclass(frozen=True)
class Scale:
    id: str
    type: str  # "frequency" (whole numbers) or "yes_no" (booleans)
    options: tuple[Option, ...]

    @property
    def values(self) -> tuple:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class ScreenItem:
    id: str
    area: str
    scale: Scale
    positive_at: int | bool
    text: str
    urgent: bool = False
    basis: str | None = None


@dataclass(frozen=True)
class Outcome:
    title: str
    text: str


@dataclass(frozen=True)
class Screen:
    id: str
    version: int
    title: str
    intro: str
    privacy_note: str
    skip_label: str | None
    areas: Mapping[str, str]
    items: tuple[ScreenItem, ...]
    outcomes: Mapping[str, Outcome]
    evaluation: str

    def item(self, item_id: str) -> ScreenItem | None:
        return next((i for i in self.items if i.id == item_id), None)


@dataclass(frozen=True)
class ScreenResult:
    positive: bool
    areas: frozenset[str] = field(default_factory=frozenset)
    urgent: bool = False
    noted: frozenset[str] = field(default_factory=frozenset)  # seen, below the threshold
    answered: int = 0

    @property
    def outcome_ids(self) -> tuple[str, ...]:
        """Which outcome texts to show, in order (keys of ``Screen.outcomes``)."""
        if self.positive:
            return (("urgent",) if self.urgent else ()) + ("positive", "couples_note")
        return ("noted",) if self.noted else ("negative",)


@dataclass(frozen=True)
class PlanSection:
    id: str
    title: str
    points: tuple[str, ...]


@dataclass(frozen=True)
class SafetyPlan:
    title: str
    intro: str
    private_note: str | None
    sections: tuple[PlanSection, ...]


def _value_at_least(scale: Scale, value: int | bool, threshold: int | bool) -> bool:
    if scale.type == "yes_no":
        return bool(value) and bool(threshold)
    return value >= threshold


def parse_screen(data: Mapping, source: Path | str = "(screen)") -> Screen:
    schema_check(data, SCHEMA, source)
    if data["kind"] != "screen":
        raise SafetyDataError(source, "kind", "expected 'screen'")
    scales: dict[str, Scale] = {}
    for i, raw in enumerate(data["scales"]):
        where = f"scales[{i}]"
        if raw["id"] in scales:
            raise SafetyDataError(source, f"{where}.id", f"duplicate scale id {raw['id']!r}")
        options = tuple(Option(o["value"], o["label"]) for o in raw["options"])
        for j, option in enumerate(options):
            is_bool = isinstance(option.value, bool)
            if (raw["type"] == "yes_no") != is_bool:
                kind = "true/false" if raw["type"] == "yes_no" else "whole numbers"
                raise SafetyDataError(
                    source, f"{where}.options[{j}].value", f"a {raw['type']} scale uses {kind}"
                )
        if len({o.value for o in options}) != len(options):
            raise SafetyDataError(source, f"{where}.options", "duplicate values")
        scales[raw["id"]] = Scale(raw["id"], raw["type"], options)
    areas: dict[str, str] = {}
    for i, raw in enumerate(data["areas"]):
        if raw["id"] in areas:
            raise SafetyDataError(source, f"areas[{i}].id", f"duplicate area id {raw['id']!r}")
        areas[raw["id"]] = raw["title"]
    items: list[ScreenItem] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["items"]):
        where = f"items[{i}]"
        if raw["id"] in seen:
            raise SafetyDataError(source, f"{where}.id", f"duplicate item id {raw['id']!r}")
        seen.add(raw["id"])
        if raw["area"] not in areas:
            raise SafetyDataError(source, f"{where}.area", f"unknown area {raw['area']!r}")
        scale = scales.get(raw["scale"])
        if scale is None:
            raise SafetyDataError(source, f"{where}.scale", f"unknown scale {raw['scale']!r}")
        threshold = raw["positive_at"]
        if isinstance(threshold, bool) != (scale.type == "yes_no") or threshold not in scale.values:
            raise SafetyDataError(
                source,
                f"{where}.positive_at",
                f"{threshold!r} is not a value of scale {scale.id!r} {list(scale.values)}",
            )
        if scale.type == "frequency" and threshold == min(scale.values):
            raise SafetyDataError(
                source, f"{where}.positive_at", "must be above the lowest value ('never')"
            )
        if scale.type == "yes_no" and threshold is not True:
            raise SafetyDataError(
                source, f"{where}.positive_at", "a yes/no item is positive at true"
            )
        items.append(
            ScreenItem(
                id=raw["id"],
                area=raw["area"],
                scale=scale,
                positive_at=threshold,
                text=raw["text"].strip(),
                urgent=bool(raw.get("urgent", False)),
                basis=raw.get("basis"),
            )
        )
    missing = REQUIRED_AREAS - {i.area for i in items}
    if missing:
        raise SafetyDataError(source, "items", f"no item covers {sorted(missing)}")
    for i, item in enumerate(items):
        if item.area in URGENT_AREAS and not (item.urgent and item.basis):
            raise SafetyDataError(
                source, f"items[{i}]", f"an item on {item.area!r} must be urgent and name its basis"
            )
    return Screen(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        intro=data["intro"].strip(),
        privacy_note=data["privacy_note"].strip(),
        skip_label=data.get("skip_label"),
        areas=areas,
        items=tuple(items),
        outcomes={k: Outcome(v["title"], v["text"].strip()) for k, v in data["outcomes"].items()},
        evaluation=data["evaluation"]["description"].strip(),
    )


@lru_cache(maxsize=4)
def _load_screen(path: Path) -> Screen:
    return parse_screen(read_yaml(path), path)


def load_screen(path: Path | str | None = None) -> Screen:
    """Load and check the safety screen. Raises SafetyDataError naming file, field, problem."""
    return _load_screen(Path(path) if path is not None else SCREEN_FILE)


def evaluate_screen(
    answers: Mapping[str, int | bool | None], screen: Screen | None = None
) -> ScreenResult:
    """Evaluate one person's answers. See the module docstring for the rule.

    ``answers`` maps item id to a value on the item's scale: a whole number for frequency items
    (0 Never .. 3 Often), True/False (or 1/0) for yes/no items, None for "prefer not to say".
    Raises :class:`ScreenAnswerError` for an unknown item or a value that is not on the scale.
    """
    scr = screen if screen is not None else load_screen()
    if answers is None:
        answers = {}
    if not isinstance(answers, Mapping):
        raise ScreenAnswerError("answers must be a mapping of item id to answer")
    areas: set[str] = set()
    noted: set[str] = set()
    urgent = False
    answered = 0
    for item_id, value in answers.items():
        item = scr.item(item_id)
        if item is None:
            raise ScreenAnswerError(f"unknown safety screen item {item_id!r}")
        if value is None:
            continue
        scale = item.scale
        if scale.type == "yes_no":
            if isinstance(value, bool):
                pass
            elif isinstance(value, int) and value in (0, 1):
                value = bool(value)
            else:
                raise ScreenAnswerError(f"item {item_id!r}: {value!r} is not yes or no")
        elif isinstance(value, bool) or not isinstance(value, int) or value not in scale.values:
            raise ScreenAnswerError(
                f"item {item_id!r}: {value!r} is not on the scale {list(scale.values)}"
            )
        answered += 1
        if _value_at_least(scale, value, item.positive_at):
            areas.add(item.area)
            urgent = urgent or item.urgent
        elif value:
            noted.add(item.area)
    return ScreenResult(
        positive=bool(areas),
        areas=frozenset(areas),
        urgent=urgent,
        noted=frozenset(noted - areas),
        answered=answered,
    )


def parse_safety_plan(data: Mapping, source: Path | str = "(safety plan)") -> SafetyPlan:
    schema_check(data, SCHEMA, source)
    if data["kind"] != "safety_plan":
        raise SafetyDataError(source, "kind", "expected 'safety_plan'")
    ids = [s["id"] for s in data["sections"]]
    for i, sid in enumerate(ids):
        if ids.index(sid) != i:
            raise SafetyDataError(source, f"sections[{i}].id", f"duplicate section id {sid!r}")
    return SafetyPlan(
        title=data["title"],
        intro=data["intro"].strip(),
        private_note=(data.get("private_note") or "").strip() or None,
        sections=tuple(
            PlanSection(s["id"], s["title"], tuple(p.strip() for p in s["points"]))
            for s in data["sections"]
        ),
    )


@lru_cache(maxsize=4)
def _load_plan(path: Path) -> SafetyPlan:
    return parse_safety_plan(read_yaml(path), path)


def load_safety_plan(path: Path | str | None = None) -> SafetyPlan:
    return _load_plan(Path(path) if path is not None else SAFETY_PLAN_FILE)


class ScreenSubmissionError(ScreenAnswerError):
    """A submitted form that cannot be stored; ``str()`` is fit to show the person."""

    def __init__(self, message: str, missing: tuple[str, ...] = ()):
        super().__init__(message)
        self.missing = missing


def parse_submission(
    fields: Mapping[str, Sequence[str]],
    screen: Screen | None = None,
    ignore: Iterable[str] = ("csrfmiddlewaretoken",),
) -> dict[str, int | bool | None]:
    """Answers from a submitted form: ``fields`` maps each field name to ALL its values.

    Each item takes exactly one value: a value of its scale ("0".."3" for frequency items,
    "yes"/"no" for yes/no items) or ``SKIP_VALUE`` ("Prefer not to say", stored as None).
    Raises :class:`ScreenSubmissionError` (nothing may be stored) when a field is unknown or
    repeated, a value is not on the scale, some questions have no choice at all
    (half-answered), or no question is answered (all blank or all skipped).
    """
    scr = screen if screen is not None else load_screen()
    ignored = set(ignore)
    known = {item.id for item in scr.items}
    unknown = sorted(k for k in fields if k not in known and k not in ignored)
    if unknown:
        raise ScreenSubmissionError(
            "This form had fields it does not know, so nothing was saved. Please reload the page "
            "and answer again."
        )
    answers: dict[str, int | bool | None] = {}
    missing: list[str] = []
    for item in scr.items:
        values = [v.strip() if isinstance(v, str) else v for v in fields.get(item.id, ())]
        values = [v for v in values if v != ""]
        if not values:
            missing.append(item.id)
            continue
        if len(values) > 1:
            raise ScreenSubmissionError(
                "A question came back with more than one answer, so nothing was saved. Please "
                "choose one answer for each question."
            )
        raw = values[0]
        if raw == SKIP_VALUE:
            answers[item.id] = None
        elif item.scale.type == "yes_no" and raw in ("yes", "no"):
            answers[item.id] = raw == "yes"
        elif item.scale.type == "frequency" and raw in {str(v) for v in item.scale.values}:
            # compared as text: "²" or "٣" pass str.isdigit() but are not an answer on the scale
            answers[item.id] = int(raw)
        else:
            raise ScreenSubmissionError(_OFF_SCALE)
    if len(missing) == len(scr.items) or (not missing and all(v is None for v in answers.values())):
        raise ScreenSubmissionError(
            "No question was answered, so nothing was saved. Choose an answer for each question "
            '(or "Prefer not to say"), or leave with "Skip for now".'
        )
    if missing:
        raise ScreenSubmissionError(
            f"{len(missing)} of {len(scr.items)} questions have no answer yet, so nothing was "
            'saved. Choose an answer or "Prefer not to say" for each of them.',
            missing=tuple(missing),
        )
    return answers


_OFF_SCALE = (
    "An answer was not one of the choices, so nothing was saved. Please reload the page and "
    "answer again."
)
