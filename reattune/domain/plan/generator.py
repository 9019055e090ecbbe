"""The reconnection plan generator: plain Python (no Django), deterministic.

Input
-----
``signals``: ``dict[str, float]``, each value 0..1 (how strongly it shows), keys:

* ``"area:<id>"``, ``"sign:<id>"``, ``"cause:<id>"``, ``"pattern:<id>"`` - ids from
  concepts.yaml. An area counts for every practice that addresses one of its signs;
* ``"agree:<ref>"`` (e.g. ``"agree:area:communication"``) - the weaker partner's value: at or
  above the ref's show level (:data:`SHOW_LEVEL`) both partners reported it at the level the
  couple view calls agreement, so the reason may say "you both". If ``<ref>`` itself is
  missing its strength is taken from the ``agree:`` value. Ignored in a solo plan;
* ``"flag:escalation"`` - conflicts tend to escalate (an is-it-time-for-help sign); it
  counts for the practices in :data:`FLAG_TARGETS` and triggers the safety-first rule;
* any other valid concept reference (``"help_sign:..."``, ``"outcome:..."``) is accepted
  and ignored. Unknown ids, bare ids and values outside 0..1 raise ``ValueError``.

Which signals a plan may receive is decided by :mod:`reattune.domain.plan.inputs`: a couple's
shared plan gets only what the couple view shows (areas and listed patterns, never a sign or
a single answer); a solo plan gets what that person's own results page lists.

``roles``: ``{partner_key: {role, ...}}`` with roles ``pursuer``, ``withdrawer``,
``fact_sharer``, ``hopes_intuited``. Roles only choose variants; they never choose practices.

Rules
-----
1. A signal *shows* when its value is at or above its kind's level in :data:`SHOW_LEVEL`,
   the same cut-offs the results page and the couple view use to list it (imported from
   reattune.domain.instruments.insight, never copied); weaker values are ignored.
2. A focus practice's *score* is the sum of the shown strengths of what it addresses (plus
   flags, see :data:`FLAG_TARGETS`), rounded to 9 places. The *pool* is every focus practice
   with a score above zero, ranked by score (high first), ties broken by practice id
   (alphabetical). If fewer than ``MIN_POOL`` practices show (one more when rule 3 or 4
   applies), the pool is topped up from the library's ``general`` list (in that order) with
   tiny scores, so they always rank below anything the signals show. No signals at all
   gives a gentle plan (kind "gentle") from ``general``.
3. Safety first: if any of :data:`SAFETY_TRIGGERS` shows, week 1 of a couple plan starts
   with ``communication_rules`` and ``time_out`` and the ladder climbs at half speed; week 1
   of a solo plan holds only practices of form "solo" (:data:`SOLO_SAFETY_CORE`).
4. If ``pattern:pursue_withdraw`` shows (the couple view lists it), ``break_pursue_withdraw``
   is in week 1.
5. Each week has ``BASE_FOCUS`` (2) focus practices; 3 when more practices show strongly
   than six weeks of two can hold; one fewer (at least 1) when a heavy load shows
   (:data:`HEAVY_LOAD`). Week 1 with forced practices gets one more slot (at most 3) so the
   strongest need is not pushed back.
6. Each week picks by *effective score* = score / (1 + weeks already used), ties by fewer
   uses then id; top-up practices come after every shown need, least used first, then in
   list order. A practice is not repeated in the very next week, except the strongest need
   (the top of the pool, unless it is a one-off practice with frequency "once"), which may
   stay as long as its effective score leads.
7. Each choice carries a reason built from the strongest shown signal it addresses
   (ties: the one both reported first, then by reference), never saying who, never blaming.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from reattune.domain.concepts import ConceptError
from reattune.domain.instruments.insight import (
    CAUSE_LEVEL,
    HELP_LEVEL,
    PATTERN_LEVEL,
    SIGN_LEVEL,
    STRAIN_LEVEL,
)

from .library import (
    FLAGS,
    LADDER_ID,
    ROLES,
    Practice,
    PracticeLibrary,
    load_ladder,
    load_practices,
)

PLAN_VERSION = 1
# When a signal shows, by kind: the cut-offs the results page and the couple view list things
# at, imported from the one place they are defined. An ``agree:`` value at or above the same
# level means both partners reported it there ("you both").
SHOW_LEVEL: Mapping[str, float] = MappingProxyType(
    {
        "area": STRAIN_LEVEL,  # couple view: an area "feels strained" (concerns, gaps)
        "sign": SIGN_LEVEL,  # results page: strongest signs
        "cause": CAUSE_LEVEL,  # results page: likely causes
        "pattern": PATTERN_LEVEL,  # a pattern the couple view lists (inputs.LISTED)
        "flag": HELP_LEVEL,  # flag:escalation comes from an is-it-time-for-help sign
    }
)
DENSE_SCORE = 0.5  # scheduling only: a practice this needed counts towards a third weekly slot
HEAVY_LOAD = ("cause:life_load", "cause:mental_health")
MIN_POOL = 4
BASE_FOCUS = 2
MAX_FOCUS = 3
DEFAULT_WEEKS = 6
MAX_WEEKS = 52
_FILLER_SCORE = 0.1  # below every SHOW_LEVEL, so fillers always rank after shown needs

SAFETY_TRIGGERS: tuple[str, ...] = (
    "area:vulnerability",
    "cause:safety_erosion",
    "sign:safety_breaches",
    "sign:walking_on_eggshells",
    "sign:feelings_dismissed",
    "sign:lack_of_kindness",
    "flag:escalation",
)
SAFETY_FIRST: tuple[str, ...] = ("communication_rules", "time_out")
PURSUE_WITHDRAW = "pattern:pursue_withdraw"
BREAK_CYCLE = "break_pursue_withdraw"
FLAG_TARGETS: Mapping[str, tuple[str, ...]] = {
    "flag:escalation": ("communication_rules", "time_out", "repair"),
}
SOLO_CORE: tuple[tuple[str, ...], ...] = (
    ("self_awareness", "appreciation"),
    ("honest_opening", "curiosity"),
)
# The solo plan when a safety trigger shows: week 1 holds only practices of form "solo".
SOLO_SAFETY_CORE: tuple[tuple[str, ...], ...] = (
    ("time_out", "self_awareness"),
    ("appreciation", "curiosity"),
)
KINDS = ("couple", "solo", "gentle")

# Plan wording that is not tied to one practice (practice wording lives in practices.yaml).
TEXT = {
    "both": "Because you both said",
    "one": "Because one of you feels",
    "you": "Because you said",
    "area_both": "Because you both feel",
    "area_one": "Because one of you feels",
    "area_you": "Because you feel",
    "pattern": "Because your answers suggest that",
    "gentle": "A good place for any couple to start: {invitation}.",
    "filler": "Something that helps most couples: {invitation}.",
    "solo": "A good step to take on your own: {invitation}.",
    "ritual": "{Invitation}.",
    "solo_daily": (
        "Take a few quiet minutes each day to notice how the day felt on the inside; when "
        "your partner joins, this becomes your shared check-in."
    ),
    "swapped": 'Chosen instead of "{old}", for the same need: {invitation}.',
}


# --------------------------------------------------------------------------- plan objects


@dataclass(frozen=True)
class PlanItem:
    practice_id: str
    reason: str
    variant_for: dict[str, str] | None = None  # partner key -> role, or None
    basis: str | None = None  # the signal the reason rests on ("agree:sign:..", "sign:..")

    def to_dict(self) -> dict:
        return {
            "practice_id": self.practice_id,
            "reason": self.reason,
            "variant_for": dict(self.variant_for) if self.variant_for else None,
            "basis": self.basis,
        }

    @classmethod
    def from_dict(cls, data: object, where: str = "item") -> PlanItem:
        if not isinstance(data, Mapping):
            raise ValueError(f"{where}: expected an object")
        pid, reason = data.get("practice_id"), data.get("reason")
        if not isinstance(pid, str) or not pid:
            raise ValueError(f"{where}.practice_id: expected a practice id")
        if not isinstance(reason, str):
            raise ValueError(f"{where}.reason: expected text")
        variant_for = data.get("variant_for")
        if variant_for is not None:
            if not isinstance(variant_for, Mapping) or not all(
                isinstance(k, str) and v in ROLES for k, v in variant_for.items()
            ):
                raise ValueError(f"{where}.variant_for: expected partner key -> role")
            variant_for = dict(sorted(variant_for.items())) or None
        basis = data.get("basis")
        if basis is not None and not isinstance(basis, str):
            raise ValueError(f"{where}.basis: expected text or null")
        return cls(pid, reason, variant_for, basis)


@dataclass(frozen=True)
class Week:
    number: int  # 1-based
    focus: tuple[PlanItem, ...]
    ladder_step: int  # 1-based step of ladder.yaml

    @property
    def practice_ids(self) -> tuple[str, ...]:
        return tuple(item.practice_id for item in self.focus)

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "focus": [item.to_dict() for item in self.focus],
            "ladder_step": self.ladder_step,
        }


@dataclass(frozen=True)
class Plan:
    """A reconnection plan: weekly focus practices plus the fixed rituals."""

    kind: str  # couple | solo | gentle
    weeks: tuple[Week, ...]
    daily: PlanItem
    ladder: PlanItem
    weekly: PlanItem | None = None  # None in a solo plan
    monthly: PlanItem | None = None  # None in a solo plan
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    safety_first: bool = False
    version: int = PLAN_VERSION

    def week(self, number: int) -> Week:
        for week in self.weeks:
            if week.number == number:
                return week
        raise ValueError(f"this plan has no week {number}")

    def focus_ids(self) -> list[str]:
        """Every focus practice in the plan, once each, in the order they first appear."""
        seen: dict[str, None] = {}
        for week in self.weeks:
            seen.update(dict.fromkeys(week.practice_ids))
        return list(seen)

    def to_dict(self) -> dict:
        return {
            "version": self.version,
            "kind": self.kind,
            "safety_first": self.safety_first,
            "roles": {k: list(v) for k, v in self.roles.items()},
            "daily": self.daily.to_dict(),
            "weekly": self.weekly.to_dict() if self.weekly else None,
            "monthly": self.monthly.to_dict() if self.monthly else None,
            "ladder": self.ladder.to_dict(),
            "weeks": [week.to_dict() for week in self.weeks],
        }

    @classmethod
    def from_dict(cls, data: object) -> Plan:
        """Rebuild a plan from :meth:`to_dict` output; ``ValueError`` on a malformed dict."""
        if not isinstance(data, Mapping):
            raise ValueError("plan: expected an object")
        if data.get("version") != PLAN_VERSION:
            raise ValueError(f"plan.version: expected {PLAN_VERSION}, got {data.get('version')!r}")
        kind = data.get("kind")
        if kind not in KINDS:
            raise ValueError(f"plan.kind: expected one of {', '.join(KINDS)}")
        weeks_data = data.get("weeks")
        if not isinstance(weeks_data, list) or not weeks_data:
            raise ValueError("plan.weeks: expected a non-empty list")
        weeks = []
        for i, week in enumerate(weeks_data):
            where = f"plan.weeks[{i}]"
            if not isinstance(week, Mapping):
                raise ValueError(f"{where}: expected an object")
            number, step, focus = week.get("number"), week.get("ladder_step"), week.get("focus")
            if number != i + 1:
                raise ValueError(f"{where}.number: expected {i + 1}")
            if not isinstance(step, int) or isinstance(step, bool) or step < 1:
                raise ValueError(f"{where}.ladder_step: expected a step number from 1")
            if not isinstance(focus, list) or not 1 <= len(focus) <= MAX_FOCUS:
                raise ValueError(f"{where}.focus: expected 1 to {MAX_FOCUS} items")
            items = tuple(
                PlanItem.from_dict(item, f"{where}.focus[{j}]") for j, item in enumerate(focus)
            )
            weeks.append(Week(number=number, focus=items, ladder_step=step))
        roles_data = data.get("roles") or {}
        if not isinstance(roles_data, Mapping):
            raise ValueError("plan.roles: expected an object")
        roles = _clean_roles(roles_data)

        def optional(key: str) -> PlanItem | None:
            value = data.get(key)
            return None if value is None else PlanItem.from_dict(value, f"plan.{key}")

        return cls(
            kind=kind,
            weeks=tuple(weeks),
            daily=PlanItem.from_dict(data.get("daily"), "plan.daily"),
            ladder=PlanItem.from_dict(data.get("ladder"), "plan.ladder"),
            weekly=optional("weekly"),
            monthly=optional("monthly"),
            roles=roles,
            safety_first=bool(data.get("safety_first", False)),
        )

    def swap(
        self,
        week_number: int,
        old_id: str,
        new_id: str,
        practices: PracticeLibrary | None = None,
    ) -> Plan:
        """A new plan with ``old_id`` replaced by ``new_id`` in one week.

        ``new_id`` must be one of ``alternatives(old_id)`` (solo-capable ones for a solo plan)
        and not already in that week. The reason keeps the need it rested on when the new
        practice addresses it too.
        """
        practices = _library(practices)
        week = self.week(week_number)
        if old_id not in week.practice_ids:
            raise ValueError(f"{old_id!r} is not in week {week_number}")
        if new_id in week.practice_ids:
            raise ValueError(f"{new_id!r} is already in week {week_number}")
        if new_id not in alternatives(old_id, practices, solo=self.kind == "solo"):
            raise ValueError(f"{new_id!r} does not address the same need as {old_id!r}")
        old_item = week.focus[week.practice_ids.index(old_id)]
        new = practices[new_id]
        basis = old_item.basis
        if basis is not None and _strip_agree(basis) in _refs_of(new, practices):
            reason = _reason(new, basis, practices, solo=self.kind == "solo")
        else:
            basis = None
            reason = TEXT["swapped"].format(
                old=practices[old_id].title, invitation=new.invitation_for(solo=self.kind == "solo")
            )
        roles = {k: set(v) for k, v in self.roles.items()}
        item = PlanItem(new_id, reason, _variant_for(new, roles), basis)
        focus = tuple(item if it.practice_id == old_id else it for it in week.focus)
        weeks = tuple(
            Week(w.number, focus, w.ladder_step) if w.number == week_number else w
            for w in self.weeks
        )
        return Plan(
            kind=self.kind,
            weeks=weeks,
            daily=self.daily,
            ladder=self.ladder,
            weekly=self.weekly,
            monthly=self.monthly,
            roles=self.roles,
            safety_first=self.safety_first,
            version=self.version,
        )


# --------------------------------------------------------------------------- inputs


def _library(practices: PracticeLibrary | None) -> PracticeLibrary:
    if practices is None:
        return load_practices()
    if not isinstance(practices, PracticeLibrary):
        raise TypeError("practices: expected the result of load_practices()")
    return practices


@dataclass(frozen=True)
class _Signals:
    strength: Mapping[str, float]  # ref -> 0..1, only shown signals (see SHOW_LEVEL)
    agreed: frozenset[str]  # refs both partners reported

    def get(self, ref: str) -> float:
        return self.strength.get(ref, 0.0)

    def shows(self, ref: str) -> bool:
        return ref in self.strength


def show_level(ref: str) -> float:
    """The level at which a reference shows (its kind's cut-off in :data:`SHOW_LEVEL`)."""
    return SHOW_LEVEL[_strip_agree(ref).partition(":")[0]]


def _number(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"signal {key!r}: expected a number from 0 to 1, got {value!r}")
    value = float(value)
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"signal {key!r}: expected a number from 0 to 1, got {value!r}")
    return value


