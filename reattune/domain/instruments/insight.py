"""From scores to insight: one partner's results, and the couple view when both have them.

Everything here works on *positions*: a score's place on its own range, 0..1 (0 = lowest
possible, 1 = highest). On the checkup's frequency scale 0.25 is one answer step
("rarely" to "sometimes"), on the 5-point agreement scale it is one step too, so the
thresholds below read as "about one answer step". They are our own, documented choices,
not borrowed norms or cut-offs, and the results are a description of how things feel to
each person now, never a diagnosis.

Signals (``.signals``, all 0..1) are the raw positions behind the results:

* ``area:<area>``        strain in an area (connection check; higher = more strain)
* ``sign:<sign>``        how strongly a sign shows (mean of that sign's items)
* ``cause:<cause>``      how much a cause seems to play a part (what's behind it; a few are
                         derived, see DERIVED_CAUSES)
* ``help_sign:<id>``     is-it-time-for-help signs
* ``outcome:<id>``       closeness pulse (higher = closer)
* ``role:pursuer``, ``role:withdrawer``                  how I act under tension
* ``partner_role:pursuer``, ``partner_role:withdrawer``  how I see my partner act
* ``attachment:anxiety``, ``attachment:avoidance``
* ``care_receive:<channel>``, ``care_give:<channel>``, ``care_guess:<channel>``

The couple view adds ``pattern:<pattern>`` strengths, per-partner ``a:role:pursuer`` /
``b:role:withdrawer`` (own and partner reports combined), ``a:attachment:anxiety`` ...,
``area:<area>`` (mean of both) and ``gap:<area>`` (absolute difference).

The plan is not built from these signals directly: reattune.domain.plan.inputs reduces the
results to what their reader is shown first (couple_input, solo_input).

Privacy: an IndividualInsight's ``to_dict()`` is for its owner (it holds sign-level detail
from single items). ``shared_view()`` is what the partner (and, with consent, the report and
a therapist) may see: scale-level only, and only scales of at least SHARED_MIN_ITEMS
questions with at least SHARED_MIN_ANSWERED answered, so no score there is one answer.
``CoupleInsight.to_dict()`` is read by both partners: areas, gaps and patterns, never a
single item. Care preferences are one question per channel, so of them it says only whether
the care-channel pattern is listed, never which channel anyone prefers, gives or guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..concepts import Concepts, LearnEntry, load_concepts, load_learn
from .loader import Catalog, shipped_catalog
from .model import Instrument
from .scoring import ScaleScore

# ---- thresholds (positions 0..1) -------------------------------------------------------
STRAIN_LEVEL = 0.5  # an area "feels strained" at or above this (mean at "sometimes")
STRENGTH_LEVEL = 0.25  # an area (or a low cause) counts as a strength at or below this
SIGN_LEVEL = 0.5  # a sign is listed among the strongest at or above this
MAX_SIGNS = 5
CAUSE_LEVEL = 0.6  # a cause is "likely" at or above this (between neutral and agree)
MAX_CAUSES = 4
HELP_LEVEL = 0.6  # an is-it-time-for-help sign stands out at or above this
PATTERN_LEVEL = 0.6  # each side of a pattern must reach this (pursue, withdraw, ...)
ROLE_CONTRAST = 0.25  # the two partners' leanings must differ by at least this
GAP_THRESHOLD = 0.25  # perception gap: areas differ by at least this, one side strained
CARE_PREFERENCE_LEVEL = 0.5  # a receive channel must reach this to count as a preference
CARE_FIT_LEVEL = 0.75  # giving at or above this in the partner's channel is a fit
CARE_MARGIN = 0.25  # mismatch: the giver's main channel is this far above the fit
OUTCOME_STRENGTH_LEVEL = 0.75  # closeness pulse counts as a strength at or above this
# What a partner may be shown of a scale: it has at least this many questions, and at least
# this many were answered (a two-question scale, or one answer, would show the answers).
SHARED_MIN_ITEMS = 3
SHARED_MIN_ANSWERED = 2

NOTE = (
    "These results describe how things feel to you now, from your own answers. They are "
    "not a diagnosis, not a judgement of either of you, and not a prediction."
)
COUPLE_NOTE = (
    "This view puts your two descriptions side by side. Differences are not about who is "
    "right: each of you sees the relationship from your own place in it."
)

PARTNERS = ("a", "b")
CHECKUP_IDS = ("connection_check", "whats_behind_it")
MISSING_WORDING = {
    "connection_check": "The connection check is not done yet, so areas and signs are missing.",
    "whats_behind_it": "The 'What's behind it' check-up is not done yet, so causes, tension "
    "patterns and care preferences are missing.",
}

# Causes not measured by a construct of their own, read from concept positions.
DERIVED_CAUSES: dict[str, tuple[str, ...]] = {
    "transactional_talk": ("sign:logistics_only_talk",),
    "small_things_neglected": ("sign:fewer_touches",),
    "role_conditioning": ("cause:role_conditioning",),
}
# attachment_needs is derived as max(attachment:anxiety, attachment:avoidance).

LOW_CAUSE_STRENGTHS = {
    "safety_erosion": "Trust between you feels largely intact to you.",
    "conflict_avoidance": "You can raise things that matter, even when you see them differently.",
    "divided_attention": "When you talk, you feel you have each other's attention.",
}

CARE_QUESTIONS = ("care_receive", "care_give", "care_guess")
# Of the care-channel pattern both partners read only this (each channel is one question).
SHARED_CARE_KEYS = ("mismatch", "wording", "learn")
# Couple signals that rest on single questions (one per care channel): never in to_dict().
ITEM_LEVEL_SIGNALS = frozenset({"pattern:care_channel_mismatch"})


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _construct_signal(construct) -> str | None:
    if construct.signal:
        return construct.signal
    if construct.area and construct.higher_means == "strain":
        return f"area:{construct.area}"
    if construct.concept:
        kind, _, id_ = construct.concept.partition(":")
        prefix = {"cause": "cause", "help_sign": "help_sign", "outcome": "outcome"}.get(kind)
        if prefix:
            return f"{prefix}:{id_}"
    return None


def _learn(entries: Mapping[str, LearnEntry], ref: str) -> LearnEntry | None:
    return entries.get(ref)


@dataclass
class IndividualInsight:
    """One partner's results. Build with individual_insight()."""

    areas: list[dict]
    strongest_signs: list[dict]
    likely_causes: list[dict]
    strengths: list[dict]
    tension: dict
    attachment: dict
    care: dict
    help: dict
    closeness: dict | None
    completed: list[str]
    missing: list[dict]
    signals: dict[str, float]
    cause_sources: dict[str, str] = field(default_factory=dict)  # cause id -> measured|derived
    # cause id -> (questions answered, questions in its scale), for measured causes
    cause_basis: dict[str, tuple[int, int]] = field(default_factory=dict)
    # the likely causes the partner may see (shared_view), chosen among shareable ones
    shared_causes: list[dict] = field(default_factory=list)

    def area_strain(self, area: str) -> float | None:
        return self.signals.get(f"area:{area}")

    def to_dict(self) -> dict:
        """The owner's full view."""
        return {
            "note": NOTE,
            "completed": list(self.completed),
            "missing": list(self.missing),
            "areas": self.areas,
            "strongest_signs": self.strongest_signs,
            "likely_causes": self.likely_causes,
            "strengths": self.strengths,
            "tension": self.tension,
            "attachment": self.attachment,
            "care": self.care,
            "help": self.help,
            "closeness": self.closeness,
            "signals": {k: _r(v) for k, v in sorted(self.signals.items())},
            "thresholds": thresholds(),
        }

    def shares_cause(self, cause_id: str) -> bool:
        """May the partner see this cause? See _shares_cause."""
        return _shares_cause(cause_id, self.cause_sources, self.cause_basis)

    def shared_view(self) -> dict:
        """What the partner may see: scale-level scores only (no signs, care or help detail,
        no cause that could rest on one answer; see shares_cause)."""
        return {
            "note": NOTE,
            "completed": list(self.completed),
            "areas": self.areas,
            "likely_causes": self.shared_causes,
            "strengths": [s for s in self.strengths if s["kind"] in ("area", "outcome")],
            "tension": self.tension,
            "attachment": self.attachment,
            "closeness": self.closeness,
        }


