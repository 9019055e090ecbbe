from ninja import Router

from reattune.api.base import partner_auth

router = Router(tags=["exports"], auth=partner_auth())
