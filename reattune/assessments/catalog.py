"""The instrument catalogue of this installation, loaded and validated once per process.

A malformed instrument file (shipped or in REATTUNE_INSTRUMENT_DIRS) stops start-up with
`<file>: <field>: <problem>`: AssessmentsConfig.ready() checks those folders with every other
data file (reattune.domain.data_check.validate_all_once), and the catalogue is built on first
use (`reattune serve` builds it before its workers start).
"""

from functools import lru_cache
from pathlib import Path

from django.conf import settings

from reattune.domain.instruments import load_instruments


@lru_cache(maxsize=1)
def catalog():
    return load_instruments([Path(d) for d in settings.INSTRUMENT_DIRS])


# The check-up a partner takes, in order; the pulse and help instruments stand alone.
CHECKUP_SEQUENCE = ("connection_check", "whats_behind_it")
