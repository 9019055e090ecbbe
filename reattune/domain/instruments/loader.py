"""Load and check instrument files (YAML or JSON).

Two passes per file: the JSON Schema (``reattune/data/schemas/instrument.schema.json``)
checks the shape, then :func:`parse_instrument` checks what a schema cannot: references
to scales, constructs and concepts, duplicate ids, reverse keying on a non-numeric scale,
scale labels, one scale per scored construct, and bands that cover the whole score range.
Any problem raises :class:`InstrumentError` naming the file, the field path and the problem.

A catalog holds every version it was given. For each instrument id the highest version is
*current*; lower versions are *retired*: still there so old responses can be scored, but
new answers should go to the current version.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import MappingProxyType

from ..concepts import ConceptError, Concepts, load_concepts
from ..datafile import DATA_DIR, check, plain, read_yaml
from .model import Band, Construct, Instrument, InstrumentError, Item, Scale

SHIPPED_DIR = DATA_DIR / "instruments"
SCHEMA = "instrument.schema.json"
SUFFIXES = (".yaml", ".yml", ".json")


def read_document(path: Path) -> object:
    return read_yaml(path, InstrumentError)  # JSON is YAML too


def _resolve(concepts: Concepts, ref: str, source, where: str) -> str:
    try:
        return concepts.resolve(ref).ref
    except ConceptError as exc:
        raise InstrumentError(source, where, str(exc)) from exc


def parse_instrument(
    data: object, source: Path | str = "<memory>", concepts: Concepts | None = None
) -> Instrument:
    """Check one loaded document (schema + semantics) and build the Instrument."""
    concepts = concepts or load_concepts()
    data = plain(data)
    check(data, SCHEMA, source, error=InstrumentError)
    if not isinstance(data, dict):  # the schema checked this; never skipped under -O
        raise TypeError("expected a mapping at the top of the file")

    def fail(where: str, problem: str) -> InstrumentError:
        return InstrumentError(source, where, problem)

    # scales
    scales: dict[str, Scale] = {}
    for i, raw in enumerate(data["scales"]):
        where = f"scales[{i}]"
        if raw["id"] in scales:
            raise fail(f"{where}.id", f"duplicate scale id {raw['id']!r}")
        lo, hi = raw["min"], raw["max"]
        if hi <= lo:
            raise fail(f"{where}.max", f"max ({hi}) must be greater than min ({lo})")
        labels: dict[int, str] = {}
        for key, label in raw["labels"].items():
            value = int(key)
            if not lo <= value <= hi:
                raise fail(f"{where}.labels.{key}", f"label for {value}, outside {lo}..{hi}")
            labels[value] = label.strip()
        for end in (lo, hi):
            if end not in labels:
                raise fail(f"{where}.labels", f"the end value {end} needs a label")
        scales[raw["id"]] = Scale(
            id=raw["id"],
            min=lo,
            max=hi,
            labels=MappingProxyType(dict(sorted(labels.items()))),
            type=raw.get("type", "numeric"),
        )

    # items (checked before constructs' bands, which need each construct's scale)
    items: list[Item] = []
    seen_items: dict[str, int] = {}
    construct_ids = {raw["id"] for raw in data["constructs"]}
    for i, raw in enumerate(data["items"]):
        where = f"items[{i}]"
        if raw["id"] in seen_items:
            raise fail(
                f"{where}.id",
                f"duplicate item id {raw['id']!r} (also items[{seen_items[raw['id']]}])",
            )
        seen_items[raw["id"]] = i
        scale = scales.get(raw["scale"])
        if scale is None:
            raise fail(f"{where}.scale", f"unknown scale {raw['scale']!r}")
        if raw["construct"] not in construct_ids:
            raise fail(f"{where}.construct", f"unknown construct {raw['construct']!r}")
        reverse = raw.get("reverse", False)
        if reverse and not scale.numeric:
            raise fail(
                f"{where}.reverse",
                f"cannot reverse-key an item on the non-numeric scale {scale.id!r}",
            )
        channel = raw.get("care_channel")
        if channel is not None and not concepts.has("care_channel", channel):
            raise fail(f"{where}.care_channel", f"unknown care channel {channel!r}")
        items.append(
            Item(
                id=raw["id"],
                text=" ".join(raw["text"].split()),
                scale=scale.id,
                construct=raw["construct"],
                concept=_resolve(concepts, raw["concept"], source, f"{where}.concept"),
                reverse=reverse,
                about=raw.get("about", "self"),
                care_channel=channel,
            )
        )

    # constructs
    constructs: dict[str, Construct] = {}
    for i, raw in enumerate(data["constructs"]):
        where = f"constructs[{i}]"
        cid = raw["id"]
        if cid in constructs:
            raise fail(f"{where}.id", f"duplicate construct id {cid!r}")
        area = raw.get("area")
        if area is not None and not concepts.has("area", area):
            raise fail(f"{where}.area", f"unknown area {area!r}")
        concept = raw.get("concept")
        if concept is not None:
            concept = _resolve(concepts, concept, source, f"{where}.concept")
        own = [(n, it) for n, it in enumerate(items) if it.construct == cid]
        if not own:
            raise fail(where, f"construct {cid!r} has no items")
        scoring = raw["scoring"]
        if raw["min_answered"] > len(own):
            raise fail(
                f"{where}.min_answered",
                f"{raw['min_answered']} is more than the construct's {len(own)} item(s)",
            )
        bands_raw = raw.get("bands", [])
        bands: tuple[Band, ...] = ()
        if scoring in ("mean", "sum"):
            scale_ids = {it.scale for _, it in own}
            if len(scale_ids) > 1:
                n, it = next((n, it) for n, it in own if it.scale != own[0][1].scale)
                raise fail(
                    f"items[{n}].scale",
                    f"construct {cid!r} mixes scales ({', '.join(sorted(scale_ids))}); "
                    "a scored construct uses one scale",
                )
            scale = scales[own[0][1].scale]
            if not scale.numeric:
                raise fail(
                    f"{where}.scoring",
                    f"{scoring} scoring needs a numeric scale; {scale.id!r} is {scale.type}",
                )
            if not bands_raw:
                raise fail(f"{where}.bands", "a scored construct needs at least one band")
            count = len(own) if scoring == "sum" else 1
            lo, hi = scale.min * count, scale.max * count
            bands = tuple(
                Band(max=b["max"], label=b["label"], wording=b["wording"]) for b in bands_raw
            )
            _check_bands(bands, lo, hi, f"{where}.bands", fail)
        elif bands_raw:
            raise fail(f"{where}.bands", "bands need mean or sum scoring")
        constructs[cid] = Construct(
            id=cid,
            title=raw["title"].strip(),
            scoring=scoring,
            min_answered=raw["min_answered"],
            bands=bands,
            area=area,
            concept=concept,
            higher_means=raw.get("higher_means", "strain"),
            signal=raw.get("signal"),
        )

    return Instrument(
        id=data["id"],
        version=data["version"],
        title=data["title"].strip(),
        intro=" ".join(data["intro"].split()),
        kind=data["kind"],
        estimated_minutes=data.get("estimated_minutes"),
        scales=MappingProxyType(scales),
        constructs=MappingProxyType(constructs),
        items=tuple(items),
        source=Path(str(source)) if source else None,
    )


def _fmt(x: float) -> str:
    return f"{x:g}"


def _check_bands(bands: tuple[Band, ...], lo: float, hi: float, where: str, fail) -> None:
    """Bands are upper bounds: each band runs from the previous band's max to its own."""
    previous = None
    for i, band in enumerate(bands):
        if previous is not None and band.max <= previous:
            raise fail(
                f"{where}[{i}].max",
                f"bands must ascend: {_fmt(band.max)} is not above the previous "
                f"band's max {_fmt(previous)}",
            )
        if i == 0 and band.max < lo:
            raise fail(
                f"{where}[0].max",
                f"{_fmt(band.max)} is below the lowest possible score {_fmt(lo)}",
            )
        if previous is not None and previous >= hi:
            raise fail(
                f"{where}[{i}]",
                f"band can never apply: the previous band already reaches the top score {_fmt(hi)}",
            )
        previous = band.max
    if previous is not None and previous < hi:
        raise fail(
            f"{where}[{len(bands) - 1}].max",
            f"band gap: scores above {_fmt(previous)} up to {_fmt(hi)} have no band",
        )