def _check_ref(ref: str, key: str, library: PracticeLibrary) -> str | None:
    """Return the kind if the reference is one the plan uses, None if valid but ignored."""
    kind, sep, id_ = ref.partition(":")
    if not sep:
        raise ValueError(f"signal {key!r}: write it as kind:id, e.g. 'sign:{ref}'")
    if kind == "flag":
        if id_ not in FLAGS:
            raise ValueError(f"signal {key!r}: unknown flag (known: {', '.join(FLAGS)})")
        return kind
    try:
        library.concepts.resolve(ref)
    except ConceptError as exc:
        raise ValueError(f"signal {key!r}: {exc}") from exc
    return kind if kind in SHOW_LEVEL else None


def _parse_signals(
    signals: Mapping[str, float] | None, library: PracticeLibrary, *, solo: bool
) -> _Signals:
    strength: dict[str, float] = {}
    agree: dict[str, float] = {}
    for key, raw in (signals or {}).items():
        if not isinstance(key, str):
            raise ValueError(f"signal keys must be text, got {key!r}")
        value = _number(key, raw)
        if key.startswith("agree:"):
            ref = key[len("agree:") :]
            if _check_ref(ref, key, library) is not None:
                agree[ref] = value
            continue
        if _check_ref(key, key, library) is not None:
            strength[key] = value
    agreed: set[str] = set()
    if not solo:
        for ref, value in agree.items():
            if value >= show_level(ref):
                agreed.add(ref)
                strength.setdefault(ref, value)
    shown = {ref: v for ref, v in sorted(strength.items()) if v >= show_level(ref)}
    return _Signals(strength=shown, agreed=frozenset(r for r in agreed if r in shown))


