"""Numbers as HTML table cells, each localized and escaped exactly as {{ value }} would be.

The dashboard's and the report's "show the numbers" tables repeat the same few numbers in
hundreds of cells, so each distinct value is localized and escaped once (keyed by type too:
6 == 6.0, but they show as "6" and "6.0").
"""

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape

PLAIN_NUMBER = re.compile(r"-?[0-9]{1,3}(\.[0-9]+)?")
_ESCAPED = re.compile(r"[&<>\"']")  # the characters conditional_escape replaces


def number_cells(empty: str | None = None) -> Callable[[Any], str]:
    """A function from a value to its escaped cell text (None shown as `empty` when given).

    Where the active language writes numbers as Python does ("." before the decimals, no
    thousands separator), a small int or float's str() is what localize() gives, for less.
    """
    shown: dict[Any, str] = {}
    plain = not settings.USE_THOUSAND_SEPARATOR and get_format("DECIMAL_SEPARATOR") == "."
    missing = None if empty is None else conditional_escape(empty)

    def cell(value: Any) -> str:
        if value is None and missing is not None:
            return missing
        key = (type(value), value)
        text = shown.get(key)
        if text is None:
            if key[0] is str and not _ESCAPED.search(value):
                # localize() gives a str back as it is, and escaping changes only these
                shown[key] = value
                return value
            text = str(value) if plain and key[0] in (int, float) else None
            if text is None or not PLAIN_NUMBER.fullmatch(text):
                text = conditional_escape(localize(value))
            # else: digits, a sign and a point, which escaping leaves as they are
            shown[key] = text
        return text

    return cell