def _shares_cause(
    cause_id: str, sources: Mapping[str, str], basis: Mapping[str, tuple[int, int]]
) -> bool:
    """May the partner see this cause? Only a measured one, from a scale of at least
    SHARED_MIN_ITEMS questions with at least SHARED_MIN_ANSWERED answered. Derived causes
    (read from single signs) and two-question scales (mental health, learned avoidance) stay
    on the owner's own page."""
    if sources.get(cause_id) != "measured":
        return False
    answered, items = basis.get(cause_id, (0, 0))
    return items >= SHARED_MIN_ITEMS and answered >= SHARED_MIN_ANSWERED


def thresholds() -> dict:
    return {
        "strain_level": STRAIN_LEVEL,
        "strength_level": STRENGTH_LEVEL,
        "sign_level": SIGN_LEVEL,
        "cause_level": CAUSE_LEVEL,
        "help_level": HELP_LEVEL,
        "pattern_level": PATTERN_LEVEL,
        "role_contrast": ROLE_CONTRAST,
        "gap_threshold": GAP_THRESHOLD,
        "care_preference_level": CARE_PREFERENCE_LEVEL,
        "care_fit_level": CARE_FIT_LEVEL,
        "care_margin": CARE_MARGIN,
    }


def _instrument_for(
    instrument_id: str, scores: Mapping[str, ScaleScore], catalog: Catalog | None
) -> Instrument | None:
    instrument = getattr(scores, "instrument", None)
    if instrument is not None:
        return instrument
    catalog = catalog if catalog is not None else shipped_catalog()
    return catalog.latest(instrument_id)


