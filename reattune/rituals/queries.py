"""Ritual reads the pages and the API share (the writes are in actions.py)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from reattune.accounts.models import User
from reattune.core import access
from reattune.couples.membership import partner_of
from reattune.couples.models import Space
from reattune.domain.plan.library import Ladder, LadderStep, load_ladder
from reattune.rituals.kinds import Kind, week_start
from reattune.rituals.models import LadderState


def own_entry(kind: Kind, user: User, space: Space, period: date) -> Any:
    """The person's own entry of this ritual for the period in this space, or None."""
    return (
        access.owned_by(kind.model.objects.all(), user)
        .filter(space=space, **{kind.period_field: period})
        .first()
    )


def period_status(kind: Kind, user: User, space: Space, period: date) -> dict[str, Any]:
    """Where one ritual stands for one period, for this person.

    ``mine``: their own entry or None; ``theirs``: the partner's entry, only once the reveal
    rule allows it (core.access.revealed_to: after their own is in); ``partner_done``: whether
    the partner has shared for the period (existence only, never content).
    """
    rows = kind.model.objects.select_related("author").filter(
        space=space, **{kind.period_field: period}
    )
    mine = access.owned_by(rows, user).first()
    theirs = (
        access.revealed_to(rows, user, kind.period_field).exclude(author=user).first()
        if mine
        else None
    )
    done = theirs is not None or access.partner_done(
        kind.model.objects.all(), user, **{kind.period_field: period}
    )
    return {"kind": kind, "period": period, "mine": mine, "theirs": theirs, "partner_done": done}


def ladder_state(user: User, space: Space) -> LadderState:
    """The person's ladder row in this space (not saved until they change it: a row not made
    yet starts this week)."""
    state = LadderState.objects.filter(author=user, space=space).first()
    if state is None:
        state = LadderState(author=user, space=space, since_week=week_start(space.today()))
    return state


@dataclass(frozen=True)
class LadderStatus:
    """Where a person stands on the vulnerability ladder this week, for the page and the API.

    ``prompt``: this week's prompt of their step (LadderStep.prompt_for_week), or the resting
    text while they are in safety mode (care.safety.resting_prompt: their own view only).
    ``partner_step``: the partner's step this week, when asked for and there is a partner.
    """

    ladder: Ladder
    this_week: date
    state: LadderState
    step: LadderStep
    prompt: str
    partner_step: LadderStep | None = None


def ladder_status(user: User, space: Space, with_partner: bool = False) -> LadderStatus:
    """The one reading of a person's ladder step and prompt (and their partner's step, when
    `with_partner`); a row not made yet reads as step 1 from this week."""
    from reattune.care.safety import resting_prompt  # steps back after a positive safety screen

    ladder = load_ladder()
    this_week = week_start(space.today())
    state = ladder_state(user, space)
    step = ladder.step(state.current_step(this_week, len(ladder)))
    partner_step = None
    partner = partner_of(user) if with_partner else None
    if partner is not None:
        theirs = (
            access.visible_to(LadderState.objects.all(), user)
            .filter(space=space, author=partner)
            .first()
        ) or LadderState(since_week=this_week)
        partner_step = ladder.step(theirs.current_step(this_week, len(ladder)))
    return LadderStatus(
        ladder=ladder,
        this_week=this_week,
        state=state,
        step=step,
        prompt=resting_prompt(user, step.prompt_for_week(this_week)),
        partner_step=partner_step,
    )
