"""The report choice over the API: whether my own section is in our report."""

from typing import Any

from ninja import Router, Schema

from reattune.accounts.http import ApiRequest
from reattune.accounts.models import User
from reattune.api.base import partner_auth
from reattune.api.types import JsonBool
from reattune.core import access
from reattune.couples.membership import partner_of
from reattune.reports import build

router = Router(tags=["reports"], auth=partner_auth())


class ChoiceIn(Schema):
    include: JsonBool


def _out(user: User) -> dict[str, Any]:
    partner = partner_of(user)
    space_id = access.active_space_id(user)
    chosen = build.choices(space_id, [user] + ([partner] if partner else [])) if space_id else {}
    return {
        "include": chosen.get(user.pk, False),
        "partner_included": bool(partner and chosen.get(partner.pk, False)),
    }


@router.get("/choice", summary="Whether my section (and my partner's) is in our report")
def get_choice(request: ApiRequest) -> dict[str, Any]:
    return _out(request.auth)


@router.put("/choice", summary="Include my section in our report, or take it out")
def set_choice(request: ApiRequest, payload: ChoiceIn) -> dict[str, Any]:
    user = request.auth
    build.do_set_included(user, payload.include)  # ActionError -> 404 (api.base's handler)
    return _out(user)
