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

# Weekly reviews in each partner's own voice (Alex first, then Sam), one line a week, so the
# two never give the same answers and a week reads differently from the one before. Weeks
# five to seven are the harder stretch of the daily check-ins.
WEEKLY = (
    {
        "connecting_moment": [
            "Sunday breakfast that turned into a two-hour chat.",
            "Walking home from the cinema, talking about the ending.",
            "When you sent me that photo from your lunch break.",
            "Cooking your mum's soup together on Thursday.",
            "Sitting on the balcony after the rain.",
            "Not much this week, honestly; the hug on Friday helped.",
            "You sat with me while I called the bank.",
            "Talking in bed about where we'd like to travel.",
            "The long walk by the river on Saturday.",
            "Laughing at the quiz show like we used to.",
            "You asked about my day and really listened.",
        ],
        "closer_area": [
            "Evenings: we drift to separate rooms too quickly.",
            "Talking about something other than the schedule.",
            "More touch in small moments, a hand on the back.",
            "Telling each other the worries, not only the plans.",
            "Putting the phones away at dinner.",
            "I'd like to feel less alone with the stress at work.",
            "Finding our way back to talking before bed.",
            "Saying thank you out loud more often.",
            "Planning something new together, just the two of us.",
        ],
        "appreciation": [
            "You picked me up from the station in the rain.",
            "You noticed I was quiet and asked, gently.",
            "You let me sleep in and took the morning.",
            "You stayed calm when I was snappy on Tuesday.",
            "You wrote me a little note on the fridge.",
            "You kept checking in even when I went quiet.",
            "You made my favourite dinner after the awful week.",
            "You told me what you needed, clearly and kindly.",
            "You laughed at my terrible joke on purpose.",
            "You held my hand at the doctor's.",
        ],
        "looking_ahead": [
            "A busy week at work; I'd like our evenings to stay calm.",
            "Your parents visit on Saturday and I'm a bit nervous.",
            "Nothing big planned, which feels nice.",
            "The deadline on Thursday will take most of my energy.",
            "I'm away two nights for work and will miss you.",
            "Still tired; I'd like a slow weekend at home.",
            "My birthday on Friday, and I'd love something small and cosy.",
            "Back to the gym, so my evenings shift a little.",
        ],
        "what_would_help": [
            "Check in with me on Wednesday.",
            "A text at lunch, just to say hi.",
            "Ten quiet minutes together when I get home.",
            "Let me vent for a moment before we plan anything.",
            "A hug before we sleep.",
            "",
            "Asking me how I feel, not what I did.",
        ],
    },
    {
        "connecting_moment": [
            "Dancing in the kitchen to that old song.",
            "Our coffee on the steps on Saturday morning.",
            "You read me a bit of your book and we ended up talking for ages.",
            "The picnic, even though it got windy.",
            "Doing the crossword together over breakfast.",
            "Finally talking properly on Sunday night.",
            "Holding hands on the bus home.",
            "The evening we made pizza from scratch.",
            "You told me about your dream and I felt let in.",
            "Watching the stars from the garden.",
        ],
        "closer_area": [
            "Having real conversations on weekdays, not just weekends.",
            "Feeling like a team when the house gets busy.",
            "Sharing the little things from the day as they happen.",
            "I'd like us to plan a proper date again.",
            "Being able to say I'm overwhelmed without it turning into a fix-it talk.",
            "Getting back to our morning coffee ritual.",
            "Going to bed at the same time more often.",
            "Being more playful with each other.",
            "Trying something new together, maybe that pottery class.",
            "Talking about the future without it feeling heavy.",
            "Quiet time that doesn't have a task attached.",
        ],
        "appreciation": [
            "You called the plumber so I didn't have to.",
            "You remembered my big meeting and wished me luck.",
            "You gave me a long hug when I came home.",
            "You asked how I was feeling and waited for the real answer.",
            "You walked the dog in the rain so I could rest.",
            "You said sorry first after our argument.",
            "You were patient with me when I needed space.",
            "You planned a surprise evening out.",
            "You listened without trying to fix it.",
        ],
        "looking_ahead": [
            "My sister stays with us midweek; I'd like us to keep some time for ourselves.",
            "A calmer week, I hope; I'd like an evening walk together.",
            "Lots of late shifts, so mornings matter more.",
            "The car goes in for repairs, so we'll need to plan lifts.",
            "I'd like us to make a plan for the holidays.",
            "A school meeting on Tuesday that I'm dreading a little.",
            "Friends over on Saturday; it would be nice to cook together.",
            "A quieter week at last; I'd like a lazy Sunday with you.",
            "Our anniversary is coming up and I'd like to mark it, even simply.",
        ],
        "what_would_help": [
            "A message if you'll be late.",
            "Sitting together on the sofa for a bit after dinner.",
            "",
            "Reminding me to take a break.",
            "Taking turns with the cooking.",
            "Asking me what I need, even if I say nothing at first.",
            "A walk on Sunday, just us.",
            "Telling me one thing you liked about the day.",
        ],
    },
)
MONTHLY = (
    {
        "most_connecting": [
            "Our evening walks and the check-ins.",
            "The slow Sunday mornings.",
            "Talking through the hard weeks instead of going quiet.",
            "Cooking together again.",
        ],
        "want_to_grow": [
            "Saying what I need instead of hoping it is noticed.",
            "Staying with a hard conversation a little longer.",
            "Noticing when I'm tired and saying so kindly.",
        ],
        "appreciation": [
            "That you kept coming back, even in the hard weeks.",
            "How you make the ordinary days feel warm.",
            "Your patience when I was far away in my head.",
            "The way you laugh with me, still.",
        ],
    },
    {
        "most_connecting": [
            "The short chats before we fall asleep.",
            "Being silly together in the kitchen.",
            "Feeling that we are on the same side again.",
            "Our Saturday coffees.",
        ],
        "want_to_grow": [
            "Listening to the end before I answer.",
            "Asking for a hug when I need one.",
            "Coming back to a talk after I've taken a break.",
            "Sharing worries earlier, before they grow.",
        ],
        "appreciation": [
            "How you notice the small things I do.",
            "That you made time for us in a very full month.",
            "Your honesty when things were hard.",
        ],
    },
)


def _week_answer(answers: list[str], week: int) -> str:
    """The answer for a week (or a month): each list is long enough that no two weeks in a
    row read the same, and the two partners' lists share no line."""
    return answers[week % len(answers)]


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
        for person, user in enumerate((alex, sam)):
            if w in (5, 6) and user is sam:
                continue  # a couple of weeks one of them let it slide
            answers = WEEKLY[person]
            weekly.append(
                WeeklyReview(
                    author=user,
                    space=space,
                    week=week,
                    **{field: _week_answer(answers[field], w) for field in answers},
                )
            )
    WeeklyReview.objects.bulk_create(weekly)
    monthly = []
    month = month_start(first)
    n_month = 0
    while month < month_start(today):
        if month >= first.replace(day=1):
            for person, user in enumerate((alex, sam)):
                answers = MONTHLY[person]
                monthly.append(
                    MonthlyCheckIn(
                        author=user,
                        space=space,
                        month=month,
                        **{field: _week_answer(answers[field], n_month) for field in answers},
                    )
                )
            n_month += 1
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
