"""Demo check-ups: two rounds four weeks apart for both partners, so change over time shows.

Answers are generated from a fixed seed and a leaning per person and round: Alex reaches
out and feels talk has become logistics; Sam pulls back under stress; both a little better
in the second round.
"""

import random
from datetime import timedelta

from django.utils import timezone

from reattune.assessments.catalog import catalog
from reattune.assessments.models import Answer, Response
from reattune.core.access import active_space_id

# (person, round) -> position 0..1 of answers on strain-keyed items, per instrument
LEANING = {
    ("alex", 1): 0.65,
    ("alex", 2): 0.45,
    ("sam", 1): 0.55,
    ("sam", 2): 0.40,
}
ROLE_ITEMS = {"alex": ("pursue", 0.85, "withdraw", 0.25), "sam": ("pursue", 0.2, "withdraw", 0.85)}


def _answer(instrument, item, lean, rng, person):
    scale = instrument.scales[item.scale]
    position = lean
    construct = item.construct
    role = ROLE_ITEMS[person]
    if role[0] in construct and "partner" not in construct and item.about == "self":
        position = role[1]
    elif role[2] in construct and "partner" not in construct and item.about == "self":
        position = role[3]
    if item.reverse:
        position = 1 - position
    value = scale.min + (scale.max - scale.min) * position + rng.uniform(-0.8, 0.8)
    return int(max(scale.min, min(scale.max, round(value))))


def step(alex, sam, args):
    if Response.objects.filter(author__in=[alex, sam]).exists():
        return  # the plan from these check-ups is made by the plans step (plans/demo.py)
    rng = random.Random(20261122)  # noqa: S311  # nosec B311 - demo data, not security
    now = timezone.now()
    for person, user in (("alex", alex), ("sam", sam)):
        for round_number, days_ago in ((1, 84), (2, 28)):
            when = now - timedelta(days=days_ago)
            for instrument in catalog().current():
                if instrument.kind not in ("checkup", "pulse"):
                    continue
                response = Response.objects.create(
                    author=user,
                    space_id=active_space_id(user),
                    instrument_id=instrument.id,
                    instrument_version=instrument.version,
                    started_at=when,
                    updated_at=when,
                    submitted_at=when,
                )
                lean = LEANING[(person, round_number)]
                Answer.objects.bulk_create(
                    [
                        Answer(
                            response=response,
                            item_id=item.id,
                            answered_at=when,
                            value=_answer(instrument, item, lean, rng, person),
                        )
                        for item in instrument.items
                    ]
                )
