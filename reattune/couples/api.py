from typing import Any

from ninja import Router, Schema
from ninja.errors import HttpError

from reattune.accounts.http import ApiRequest
from reattune.accounts.models import User
from reattune.api.base import may_refuse, partner_auth
from reattune.couples import actions

router = Router(tags=["couple"], auth=partner_auth())


class PartnerOut(Schema):
    display_name: str


class SpaceOut(Schema):
    id: int
    timezone: str
    today: str
    partner: PartnerOut | None


class InviteOut(Schema):
    url: str
    expires_in_days: int


class LeaveOut(Schema):
    left: bool


def _space(user: User) -> dict[str, Any]:
    membership = actions.active_membership(user)
    if membership is None:
        raise HttpError(404, "You are not in a couple space.")
    partner = actions.partner_of(user)
    return {
        "id": membership.space_id,
        "timezone": membership.space.timezone,
        "today": membership.space.today().isoformat(),
        "partner": {"display_name": partner.display_name} if partner else None,
    }


@router.get("", response=SpaceOut, summary="My couple space")
def space(request: ApiRequest) -> dict[str, Any]:
    return _space(request.auth)


@router.post("/invite", response={201: InviteOut}, summary="Create a new invite link")
@may_refuse
def invite(request: ApiRequest) -> tuple[int, dict[str, Any]]:
    user = request.auth
    raw = actions.do_create_invite(user)
    return 201, {
        "url": request.build_absolute_uri(f"/invite/{raw}/"),
        "expires_in_days": actions.INVITE_LIFETIME.days,
    }


@router.post("/leave", response=LeaveOut, summary="Leave the couple space")
def leave(request: ApiRequest) -> dict[str, bool]:
    user = request.auth
    if actions.active_membership(user) is None:
        raise HttpError(404, "You are not in a couple space.")
    actions.do_leave_space(user)
    return {"left": True}
