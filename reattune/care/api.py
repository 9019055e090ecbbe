"""Care in the API: the help card and the help resources for the signed-in partner.

The safety screen has no API on purpose: it is answered in the app, privately. The `support`
object that other apps add to their save responses comes from reattune.care.support.support_for.
"""

from datetime import datetime

from ninja import Router, Schema

from reattune.api.base import require_partner
from reattune.care import help, support

router = Router(tags=["care"])


class ReasonOut(Schema):
    id: str
    text: str


class HelpOut(Schema):
    show: bool
    title: str
    intro: str
    note: str
    reasons: list[ReasonOut]
    snoozed_until: datetime | None


class LineOut(Schema):
    name: str
    phone: str
    description: str
    url: str | None
    hours: str | None
    region: str | None


class ResourcesOut(Schema):
    country: str | None
    name: str | None
    emergency_number: str | None
    emergency_label: str
    crisis_lines: list[LineOut]
    dv_lines: list[LineOut]
    directory: list[dict]
    message: str | None


def _line(line):
    return {
        "name": line.name,
        "phone": line.phone,
        "description": line.description,
        "url": line.url,
        "hours": line.hours,
        "region": line.region,
    }


@router.get("/help", response=HelpOut, summary="The help card: whether and why it shows")
def help_card(request):
    user = require_partner(request)
    reasons = help.reasons_for(user)
    until = help.snoozed_until(user)
    return {
        **help.card_context(user),
        "show": bool(reasons) and until is None,
        "reasons": [{"id": r.id, "text": r.text} for r in reasons],
        "snoozed_until": until,
    }


@router.get("/resources", response=ResourcesOut, summary="Help lines for my country")
def resources(request):
    user = require_partner(request)
    res = support.resources_for_user(user, request)
    return {
        "country": res.country,
        "name": res.name,
        "emergency_number": res.emergency.number,
        "emergency_label": res.emergency.label,
        "crisis_lines": [_line(x) for x in res.crisis_lines],
        "dv_lines": [_line(x) for x in res.dv_lines],
        "directory": [{"name": d.name, "url": d.url} for d in res.directory],
        "message": res.message,
    }
