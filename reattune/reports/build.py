"""The couple's report: what goes in it, for the page and the PDF alike.

Privacy rules (docs/privacy.md, "The report"):

- A partner's section (their check-up areas, their daily connection ratings, their rituals
  count) is in the report only after that partner said yes (ReportChoice.include). No row
  means no. The couple part (patterns between you) needs both partners' yes, because it is
  computed from both people's answers.
- Only scale-level results go in: the same data the partner already sees in the couple view
  (IndividualInsight.shared_view, CoupleInsight.to_dict). Never item answers (shared or
  not), signs, care channels, causes that can rest on one answer, help or safety screen
  results, crisis checks, journal entries, or any text written in a ritual.
- The plan is the viewer's own view of it (their own safety mode, never the partner's).
- The partner's daily ratings are read through the reveal rule (progress.connection_data),
  exactly as on the progress page.

A constant number of queries whatever the history: every part aggregates in the database
(tests/test_query_counts.py).
"""

import functools
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.translation import get_language

from reattune.core import access
from reattune.core.errors import ActionError
from reattune.core.prepared import Prepared
from reattune.couples.membership import partner_of
from reattune.domain import charts
from reattune.reports import tables
from reattune.reports.models import ReportChoice

TREND_WEEKS = 12


@dataclass
class Person:
    user: object
    name: str
    is_me: bool
    included: bool
    insight: dict | None = None  # shared_view() of the latest results
    checkup_on: date | None = None


@dataclass
class Report:
    space: object
    today: date
    me: Person
    partner: Person | None
    people: list[Person] = field(default_factory=list)  # the included ones, me first
    areas: list[dict] = field(default_factory=list)  # rows: title, [value per person]
    couple: dict | None = None
    couple_note: str = ""
    connection_svg: str = ""
    connection_table: list[list] = field(default_factory=list)
    rituals_svg: str = ""
    rituals_table: list[list] = field(default_factory=list)
    plan: dict | None = None
    trend_start: date | None = None
    # The tables above as HTML rows (reports/tables.py), for the page and the PDF.
    area_rows: str = ""
    connection_rows: str = ""
    rituals_rows: str = ""
    # Texts the template showed from loops and filters, made once here (reports/content.html).
    today_text: str = ""  # "6 December 2026"
    trend_start_text: str = ""
    who: str = ""  # "Alex and Sam"
    checkup_days: str = ""  # " (Alex: 3 Dec 2026) (Sam: 4 Dec 2026)"
    area_heads: str = ""  # a <th> per included person with results
    people_heads: str = ""  # a <th> per included person
    plan_weeks: str = ""  # the plan's weeks as <li> items


def _choices_of_two(space_id: int, first_id: int, second_id: int):
    rows = ReportChoice.objects.filter(space_id=space_id, user__in=[first_id, second_id])
    return rows.values_list("user_id", "include")


_CHOICES_OF_TWO = Prepared(_choices_of_two, space_id=0, first_id=1, second_id=2)  # IN (%s, %s)


def choices(space_id, users) -> dict[int, bool]:
    ids = [u.pk for u in users]
    if 1 <= len(ids) <= 2:  # one person or a couple: the query built once (core.prepared)
        return dict(_CHOICES_OF_TWO.rows(space_id=space_id, first_id=ids[0], second_id=ids[-1]))
    rows = ReportChoice.objects.filter(space_id=space_id, user__in=ids)
    return dict(rows.values_list("user_id", "include"))


def included(user) -> bool:
    space_id = access.active_space_id(user)
    if space_id is None:
        return False
    return choices(space_id, [user]).get(user.pk, False)


@transaction.atomic
def do_set_included(user, include: bool) -> ReportChoice:
    space_id = access.active_space_id(user)
    if space_id is None:
        raise ActionError("Join or start a couple space first.", status=404)
    choice, _ = ReportChoice.objects.update_or_create(
        user=user,
        space_id=space_id,
        defaults={"include": bool(include), "updated_at": timezone.now()},
    )
    return choice


def _latest_checkup_day(latest: dict, space) -> date | None:
    stamps = [r.submitted_at for r in latest.values() if r.submitted_at]
    if not stamps:
        return None
    return max(stamps).astimezone(space.tzinfo()).date()


