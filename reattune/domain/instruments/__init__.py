"""Instruments: questionnaires as data files, their scoring, insight and change over time.

Plain Python (no Django). Public API::

    from reattune.domain.instruments import load_instruments, InstrumentError, Instrument
    from reattune.domain.instruments import score_response, ScaleScore
    from reattune.domain.instruments.insight import individual_insight, couple_insight
    from reattune.domain.instruments.change import reliable_change, cronbach_alpha

See loader.py (file format and checks), scoring.py (scoring rules), insight.py (thresholds
and signal keys) and change.py (reliable change).
"""

from .loader import (
    SHIPPED_DIR,
    Catalog,
    load_instrument_file,
    load_instruments,
    parse_instrument,
    shipped_catalog,
)
from .model import Band, Construct, Instrument, InstrumentError, Item, Scale
from .scoring import ScaleScore, ScoreSet, check_answers, keyed_rows, score_response

__all__ = [
    "SHIPPED_DIR",
    "Band",
    "Catalog",
    "Construct",
    "Instrument",
    "InstrumentError",
    "Item",
    "Scale",
    "ScaleScore",
    "ScoreSet",
    "check_answers",
    "keyed_rows",
    "load_instrument_file",
    "load_instruments",
    "parse_instrument",
    "score_response",
    "shipped_catalog",
]
