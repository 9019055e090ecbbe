"""Progress figures, aggregated in the database (a constant number of queries, whatever the
history): connection over time with a 7-day average, rituals per week, gentle streaks.

Everything a partner wrote is read through the reveal rule (core.access.revealed_to): a
partner's rating for a day only counts where one shared one's own for that day. Counting
that a ritual happened is the same fact as "your partner has checked in" and uses
core.access.visible_to.

Twelve weeks day by day read the rows themselves (at most one per person and day) and take
the 7-day average here (each day's answer with the person's answers of the six days before
it, as a window RANGE BETWEEN 6 PRECEDING AND CURRENT ROW over day_index would); a plain
read costs less Python than a window or a grouped query, and twelve weeks stay a few hundred
rows whatever the history. A year and all time group in the database (TruncWeek /
TruncMonth); runs of consecutive days use the classic day_index - ROW_NUMBER() grouping in
plain SQL that both databases accept.

Time axes start at the couple's first day (first_day): no chart or report shows empty weeks
from before the couple existed.
"""

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.db.models import Avg, Count, Max, Min
from django.db.models.functions import TruncMonth, TruncWeek

from reattune.core import access
from reattune.core.prepared import Prepared
from reattune.core.request_context import context_of
from reattune.rituals.kinds import month_start, week_start
from reattune.rituals.models import DailyCheckIn, WeeklyReview

RANGES = {
    "12w": "Last 12 weeks, day by day",
    "1y": "Last year, week by week",
    "all": "Everything, month by month",
}


# The three reads of the dashboard and the report, built once (core.prepared): the same
# queries as the ORM code beside each call, which runs instead for someone without a space.


def _ratings(user_id: int, viewer_space_id: int, space_id: int, low: int, high: int):
    """Ratings `user_id` may read under the reveal rule (access.revealed_to)."""
    reveal = access.revealed_filter_for(DailyCheckIn, user_id, viewer_space_id, "day")
    return (
        DailyCheckIn.objects.filter(space_id=space_id)
        .filter(reveal)
        .filter(day_index__gte=low, day_index__lte=high)
        .order_by()
        .values_list("author_id", "day_index", "connection_today")
    )


def _daily_done(user_id: int, viewer_space_id: int, space_id: int, low: int, high: int):
    """Daily check-ins `user_id` may know exist (access.visible_to)."""
    return (
        DailyCheckIn.objects.filter(access.visible_filter_for(user_id, viewer_space_id))
        .filter(space_id=space_id, day_index__gte=low, day_index__lte=high)
        .order_by()
        .values_list("author_id", "day_index")
    )


def _weekly_done(user_id: int, viewer_space_id: int, space_id: int, low: date, high: date):
    """Weekly reviews `user_id` may know exist (access.visible_to)."""
    return (
        WeeklyReview.objects.filter(access.visible_filter_for(user_id, viewer_space_id))
        .filter(space_id=space_id, week__gte=low, week__lte=high)
        .order_by()
        .values_list("author_id", "week")
    )


_IDS = {"user_id": 0, "viewer_space_id": 0, "space_id": 0}
_RATINGS = Prepared(_ratings, **_IDS, low=0, high=0)
_DAILY_DONE = Prepared(_daily_done, **_IDS, low=0, high=0)
_WEEKLY_DONE = Prepared(_weekly_done, **_IDS, low=date(2000, 1, 3), high=date(2000, 1, 3))


def _rows(prepared: Prepared, user, space, low, high) -> list | None:
    """`prepared`'s rows for a signed-in `user` with an active space; None otherwise (the
    caller then runs the same query through the ORM)."""
    viewer_space_id = access.active_space_id(user)
    if viewer_space_id is None:
        return None
    return prepared.rows(
        user_id=user.pk, viewer_space_id=viewer_space_id, space_id=space.pk, low=low, high=high
    )


