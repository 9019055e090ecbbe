"""The progress page's "areas across your check-ups" chart (a rituals slot)."""

from reattune.core.prepared import Prepared
from reattune.domain.charts import Series, line_chart

MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")
MAX_ROUNDS = 24  # the last two years of monthly check-ups: the chart stays readable
CHART_INSTRUMENT = "connection_check"  # the questionnaire whose areas the chart follows


def _rounds(author_id: int):
    from reattune.assessments.models import Response

    return (
        Response.objects.filter(
            author_id=author_id, instrument_id=CHART_INSTRUMENT, submitted_at__isnull=False
        )
        .order_by("-submitted_at")
        .only("id", "instrument_id", "instrument_version", "submitted_at")[:MAX_ROUNDS]
    )  # what the chart reads: the scoring's instrument and the day


def _answers_from(author_id: int, lowest: int):
    """The answers of the person's check-up responses from `lowest` (a response id) on: a
    superset of the rounds shown (at most a few responses more, an unfinished one say),
    picked out by id below. Only the chart's instrument: a round's other questionnaires,
    answered beside it, would be read only to be dropped."""
    from reattune.assessments.models import Answer

    return Answer.objects.filter(
        response__author_id=author_id,
        response__instrument_id=CHART_INSTRUMENT,
        response_id__gte=lowest,
    ).values_list("response_id", "item_id", "value")


_ROUNDS = Prepared(_rounds, author_id=0)
_ANSWERS_FROM = Prepared(_answers_from, author_id=0, lowest=0)


def areas_section(request, space):
    from reattune.assessments.results import scores_for

    responses = _ROUNDS.rows(author_id=request.user.pk)[::-1]
    if not responses:
        return None
    wanted = {r.pk for r in responses}
    answers: dict[int, dict[str, int]] = {}
    lowest = min(wanted)
    for response_id, item_id, value in _ANSWERS_FROM.rows(author_id=request.user.pk, lowest=lowest):
        if response_id in wanted:
            answers.setdefault(response_id, {})[item_id] = value
    rounds = [scores_for(r, answers.get(r.pk, {})) for r in responses]
    instrument = rounds[-1].instrument if hasattr(rounds[-1], "instrument") else None
    constructs = [
        (cid, c)
        for cid, c in (instrument.constructs.items() if instrument else [])
        if c.scored and c.area
    ]
    labels = [r.submitted_at.astimezone(space.tzinfo()).strftime("%-d %b %y") for r in responses]
    series, table = [], []
    for index, (cid, construct) in enumerate(constructs):
        values = []
        for scores in rounds:
            score = scores.get(cid)
            values.append(
                None if score is None or score.normalised is None else round(score.normalised * 100)
            )
        series.append(Series(construct.title, values, marker=MARKERS[index % len(MARKERS)]))
        table.append([construct.title, *values])
    svg = line_chart(
        labels,
        series,
        title="How strained each area felt at each check-up",
        desc="One line per area, from 0 (not at all strained) to 100 (very strained).",
        chart_id="chart-areas",
        y_min=0,
        y_max=100,
        y_label="strain",
    )
    return "assessments/progress_section.html", {
        "svg": svg,
        "headers": ["Area", *labels],
        "table": table,
    }