def build(user, space) -> Report:
    from reattune.assessments.results import checkup_done, insights_for
    from reattune.domain.instruments.insight import couple_insight

    partner = partner_of(user)
    chosen = choices(space.pk, [user] + ([partner] if partner else []))
    me = Person(user, user.display_name, True, chosen.get(user.pk, False))
    them = (
        Person(partner, partner.display_name, False, chosen.get(partner.pk, False))
        if partner
        else None
    )
    report = Report(space=space, today=space.today(), me=me, partner=them)
    report.people = [p for p in (me, them) if p is not None and p.included]

    # Check-up areas, each included partner (scale level only: shared_view).
    full = {}
    found = insights_for([person.user for person in report.people])  # two queries for both
    for person, (insight, latest) in zip(report.people, found, strict=True):
        if insight is None:
            continue
        full[person.user.pk] = (insight, checkup_done(latest))
        person.insight = insight.shared_view()
        person.checkup_on = _latest_checkup_day(latest, space)
    with_results = [p for p in report.people if p.insight]
    if with_results:
        titles = {}
        values: dict[str, list] = {}
        for index, person in enumerate(with_results):
            for area in person.insight["areas"]:
                titles[area["id"]] = area["title"]
                row = values.setdefault(area["id"], [None] * len(with_results))
                strain = area.get("strain")
                row[index] = None if strain is None else round(strain * 100)
        report.areas = [
            {"title": titles[area_id], "values": row} for area_id, row in values.items()
        ]

    # Couple patterns: both said yes and both finished the check-up.
    if them is not None and me.included and them.included:
        mine, theirs = full.get(user.pk), full.get(partner.pk)
        if mine and theirs and mine[1] and theirs[1]:
            # Only texts and flags are read below, none of them the domain's "a"/"b" keys
            # or values that assessments.results.relabel renames: the same without it.
            couple = couple_insight(mine[0], theirs[0]).to_dict()
            report.couple = {
                "note": couple["note"],
                "patterns": _patterns(couple),
                "gaps": [g["wording"] for g in couple["perception_gaps"]],
                "concerns": [c["title"] for c in couple["shared_concerns"]],
                "strengths": [s["wording"] for s in couple["shared_strengths"]],
            }
        else:
            report.couple_note = (
                "The patterns between you appear once you have both finished the check-up."
            )
    elif them is not None:
        report.couple_note = (
            "The patterns between you appear when both of you include your sections."
        )

    _trends(report, user, space)
    _plan(report, user, space)
    report.area_rows = tables.rows_html([[row["title"], *row["values"]] for row in report.areas])
    report.connection_rows = tables.rows_html(report.connection_table, dated=True)
    report.rituals_rows = tables.rows_html(report.rituals_table, dated=True, empty=None)
    _texts(report, with_results)
    return report


def _date_text(day: date, fmt: str, language: str | None) -> str:
    """A date as the `date` filter shows it (these are all dates: a datetime would depend
    on the time zone, and is formatted each time)."""
    if type(day) is date:
        return _date_text_of(day, fmt, language)
    return date_filter(day, fmt)


@functools.lru_cache(maxsize=1024)
def _date_text_of(day: date, fmt: str, language: str | None) -> str:
    """The same text for every reader of that date in that language, so formatted once per
    process (a date and a format only, no one's data with it)."""
    return date_filter(day, fmt)


def _texts(report: Report, with_results: list[Person]) -> None:
    """What reports/content.html showed through loops and the `date` filter, made once: the
    same text (the template escapes the plain strings as it escaped each name)."""
    language = get_language()
    report.today_text = _date_text(report.today, "j F Y", language)
    if report.trend_start:
        report.trend_start_text = _date_text(report.trend_start, "j F Y", language)
    names = [person.name for person in report.people]
    report.who = " and ".join(names) if names else "No personal sections yet"
    report.checkup_days = "".join(
        f" ({person.name}: {_date_text(person.checkup_on, 'j M Y', language)})"
        for person in report.people
        if person.checkup_on
    )
    report.area_heads = tables.header_cells(person.name for person in with_results)
    report.people_heads = tables.header_cells(names)
    if report.plan:
        report.plan_weeks = tables.plan_weeks(report.plan["weeks"])


