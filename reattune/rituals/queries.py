"""Ritual reads the pages and the API share (the writes are in actions.py)."""

from datetime import date
from typing import Any

from reattune.accounts.models import User
from reattune.core import access
from reattune.couples.models import Space
from reattune.rituals.kinds import Kind


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