def individual_insight(
    scores_by_instrument_id: Mapping[str, Mapping[str, ScaleScore] | None],
    *,
    catalog: Catalog | None = None,
    concepts: Concepts | None = None,
    learn: Mapping[str, LearnEntry] | None = None,
) -> IndividualInsight:
    """Turn one partner's scores into results.

    ``scores_by_instrument_id`` maps an instrument id to what score_response returned
    (a ScoreSet). A plain ``{construct_id: ScaleScore}`` also works: its instrument is then
    taken as the catalog's latest version of that id, and sign-level and care-channel
    detail (which need item answers) are left out. ``None`` or a missing key means "not
    taken". Instruments of kind ``safety`` are ignored here.
    """
    concepts = concepts or load_concepts()
    learn = load_learn() if learn is None else learn

    found = _collect(scores_by_instrument_id, catalog)
    signals = {key: sum(v) / len(v) for key, v in found.sums.items()}
    cause_sources, cause_basis = _derive_causes(
        signals, found.cause_scores, found.concept_positions
    )
    areas = _areas(concepts, signals, found.area_info)
    cause_rows = _cause_rows(concepts, learn, signals, found.cause_scores, cause_sources)
    # The partner's list is chosen among the shareable causes only: a hidden cause must not
    # push a shared one out of the top MAX_CAUSES (that would show its answers).
    shared_causes = [
        row for row in cause_rows if _shares_cause(row["id"], cause_sources, cause_basis)
    ][:MAX_CAUSES]
    missing = [
        {"instrument": i, "wording": MISSING_WORDING[i]}
        for i in CHECKUP_IDS
        if i not in found.completed
    ]
    return IndividualInsight(
        areas=areas,
        strongest_signs=_strongest_signs(concepts, learn, signals),
        likely_causes=cause_rows[:MAX_CAUSES],
        strengths=_strengths(concepts, areas, found.closeness, signals, cause_sources),
        tension=_tension(signals),
        attachment=_attachment(signals),
        care=_care(signals),
        help=_help(concepts, signals, found.help_scores),
        closeness=found.closeness,
        completed=found.completed,
        missing=missing,
        signals=signals,
        cause_sources=cause_sources,
        cause_basis=cause_basis,
        shared_causes=shared_causes,
    )


@dataclass
class _Collected:
    """What individual_insight gathers from the scores before reading them."""

    sums: dict[str, list[float]]  # signal key -> positions to average
    area_info: dict[str, tuple[ScaleScore, Instrument]]
    cause_scores: dict[str, ScaleScore]
    help_scores: dict[str, tuple[ScaleScore, str]]
    closeness: dict | None
    completed: list[str]
    concept_positions: dict[str, float]


def _collect(
    scores_by_instrument_id: Mapping[str, Mapping[str, ScaleScore] | None],
    catalog: Catalog | None,
) -> _Collected:
    """Positions by signal key, and the scores the results quote, from every instrument taken
    (safety instruments are skipped)."""
    sums: dict[str, list[float]] = {}
    area_info: dict[str, tuple[ScaleScore, Instrument]] = {}
    cause_scores: dict[str, ScaleScore] = {}
    help_scores: dict[str, tuple[ScaleScore, str]] = {}
    closeness: dict | None = None
    completed: list[str] = []
    concept_positions: dict[str, float] = {}

    for instrument_id, scores in scores_by_instrument_id.items():
        if not scores:
            continue
        instrument = _instrument_for(instrument_id, scores, catalog)
        if instrument is None or instrument.kind == "safety":
            continue
        completed.append(instrument_id)
        for ref, position in (getattr(scores, "concepts", None) or {}).items():
            concept_positions.setdefault(ref, position)
        channels = getattr(scores, "channels", None) or {}
        for cid, construct in instrument.constructs.items():
            score = scores.get(cid)
            key = _construct_signal(construct)
            if score is None or key is None:
                continue
            if key.startswith("area:"):
                # kept even without a value, so the page can say "not enough answers"
                area_info.setdefault(key.partition(":")[2], (score, instrument))
            if score.normalised is None:
                continue
            if cid in channels:
                for channel, position in channels[cid].items():
                    sums.setdefault(f"{key}:{channel}", []).append(position)
                continue
            if key.split(":")[0] in CARE_QUESTIONS:
                continue  # per-channel only; no channel detail without item answers
            sums.setdefault(key, []).append(score.normalised)
            kind, _, id_ = key.partition(":")
            if kind == "cause":
                cause_scores.setdefault(id_, score)
            elif kind == "help_sign":
                help_scores.setdefault(id_, (score, construct.title))
            elif kind == "outcome" and closeness is None:
                closeness = {
                    "id": id_,
                    "position": _r(score.normalised),
                    "value": _r(score.value),
                    "min": score.min,
                    "max": score.max,
                    "band": score.band.label if score.band else None,
                    "wording": score.band.wording if score.band else None,
                }
        if instrument.kind == "checkup":
            for ref, position in (getattr(scores, "concepts", None) or {}).items():
                if ref.startswith("sign:"):
                    sums.setdefault(ref, []).append(position)

    return _Collected(
        sums=sums,
        area_info=area_info,
        cause_scores=cause_scores,
        help_scores=help_scores,
        closeness=closeness,
        completed=completed,
        concept_positions=concept_positions,
    )


