"""One ActionError(message, status, code), one API handler (api/base.py) for every app's error."""

import json

import pytest
from django.test import RequestFactory

from reattune.api.base import api
from reattune.assessments.errors import CheckupError
from reattune.care.actions import CareError
from reattune.core.errors import ActionError
from reattune.couples.actions import JoinError
from reattune.journal.actions import EditConflict as EntryConflict
from reattune.journal.actions import EntryError
from reattune.plans.actions import PlanError
from reattune.rituals.actions import EditConflict, RitualError, StaleChoice


@pytest.mark.parametrize(
    "error_class", [CheckupError, CareError, JoinError, EntryError, PlanError, RitualError]
)
def test_every_apps_error_is_an_action_error(error_class):
    assert issubclass(error_class, ActionError)
    assert issubclass(error_class, ValueError)  # callers that catch ValueError still do


def test_status_and_code_default_per_class_and_can_be_given():
    assert (ActionError("x").status, ActionError("x").code) == (422, "invalid")
    assert JoinError("taken").status == 409  # a join is refused by the current state
    error = RitualError("late", status=410, code="gone")
    assert (str(error), error.status, error.code) == ("late", 410, "gone")
    assert (EditConflict().status, EditConflict().code) == (409, "conflict")
    assert StaleChoice().status == 409 and EntryConflict().status == 409


@pytest.mark.parametrize(
    "error", [PlanError("That swap is not possible."), JoinError("Create your space first.")]
)
def test_the_one_handler_answers_the_status_and_the_words(error):
    request = RequestFactory().post("/api/v1/anything")
    response = api.on_exception(request, error)
    assert response.status_code == error.status
    assert json.loads(response.content) == {"detail": str(error)}
