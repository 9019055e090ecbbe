"""Care in the API: the help card and the help resources for the signed-in partner.

The safety screen has no API on purpose: it is answered in the app, privately. The `support`
object that other apps add to their save responses comes from reattune.care.support.support_for;
its schema is `SupportOut` below (use `support: SupportOut | None = Field(None, ...)` with
`exclude_none=True`, as journal/api.py does).
"""

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Router, Schema

from reattune.accounts.http import ApiRequest
from reattune.api.base import partner_auth
from reattune.care import help, support
from reattune.domain.safety.resources import HelpLine

router = Router(tags=["care"], auth=partner_auth())


class ReasonOut(Schema):
    id: str
    text: str
    lines: Literal["crisis"] | None = Field(
        None, description="crisis: show the crisis lines (GET /care/resources) with it."
    )


class HelpOut(Schema):
    show: bool
    title: str
    intro: str
    note: str
    reasons: list[ReasonOut]
    snoozed_until: datetime | None


Audience = Literal["everyone", "women", "men", "lgbtq"]


def _everyone() -> list[Audience]:
    return ["everyone"]


class LineOut(Schema):
    name: str
    phone: str
    description: str
    url: str | None
    hours: str | None
    region: str | None
    audience: list[Audience] = Field(default_factory=_everyone, description="Who the line is for.")


class ResourcesOut(Schema):
    country: str | None
    name: str | None
    emergency_number: str | None
    emergency_label: str
    crisis_lines: list[LineOut]
    dv_lines: list[LineOut]
    behaviour_lines: list[LineOut] = Field(
        default_factory=list, description="For people worried about their own behaviour."
    )
    directory: list[dict]
    message: str | None


class SupportLineOut(Schema):
    kind: Literal["crisis", "domestic_violence", "own_behaviour"]
    name: str
    phone: str
    description: str
    url: str | None = None
    hours: str | None = None
    region: str | None = None


class EmergencyOut(Schema):
    number: str | None = None
    label: str


class DirectoryOut(Schema):
    name: str
    url: str


class SupportOut(Schema):
    """The `support` object: present only when free text reads like a crisis.

    Every API operation that saves or analyses free text adds it to its response as
    ``support`` (left out when there is no hit). Nothing is stored or sent because of it.
    """

    kinds: list[Literal["harm_from_others", "suicide", "self_harm", "harm_to_others"]] = Field(
        ..., description="What was found, most urgent first (being hurt comes first)."
    )
    context: Literal["private", "shared", "draft", "partner"] = Field(
        ...,
        description="private: saved, your partner cannot read it; shared: saved for your "
        "partner to read (or will once revealed) or, for ritual answers listed in "
        "`held_answers`, held for you until you confirm with `share_anyway` (the message says "
        "which); draft: not stored; partner: you are reading what your partner revealed, with "
        "guidance on how to respond.",
    )
    message_key: str
    message: str = Field(..., description="Wording that is true for the context.")
    guidance: list[str] = Field(
        default_factory=list, description="Steps for a partner who reads it (context partner)."
    )
    country: str | None = None
    country_name: str | None = None
    emergency: EmergencyOut
    lines: list[SupportLineOut] = Field(
        ...,
        description="Help lines of the reader's country; domestic-violence lines first "
        "when someone is hurt or threatened.",
    )
    directory: list[DirectoryOut]
    note: str | None = None
    safety_check_url: str | None = Field(
        None, description="The private safety check (not for context partner)."
    )


SUPPORT_DESCRIPTION = (
    "Only when the text reads like a crisis: how to reach help now, for the person who sent "
    "the request alone (reattune.care.support). Left out otherwise. Nothing is stored or sent."
)


def _line(line: HelpLine) -> dict[str, Any]:
    return {
        "name": line.name,
        "phone": line.phone,
        "description": line.description,
        "url": line.url,
        "hours": line.hours,
        "region": line.region,
        "audience": list(line.audience),
    }


@router.get("/help", response=HelpOut, summary="The help card: whether and why it shows")
def help_card(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    reasons = help.reasons_for(user)
    until = help.snoozed_until(user)
    return {
        **help.card_context(user),
        "show": bool(reasons) and until is None,
        "reasons": [{"id": r.id, "text": r.text, "lines": r.lines} for r in reasons],
        "snoozed_until": until,
    }


@router.get("/resources", response=ResourcesOut, summary="Help lines for my country")
def resources(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    res = support.resources_for_user(user, request)
    return {
        "country": res.country,
        "name": res.name,
        "emergency_number": res.emergency.number,
        "emergency_label": res.emergency.label,
        "crisis_lines": [_line(x) for x in res.crisis_lines],
        "dv_lines": [_line(x) for x in res.dv_lines],
        "behaviour_lines": [_line(x) for x in res.behaviour_lines],
        "directory": [{"name": d.name, "url": d.url} for d in res.directory],
        "message": res.message,
    }