def _clean_roles(roles: Mapping[str, Iterable[str]] | None) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for partner, partner_roles in sorted((roles or {}).items()):
        if not isinstance(partner, str) or not partner:
            raise ValueError(f"roles: partner keys must be text, got {partner!r}")
        if isinstance(partner_roles, str):
            partner_roles = [partner_roles]
        cleaned = sorted(set(partner_roles))
        for role in cleaned:
            if role not in ROLES:
                raise ValueError(f"roles[{partner!r}]: unknown role {role!r} ({', '.join(ROLES)})")
        out[partner] = tuple(cleaned)
    return out


# --------------------------------------------------------------------------- scoring & words


def _refs_of(practice: Practice, library: PracticeLibrary | None = None) -> tuple[str, ...]:
    """What a practice works on: its addresses and flags, plus (given the library) the areas
    of the signs it addresses, so that a shared plan built from areas can choose it."""
    flags = tuple(flag for flag, targets in FLAG_TARGETS.items() if practice.id in targets)
    if library is None:
        return practice.addresses + flags
    areas: dict[str, None] = {}
    for ref in practice.addresses:
        kind, _, id_ = ref.partition(":")
        concept = library.concepts.get(kind, id_) if kind == "sign" else None
        if concept is not None and concept.area:
            areas[f"area:{concept.area}"] = None
    return practice.addresses + flags + tuple(areas)