def formed_day(user, space) -> date:
    """The day the couple formed, in its time zone: the later of the active members' joins (the
    person's own join while they are alone). No query for a person's own active space: the
    request's membership carries it."""
    membership = context_of(user).membership  # the request's, read once per request
    formed = None
    if membership is not None and membership.space_id == space.pk:
        formed = getattr(membership, "couple_joined_at", None)
    if formed is None:  # someone reading a space that is not their active one
        latest = space.memberships.filter(left_at__isnull=True).aggregate(last=Max("joined_at"))
        formed = latest["last"] or space.created_at
    return formed.astimezone(space.tzinfo()).date()


def first_day(user, space, before: date | None = None) -> date:
    """The couple's first day, where every time axis starts, as `user` may know it.

    The day the couple formed (the later of the active members' joins, in the couple's time
    zone; the person's own join while they are alone), or the day of the first check-in or
    weekly review `user` may read (their own, or a partner's they have read under the reveal
    rule), if that is earlier. The join is what people expect ("since we started") and stays
    put as they use the app, so an axis never jumps. Earlier rows count because check-ins can be
    older than the couple: a person who checked in alone brings them along when they join, and
    an import keeps their dates. Only what `user` may read is asked (access.revealed_to): a
    partner's unread check-ins from before the couple formed, or the day a partner's space was
    made before `user` joined it, must not show on `user`'s axis.
    """
    days = [formed_day(user, space)]
    if before is not None and days[0] < before:
        return days[0]
    first_checkin = access.revealed_to(
        DailyCheckIn.objects.filter(space=space), user, "day"
    ).aggregate(first=Min("day_index"))["first"]
    if first_checkin is not None:
        days.append(date.fromordinal(first_checkin))
    first_review = access.revealed_to(
        WeeklyReview.objects.filter(space=space), user, "week"
    ).aggregate(first=Min("week"))["first"]
    if first_review is not None:
        days.append(_as_date(first_review))
    return min(days)


def _from_first_day(periods: list[date], first: date) -> int:
    """Index of the first period to keep: the one holding the couple's first day, the same
    rule as domain.charts.since_first_day (periods that end on or before it are dropped)."""
    return max((i for i, p in enumerate(periods) if p <= first), default=0)


@dataclass
class ConnectionData:
    range: str
    labels: list[str]
    periods: list[date]
    # author id -> values aligned with periods (None where there is nothing to show)
    values: dict[int, list[float | None]]
    averages: dict[int, list[float | None]]


@functools.lru_cache(maxsize=64)
def _day_labels_of(start: date, days: int) -> tuple[str, ...]:
    """ "6 Dec" for each of `days` days from `start`: a calendar only, so written once per
    process for each axis."""
    return tuple(f"{start + timedelta(days=i):%-d %b}" for i in range(days))