def load_instrument_file(path: Path | str, concepts: Concepts | None = None) -> Instrument:
    path = Path(path)
    return parse_instrument(read_document(path), path, concepts)


class Catalog(dict):
    """Instruments keyed by ``(id, version)``; every version stays loadable."""

    def get(self, id_or_key, version: int | None = None, default=None):  # noqa: A003
        """``get(id, version)`` or ``get((id, version))``; ``get(id)`` means the latest."""
        if isinstance(id_or_key, tuple):
            return super().get(id_or_key, default)
        if version is None:
            found = self.latest(id_or_key)
            return default if found is None else found
        return super().get((id_or_key, version), default)

    def versions(self, id: str) -> list[int]:
        return sorted(v for (i, v) in self if i == id)

    def latest(self, id: str) -> Instrument | None:
        versions = self.versions(id)
        return self[(id, versions[-1])] if versions else None

    def ids(self) -> list[str]:
        return sorted({i for (i, _) in self})

    def current(self, kind: str | None = None) -> list[Instrument]:
        """The latest version of every instrument (optionally of one kind)."""
        found = [self.latest(i) for i in self.ids()]
        return [x for x in found if x is not None and (kind is None or x.kind == kind)]

    def is_retired(self, id: str, version: int) -> bool:
        """True when a higher version of the same instrument exists."""
        versions = self.versions(id)
        return bool(versions) and version < versions[-1]


def _files(directory: Path) -> Iterator[Path]:
    for path in sorted(directory.iterdir()):
        if path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith("."):
            yield path


def load_instruments(
    extra_dirs: Iterable[Path | str] | None = None,
    *,
    include_shipped: bool = True,
    concepts: Concepts | None = None,
) -> Catalog:
    """Load the shipped instruments plus every file in the extra folders.

    A folder that does not exist, any malformed file, or two files with the same instrument
    id and version raise InstrumentError. Only ``*.yaml``, ``*.yml`` and ``*.json`` files are
    read; subfolders are not.
    """
    if isinstance(extra_dirs, (str, Path)):
        extra_dirs = [extra_dirs]
    folders = ([SHIPPED_DIR] if include_shipped else []) + [Path(d) for d in extra_dirs or ()]
    concepts = concepts or load_concepts()
    catalog = Catalog()
    for folder in folders:
        if not folder.is_dir():
            raise InstrumentError(folder, "(folder)", "instrument folder does not exist")
        for path in _files(folder):
            instrument = load_instrument_file(path, concepts)
            other = catalog.get(instrument.key)
            if other is not None:
                raise InstrumentError(
                    path,
                    "version",
                    f"duplicate instrument {instrument.id!r} version {instrument.version} "
                    f"(also in {other.source})",
                )
            catalog[instrument.key] = instrument
    return catalog


@functools.cache
def shipped_catalog() -> Catalog:
    """The shipped instruments only (cached)."""
    return load_instruments()