def _strip_agree(basis: str) -> str:
    return basis[len("agree:") :] if basis.startswith("agree:") else basis


def _score(practice: Practice, sig: _Signals, library: PracticeLibrary) -> float:
    return round(sum(sig.get(ref) for ref in _refs_of(practice, library)), 9)


def _basis(practice: Practice, sig: _Signals, library: PracticeLibrary) -> str | None:
    shown = [ref for ref in _refs_of(practice, library) if sig.shows(ref)]
    if not shown:
        return None
    ref = min(shown, key=lambda r: (-sig.get(r), r not in sig.agreed, r))
    return f"agree:{ref}" if ref in sig.agreed else ref


def _phrase(ref: str, library: PracticeLibrary) -> str:
    phrase = library.phrases.get(ref)
    if phrase:
        return phrase
    title = library.concepts.title(ref)  # fallback for a concept added without a phrase
    return title[:1].lower() + title[1:]


def _reason(practice: Practice, basis: str | None, library: PracticeLibrary, *, solo: bool) -> str:
    invitation = practice.invitation_for(solo=solo)
    if basis is None:
        return TEXT["ritual"].format(Invitation=_capital(invitation))
    ref = _strip_agree(basis)
    kind = ref.partition(":")[0]
    both = basis.startswith("agree:")
    if kind in ("pattern", "flag"):
        opener = TEXT["pattern"]
    elif kind == "area":
        opener = TEXT["area_you" if solo else "area_both" if both else "area_one"]
    elif solo:
        opener = TEXT["you"]
    elif both:
        opener = TEXT["both"]
    else:
        opener = TEXT["one"]
    return f"{opener} {_phrase(ref, library)}, {invitation}."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _variant_for(practice: Practice, roles: Mapping[str, set[str]]) -> dict[str, str] | None:
    if not practice.variants or not roles:
        return None
    out: dict[str, str] = {}
    for partner in sorted(roles):
        for role in practice.variants:  # file order: the practice decides which comes first
            if role in roles[partner]:
                out[partner] = role
                break
    return out or None


