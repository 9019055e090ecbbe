from ninja import Router

# No operations yet. The API's default auth is partner_auth() (reattune.api.base), so an
# operation added here is partner-only even before this router says so; give it
# auth=partner_auth() with its first operation (tests/test_api_router_auth.py checks it).
router = Router(tags=["exports"])