def _derive_causes(
    signals: dict[str, float],
    cause_scores: Mapping[str, ScaleScore],
    concept_positions: Mapping[str, float],
) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    """Add the derived causes to ``signals`` (only when no construct measured them); return
    each cause's source (measured or derived) and each measured cause's basis."""
    cause_sources = {cid: "measured" for cid in cause_scores}
    cause_basis = {cid: (score.n_answered, score.n_items) for cid, score in cause_scores.items()}
    for cause, refs in DERIVED_CAUSES.items():
        key = f"cause:{cause}"
        if key in signals:
            continue
        value = _mean(concept_positions.get(ref) for ref in refs)
        if value is not None:
            signals[key] = value
            cause_sources[cause] = "derived"
    attachment_values = [signals.get("attachment:anxiety"), signals.get("attachment:avoidance")]
    if "cause:attachment_needs" not in signals and any(v is not None for v in attachment_values):
        signals["cause:attachment_needs"] = max(v for v in attachment_values if v is not None)
        cause_sources["attachment_needs"] = "derived"

    return cause_sources, cause_basis


def _areas(
    concepts: Concepts,
    signals: Mapping[str, float],
    area_info: Mapping[str, tuple[ScaleScore, Instrument]],
) -> list[dict]:
    """Every area in concepts.yaml order, with its strain and score (or none yet)."""
    areas = []
    for area in concepts.all("area"):
        strain = signals.get(f"area:{area.id}")
        score = area_info.get(area.id, (None, None))[0]
        areas.append(
            {
                "id": area.id,
                "title": area.title,
                "strain": _r(strain),
                "value": _r(score.value) if score else None,
                "min": score.min if score else None,
                "max": score.max if score else None,
                "band": score.band.label if score and score.band else None,
                "wording": score.band.wording if score and score.band else None,
                "n_answered": score.n_answered if score else 0,
                "n_items": score.n_items if score else 0,
            }
        )

    return areas


def _strongest_signs(
    concepts: Concepts, learn: Mapping[str, LearnEntry], signals: Mapping[str, float]
) -> list[dict]:
    """The MAX_SIGNS strongest signs at or above SIGN_LEVEL."""
    order = {c.id: i for i, c in enumerate(concepts.all("sign"))}
    sign_values = [
        (key.partition(":")[2], v)
        for key, v in signals.items()
        if key.startswith("sign:") and v >= SIGN_LEVEL and key.partition(":")[2] in order
    ]
    sign_values.sort(key=lambda kv: (-kv[1], order[kv[0]]))
    strongest_signs = []
    for sign_id, value in sign_values[:MAX_SIGNS]:
        concept = concepts.get("sign", sign_id)
        entry = _learn(learn, f"sign:{sign_id}")
        strongest_signs.append(
            {
                "id": sign_id,
                "ref": f"sign:{sign_id}",
                "title": concept.title,
                "area": concept.area,
                "strength": _r(value),
                "summary": entry.summary if entry else concept.title,
                "learn": f"sign:{sign_id}",
            }
        )

    return strongest_signs


def _cause_rows(
    concepts: Concepts,
    learn: Mapping[str, LearnEntry],
    signals: Mapping[str, float],
    cause_scores: Mapping[str, ScaleScore],
    cause_sources: Mapping[str, str],
) -> list[dict]:
    """Every cause at or above CAUSE_LEVEL, strongest first."""
    cause_order = {c.id: i for i, c in enumerate(concepts.all("cause"))}
    cause_values = [
        (key.partition(":")[2], v)
        for key, v in signals.items()
        if key.startswith("cause:") and v >= CAUSE_LEVEL and key.partition(":")[2] in cause_order
    ]
    cause_values.sort(key=lambda kv: (-kv[1], cause_order[kv[0]]))
    cause_rows = []
    for cause_id, value in cause_values:
        concept = concepts.get("cause", cause_id)
        entry = _learn(learn, f"cause:{cause_id}")
        score = cause_scores.get(cause_id)
        practices = list(entry.try_practices) if entry else []
        cause_rows.append(
            {
                "id": cause_id,
                "ref": f"cause:{cause_id}",
                "title": concept.title,
                "strength": _r(value),
                "band": score.band.label if score and score.band else None,
                "source": cause_sources.get(cause_id, "measured"),
                "summary": entry.summary if entry else concept.title,
                "explanation": entry.body[0] if entry else "",
                "try": practices,
                "practices": [
                    {"id": p, "title": concepts.get("practice", p).title}
                    for p in practices
                    if concepts.has("practice", p)
                ],
                "learn": f"cause:{cause_id}",
            }
        )
    return cause_rows