# --------------------------------------------------------------------------- scheduling


@dataclass(frozen=True)
class _Candidate:
    pid: str
    score: float
    basis: str | None
    filler: bool = False


def _ranked(cands: Iterable[_Candidate]) -> list[_Candidate]:
    return sorted(cands, key=lambda c: (-c.score, c.pid))


def _fillers(order: Iterable[str], exclude: set[str], count: int) -> list[_Candidate]:
    order = [pid for pid in order if pid not in exclude]
    n = len(order)
    return [
        _Candidate(pid, round(_FILLER_SCORE * (n - i) / n, 9), None, filler=True)
        for i, pid in enumerate(order[:count])
    ]


def _schedule(
    pool: list[_Candidate],
    weeks: int,
    per_week: int,
    forced: Mapping[int, list[str]],
    *,
    extra_slot_when_forced: bool,
    one_off: frozenset[str] = frozenset(),
) -> list[list[_Candidate]]:
    by_id = {c.pid: c for c in pool}
    strongest = pool[0].pid if pool and not pool[0].filler else None
    if strongest in one_off:  # a one-off practice (frequency "once") never repeats back to back
        strongest = None
    uses: dict[str, int] = {}
    previous: set[str] = set()
    out: list[list[_Candidate]] = []

    def key(c: _Candidate) -> tuple:
        used = uses.get(c.pid, 0)
        if c.filler:  # fillers: after every shown need; fresh ones first, then list order
            return (1, used, -c.score, c.pid)
        return (0, -round(c.score / (1 + used), 9), used, c.pid)

    for number in range(1, weeks + 1):
        chosen = [by_id[pid] for pid in forced.get(number, ())]
        target = per_week
        if chosen and extra_slot_when_forced:
            target = max(target, len(chosen) + 1)
        target = min(MAX_FOCUS, max(target, len(chosen)))
        taken = {c.pid for c in chosen}
        fresh = [
            c for c in pool if c.pid not in taken and (c.pid not in previous or c.pid == strongest)
        ]
        for cand in sorted(fresh, key=key):
            if len(chosen) >= target:
                break
            chosen.append(cand)
            taken.add(cand.pid)
        if len(chosen) < target:  # a very small pool: allow a repeat rather than an empty slot
            rest = (c for c in pool if c.pid not in taken)
            for cand in sorted(rest, key=lambda c: (c.pid in one_off, key(c))):
                if len(chosen) >= target:
                    break
                chosen.append(cand)
                taken.add(cand.pid)
        for cand in chosen:
            uses[cand.pid] = uses.get(cand.pid, 0) + 1
        previous = taken
        out.append(chosen)
    return out


