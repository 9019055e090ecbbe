"""A person's own view of a plan: the same plan, with safety first while they need it.

Plain Python (no Django). :func:`own_view` takes a plan and whether the VIEWER is in safety
mode (their own latest safety check is positive) and returns what that person is shown:

* not in safety mode: the plan as it is, item for item, in the plan's order;
* in safety mode: each week starts with practices of form "solo" - the safety practices
  (:data:`SAFETY_PRACTICES`: a time-out taken on your own, and noticing what you need) are
  offered in every week, added for this person only when the plan does not hold them - then
  "together" practices, then the "conjoint_risky" ones, marked as resting with a kind
  sentence in place of their reason. The ladder, the weekly review and the monthly check-in
  (conjoint-risky too) rest the same way.

It reads nothing but its two arguments, so it can only ever change the viewer's page: a
partner's view of the same plan is computed from the partner's own safety mode alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .generator import TEXT as PLAN_TEXT
from .generator import Plan, PlanItem, Week
from .library import PracticeLibrary, load_practices

SHARED_BASIS_KINDS = ("area", "pattern")  # what a shared plan's reason may rest on

SAFETY_PRACTICES: tuple[str, ...] = ("time_out", "self_awareness")
FORM_ORDER = {"solo": 0, "together": 1, "conjoint_risky": 2}

TEXT = {
    "own": "One for you, on your own, for now: {invitation}.",
    "resting": (
        "Resting for now. This one asks the two of you to work through hard things together, "
        "and that can wait until you feel safe. Looking after yourself comes first."
    ),
    "notice": (
        "Your plan is showing the things you can do on your own first. The parts that ask the "
        "two of you to work through hard things together are resting for you. This changes "
        "only what you see: your partner's plan looks the same as before."
    ),
    "notice_solo": (
        "Your plan is showing the things you can do on your own first. The parts that ask you "
        "to work through hard things with your partner are resting for now."
    ),
}


@dataclass(frozen=True)
class ViewItem:
    practice_id: str
    reason: str
    form: str  # solo | together | conjoint_risky
    resting: bool = False
    added: bool = False  # offered to this person only; not part of the shared plan
    basis: str | None = None

    def to_dict(self) -> dict:
        return {
            "practice_id": self.practice_id,
            "reason": self.reason,
            "form": self.form,
            "resting": self.resting,
            "added": self.added,
        }


@dataclass(frozen=True)
class ViewWeek:
    number: int
    focus: tuple[ViewItem, ...]
    ladder_step: int
    ladder_resting: bool = False

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "focus": [item.to_dict() for item in self.focus],
            "ladder_step": self.ladder_step,
            "ladder_resting": self.ladder_resting,
        }


@dataclass(frozen=True)
class OwnView:
    safety_mode: bool
    weeks: tuple[ViewWeek, ...]
    daily: ViewItem
    ladder: ViewItem
    weekly: ViewItem | None
    monthly: ViewItem | None
    notice: str | None = None

    def to_dict(self) -> dict:
        return {
            "safety_mode": self.safety_mode,
            "notice": self.notice,
            "weeks": [week.to_dict() for week in self.weeks],
            "daily": self.daily.to_dict(),
            "ladder": self.ladder.to_dict(),
            "weekly": self.weekly.to_dict() if self.weekly else None,
            "monthly": self.monthly.to_dict() if self.monthly else None,
        }


def shared_safe(plan: Plan, practices: PracticeLibrary | None = None) -> Plan:
    """A shared plan with no reason resting on less than the couple view shows.

    Plans stored before reasons were limited to areas and listed patterns may quote a sign,
    a cause or a help answer of one partner. Read through this, such an item keeps its
    practice and gets the neutral wording instead; a solo plan (private) is returned as it is.
    """
    if plan.kind == "solo":
        return plan
    library = practices if practices is not None else load_practices()

    def clean(item: PlanItem | None) -> PlanItem | None:
        if item is None or item.basis is None:
            return item
        kind = item.basis.removeprefix("agree:").partition(":")[0]
        if kind in SHARED_BASIS_KINDS:
            return item
        invitation = library[item.practice_id].invitation
        return replace(item, reason=PLAN_TEXT["filler"].format(invitation=invitation), basis=None)

    return replace(
        plan,
        weeks=tuple(
            Week(w.number, tuple(clean(i) for i in w.focus), w.ladder_step) for w in plan.weeks
        ),
        daily=clean(plan.daily),
        ladder=clean(plan.ladder),
        weekly=clean(plan.weekly),
        monthly=clean(plan.monthly),
    )


def _plain(item: PlanItem, library: PracticeLibrary) -> ViewItem:
    return ViewItem(item.practice_id, item.reason, library[item.practice_id].form, basis=item.basis)


def _safe(item: PlanItem, library: PracticeLibrary, *, solo_plan: bool) -> ViewItem:
    practice = library[item.practice_id]
    if practice.form == "conjoint_risky":
        return ViewItem(practice.id, TEXT["resting"], practice.form, resting=True)
    if practice.form == "solo" and not solo_plan:
        # The shared wording may ask for an agreement; offer the on-your-own version.
        reason = TEXT["own"].format(invitation=practice.invitation_for(solo=True))
        return ViewItem(practice.id, reason, practice.form)
    return ViewItem(practice.id, item.reason, practice.form, basis=item.basis)


def own_view(plan: Plan, safety_mode: bool, practices: PracticeLibrary | None = None) -> OwnView:
    """What the viewer is shown of ``plan``; see the module docstring."""
    library = practices if practices is not None else load_practices()
    plan = shared_safe(plan, library)
    if not safety_mode:
        return OwnView(
            safety_mode=False,
            weeks=tuple(
                ViewWeek(w.number, tuple(_plain(i, library) for i in w.focus), w.ladder_step)
                for w in plan.weeks
            ),
            daily=_plain(plan.daily, library),
            ladder=_plain(plan.ladder, library),
            weekly=_plain(plan.weekly, library) if plan.weekly else None,
            monthly=_plain(plan.monthly, library) if plan.monthly else None,
        )
    solo_plan = plan.kind == "solo"
    weeks = []
    for week in plan.weeks:
        items = [_safe(i, library, solo_plan=solo_plan) for i in week.focus]
        present = {i.practice_id for i in items}
        added = [
            ViewItem(
                pid,
                TEXT["own"].format(invitation=library[pid].invitation_for(solo=True)),
                library[pid].form,
                added=True,
            )
            for pid in SAFETY_PRACTICES
            if pid not in present
        ]
        ordered = sorted(
            added + items,
            key=lambda i: (
                (FORM_ORDER[i.form], SAFETY_PRACTICES.index(i.practice_id))
                if i.practice_id in SAFETY_PRACTICES
                else (FORM_ORDER[i.form], len(SAFETY_PRACTICES))
            ),
        )
        weeks.append(ViewWeek(week.number, tuple(ordered), week.ladder_step, ladder_resting=True))
    return OwnView(
        safety_mode=True,
        weeks=tuple(weeks),
        daily=_safe(plan.daily, library, solo_plan=solo_plan),
        ladder=_safe(plan.ladder, library, solo_plan=solo_plan),
        weekly=_safe(plan.weekly, library, solo_plan=solo_plan) if plan.weekly else None,
        monthly=_safe(plan.monthly, library, solo_plan=solo_plan) if plan.monthly else None,
        notice=TEXT["notice_solo" if solo_plan else "notice"],
    )