def _strengths(
    concepts: Concepts,
    areas: list[dict],
    closeness: dict | None,
    signals: Mapping[str, float],
    cause_sources: Mapping[str, str],
) -> list[dict]:
    """Steady areas, feeling close, and measured causes that play little part."""
    strengths = []
    for area in areas:
        if area["strain"] is not None and area["strain"] <= STRENGTH_LEVEL:
            strengths.append(
                {
                    "kind": "area",
                    "id": area["id"],
                    "title": area["title"],
                    "wording": f"{area['title']}: this feels steady to you right now.",
                }
            )
    if closeness and closeness["position"] is not None:
        if closeness["position"] >= OUTCOME_STRENGTH_LEVEL:
            strengths.append(
                {
                    "kind": "outcome",
                    "id": closeness["id"],
                    "title": concepts.get("outcome", closeness["id"]).title
                    if concepts.has("outcome", closeness["id"])
                    else closeness["id"],
                    "wording": "You have been feeling close lately.",
                }
            )
    for cause_id, wording in LOW_CAUSE_STRENGTHS.items():
        value = signals.get(f"cause:{cause_id}")
        if cause_sources.get(cause_id) == "measured" and value is not None:
            if value <= STRENGTH_LEVEL:
                strengths.append(
                    {
                        "kind": "cause_low",
                        "id": cause_id,
                        "title": concepts.get("cause", cause_id).title,
                        "wording": wording,
                    }
                )

    return strengths


def _tension(signals: Mapping[str, float]) -> dict:
    """Pursue / withdraw: how I act under tension, and how I see my partner act."""
    return {
        "self": _lean(signals.get("role:pursuer"), signals.get("role:withdrawer")),
        "partner_as_seen": _lean(
            signals.get("partner_role:pursuer"), signals.get("partner_role:withdrawer")
        ),
    }


def _attachment(signals: Mapping[str, float]) -> dict:
    return {
        "anxiety": _r(signals.get("attachment:anxiety")),
        "avoidance": _r(signals.get("attachment:avoidance")),
    }


def _care(signals: Mapping[str, float]) -> dict:
    """Per care question (receive, give, guess): the top channels and every channel's value."""
    care = {}
    # _channels(signals, question) for every question, in one pass over the signals
    by_question: dict[str, dict[str, float]] = {question: {} for question in CARE_QUESTIONS}
    for key, value in signals.items():
        question, colon, channel = key.partition(":")
        if colon and question in by_question:
            by_question[question][channel] = value
    for question in CARE_QUESTIONS:
        values = by_question[question]
        care[question.removeprefix("care_")] = (
            {"top": _top(values), "values": {k: _r(v) for k, v in values.items()}}
            if values
            else None
        )
    return care


def _help(
    concepts: Concepts,
    signals: Mapping[str, float],
    help_scores: Mapping[str, tuple[ScaleScore, str]],
) -> dict:
    """The is-it-time-for-help signs at or above HELP_LEVEL, and whether to suggest help."""
    help_signs = []
    for help_id, (score, title) in help_scores.items():
        value = score.normalised
        if value is not None and value >= HELP_LEVEL:
            help_signs.append(
                {
                    "id": help_id,
                    "title": concepts.get("help_sign", help_id).title
                    if concepts.has("help_sign", help_id)
                    else title,
                    "strength": _r(value),
                    "band": score.band.label if score.band else None,
                    "wording": score.band.wording if score.band else None,
                    "learn": f"help_sign:{help_id}",
                }
            )
    help_signs.sort(key=lambda h: -(h["strength"] or 0))
    individual_support = any(
        (signals.get(f"cause:{c}") or 0) >= CAUSE_LEVEL
        for c in ("mental_health", "learned_avoidance")
    )
    help_info = {
        "taken": bool(help_scores),
        "suggested": bool(help_signs),
        "signs": help_signs,
        "individual_support": individual_support,
        "wording": (
            "Some of your answers suggest that talking with a counsellor or couples therapist "
            "could help. That is a way of caring for the relationship, not a sign it has failed."
            if help_signs
            else None
        ),
    }

    return help_info


def _lean(pursue: float | None, withdraw: float | None) -> dict:
    if pursue is None or withdraw is None:
        lean = None
    elif pursue - withdraw >= ROLE_CONTRAST:
        lean = "pursue"
    elif withdraw - pursue >= ROLE_CONTRAST:
        lean = "withdraw"
    elif min(pursue, withdraw) >= PATTERN_LEVEL:
        lean = "both"
    else:
        lean = "mixed"
    return {"pursue": _r(pursue), "withdraw": _r(withdraw), "lean": lean}


def _channels(signals: Mapping[str, float], question: str) -> dict[str, float]:
    prefix = f"{question}:"
    return {k.removeprefix(prefix): v for k, v in signals.items() if k.startswith(prefix)}


def _top(values: Mapping[str, float]) -> list[str]:
    if not values:
        return []
    best = max(values.values())
    return [ch for ch, v in values.items() if v >= best - 1e-9]


# =========================================================================== couple view


