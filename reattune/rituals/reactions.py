"""Reactions: a small sign (a heart, "thank you", "me too") to one answer the partner shared.

Rules, the same for the page and the API:
- One may react only to an answer one can read: the partner's, for a period whose answers the
  reveal rule has opened to one (queries.period_status), an answer they did not keep private
  and did not leave empty. Anything else answers 404, like an answer that does not exist.
- One reaction per reader and answer: another choice replaces it, the same choice again takes
  it back. The period's edit window does not matter: a reaction can come days later.
- Who reads a reaction (core.access.visible_to, as for every CoupleContent row): the one who
  gave it and the partner whose answer it is, while the space is their active space. Nobody
  else: a therapist never reads answers nor reactions, a former partner no longer does.
"""

from datetime import date

from django.db import IntegrityError, transaction

from reattune.core import access
from reattune.rituals import actions, queries, sharing
from reattune.rituals.kinds import KINDS
from reattune.rituals.models import Reaction

CHOICES = dict(Reaction.CHOICES)


class ReactionError(actions.RitualError):
    pass


class NotFound(ReactionError):
    def __init__(self):
        super().__init__("There is no answer of your partner's here to react to.", status=404)


def _readable(value) -> bool:
    return value not in ("", "[]", None)


def reactable(kind, user, space, period):
    """(the partner's revealed entry, the ids of the answers one may react to) for a period,
    or (None, ()) when there is nothing of theirs to read."""
    theirs = queries.period_status(kind, user, space, period)["theirs"]
    if theirs is None:
        return None, ()
    values = sharing.shared_values(kind, theirs)
    return theirs, tuple(pid for pid, value in values.items() if _readable(value))


@transaction.atomic
def do_react(user, kind_key: str, period, prompt_id: str, reaction: str) -> Reaction | None:
    """Give, change or take back one's reaction to one answer; the reaction now, or None."""
    kind = KINDS.get(kind_key)
    if kind is None or not isinstance(period, date) or kind.period_of(period) != period:
        raise NotFound()
    if reaction not in CHOICES:
        names = ", ".join(CHOICES)
        raise ReactionError(f"Choose one of these reactions: {names}.", code="reaction")
    space = actions.space_of(user)
    theirs, answers = reactable(kind, user, space, period)
    if theirs is None or prompt_id not in answers:
        raise NotFound()
    mine = access.owned_by(Reaction.objects.select_for_update(), user).filter(
        space=space, ritual=kind.key, period=period, prompt_id=prompt_id
    )
    current = mine.first()
    if current is not None and current.reaction == reaction:
        current.delete()
        return None
    if current is not None:
        current.reaction = reaction
        current.save(update_fields=["reaction"])
        return current
    try:
        with transaction.atomic():
            return Reaction.objects.create(
                author=user,
                space=space,
                to_user=theirs.author,
                ritual=kind.key,
                period=period,
                prompt_id=prompt_id,
                reaction=reaction,
            )
    except IntegrityError:  # the same reaction sent twice at once: the first one stands
        return mine.first()


def reactions_for(kind, user, space, period) -> dict:
    """{"mine": {prompt id: reaction}, "theirs": {prompt id: reaction}}: the reactions this
    person gave to their partner's answers, and those their partner gave to theirs."""
    rows = (
        access.visible_to(Reaction.objects.all(), user)
        .filter(space=space, ritual=kind.key, period=period)
        .values_list("author_id", "to_user_id", "prompt_id", "reaction")
    )
    out = {"mine": {}, "theirs": {}}
    for author_id, to_user_id, prompt_id, reaction in rows:
        if author_id == user.pk:
            out["mine"][prompt_id] = reaction
        elif to_user_id == user.pk:
            out["theirs"][prompt_id] = reaction
    return out
