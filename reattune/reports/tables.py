"""The report's number tables as HTML rows, for the page and the PDF (reports/content.html).

Built here rather than with nested {% for %} loops in the template, which cost more than the
rest of the report's rendering. Every cell is exactly what the template wrote before: the row
header through the `date` filter ("j M") or as text, each number localized, a missing number
as "–", and everything escaped as {{ cell }} escapes it (conditional_escape).
"""

import functools
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.template.defaultfilters import date as date_filter
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from reattune.core.number_cells import number_cells

MISSING = "–"


@functools.lru_cache(maxsize=1024)
def _day_month(day, language: str | None) -> str:
    """A row header date as the `date` filter shows it ("j M"), escaped: the same for every
    reader of that date in that language, so formatted once per process."""
    return conditional_escape(date_filter(day, "j M"))


def rows_html(
    rows: Iterable[Sequence[Any]], *, dated: bool = False, empty: str | None = MISSING
) -> SafeString:
    """<tr> rows: the first cell a row header (a date shown "j M" when `dated`), then numbers
    (None shown as `empty`)."""
    cell = number_cells(empty)
    language = get_language() if dated else None  # the same for every row of this call

    html = []
    for header, *cells in rows:
        if dated and type(header) is date:  # a datetime depends on the time zone: not kept
            head = _day_month(header, language)
        elif dated:
            head = conditional_escape(date_filter(header, "j M"))
        else:
            head = conditional_escape(localize(header))
        html.append(f'<tr><th scope="row">{head}</th>')
        html.extend(f"<td>{cell(value)}</td>" for value in cells)
        html.append("</tr>")
    # Every value above went through conditional_escape; the tags are our own constants.
    return mark_safe("".join(html))  # noqa: S308  # nosec B308 B703 - escaped above


def header_cells(names: Iterable[str]) -> SafeString:
    """One <th scope="col"> per name, escaped as {{ person.name }} escapes it."""
    cells = "".join(f'<th scope="col">{escape(name)}</th>' for name in names)
    return mark_safe(cells)  # noqa: S308  # nosec B308 B703 - escaped above


def plan_weeks(weeks: Iterable[dict]) -> SafeString:
    """The plan's weeks as <li> items, as the template wrote them: "Week 2 (this week): A,
    B", the practice titles escaped as {{ week.focus|join:", " }} escapes them (a week's
    number is a small int: no separator, nothing to escape)."""
    items = []
    for week in weeks:
        focus = ", ".join(escape(title) for title in week["focus"])
        if week["current"]:
            items.append(f'<li class="current">Week {week["number"]:d} (this week): {focus}</li>')
        else:
            items.append(f"<li>Week {week['number']:d}: {focus}</li>")
    return mark_safe("".join(items))  # noqa: S308  # nosec B308 B703 - escaped above