@dataclass
class CoupleInsight:
    areas: list[dict]
    perception_gaps: list[dict]
    shared_concerns: list[dict]
    pursue_withdraw: dict
    anxious_avoidant: dict
    care_channels: dict
    mutual_avoidance: dict
    shared_strengths: list[dict]
    patterns: list[str]
    missing: list[str]
    signals: dict[str, float]

    def to_dict(self) -> dict:
        """What both partners read (couple page, API, report, therapist). Care channels are
        one question each: only whether the pattern is listed, never a channel or its
        strength (care_channels itself keeps the detail for tests and nothing else)."""
        return {
            "note": COUPLE_NOTE,
            "missing": list(self.missing),
            "patterns": list(self.patterns),
            "areas": self.areas,
            "perception_gaps": self.perception_gaps,
            "shared_concerns": self.shared_concerns,
            "pursue_withdraw": self.pursue_withdraw,
            "anxious_avoidant": self.anxious_avoidant,
            "care_channels": {k: self.care_channels.get(k) for k in SHARED_CARE_KEYS},
            "mutual_avoidance": self.mutual_avoidance,
            "shared_strengths": self.shared_strengths,
            "signals": {
                k: _r(v) for k, v in sorted(self.signals.items()) if k not in ITEM_LEVEL_SIGNALS
            },
            "thresholds": thresholds(),
        }


def _other(p: str) -> str:
    return "b" if p == "a" else "a"


def _pair_pattern(
    first: dict[str, float | None],
    second: dict[str, float | None],
) -> dict:
    """Generic "one does X, the other does Y" detector.

    ``first[p]`` is partner p's level of the first role (pursue / anxiety), ``second[p]`` of
    the second (withdraw / avoidance). For the orientation (x first-role, y second-role):
    present when first[x] >= PATTERN_LEVEL, second[y] >= PATTERN_LEVEL and the leanings
    (first - second) differ by at least ROLE_CONTRAST. Strength = min(first[x], second[y])
    scaled by the contrast (full at 2 * ROLE_CONTRAST).
    """
    best = {"present": False, "strength": 0.0, "first": None, "second": None}
    if any(first[p] is None or second[p] is None for p in PARTNERS):
        return {**best, "strength": None, "complete": False}
    for x in PARTNERS:
        y = _other(x)
        contrast = (first[x] - second[x]) - (first[y] - second[y])
        level = min(first[x], second[y])
        strength = level * min(1.0, max(0.0, contrast / (2 * ROLE_CONTRAST)))
        present = (
            first[x] >= PATTERN_LEVEL and second[y] >= PATTERN_LEVEL and contrast >= ROLE_CONTRAST
        )
        if (present, strength) > (best["present"], best["strength"]):
            best = {"present": present, "strength": strength, "first": x, "second": y}
    best["complete"] = True
    return best


def _direction(lean_a: float | None, lean_b: float | None) -> str | None:
    """Which partner a pair of leanings says pursues: "a", "b", "unclear" or None."""
    if lean_a is None or lean_b is None:
        return None
    if lean_a - lean_b >= ROLE_CONTRAST:
        return "a"
    if lean_b - lean_a >= ROLE_CONTRAST:
        return "b"
    return "unclear"


def _pursue_withdraw(ins: dict[str, IndividualInsight]) -> dict:
    own: dict[str, dict] = {}
    seen: dict[str, dict] = {}
    combined_p: dict[str, float | None] = {}
    combined_w: dict[str, float | None] = {}
    for p in PARTNERS:
        me, other = ins[p].signals, ins[_other(p)].signals
        own[p] = {"pursue": me.get("role:pursuer"), "withdraw": me.get("role:withdrawer")}
        seen[p] = {
            "pursue": other.get("partner_role:pursuer"),
            "withdraw": other.get("partner_role:withdrawer"),
        }
        combined_p[p] = _mean([own[p]["pursue"], seen[p]["pursue"]])
        combined_w[p] = _mean([own[p]["withdraw"], seen[p]["withdraw"]])

    result = _pair_pattern(combined_p, combined_w)

    def lean(d):
        return None if d["pursue"] is None or d["withdraw"] is None else d["pursue"] - d["withdraw"]

    own_says = _direction(lean(own["a"]), lean(own["b"]))
    seen_says = _direction(lean(seen["a"]), lean(seen["b"]))
    if own_says is None or seen_says is None:
        agreement = "incomplete"
    elif own_says == seen_says:
        agreement = "unclear" if own_says == "unclear" else "agree"
    elif "unclear" in (own_says, seen_says):
        agreement = "partly"
    else:
        agreement = "disagree"
    wording = None
    if result["present"]:
        wording = (
            "When things get tense, one of you tends to reach out and press for contact while "
            "the other tends to step back. Each move makes sense on its own and each feeds "
            "the other: the cycle is the problem, not either of you."
        )
    return {
        "present": result["present"],
        "strength": _r(result["strength"]),
        "pursuer": result["first"] if result["present"] else None,
        "withdrawer": result["second"] if result["present"] else None,
        "own_reports_say": own_says,  # which partner pursues, from each one's own answers
        "partner_reports_say": seen_says,  # ... from what each says about the other
        "agreement": agreement,  # agree | partly | disagree | unclear | incomplete
        "complete": result["complete"] and agreement != "incomplete",
        "partners": {
            p: {
                "pursue": _r(combined_p[p]),
                "withdraw": _r(combined_w[p]),
                "own_report": {k: _r(v) for k, v in own[p].items()},
                "seen_by_partner": {k: _r(v) for k, v in seen[p].items()},
            }
            for p in PARTNERS
        },
        "wording": wording,
        "learn": "pattern:pursue_withdraw",
        "_combined": (combined_p, combined_w),
    }


