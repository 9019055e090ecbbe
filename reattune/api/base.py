"""The JSON API v1: authentication, error shapes, and the router list.

Errors are always JSON {"detail": ...} with the right status; never a stack trace.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from reattune.accounts.models import AccessToken, User, hash_token


class TokenAuth(HttpBearer):
    """Personal access tokens: Authorization: Bearer rt_..."""

    def authenticate(self, request, token):
        if not token.startswith(AccessToken.PREFIX):
            return None
        record = (
            AccessToken.objects.select_related("user").filter(token_hash=hash_token(token)).first()
        )
        if record is None or not record.user.is_active:
            return None
        now = timezone.now()
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 300:
            AccessToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user


class SessionAuth(APIKeyCookie):
    """The browser's session cookie, with Django's CSRF check on unsafe methods."""

    param_name = "reattune_session"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def partner_auth():
    return [TokenAuth(), SessionAuth(csrf=True)]


api = NinjaAPI(
    title="reattune API",
    version="1",
    description="Personal API of reattune. Everything here sees exactly what the signed-in "
    "partner sees in the app, and nothing of anyone else.",
    urls_namespace="api-v1",
    auth=partner_auth(),
    docs_url=None,
)


def _json(request, status, detail):
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _json(request, 404, "Not found.")


@api.exception_handler(AuthenticationError)
def on_auth(request, exc):
    return _json(
        request, 401, "Log in, or send a personal access token as 'Authorization: Bearer <token>'."
    )


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return _json(request, 413, "The request is too large.")


@api.exception_handler(ValidationError)
def on_validation(request, exc):
    problems = []
    for error in exc.errors:
        location = list(error.get("loc", []))
        # ninja prefixes the parameter's source and name: ("body", "payload", "field", ...).
        if location[:1] in (["body"], ["query"], ["path"]):
            location = location[2:] if location[:1] == ["body"] else location[1:]
        where = ".".join(str(part) for part in location)
        problems.append({"field": where, "problem": error.get("msg", "invalid")})
    return api.create_response(
        request, {"detail": "Some fields need another look.", "errors": problems}, status=422
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return _json(request, exc.status_code, str(exc))


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    import logging

    logging.getLogger("reattune.api").error("API error %s", type(exc).__name__, exc_info=exc)
    return _json(request, 500, "Something went wrong on our side. Please try again.")


def require_partner(request) -> User:
    user = request.auth
    if user.role != User.Role.PARTNER:
        raise Http404
    return user