def _one_off(library: PracticeLibrary) -> frozenset[str]:
    return frozenset(p.id for p in library.focus() if p.frequency == "once")


def _ladder_steps(weeks: int, slow: bool, top: int) -> list[int]:
    return [min(top, (n + 1) // 2 if slow else n) for n in range(1, weeks + 1)]


def _check_weeks(weeks: int) -> int:
    if isinstance(weeks, bool) or not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks: expected a whole number from 1 to {MAX_WEEKS}")
    return weeks


def _per_week(pool: list[_Candidate], weeks: int, sig: _Signals) -> int:
    strong = sum(1 for c in pool if not c.filler and c.score >= DENSE_SCORE)
    per_week = MAX_FOCUS if strong > BASE_FOCUS * weeks else BASE_FOCUS
    if any(sig.shows(ref) for ref in HEAVY_LOAD):
        per_week = max(1, per_week - 1)
    return per_week


def _item(
    cand: _Candidate,
    library: PracticeLibrary,
    roles: Mapping[str, set[str]],
    *,
    solo: bool,
    filler_text: str,
) -> PlanItem:
    practice = library[cand.pid]
    if cand.basis is None:
        reason = filler_text.format(invitation=practice.invitation_for(solo=solo))
    else:
        reason = _reason(practice, cand.basis, library, solo=solo)
    return PlanItem(cand.pid, reason, _variant_for(practice, roles), cand.basis)


def _fixed_item(
    pid: str, sig: _Signals, library: PracticeLibrary, roles: Mapping[str, set[str]], *, solo: bool
) -> PlanItem:
    practice = library[pid]
    basis = _basis(practice, sig, library)
    return PlanItem(
        pid, _reason(practice, basis, library, solo=solo), _variant_for(practice, roles), basis
    )


# --------------------------------------------------------------------------- public API


def _safety_trigger(sig: _Signals) -> str | None:
    return min(
        (ref for ref in SAFETY_TRIGGERS if sig.shows(ref)),
        key=lambda r: (-sig.get(r), r),
        default=None,
    )


def generate_plan(
    signals: Mapping[str, float] | None,
    roles: Mapping[str, Iterable[str]] | None = None,
    practices: PracticeLibrary | None = None,
    weeks: int = DEFAULT_WEEKS,
) -> Plan:
    """A couple's plan from both partners' results. See the module docstring for the rules."""
    library = _library(practices)
    weeks = _check_weeks(weeks)
    sig = _parse_signals(signals, library, solo=False)
    clean_roles = _clean_roles(roles)
    role_sets = {k: set(v) for k, v in clean_roles.items()}

    pool = _ranked(
        _Candidate(p.id, score, _basis(p, sig, library))
        for p in library.focus()
        if (score := _score(p, sig, library)) > 0
    )
    safety_trigger = _safety_trigger(sig)
    forced: list[str] = []
    if safety_trigger is not None:
        for pid in SAFETY_FIRST:
            if pid not in {c.pid for c in pool}:
                basis = (
                    f"agree:{safety_trigger}" if safety_trigger in sig.agreed else safety_trigger
                )
                pool.append(_Candidate(pid, sig.get(safety_trigger), basis))
            forced.append(pid)
        pool = _ranked(pool)
    if sig.shows(PURSUE_WITHDRAW) and BREAK_CYCLE not in forced:
        forced.append(BREAK_CYCLE)

    gentle = not pool
    min_pool = MIN_POOL + (1 if forced else 0)  # week 1 has an extra slot when forced
    if len(pool) < min_pool:
        need = (len(library.general) if gentle else min_pool) - len(pool)
        pool += _fillers(library.general, {c.pid for c in pool}, need)

    per_week = _per_week(pool, weeks, sig)
    schedule = _schedule(
        pool,
        weeks,
        per_week,
        {1: forced} if forced else {},
        extra_slot_when_forced=True,
        one_off=_one_off(library),
    )
    steps = _ladder_steps(weeks, slow=safety_trigger is not None, top=len(load_ladder()))
    filler_text = TEXT["gentle"] if gentle else TEXT["filler"]
    plan_weeks = tuple(
        Week(
            number=n,
            focus=tuple(
                _item(c, library, role_sets, solo=False, filler_text=filler_text) for c in chosen
            ),
            ladder_step=steps[n - 1],
        )
        for n, chosen in enumerate(schedule, start=1)
    )
    return Plan(
        kind="gentle" if gentle else "couple",
        weeks=plan_weeks,
        daily=_fixed_item("daily_checkin", sig, library, role_sets, solo=False),
        ladder=_fixed_item(LADDER_ID, sig, library, role_sets, solo=False),
        weekly=_fixed_item("weekly_review", sig, library, role_sets, solo=False),
        monthly=_fixed_item("monthly_checkin", sig, library, role_sets, solo=False),
        roles=clean_roles,
        safety_first=safety_trigger is not None,
    )


def solo_plan(
    signals: Mapping[str, float] | None,
    practices: PracticeLibrary | None = None,
    *,
    roles: Mapping[str, Iterable[str]] | None = None,
    weeks: int = DEFAULT_WEEKS,
) -> Plan:
    """A plan for one partner on their own (only their results).

    Week 1: self-awareness and appreciation; week 2: preparing an honest conversation and
    curiosity; from week 3 the solo-capable practices that fit the signals, ranked and spread
    as in :func:`generate_plan`, topped up with the four core practices. Safety first: when a
    safety trigger shows, week 1 is a time-out on your own and self-awareness (both of form
    "solo"), week 2 appreciation and curiosity, and the honest conversation waits. ``agree:``
    keys are ignored; reasons say "you said". The ladder climbs at half speed, for reflection.
    """
    library = _library(practices)
    weeks = _check_weeks(weeks)
    sig = _parse_signals(signals, library, solo=True)
    clean_roles = _clean_roles(roles)
    role_sets = {k: set(v) for k, v in clean_roles.items()}

    safety_trigger = _safety_trigger(sig)
    pairs = SOLO_CORE if safety_trigger is None else SOLO_SAFETY_CORE
    core_pairs = SOLO_CORE if safety_trigger is None else SOLO_SAFETY_CORE + SOLO_CORE
    core = list(dict.fromkeys(pid for pair in core_pairs for pid in pair))
    fits = _ranked(
        _Candidate(p.id, score, _basis(p, sig, library))
        for p in library.focus()
        if p.solo and p.id not in core and (score := _score(p, sig, library)) > 0
    )
    core_cands = [
        _Candidate(c.pid, c.score, _basis(library[c.pid], sig, library), filler=True)
        for c in _fillers(core, set(), len(core))
    ]
    pool = fits + core_cands
    forced = {n: list(pair) for n, pair in enumerate(pairs, start=1) if n <= weeks}
    per_week = _per_week(fits, weeks, sig) if fits else BASE_FOCUS
    per_week = min(per_week, BASE_FOCUS)
    schedule = _schedule(
        pool, weeks, per_week, forced, extra_slot_when_forced=False, one_off=_one_off(library)
    )
    steps = _ladder_steps(weeks, slow=True, top=len(load_ladder()))
    plan_weeks = tuple(
        Week(
            number=n,
            focus=tuple(
                _item(c, library, role_sets, solo=True, filler_text=TEXT["solo"]) for c in chosen
            ),
            ladder_step=steps[n - 1],
        )
        for n, chosen in enumerate(schedule, start=1)
    )
    daily = _fixed_item("daily_checkin", sig, library, role_sets, solo=True)
    if daily.basis is None:
        daily = PlanItem(daily.practice_id, TEXT["solo_daily"], daily.variant_for, None)
    return Plan(
        kind="solo",
        weeks=plan_weeks,
        daily=daily,
        ladder=_fixed_item(LADDER_ID, sig, library, role_sets, solo=True),
        weekly=None,
        monthly=None,
        roles=clean_roles,
        safety_first=safety_trigger is not None,
    )


def alternatives(
    practice_id: str, practices: PracticeLibrary | None = None, *, solo: bool = False
) -> list[str]:
    """Focus practices that address at least one of the same needs, for swapping.

    Ranked by how many needs they share (most first), then by id. Rituals and the ladder are
    fixed parts of every plan and have no alternatives (empty list). ``solo=True`` keeps only
    practices one partner can do alone.
    """
    library = _library(practices)
    if practice_id not in library:
        raise ValueError(f"unknown practice id {practice_id!r}")
    found = library.alternatives_found.get((practice_id, solo))
    if found is None:
        practice = library[practice_id]
        if not practice.is_focus:
            found = ()
        else:
            needs = set(_refs_of(practice))
            shared = [
                (len(needs & set(_refs_of(other))), other.id)
                for other in library.focus()
                if other.id != practice_id and (other.solo or not solo)
            ]
            found = tuple(
                pid for count, pid in sorted(shared, key=lambda t: (-t[0], t[1])) if count
            )
        library.alternatives_found[(practice_id, solo)] = found
    return list(found)
