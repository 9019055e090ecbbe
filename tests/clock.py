"""A steady clock for test classes that compare what people see minutes apart.

Such a class walks every page before a change and again after it. On a busy machine the two
walks are minutes apart, and a clean run once failed because they fell either side of
midnight in alex and sam's time zone (23:00 UTC): "today" moved on sixteen pages, which is not
what the test is about. Under SteadyClock the whole class (its world included) runs on a
clock that starts at 12:20 of the real day in that zone and ticks as usual, so "today" holds
for hours and the comparison stays about the change alone.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from tests.base import WORLD_TIMEZONE

START_TIME = dt.time(12, 20)  # far from midnight in Berlin and in Los Angeles (03:20 there)


def steady_start() -> dt.datetime:
    return dt.datetime.combine(dt.date.today(), START_TIME, tzinfo=ZoneInfo(WORLD_TIMEZONE))


class SteadyClock:
    """Mix in before TestCase: ``class Tests(SteadyClock, TestCase)``."""

    _clock: time_machine.travel

    @classmethod
    def setUpClass(cls):
        cls._clock = time_machine.travel(steady_start(), tick=True)
        cls._clock.start()
        try:
            super().setUpClass()
        except BaseException:
            cls._clock.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls._clock.stop()
