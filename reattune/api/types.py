"""Field types for JSON request bodies that take what JSON says and nothing it does not.

Pydantic's lax mode turns "7" and 7.0 and true into the number 7, "yes" into true and the
number 0 into 1970-01-01. A client that sends those has a bug, and quietly storing a guess
hides it; so body fields use these types and answer 422 with the field named instead.
Query parameters keep the lax types: a query string only ever holds text.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, StrictBool, StrictInt

JsonInt = StrictInt
JsonBool = StrictBool


def _date_text_only(value: Any) -> Any:
    if isinstance(value, date) or isinstance(value, str):
        return value
    raise ValueError("a date is written as text, e.g. 2026-12-06")


JsonDate = Annotated[date, BeforeValidator(_date_text_only)]


def not_a_flag(value: Any) -> Any:
    """For Literal number choices: true == 1 in Python, so Literal[1, 2] takes true."""
    if isinstance(value, bool):
        raise ValueError("a number is expected here, not true or false")
    return value


NumberNotFlag = BeforeValidator(not_a_flag)
