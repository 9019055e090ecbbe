"""Demo rituals: twelve lived-in weeks for the demo couple.

Most evenings both check in; some days one or both skip; around weeks five to seven the
connection dips (a stressful stretch, a time-out) and then recovers. Today is left open so a
newcomer can try the check-in and see the reveal happen. Safe to run twice: nothing is added
when the couple already has check-ins.
"""

import json
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from reattune.core.access import active_space_id
from reattune.couples.models import Space
from reattune.rituals.kinds import month_start, week_start
from reattune.rituals.models import (
    AgreementAcceptance,
    DailyCheckIn,
    LadderState,
    MonthlyCheckIn,
    Schedule,
    TimeOut,
    WeeklyReview,
)

WEEKS = 12

BEST = [
    "Our walk after dinner; it felt like old times.",
    "Laughing about the neighbour's cat.",
    "A quiet coffee together before work.",
    "Finishing a hard task and feeling proud of it.",
    "Cooking together without rushing.",
    "A long hug in the hallway when I got home.",
    "The call with my sister.",
    "Reading side by side on the sofa.",
]
HARD = [
    "A long day of meetings; I felt drained.",
    "Feeling unheard when I talked about the weekend.",
    "Worrying about money again.",
    "The commute, and being short with each other afterwards.",
    "Missing you even though we were in the same room.",
    "Too tired to really talk.",
]
THANKS = [
    "You made tea without me asking.",
    "You listened to the whole story without fixing it.",
    "You remembered my appointment and asked how it went.",
    "You took care of the dishes when I was exhausted.",
    "You held my hand on the way home.",
    "You told me you were proud of me.",
]
NEEDS = ["", "", "", "A quiet evening together.", "A hug before we sleep.", "Ten minutes to talk."]
GOOD = ["calm", "content", "grateful", "hopeful", "joyful", "loved", "close", "relieved"]
LOW = ["tired", "stressed", "worried", "frustrated", "lonely", "distant", "overwhelmed"]


def _rating(day_number: int, total: int, person: int, rng: random.Random) -> int:
    """A gentle arc: fair start, a dip around weeks 5-7, then a steady recovery."""
    week = day_number // 7
    if week < 4:
        base = 5.5 + week * 0.3
    elif week < 7:
        base = 4.0 - (week - 4) * 0.6
    else:
        base = 3.5 + (week - 7) * 0.9
    base += (0.4 if person else -0.2) + rng.uniform(-1.2, 1.2)
    return max(0, min(10, round(base)))


def step(alex, sam, args):
    space_id = active_space_id(alex)
    if space_id is None or DailyCheckIn.objects.filter(space_id=space_id).exists():
        return
    with transaction.atomic():
        _fill(alex, sam, Space.objects.get(pk=space_id))


def _fill(alex, sam, space):
    rng = random.Random(20240601)  # noqa: S311  # nosec B311 - demo data, not security
    today = space.today()
    first = today - timedelta(weeks=WEEKS)
    total = (today - first).days
    daily = []
    for n in range(total):  # today itself stays open
        day = first + timedelta(days=n)
        for person, user in enumerate((alex, sam)):
            skip = 0.12 if not (28 <= n < 49) else 0.3  # more missed days in the dip
            if rng.random() < skip:
                continue
            rating = _rating(n, total, person, rng)
            words = rng.sample(GOOD if rating >= 5 else LOW, 2)
            if rng.random() < 0.3:
                words.append(rng.choice(LOW if rating >= 5 else GOOD))
            at = timezone.now() - timedelta(days=total - n, hours=rng.randint(1, 3))
            daily.append(
                DailyCheckIn(
                    author=user,
                    space=space,
                    day=day,
                    day_index=day.toordinal(),
                    connection_today=rating,
                    feelings=json.dumps(words),
                    best_part=rng.choice(BEST),
                    challenging_part=rng.choice(HARD),
                    appreciation=rng.choice(THANKS),
                    need=rng.choice(NEEDS),
                    created_at=at,
                    updated_at=at,
                )
            )
    DailyCheckIn.objects.bulk_create(daily, batch_size=500)
    weekly = []
    this_week = week_start(today)
    for w in range(WEEKS):
        week = this_week - timedelta(weeks=WEEKS - w)
        for user in (alex, sam):
            if w in (5, 6) and user is sam:
                continue  # a couple of weeks one of them let it slide
            weekly.append(
                WeeklyReview(
                    author=user,
                    space=space,
                    week=week,
                    connecting_moment=rng.choice(BEST),
                    closer_area="More time just talking, without screens.",
                    appreciation=rng.choice(THANKS),
                    looking_ahead="A busy week at work; I would like our evenings to stay calm.",
                    what_would_help="Check in with me on Wednesday.",
                )
            )
    WeeklyReview.objects.bulk_create(weekly)
    monthly = []
    month = month_start(first)
    while month < month_start(today):
        if month >= first.replace(day=1):
            for user in (alex, sam):
                monthly.append(
                    MonthlyCheckIn(
                        author=user,
                        space=space,
                        month=month,
                        most_connecting="Our evening walks and the check-ins.",
                        want_to_grow="Saying what I need instead of hoping it is noticed.",
                        appreciation="That you kept coming back, even in the hard weeks.",
                    )
                )
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    MonthlyCheckIn.objects.bulk_create(monthly)
    started = timezone.now() - timedelta(days=40, hours=3)
    TimeOut.objects.create(
        author=sam,
        space=space,
        started_at=started,
        minutes=20,
        ends_at=started + timedelta(minutes=20),
        ended_at=started + timedelta(minutes=24),
        ended_by=alex,
        note="I need a short walk. I will come back.",
    )
    for agreement_id in ("shared_in_trust", "time_out", "curiosity_first"):
        for user in (alex, sam):
            AgreementAcceptance.objects.create(
                author=user,
                space=space,
                agreement_id=agreement_id,
                accepted_at=timezone.now() - timedelta(weeks=WEEKS - 1),
            )
    LadderState.objects.create(
        author=alex, space=space, step=1, since_week=this_week - timedelta(weeks=2)
    )
    LadderState.objects.create(
        author=sam, space=space, step=2, since_week=this_week - timedelta(weeks=1), staying=True
    )
    Schedule.objects.get_or_create(space=space)
