"""Helpers for check-up tests: fill in instruments with chosen positions on each scale."""

from reattune.assessments import actions
from reattune.assessments.catalog import CHECKUP_SEQUENCE, catalog


def fill(user, instrument_id, position=0.5, submit=True):
    """Answer every item at `position` (0..1 of the scale; reverse items mirrored)."""
    response, _ = actions.do_start_response(user, instrument_id)
    instrument = catalog().latest(instrument_id)
    answers = {}
    for item in instrument.items:
        scale = instrument.scales[item.scale]
        p = 1 - position if item.reverse else position
        answers[item.id] = round(scale.min + (scale.max - scale.min) * p)
    actions.do_save_answers(response, answers)
    if submit:
        actions.do_submit(response)
    return response


def complete_checkup(user, position=0.5):
    return [fill(user, instrument_id, position) for instrument_id in CHECKUP_SEQUENCE]


def world_checkups(world):
    """Access-matrix world: alex and sam finished the check-up (so they share a couple plan)."""
    complete_checkup(world["alex"], 0.8)
    complete_checkup(world["sam"], 0.6)
    return "done"


def world_open_response(world):
    """An unfinished pulse of alex's."""
    return fill(world["alex"], "closeness_pulse", 0.5, submit=False)
