"""The progress page's "areas across your check-ups" chart (a rituals slot)."""

from reattune.domain.charts import Series, line_chart

MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")
MAX_ROUNDS = 24  # the last two years of monthly check-ups: the chart stays readable


def areas_section(request, space):
    from reattune.assessments.models import Response
    from reattune.assessments.results import answers_for, scores_for

    responses = list(
        Response.objects.filter(
            author=request.user, instrument_id="connection_check", submitted_at__isnull=False
        ).order_by("-submitted_at")[:MAX_ROUNDS]
    )[::-1]
    if not responses:
        return None
    answers = answers_for(responses)
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
