"""Change over time, said honestly: is a change larger than measurement noise?

Jacobson & Truax (1991) reliable change index:

    SE     = SD * sqrt(1 - r)        standard error of measurement
    S_diff = sqrt(2) * SE            standard error of the difference of two scores
    RCI    = (current - previous) / S_diff
    reliable when |RCI| > 1.96

``r`` is the construct's reliability. We borrow no norms: r is Cronbach's alpha computed
from this installation's own completed responses once there are at least
``MIN_RESPONSES_FOR_ALPHA`` (30) of them; before that a conservative default
(``DEFAULT_RELIABILITY`` = 0.70) is used. A lower r means a larger SE, so fewer changes
are called reliable: a default at the low end of what is usually thought acceptable keeps
us from over-claiming. ``choose_reliability`` says which was used so the page can too.

``SD`` is likewise this installation's spread of scores once 30 exist, otherwise a
conservative default of a quarter of the score range (``choose_sd``); a bounded score's SD
cannot exceed half its range, and larger SDs again make fewer changes count as reliable.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

DEFAULT_RELIABILITY = 0.70
MIN_RESPONSES_FOR_ALPHA = 30
MIN_SCORES_FOR_SD = 30
RCI_THRESHOLD = 1.96
SUGGESTED_RETAKE_DAYS = 28


@dataclass(frozen=True)
class ReliableChange:
    previous: float
    current: float
    diff: float  # current - previous
    sd: float
    r: float
    se: float
    s_diff: float
    rci: float | None  # None when s_diff is 0 (no spread or r = 1)
    reliable: bool  # abs(rci) > 1.96
    direction: str  # "up" | "down" | "none" (sign of diff, reliable or not)
    verdict: str  # "better" | "worse" | "up" | "down" | "no reliable change"

    def to_dict(self) -> dict:
        return asdict(self)


def reliable_change(
    prev: float,
    curr: float,
    sd: float,
    r: float,
    *,
    higher_means: str | None = None,
) -> ReliableChange:
    """Jacobson–Truax RCI for one construct's score at two times.

    ``higher_means`` ("strain" | "strength" | None) turns a reliable rise or fall into
    "worse"/"better"; without it the verdict is "up"/"down". A change that is not reliable
    is "no reliable change" whatever its sign.
    """
    for name, value in (("prev", prev), ("curr", curr), ("sd", sd), ("r", r)):
        if value is None or isinstance(value, bool) or not math.isfinite(float(value)):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    if sd < 0:
        raise ValueError(f"sd must not be negative, got {sd}")
    if not 0 <= r <= 1:
        raise ValueError(f"r must be between 0 and 1, got {r}")
    diff = float(curr) - float(prev)
    se = float(sd) * math.sqrt(1 - float(r))
    s_diff = math.sqrt(2) * se
    rci = diff / s_diff if s_diff > 0 else None
    reliable = rci is not None and abs(rci) > RCI_THRESHOLD
    direction = "up" if diff > 0 else "down" if diff < 0 else "none"
    if not reliable:
        verdict = "no reliable change"
    elif higher_means == "strain":
        verdict = "worse" if diff > 0 else "better"
    elif higher_means == "strength":
        verdict = "better" if diff > 0 else "worse"
    else:
        verdict = direction
    return ReliableChange(
        previous=float(prev),
        current=float(curr),
        diff=diff,
        sd=float(sd),
        r=float(r),
        se=se,
        s_diff=s_diff,
        rci=rci,
        reliable=reliable,
        direction=direction,
        verdict=verdict,
    )


def _variance(values: Sequence[float]) -> float:
    n = len(values)
    mean = sum(values) / n
    return sum((v - mean) ** 2 for v in values) / (n - 1)


def cronbach_alpha(rows: Sequence[Sequence[float | None]]) -> float | None:
    """Cronbach's alpha for respondents (rows) x items (columns).

    alpha = k/(k-1) * (1 - sum(item variances) / variance(row totals)), sample variances.
    Rows with a missing value (None) are left out. None when there are fewer than two items,
    fewer than two complete rows, rows of different lengths, or no spread in the totals.
    """
    complete = [list(map(float, row)) for row in rows if all(v is not None for v in row)]
    if len(complete) < 2:
        return None
    k = len(complete[0])
    if k < 2 or any(len(row) != k for row in complete):
        return None
    totals = [sum(row) for row in complete]
    total_var = _variance(totals)
    if total_var == 0:
        return None
    item_var = sum(_variance([row[j] for row in complete]) for j in range(k))
    return k / (k - 1) * (1 - item_var / total_var)


def choose_reliability(rows: Sequence[Sequence[float | None]]) -> tuple[float, str]:
    """(r, source): this installation's alpha once 30 complete responses exist, else the default.

    source is "installation" or "default". Alpha is clipped to 0..1 (a negative alpha means
    the items do not hang together; 0 is then the honest, most cautious reliability).
    """
    complete = [row for row in rows if all(v is not None for v in row)]
    if len(complete) >= MIN_RESPONSES_FOR_ALPHA:
        alpha = cronbach_alpha(complete)
        if alpha is not None:
            return (min(1.0, max(0.0, alpha)), "installation")
    return (DEFAULT_RELIABILITY, "default")


def choose_sd(
    scores: Sequence[float | None], score_min: float, score_max: float
) -> tuple[float, str]:
    """(sd, source): sample SD of this installation's scores once 30 exist, else range / 4."""
    values = [float(v) for v in scores if v is not None]
    if len(values) >= MIN_SCORES_FOR_SD:
        sd = math.sqrt(_variance(values))
        if sd > 0:
            return (sd, "installation")
    return ((score_max - score_min) / 4, "default")
