"""Instrument data model: plain, immutable dataclasses built by the loader."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ..datafile import DataFileError

T = TypeVar("T")


class InstrumentError(DataFileError):
    """A malformed instrument file (or folder), e.g.
    ``connection_check.yaml: items[3].scale: unknown scale 'freq5'``.
    """


@dataclass(frozen=True)
class Scale:
    id: str
    min: int
    max: int
    labels: Mapping[int, str]
    type: str = "numeric"  # numeric | categorical

    @property
    def numeric(self) -> bool:
        return self.type == "numeric"

    def contains(self, value: object) -> bool:
        return (
            isinstance(value, int) and not isinstance(value, bool) and self.min <= value <= self.max
        )

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "type": self.type,
            "min": self.min,
            "max": self.max,
            "labels": {str(k): v for k, v in self.labels.items()},
        }


@dataclass(frozen=True)
class Band:
    max: float
    label: str
    wording: str

    def to_dict(self) -> dict:
        return {"max": self.max, "label": self.label, "wording": self.wording}


@dataclass(frozen=True)
class Construct:
    id: str
    title: str
    scoring: str  # mean | sum | none
    min_answered: int
    bands: tuple[Band, ...] = ()
    area: str | None = None
    concept: str | None = None  # normalised "kind:id"
    higher_means: str = "strain"  # strain | strength | neutral
    signal: str | None = None  # insight signal key (see instrument.schema.json)

    @property
    def scored(self) -> bool:
        return self.scoring in ("mean", "sum")

    def band_for(self, value: float | None) -> Band | None:
        if value is None:
            return None
        for band in self.bands:
            if value <= band.max + 1e-9:
                return band
        return self.bands[-1] if self.bands else None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "area": self.area,
            "concept": self.concept,
            "scoring": self.scoring,
            "higher_means": self.higher_means,
            "signal": self.signal,
            "min_answered": self.min_answered,
            "bands": [b.to_dict() for b in self.bands],
        }


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    scale: str
    construct: str
    concept: str  # normalised "kind:id"
    reverse: bool = False
    about: str = "self"  # self | partner
    care_channel: str | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "scale": self.scale,
            "construct": self.construct,
            "concept": self.concept,
            "reverse": self.reverse,
            "about": self.about,
            "care_channel": self.care_channel,
        }


@dataclass(frozen=True, eq=False)
class Instrument:
    id: str
    version: int
    title: str
    intro: str
    kind: str  # checkup | pulse | help | safety (reserved hook)
    estimated_minutes: float | None
    scales: Mapping[str, Scale]
    constructs: Mapping[str, Construct]  # in file order
    items: tuple[Item, ...]
    source: Path | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.id, self.version)

    def item(self, item_id: str) -> Item | None:
        return self._memo("_by_id", lambda: {item.id: item for item in self.items}).get(item_id)

    def _memo(self, name: str, build: Callable[[], T]) -> T:
        """A table derived from the fields, built on first use and kept on the instrument (it
        is frozen, so beside the fields; scoring asks for these for every response read)."""
        cached = self.__dict__.get(name)
        if cached is None:
            cached = build()
            object.__setattr__(self, name, cached)
        return cached

    def items_for(self, construct_id: str) -> tuple[Item, ...]:
        """The construct's items in file order."""

        def grouped() -> dict[str, tuple[Item, ...]]:
            by_construct: dict[str, list[Item]] = {}
            for item in self.items:
                by_construct.setdefault(item.construct, []).append(item)
            return {cid: tuple(items) for cid, items in by_construct.items()}

        return self._memo("_by_construct", grouped).get(construct_id, ())

    def scale_of(self, construct_id: str) -> Scale:
        """The one scale a scored construct's items share."""
        return self.scales[self.items_for(construct_id)[0].scale]

    def scales_by_item(self) -> dict[str, Scale]:
        """Each item's scale by item id."""
        return self._memo(
            "_scale_by_item", lambda: {item.id: self.scales[item.scale] for item in self.items}
        )

    def scored_constructs(self) -> tuple[tuple[str, Construct, tuple[Item, ...], Scale], ...]:
        """(id, construct, its items, their scale) of each scored construct, in file order."""
        return self._memo(
            "_scored",
            lambda: tuple(
                (cid, construct, self.items_for(cid), self.scale_of(cid))
                for cid, construct in self.constructs.items()
                if construct.scored
            ),
        )

    def to_dict(self) -> dict:
        """Everything a client needs to show the questionnaire (no answers)."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "intro": self.intro,
            "kind": self.kind,
            "estimated_minutes": self.estimated_minutes,
            "scales": [s.to_dict() for s in self.scales.values()],
            "constructs": [c.to_dict() for c in self.constructs.values()],
            "items": [i.to_dict() for i in self.items],
        }

    def __repr__(self) -> str:
        return f"<Instrument {self.id} v{self.version} ({len(self.items)} items)>"