def _anxious_avoidant(ins: dict[str, IndividualInsight]) -> dict:
    anx = {p: ins[p].signals.get("attachment:anxiety") for p in PARTNERS}
    avd = {p: ins[p].signals.get("attachment:avoidance") for p in PARTNERS}
    result = _pair_pattern(anx, avd)
    return {
        "present": result["present"],
        "strength": _r(result["strength"]),
        "anxious": result["first"] if result["present"] else None,
        "avoidant": result["second"] if result["present"] else None,
        "complete": result["complete"],
        "partners": {p: {"anxiety": _r(anx[p]), "avoidance": _r(avd[p])} for p in PARTNERS},
        "wording": (
            "One of you feels steadier with regular reassurance and closeness, the other with "
            "room to breathe. Neither need is wrong; when both are spoken out loud, each of "
            "you can meet the other part of the way."
            if result["present"]
            else None
        ),
        "learn": "pattern:anxious_avoidant",
    }


def _care_direction(giver: IndividualInsight, receiver: IndividualInsight) -> dict | None:
    give = _channels(giver.signals, "care_give")
    receive = _channels(receiver.signals, "care_receive")
    if not give or not receive:
        return None
    top_receive = max(receive.values())
    prefers = _top(receive) if top_receive >= CARE_PREFERENCE_LEVEL else []
    gives = _top(give)
    top_give = max(give.values())
    if not prefers:
        return {
            "gives_most": gives,
            "partner_prefers": [],
            "fit": None,
            "mismatch": False,
            "strength": 0.0,
        }
    fit = max(give.get(ch, 0.0) for ch in prefers)
    mismatch = fit < CARE_FIT_LEVEL and top_give - fit >= CARE_MARGIN
    return {
        "gives_most": gives,
        "partner_prefers": prefers,
        "fit": _r(fit),  # how much the giver says they give in the receiver's preferred way
        "mismatch": mismatch,
        "strength": _r(max(0.0, top_give - fit)),
    }


def _care_guess(guesser: IndividualInsight, target: IndividualInsight) -> dict | None:
    guess = _channels(guesser.signals, "care_guess")
    actual = _channels(target.signals, "care_receive")
    if not guess or not actual:
        return None
    common = [ch for ch in guess if ch in actual]
    closeness = 1 - _mean(abs(guess[ch] - actual[ch]) for ch in common) if common else None
    guessed, prefers = _top(guess), _top(actual)
    return {
        "guessed": guessed,
        "actual": prefers,
        "hit": bool(set(guessed) & set(prefers)),
        "closeness": _r(closeness),  # 1 = every channel guessed exactly
    }


def couple_insight(ins_a: IndividualInsight, ins_b: IndividualInsight) -> CoupleInsight:
    """The couple view. Needs both partners' insights (raises ValueError otherwise)."""
    if not isinstance(ins_a, IndividualInsight) or not isinstance(ins_b, IndividualInsight):
        raise ValueError("the couple view needs both partners' results")
    ins = {"a": ins_a, "b": ins_b}
    concepts = load_concepts()
    signals: dict[str, float] = {}
    patterns: list[str] = []
    missing = [f"{p}:{m['instrument']}" for p in PARTNERS for m in ins[p].missing]

    areas, gaps, concerns, strengths = _couple_areas(concepts, ins_a, ins_b, signals, patterns)
    pw = _couple_pursue_withdraw(ins, signals, patterns)
    aa = _couple_anxious_avoidant(ins, signals, patterns)
    care = _couple_care(ins_a, ins_b, signals, patterns)
    mutual = _mutual_avoidance(ins, signals, patterns)
    if _both_feel_close(ins):
        strengths.append(
            {
                "kind": "outcome",
                "id": "closeness",
                "title": "Feeling close",
                "wording": "You both have been feeling close lately.",
            }
        )

    return CoupleInsight(
        areas=areas,
        perception_gaps=gaps,
        shared_concerns=concerns,
        pursue_withdraw=pw,
        anxious_avoidant=aa,
        care_channels=care,
        mutual_avoidance=mutual,
        shared_strengths=strengths,
        patterns=patterns,
        missing=missing,
        signals=signals,
    )


# Each section below reads both partners' insights, adds its signals (``signals``) and, when
# its pattern is present, its name (``patterns``), in the order of the couple view.


