"""Check-up writes. Answers are validated against the response's own instrument version.

The reads (instrument_of, is_retired, open_response, answers_of) live in assessments.queries.
"""

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from reattune.accounts.models import User
from reattune.assessments.catalog import catalog
from reattune.assessments.errors import CheckupError
from reattune.assessments.models import Answer, Response
from reattune.assessments.queries import instrument_of, is_retired, open_response
from reattune.core.access import active_space_id


def do_start_response(user: User, instrument_id: str) -> tuple[Response, bool]:
    """Resume the person's unfinished response, or start one on the newest version."""
    instrument = catalog().latest(instrument_id)
    if instrument is None or instrument.kind == "safety":
        raise CheckupError("There is no check-up with that name.", status=404)
    space_id = active_space_id(user)
    if space_id is None:
        raise CheckupError("You are not in a couple space.", status=409)
    existing = open_response(user, instrument_id)
    if existing is not None:
        if not is_retired(existing):
            return existing, False
        # The questions changed since this was started. Unsubmitted answers to the old
        # version were never scored; they are discarded and the person starts afresh.
        existing.delete()
    try:
        with transaction.atomic():
            response = Response.objects.create(
                author=user,
                space_id=space_id,
                instrument_id=instrument.id,
                instrument_version=instrument.version,
            )
    except IntegrityError:
        existing = open_response(user, instrument_id)
        if existing is None:  # not the other start's row (was None: a crash in the caller)
            raise CheckupError(
                "This check-up changed in another window a moment ago. Please try again.",
                status=409,
            ) from None
        return existing, False
    return response, True


@transaction.atomic
def do_save_answers(response: Response, answers: dict[str, int | None]) -> int:
    """Save (or clear, with None) answers. Every answer is checked before anything is written.

    The response's row is locked first, as do_submit locks it, so answers never land on a
    check-up that a submit in between has already scored."""
    locked = Response.objects.select_for_update().filter(pk=response.pk).first()
    if locked is None:  # deleted meanwhile (the person left, or deleted their account)
        raise CheckupError("This check-up no longer exists.", status=404)
    response = locked
    if response.submitted_at is not None:
        raise CheckupError(
            "This check-up was already submitted; start a new one to answer again.", status=409
        )
    if is_retired(response):
        raise CheckupError(
            "The questions were updated since you started. Please start the "
            "check-up again; your earlier answers were not scored.",
            status=410,
        )
    instrument = instrument_of(response)
    for item_id, value in answers.items():
        item = instrument.item(item_id)
        if item is None:
            raise CheckupError(f"Unknown question '{item_id}' for this check-up.")
        if value is None:
            continue
        scale = instrument.scales[item.scale]
        if not scale.contains(value):
            raise CheckupError(
                f"The answer to '{item_id}' must be a whole number from {scale.min} to {scale.max}."
            )
    now = timezone.now()
    cleared = [item_id for item_id, value in answers.items() if value is None]
    kept = [
        Answer(response=response, item_id=item_id, value=value, answered_at=now)
        for item_id, value in answers.items()
        if value is not None
    ]
    if cleared:
        Answer.objects.filter(response=response, item_id__in=cleared).delete()
    if kept:
        # One statement for the whole page (insert, or update the answer already given: the
        # one_answer_per_item constraint), instead of a look-up and a write for each answer.
        Answer.objects.bulk_create(
            kept,
            update_conflicts=True,
            unique_fields=["response", "item_id"],
            update_fields=["value", "answered_at"],
        )
    Response.objects.filter(pk=response.pk).update(updated_at=now)
    return len(kept)


MIN_SHARE_ANSWERED = 0.5


@transaction.atomic
def do_submit(response: Response) -> Response:
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.submitted_at is not None:
        raise CheckupError("This check-up was already submitted.", status=409)
    if is_retired(locked):
        raise CheckupError(
            "The questions were updated since you started. Please start again.", status=410
        )
    instrument = instrument_of(locked)
    answered = locked.answers.count()
    if answered < max(1, int(len(instrument.items) * MIN_SHARE_ANSWERED)):
        raise CheckupError(
            f"You have answered {answered} of {len(instrument.items)} questions. Please answer "
            "at least half of them so the results can say something."
        )
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["submitted_at"])
    _after_submitted(locked.author)
    return locked


# Run after a check-up is submitted, each as hook(user): the plans app renews the plan
# (PlansConfig.ready), so assessments imports nothing of plans.
_after_submit: list[Callable[[User], object]] = []


def register_after_submit(hook: Callable[[User], object]) -> None:
    if hook not in _after_submit:
        _after_submit.append(hook)


def _after_submitted(user: User) -> None:
    """A finished check-up renews the plan. A failure there must never undo the submission."""
    for hook in _after_submit:
        try:
            hook(user)
        except Exception:
            logging.getLogger(hook.__module__).exception("Could not refresh the plan")


@transaction.atomic
def do_set_share_items(response: Response, share: bool) -> None:
    Response.objects.filter(pk=response.pk).update(share_items=share)