def _day_labels(start: date, days: int) -> list[str]:
    return list(_day_labels_of(start, days))


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def connection_data(
    user, space, today: date, range_key: str = "12w", since: date | None = None
) -> ConnectionData:
    """Connection over time for `range_key`, from the couple's first day (`since`, or
    first_day) on."""

    def revealed():
        return access.revealed_to(DailyCheckIn.objects.filter(space=space), user, "day")

    since = min(since or first_day(user, space), today)
    if range_key == "12w":
        start = max(today - timedelta(days=83), since)
        periods = [start + timedelta(days=i) for i in range((today - start).days + 1)]
        # The rows themselves (at most 2 x 90: one per person and day), the 7-day average
        # taken here: the same figures as a window over them in SQL, for a cheaper query.
        ratings = _rows(_RATINGS, user, space, start.toordinal() - 6, today.toordinal())
        if ratings is None:
            ratings = (
                revealed()
                .filter(day_index__gte=start.toordinal() - 6, day_index__lte=today.toordinal())
                .order_by()
                .values_list("author_id", "day_index", "connection_today")
            )
        by_author: dict[int, dict[int, int]] = {}
        for author_id, day_index, rating in ratings:
            by_author.setdefault(author_id, {})[day_index] = rating
        values, averages = {}, {}
        low = start.toordinal()
        for author_id, days in by_author.items():
            shown = values[author_id] = [None] * len(periods)
            averaged = averages[author_id] = [None] * len(periods)
            # A running sum and count over the seven days ending on each day (whole numbers,
            # so the same sums as adding each window up).
            total = count = 0
            for day_index in range(low - 6, low + len(periods)):
                rating = days.get(day_index)
                if rating is not None:
                    total += rating
                    count += 1
                leaving = days.get(day_index - 7)
                if leaving is not None:
                    total -= leaving
                    count -= 1
                if rating is not None and day_index >= low:
                    shown[day_index - low] = rating
                    averaged[day_index - low] = round(total / count, 2)
        return ConnectionData(
            range_key, _day_labels(start, len(periods)), periods, values, averages
        )

    if range_key == "1y":
        first = week_start(today) - timedelta(weeks=51)
        periods = [first + timedelta(weeks=i) for i in range(52)]
        periods = periods[_from_first_day(periods, since) :]
        first = periods[0]
        trunc = TruncWeek("day")
        rows = revealed().filter(day_index__gte=first.toordinal(), day_index__lte=today.toordinal())
    else:
        # first_day is never later than the oldest check-in shown here.
        first = month_start(since)
        periods, cursor = [], first
        while cursor <= today:
            periods.append(cursor)
            cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
        trunc = TruncMonth("day")
        rows = revealed()
    grouped = (
        rows.order_by()
        .annotate(period=trunc)
        .values("author_id", "period")
        .annotate(mean=Avg("connection_today"))
        .values_list("author_id", "period", "mean")
    )
    index = {p: i for i, p in enumerate(periods)}
    values = {}
    for author_id, period, mean in grouped:  # one row per person and week or month
        i = index.get(_as_date(period))
        if i is not None:
            values.setdefault(author_id, [None] * len(periods))[i] = round(float(mean), 2)
    if range_key == "1y":
        labels = [f"{p:%-d %b}" for p in periods]
    else:
        labels = [f"{p:%b %Y}" for p in periods]
    return ConnectionData(range_key, labels, periods, values, {})


def axis_start(today: date, range_key: str = "12w") -> date | None:
    """The earliest day an axis of `range_key` can show (connection_data, and rituals_per_week
    over twelve weeks), to pass to first_day(before=...); None for all time."""
    twelve_weeks = today - timedelta(days=83)
    if range_key == "12w":
        return twelve_weeks
    if range_key == "1y":
        return min(week_start(today) - timedelta(weeks=51), twelve_weeks)
    return None


@dataclass
class RitualCounts:
    """What the rituals chart and the streaks both count, read once (two queries)."""

    periods: list[date]  # week starts (Mondays), the oldest first; the last is this week
    daily: dict[int, list[int]]  # author id -> daily check-ins in each week
    reviews: dict[int, dict[date, int]]  # author id -> {week: weekly reviews}


