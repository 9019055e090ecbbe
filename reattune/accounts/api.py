from typing import Any

from ninja import Router, Schema

from reattune.accounts.http import ApiRequest
from reattune.api.base import partner_auth
from reattune.couples.membership import active_membership, partner_of

router = Router(tags=["me"], auth=partner_auth())


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    in_space: bool
    has_partner: bool


@router.get("", response=MeOut, summary="Who am I")
def me(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "in_space": active_membership(user) is not None,
        "has_partner": partner_of(user) is not None,
    }