PATTERN_TITLES = {
    "pursue_withdraw": "One reaches out, the other pulls back",
    "anxious_avoidant": "One needs reassurance, the other needs space",
    "care_channels": "Care given in a way the other does not notice",
    "mutual_avoidance": "Both keep the peace by keeping quiet",
}


def _patterns(couple: dict) -> list[dict]:
    out = []
    for key, title in PATTERN_TITLES.items():
        part = couple.get(key) or {}
        shows = part.get("mismatch") if key == "care_channels" else part.get("present")
        if shows and part.get("wording"):
            out.append({"title": title, "wording": part["wording"]})
    return out


def _trends(report: Report, user, space) -> None:
    """Connection over the last weeks and rituals done each week (from the rituals app)."""
    try:
        from reattune.rituals import progress
    except ImportError:  # the rituals feature is not installed
        return
    people = [(p.user.pk, p.name) for p in report.people]
    if not people:
        return
    today = report.today
    # Trends start at the couple's first day: a new couple sees no empty weeks from before
    # they began (progress.first_day says which day that is and why).
    since = progress.first_day(user, space, before=progress.axis_start(today))
    data = progress.connection_data(user, space, today, "12w", since=since)
    report.trend_start = data.periods[0] if data.periods else None
    began = bool(data.periods) and data.periods[0] == since  # inside the twelve weeks
    span = f"since {since:%-d %B %Y}" if began else "over the last twelve weeks"
    series = []
    for index, (pk, name) in enumerate(people):
        values = data.values.get(pk, [None] * len(data.periods))
        series.append(charts.Series(name, values, marker=("circle", "square")[index]))
        averages = data.averages.get(pk, [None] * len(data.periods))
        series.append(charts.Series(f"{name}, 7-day average", averages, average=True))
    report.connection_svg = charts.line_chart(
        data.labels,
        series,
        title="How connected you felt",
        desc="Connection today, from 0 (far apart) to 10 (very close): each day's answer and "
        f"the average of the last seven days, {span}.",
        chart_id="report-connection",
        y_label="0 to 10",
        dates=data.periods,
        first_day=since,
    )
    # A calm table for the page and the print: the average of each week, per person.
    for start in range(0, len(data.periods), 7):
        row = [data.periods[start]]
        for pk, _name in people:
            week = [
                v
                for v in data.values.get(pk, [None] * len(data.periods))[start : start + 7]
                if v is not None
            ]
            row.append(round(sum(week) / len(week), 1) if week else None)
        report.connection_table.append(row)

    weeks, counts = progress.rituals_per_week(user, space, today, weeks=TREND_WEEKS, since=since)
    labels = [f"{w:%-d %b}" for w in weeks]
    bars = [
        charts.Series(name, counts.get(pk, [0] * len(weeks)), pattern=("solid", "hatch")[i])
        for i, (pk, name) in enumerate(people)
    ]
    report.rituals_svg = charts.bar_chart(
        labels,
        bars,
        title="Rituals each week",
        desc=f"Daily check-ins and weekly reviews done each week, for each of you, {span}.",
        chart_id="report-rituals",
        y_label="rituals",
        dates=weeks,
        first_day=since,
    )
    report.rituals_table = [[weeks[i]] + [s.values[i] for s in bars] for i in range(len(weeks))]


def _plan(report: Report, user, space) -> None:
    """The plan they are following: the couple plan, or the viewer's own if included.

    Shown as the viewer's own plan page shows it (their own safety mode): while it is on,
    practices to do together rest and practices for them alone come first. Whether the
    partner is in safety mode never changes this.
    """
    from reattune.care.safety import safety_mode
    from reattune.plans.models import Plan
    from reattune.plans.present import plan_outline
    from reattune.plans.queries import current_plan

    plan = current_plan(user)
    if plan is None:
        return
    if plan.kind == Plan.Kind.SOLO and not report.me.included:
        return  # a solo plan is the viewer's own private content
    report.plan = plan_outline(plan, report.today, safety_mode(user))