def ritual_counts(user, space, today: date, weeks: int = 12) -> RitualCounts:
    """Daily check-ins and weekly reviews `user` may know exist (core.access.visible_to: the
    fact that a ritual happened, never its answers), per person and week, for the last
    `weeks` weeks."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    periods = [first + timedelta(weeks=i) for i in range(weeks)]
    # The rows themselves (at most one per person and day, or week), counted here: a plain
    # read costs less than a grouped one, and twelve weeks stay a few hundred rows.
    daily_rows = _rows(_DAILY_DONE, user, space, first.toordinal(), today.toordinal())
    if daily_rows is None:
        daily_rows = (
            access.visible_to(DailyCheckIn.objects.all(), user)
            # day_index (= day.toordinal()) so the (space, day_index) index bounds the scan.
            .filter(space=space, day_index__gte=first.toordinal(), day_index__lte=today.toordinal())
            .order_by()
            .values_list("author_id", "day_index")
        )
    weekly_rows = _rows(_WEEKLY_DONE, user, space, first, today)
    if weekly_rows is None:
        weekly_rows = (
            access.visible_to(WeeklyReview.objects.all(), user)
            .filter(space=space, week__gte=first, week__lte=today)
            .order_by()
            .values_list("author_id", "week")
        )
    start = first.toordinal()
    daily: dict[int, list[int]] = {}
    for author_id, day_index in daily_rows:
        daily.setdefault(author_id, [0] * weeks)[(day_index - start) // 7] += 1
    reviews: dict[int, dict[date, int]] = {}
    for author_id, week in weekly_rows:
        found = reviews.setdefault(author_id, {})
        found[_as_date(week)] = found.get(_as_date(week), 0) + 1
    return RitualCounts(periods, daily, reviews)


def rituals_per_week(
    user,
    space,
    today: date,
    weeks: int = 12,
    since: date | None = None,
    counts: RitualCounts | None = None,
):
    """(week starts, {author id: [count per week]}): check-ins and weekly reviews done in the
    last `weeks` weeks, from the week of the couple's first day on (`counts`: what
    ritual_counts read for this page already)."""
    if counts is None or len(counts.periods) != weeks:
        counts = ritual_counts(user, space, today, weeks)
    periods = counts.periods
    index = {p: i for i, p in enumerate(periods)}
    totals: dict[int, list[int]] = {pk: list(values) for pk, values in counts.daily.items()}
    for author_id, by_week in counts.reviews.items():
        for week, n in by_week.items():
            i = index.get(week)
            if i is not None:
                totals.setdefault(author_id, [0] * weeks)[i] += n
    start = _from_first_day(periods, min(since or first_day(user, space), today))
    return periods[start:], {pk: values[start:] for pk, values in totals.items()}


@dataclass
class Streaks:
    this_week: int  # own daily check-ins this week
    partner_this_week: int
    weekly_review_done: bool
    longest_run: int  # most days in a row with a check-in
    current_run: int  # the run that includes today or yesterday (0 otherwise)
    total: int


RUNS_SQL = """
SELECT COALESCE(MAX(n), 0), COALESCE(MAX(CASE WHEN last_day >= %s THEN n END), 0),
       COALESCE(SUM(n), 0)
FROM (
    SELECT COUNT(*) AS n, MAX(day_index) AS last_day
    FROM (
        SELECT day_index, day_index - ROW_NUMBER() OVER (ORDER BY day_index) AS grp
        FROM {table}
        WHERE author_id = %s AND space_id = %s AND day_index <= %s
    ) numbered
    GROUP BY grp
) runs
"""


def streaks(user, space, today: date, counts: RitualCounts | None = None) -> Streaks:
    """`counts`: what ritual_counts read for this page already (its last week is this one),
    so this week's figures cost no query of their own."""
    first = week_start(today)
    if counts is not None and counts.periods and counts.periods[-1] == first:
        # The same rows as the queries below: visible check-ins of this week in the space,
        # and one's own weekly review of this week (one's own rows are visible to one).
        this_week = {pk: weeks[-1] for pk, weeks in counts.daily.items() if weeks[-1]}
        weekly_done = bool(counts.reviews.get(user.pk, {}).get(first))
    else:
        this_week = dict(
            access.visible_to(DailyCheckIn.objects.all(), user)
            # day_index (= day.toordinal()) so the (space, day_index) index bounds the scan.
            .filter(space=space, day_index__gte=first.toordinal(), day_index__lte=today.toordinal())
            .values("author_id")
            .annotate(n=Count("id"))
            .values_list("author_id", "n")
        )
        weekly_done = WeeklyReview.objects.filter(author=user, space=space, week=first).exists()
    partner_count = sum(n for author_id, n in this_week.items() if author_id != user.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            RUNS_SQL.format(table=connection.ops.quote_name(DailyCheckIn._meta.db_table)),
            [today.toordinal() - 1, user.pk, space.pk, today.toordinal()],
        )
        longest, current, total = cursor.fetchone()
    return Streaks(
        this_week=this_week.get(user.pk, 0),
        partner_this_week=partner_count,
        weekly_review_done=weekly_done,
        longest_run=int(longest),
        current_run=int(current),
        total=int(total),
    )
