"""Scoring one response to one instrument.

Rules (documented for the results page):

* Each answer must be an integer on its item's scale; an unknown item id or an answer
  outside the scale raises ValueError. ``None`` means "not answered".
* Reverse-keyed items are turned round first: keyed = min + max - answer.
* ``mean``: the mean of the keyed answers, so the score stays on the scale (min..max).
* ``sum``: the sum of the keyed answers over n items (n*min..n*max). When some items are
  unanswered (but at least ``min_answered`` are), the sum is prorated: mean * n, so it
  stays comparable with a complete response.
* Fewer than ``min_answered`` answers: value None, band None.
* The band is the first band whose ``max`` is at or above the value.

The mapping returned is construct-level only. Item-level detail the insight logic needs
(per-concept and per-care-channel positions) is kept on attributes of the result and
never appears in ``to_dict()``: partners see each other's scale scores, not answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .model import Band, Instrument


@dataclass(frozen=True)
class ScaleScore:
    value: float | None
    band: Band | None
    n_answered: int
    n_items: int
    min: float
    max: float

    @property
    def normalised(self) -> float | None:
        """Position of the value on its range, 0..1 (None when there is no value)."""
        if self.value is None or self.max == self.min:
            return None
        return min(1.0, max(0.0, (self.value - self.min) / (self.max - self.min)))

    def to_dict(self) -> dict:
        return {
            "value": None if self.value is None else round(self.value, 4),
            "normalised": None if self.normalised is None else round(self.normalised, 4),
            "band": None if self.band is None else self.band.label,
            "wording": None if self.band is None else self.band.wording,
            "n_answered": self.n_answered,
            "n_items": self.n_items,
            "min": self.min,
            "max": self.max,
        }


class ScoreSet(dict):
    """``dict[construct_id, ScaleScore]`` plus private item-level detail for the insight.

    Attributes (never serialised by ``to_dict``):
      instrument: the Instrument scored.
      concepts: ``{"sign:logistics_only_talk": 0.75, ...}``: mean 0..1 position of the
        keyed answers of the items tied to each concept (numeric, scored constructs only).
      channels: ``{construct_id: {"words": 0.75, ...}}`` for items with a care_channel.
    """

    instrument: Instrument
    concepts: dict[str, float]
    channels: dict[str, dict[str, float]]

    def to_dict(self) -> dict:
        return {cid: score.to_dict() for cid, score in self.items()}


def keyed(instrument: Instrument, item_id: str, answer: int) -> int:
    return _keyed_item(instrument, instrument.item(item_id), answer)


def _keyed_item(instrument: Instrument, item, answer: int) -> int:
    """The answer on the item's scale, turned round for a reverse-keyed item."""
    scale = instrument.scales[item.scale]
    return scale.min + scale.max - answer if item.reverse else answer


def check_answers(instrument: Instrument, answers: Mapping[str, object]) -> dict[str, int]:
    """Validate answers; return only the answered ones. Raises ValueError with a clear message."""
    clean: dict[str, int] = {}
    scale_of = instrument.scales_by_item()
    for item_id, answer in answers.items():
        scale = scale_of.get(item_id)
        if scale is None:
            raise ValueError(
                f"unknown item {item_id!r} for instrument {instrument.id!r} "
                f"version {instrument.version}"
            )
        if answer is None:
            continue
        if not scale.contains(answer):
            raise ValueError(
                f"item {item_id!r}: answer {answer!r} is not on the scale "
                f"{scale.id!r} ({scale.min}..{scale.max})"
            )
        clean[item_id] = answer
    return clean


def score_response(instrument: Instrument, answers: Mapping[str, int | None]) -> ScoreSet:
    """Score every mean/sum construct. See the module docstring for the rules."""
    clean = check_answers(instrument, answers)
    result = ScoreSet()
    concept_values: dict[str, list[float]] = {}
    channels: dict[str, dict[str, float]] = {}
    for cid, construct, own, scale in instrument.scored_constructs():
        span = scale.max - scale.min
        values = []
        for item in own:
            answer = clean.get(item.id)
            if answer is None:
                continue
            k = _keyed_item(instrument, item, answer)  # the item at hand, not looked up again
            values.append(k)
            position = (k - scale.min) / span
            concept_values.setdefault(item.concept, []).append(position)
            if item.care_channel:
                channels.setdefault(cid, {})[item.care_channel] = position
        n = len(own)
        count = n if construct.scoring == "sum" else 1
        value = None
        if len(values) >= construct.min_answered and values:
            mean = sum(values) / len(values)
            value = mean * n if construct.scoring == "sum" else mean
        result[cid] = ScaleScore(
            value=value,
            band=construct.band_for(value),
            n_answered=len(values),
            n_items=n,
            min=scale.min * count,
            max=scale.max * count,
        )
    result.instrument = instrument
    result.concepts = {ref: sum(v) / len(v) for ref, v in concept_values.items()}
    result.channels = channels
    return result


def keyed_rows(
    instrument: Instrument, construct_id: str, responses: Iterable[Mapping[str, int | None]]
) -> list[list[float]]:
    """Rows of keyed answers for one construct, complete responses only (for cronbach_alpha)."""
    own = instrument.items_for(construct_id)
    rows = []
    for answers in responses:
        clean = check_answers(instrument, answers)
        if all(item.id in clean for item in own):
            rows.append([float(keyed(instrument, item.id, clean[item.id])) for item in own])
    return rows
