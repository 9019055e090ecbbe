"""The report's number tables as HTML rows, for the page and the PDF (reports/content.html).

Built here rather than with nested {% for %} loops in the template, which cost more than the
rest of the report's rendering. Every cell is exactly what the template wrote before: the row
header through the `date` filter ("j M") or as text, each number localized, a missing number
as "–", and everything escaped as {{ cell }} escapes it (conditional_escape).
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

MISSING = "–"
PLAIN_NUMBER = re.compile(r"-?[0-9]{1,3}(\.[0-9]+)?")


def rows_html(
    rows: Iterable[Sequence[Any]], *, dated: bool = False, empty: str | None = MISSING
) -> SafeString:
    """<tr> rows: the first cell a row header (a date shown "j M" when `dated`), then numbers
    (None shown as `empty`)."""
    shown: dict[Any, str] = {}
    plain = not settings.USE_THOUSAND_SEPARATOR and get_format("DECIMAL_SEPARATOR") == "."

    def cell(value: Any) -> str:
        if value is None and empty is not None:
            return empty
        key = (type(value), value)
        text = shown.get(key)
        if text is None:
            # Where the language writes numbers as Python does, a small number's str() is
            # what localize() gives, for less.
            text = str(value) if plain and key[0] in (int, float) else None
            if text is None or not PLAIN_NUMBER.fullmatch(text):
                text = localize(value)
            text = shown[key] = conditional_escape(text)
        return text

    html = []
    for header, *cells in rows:
        if dated:
            head = conditional_escape(date_filter(header, "j M"))
        else:
            head = conditional_escape(localize(header))
        html.append(f'<tr><th scope="row">{head}</th>')
        html.extend(f"<td>{cell(value)}</td>" for value in cells)
        html.append("</tr>")
    # Every value above went through conditional_escape; the tags are our own constants.
    return mark_safe("".join(html))  # noqa: S308  # nosec B308 B703 - escaped above
