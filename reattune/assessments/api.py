from datetime import datetime
from typing import Any

from django.http import Http404
from ninja import Router, Schema

from reattune.accounts.http import ApiRequest
from reattune.accounts.models import User
from reattune.api.base import may_refuse, partner_auth
from reattune.api.types import JsonInt
from reattune.assessments import actions, queries
from reattune.assessments.catalog import catalog
from reattune.assessments.models import Response
from reattune.core import access
from reattune.domain.instruments.model import Instrument

router = Router(tags=["checkups"], auth=partner_auth())


class ChoiceOut(Schema):
    value: int
    label: str


class ItemOut(Schema):
    id: str
    text: str
    choices: list[ChoiceOut]


class InstrumentOut(Schema):
    id: str
    version: int
    title: str
    intro: str
    kind: str
    items: list[ItemOut]


class ResponseOut(Schema):
    id: int
    instrument_id: str
    instrument_version: int
    started_at: datetime
    submitted_at: datetime | None
    retired: bool
    answers: dict[str, int]


class StartIn(Schema):
    instrument_id: str


class AnswersIn(Schema):
    answers: dict[str, JsonInt | None]


class SavedOut(Schema):
    saved: int


def _instrument_out(instrument: Instrument) -> dict[str, Any]:
    items = []
    for item in instrument.items:
        scale = instrument.scales[item.scale]
        items.append(
            {
                "id": item.id,
                "text": item.text,
                "choices": [
                    {"value": v, "label": scale.labels.get(v, str(v))}
                    for v in range(scale.min, scale.max + 1)
                ],
            }
        )
    return {
        "id": instrument.id,
        "version": instrument.version,
        "title": instrument.title,
        "intro": instrument.intro,
        "kind": instrument.kind,
        "items": items,
    }


def _response_out(response: Response) -> dict[str, Any]:
    return {
        "id": response.pk,
        "instrument_id": response.instrument_id,
        "instrument_version": response.instrument_version,
        "started_at": response.started_at,
        "submitted_at": response.submitted_at,
        "retired": queries.is_retired(response),
        "answers": queries.answers_of(response),
    }


def _own(user: User, response_id: int) -> Response:
    return access.get_own_or_404(Response.objects.all(), user, pk=response_id)


@router.get("/instruments", response=list[InstrumentOut], summary="Instruments to take")
def instruments(request: ApiRequest) -> list[dict[str, Any]]:
    return [_instrument_out(i) for i in catalog().current() if i.kind != "safety"]


@router.post(
    "/responses",
    response={201: ResponseOut, 200: ResponseOut},
    summary="Start a check-up, or resume the unfinished one",
)
@may_refuse
def start(request: ApiRequest, payload: StartIn) -> tuple[int, dict[str, Any]]:
    user = request.auth
    response, created = actions.do_start_response(user, payload.instrument_id)
    return (201 if created else 200), _response_out(response)


@router.get("/responses", response=list[ResponseOut], summary="My check-ups")
def my_responses(request: ApiRequest) -> list[dict[str, Any]]:
    user = request.auth
    rows = access.owned_by(Response.objects.all(), user).order_by("-started_at")[:100]
    return [_response_out(r) for r in rows]


@router.get("/responses/{int:response_id}", response=ResponseOut, summary="One of my check-ups")
def get_response(request: ApiRequest, response_id: int) -> dict[str, Any]:
    return _response_out(_own(request.auth, response_id))


@router.put(
    "/responses/{int:response_id}/answers",
    response=SavedOut,
    summary="Save answers (null clears one); saved as you go",
)
@may_refuse
def save_answers(request: ApiRequest, response_id: int, payload: AnswersIn) -> dict[str, int]:
    response = _own(request.auth, response_id)
    return {"saved": actions.do_save_answers(response, payload.answers)}


@router.post("/responses/{int:response_id}/submit", response=ResponseOut, summary="Finish")
@may_refuse
def submit(request: ApiRequest, response_id: int) -> dict[str, Any]:
    response = _own(request.auth, response_id)
    return _response_out(actions.do_submit(response))


@router.get("/results/me", summary="My results (only mine can include sign-level detail)")
def my_results(request: ApiRequest) -> dict:
    from reattune.assessments.results import insight_for

    insight, _ = insight_for(request.auth)
    if insight is None:
        raise Http404
    return insight.to_dict()


@router.get("/results/couple", summary="The couple view: scale scores and patterns, no answers")
def couple(request: ApiRequest) -> dict[str, Any]:
    from reattune.assessments.results import couple_view

    view = couple_view(request.auth)
    out: dict[str, Any] = {
        "state": view["state"],
        "me_done": view["me_done"],
        "partner_done": view["partner_done"],
    }
    if view["state"] == "ready":
        out["couple"] = view["couple"]
        out["partner"] = view["partner_view"]
    return out


@router.get("/results/history", summary="Change over time with reliable-change estimates")
def history(request: ApiRequest, instrument_id: str = "connection_check") -> dict:
    from reattune.assessments.results import history as build

    data = build(request.auth, instrument_id)
    data["dates"] = [d.isoformat() for d in data["dates"]]
    return data