def _couple_areas(
    concepts: Concepts,
    ins_a: IndividualInsight,
    ins_b: IndividualInsight,
    signals: dict[str, float],
    patterns: list[str],
) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """Areas, perception gaps, shared concerns and shared strengths."""
    areas, gaps, concerns, strengths = [], [], [], []
    for area in concepts.all("area"):
        a, b = ins_a.area_strain(area.id), ins_b.area_strain(area.id)
        row = {"id": area.id, "title": area.title, "a": _r(a), "b": _r(b)}
        if a is None or b is None:
            row.update(difference=None, gap=False, feels_more=None)
            areas.append(row)
            continue
        diff = abs(a - b)
        gap = max(a, b) >= STRAIN_LEVEL and min(a, b) < STRAIN_LEVEL and diff >= GAP_THRESHOLD
        feels_more = "a" if a > b else "b" if b > a else None
        row.update(difference=_r(diff), gap=gap, feels_more=feels_more)
        areas.append(row)
        signals[f"area:{area.id}"] = (a + b) / 2
        signals[f"gap:{area.id}"] = diff
        if gap:
            gaps.append(
                {
                    "area": area.id,
                    "title": area.title,
                    "feels_more": feels_more,
                    "a": _r(a),
                    "b": _r(b),
                    "difference": _r(diff),
                    "wording": (
                        f"{area.title}: one of you feels strain here that the other does not. "
                        "Neither view is wrong; it is worth hearing how it looks from the "
                        "other side."
                    ),
                }
            )
        if min(a, b) >= STRAIN_LEVEL:
            concerns.append({"area": area.id, "title": area.title, "a": _r(a), "b": _r(b)})
        if max(a, b) <= STRENGTH_LEVEL:
            strengths.append(
                {
                    "kind": "area",
                    "id": area.id,
                    "title": area.title,
                    "wording": f"{area.title}: you both feel this is going well.",
                }
            )
    gap_values = [signals[f"gap:{row['id']}"] for row in areas if row["difference"] is not None]
    if gap_values:
        signals["pattern:perception_gap"] = max(gap_values)
    if gaps:
        patterns.append("perception_gap")

    return areas, gaps, concerns, strengths


def _couple_pursue_withdraw(
    ins: dict[str, IndividualInsight], signals: dict[str, float], patterns: list[str]
) -> dict:
    pw = _pursue_withdraw(ins)
    combined_p, combined_w = pw.pop("_combined")
    for p in PARTNERS:
        if combined_p[p] is not None:
            signals[f"{p}:role:pursuer"] = combined_p[p]
        if combined_w[p] is not None:
            signals[f"{p}:role:withdrawer"] = combined_w[p]
    if pw["strength"] is not None:
        signals["pattern:pursue_withdraw"] = pw["strength"]
    if pw["present"]:
        patterns.append("pursue_withdraw")

    return pw


def _couple_anxious_avoidant(
    ins: dict[str, IndividualInsight], signals: dict[str, float], patterns: list[str]
) -> dict:
    aa = _anxious_avoidant(ins)
    for p in PARTNERS:
        for k in ("anxiety", "avoidance"):
            v = ins[p].signals.get(f"attachment:{k}")
            if v is not None:
                signals[f"{p}:attachment:{k}"] = v
    if aa["strength"] is not None:
        signals["pattern:anxious_avoidant"] = aa["strength"]
    if aa["present"]:
        patterns.append("anxious_avoidant")

    return aa


def _couple_care(
    ins_a: IndividualInsight,
    ins_b: IndividualInsight,
    signals: dict[str, float],
    patterns: list[str],
) -> dict:
    """Care channels: whether each gives care the way the other most easily notices."""
    a_to_b, b_to_a = _care_direction(ins_a, ins_b), _care_direction(ins_b, ins_a)
    care = {
        "a_to_b": a_to_b,
        "b_to_a": b_to_a,
        "a_guess_of_b": _care_guess(ins_a, ins_b),
        "b_guess_of_a": _care_guess(ins_b, ins_a),
    }
    directions = [d for d in (a_to_b, b_to_a) if d is not None]
    care["mismatch"] = any(d["mismatch"] for d in directions)
    care["complete"] = len(directions) == 2
    care["wording"] = (
        "Care is being given, but not always in the way the other most easily notices. "
        "Learning each other's way, and spotting the care already there, can change a lot."
        if care["mismatch"]
        else None
    )
    care["learn"] = "pattern:care_channel_mismatch"
    if directions:
        signals["pattern:care_channel_mismatch"] = max(d["strength"] or 0.0 for d in directions)
    if care["mismatch"]:
        patterns.append("care_channel_mismatch")
    # No "you each know how the other likes care" strength: it would tell each partner
    # whether their guess matched the other's top channel, which is one answer.

    return care


def _mutual_avoidance(
    ins: dict[str, IndividualInsight], signals: dict[str, float], patterns: list[str]
) -> dict:
    """Mutual avoidance: both keep the peace by keeping quiet."""
    ca = {p: ins[p].signals.get("cause:conflict_avoidance") for p in PARTNERS}
    mutual = {"present": False, "strength": None, "learn": "pattern:mutual_avoidance"}
    if all(v is not None for v in ca.values()):
        mutual["strength"] = _r(min(ca.values()))
        mutual["present"] = min(ca.values()) >= CAUSE_LEVEL
        signals["pattern:mutual_avoidance"] = min(ca.values())
        if mutual["present"]:
            patterns.append("mutual_avoidance")
    mutual["wording"] = (
        "You both tend to keep the peace by keeping quiet. It protects the calm, and it also "
        "keeps you from being known."
        if mutual["present"]
        else None
    )

    return mutual


def _both_feel_close(ins: dict[str, IndividualInsight]) -> bool:
    closeness = [ins[p].closeness for p in PARTNERS]
    return all(c and c["position"] is not None for c in closeness) and (
        min(c["position"] for c in closeness) >= OUTCOME_STRENGTH_LEVEL
    )
