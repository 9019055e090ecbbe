"""The JSON API v1: authentication, error shapes, and the router list.

Errors are always JSON {"detail": ...} with the right status; never a stack trace. Every
error an operation can answer is declared in the OpenAPI schema (ReattuneSchema).
"""

import inspect
import json
import re

from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.responses import NinjaJSONEncoder
from ninja.security import APIKeyCookie, HttpBearer

from reattune.accounts.models import AccessToken, User, hash_token
from reattune.core.errors import ActionError
from reattune.core.prepared import Prepared

# The largest whole number any query parameter or JSON body may carry: JavaScript's largest
# exact integer, far below what a database column holds, so `offset + limit` or an id
# lookup can never overflow. Larger numbers are refused with 422 before any view runs.
MAX_INT = 2**53 - 1
TOO_LARGE = f"This number is too large (at most {MAX_INT})."
_DIGITS = re.compile(r"[+-]?[0-9]+")


class TooLarge:
    """Stands in for a number over MAX_INT: no field type accepts it, so validation names
    the field, and on_validation words the problem (the request is marked TOO_LARGE_SEEN)."""

    def __repr__(self):
        return "TooLarge()"


TOO_LARGE_SEEN = "_reattune_too_large"


class BoundedParser(Parser):
    """JSON bodies and query strings with every whole number bounded by MAX_INT."""

    def parse_body(self, request):
        return json.loads(request.body, parse_int=lambda text: _bounded(request, text))

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        for key, value in result.items():
            if isinstance(value, list):
                result[key] = [_bounded_text(request, v) for v in value]
            else:
                result[key] = _bounded_text(request, value)
        return result


def _bounded(request, text: str):
    value = int(text)
    if abs(value) <= MAX_INT:
        return value
    setattr(request, TOO_LARGE_SEEN, True)
    return TooLarge()


def _bounded_text(request, value):
    if isinstance(value, str) and len(value) > 15 and _DIGITS.fullmatch(value.strip()):
        return _bounded(request, value.strip())
    return value


class PartnerOnly:
    """The router-level partner check, mixed into each way of authenticating.

    Once a credential names a person, anyone but a partner (a therapist) is answered 404,
    exactly as for something that does not exist, before any parameter or body is read. Every
    router's operations are partner-only (`Router(auth=partner_auth())`, the API's default too),
    so no endpoint checks it itself; tests/test_api_router_auth.py fails on an operation
    reachable without it.
    """

    partner_only = True

    def __call__(self, request):
        user = super().__call__(request)
        if user and getattr(user, "role", None) != User.Role.PARTNER:
            raise Http404
        return user


def _token(token_hash: str):
    return (
        AccessToken.objects.select_related("user").filter(token_hash=token_hash).order_by("pk")[:1]
    )


_TOKEN = Prepared(_token, token_hash="0" * 64)  # the query built once (core.prepared)


class TokenAuth(PartnerOnly, HttpBearer):
    """Personal access tokens: Authorization: Bearer rt_..."""

    def authenticate(self, request, token):
        if not token.startswith(AccessToken.PREFIX):
            return None
        record = _TOKEN.first(token_hash=hash_token(token))
        if record is None or not record.user.is_active:
            return None
        now = timezone.now()
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 300:
            AccessToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user


class SessionAuth(PartnerOnly, APIKeyCookie):
    """The browser's session cookie, with Django's CSRF check on unsafe methods.

    Without a signed-in session there is nothing a forged request could act as, so the CSRF
    check is skipped and the request ends as 401 (log in or send a token), not as a
    confusing 403. A signed-in session that writes without the CSRF token still gets 403.
    """

    param_name = "reattune_session"

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def partner_auth():
    """The auth of every router: a bearer token or the session (with CSRF on writes), and the
    partner check (PartnerOnly). Anonymous or a revoked token: 401; a therapist: 404."""
    return [TokenAuth(), SessionAuth(csrf=True)]


def is_partner_only(operation) -> bool:
    """Whether an operation is reachable only through the partner check (every auth callback
    of it is PartnerOnly)."""
    callbacks = operation.auth_callbacks
    return bool(callbacks) and all(getattr(cb, "partner_only", False) for cb in callbacks)


class ErrorOut(Schema):
    detail: str


class Problem(Schema):
    field: str
    problem: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[Problem] | None = None


# What each declared error means, in the schema's words.
ERROR_DESCRIPTIONS = {
    401: "Not logged in: no session, or no valid personal access token.",
    404: "Not found, or not yours to see (the two are never told apart).",
    409: "Changed meanwhile, or not possible in the current state; the detail says which.",
    422: "Some input needs another look; `errors` names the fields.",
}


def _source_of(func) -> str:
    """The view's source and that of the module-level helpers it calls (one level)."""
    try:
        parts = [inspect.getsource(func)]
    except (OSError, TypeError):
        return ""
    module_globals = getattr(func, "__globals__", {})
    for name in func.__code__.co_names:
        helper = module_globals.get(name)
        if inspect.isfunction(helper) and helper.__module__ == func.__module__:
            try:
                parts.append(inspect.getsource(helper))
            except (OSError, TypeError):
                pass
    return "\n".join(parts)


def may_refuse(view):
    """Declare that an operation's action can refuse: it raises a core.errors.ActionError
    (409 or 422, with words fit to show the person), which on_action_refused answers. The
    schema then lists 409 for it. Put it under the router's decorator."""
    view.may_refuse = True
    return view


def error_statuses(operation) -> set[int]:
    """The error statuses an operation can answer, read from how it is declared and written."""
    statuses = set()
    if operation.auth_callbacks:
        statuses.add(401)
    source = _source_of(operation.view_func)
    if any(model.model_fields for model in operation.models):
        statuses.add(422)  # any parameter or body can fail validation
    if is_partner_only(operation) or "404" in source or "_or_404" in source:
        statuses.add(404)
    writes = set(operation.methods) - {"GET", "HEAD", "OPTIONS"}
    # A write whose action can refuse (declared with @may_refuse: the action raises an
    # ActionError, answered by on_action_refused with its status), or that says 409.
    refusable = getattr(operation.view_func, "may_refuse", False)
    if "409" in source or (writes and (refusable or re.search(r"except [\w.]*Error", source))):
        statuses.add(409)
    if "422" in source:
        statuses.add(422)
    return statuses


class ReattuneSchema(OpenAPISchema):
    """django-ninja's schema plus the error answers of every operation."""

    def responses(self, operation):
        result = super().responses(operation)
        for status in sorted(error_statuses(operation)):
            if status in result:
                continue
            model = ValidationErrorOut if status == 422 else ErrorOut
            if model.__name__ not in self.schemas:
                self.schemas[model.__name__] = self._create_schema_from_model(
                    model, remove_level=False, mode="serialization"
                )[0]
            schema = {"$ref": f"#/components/schemas/{model.__name__}"}
            result[status] = {
                "description": ERROR_DESCRIPTIONS[status],
                "content": {self.api.renderer.media_type: {"schema": schema}},
            }
        return result


class ReattuneAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        # Built once per process and prefix (it takes a second or more, and the routes are all
        # known once the URL map is loaded) and kept as its JSON text; each caller gets its own
        # copy to change, read back from that text (several times cheaper than a deep copy of
        # the schema, and what /openapi.json serves either way).
        cache = self.__dict__.setdefault("_openapi_by_prefix", {})
        if path_prefix not in cache:
            cache[path_prefix] = json.dumps(ReattuneSchema(self, path_prefix), cls=NinjaJSONEncoder)
        return json.loads(cache[path_prefix])


api = ReattuneAPI(
    title="reattune API",
    version="1",
    description="Personal API of reattune. Everything here sees exactly what the signed-in "
    "partner sees in the app, and nothing of anyone else.",
    urls_namespace="api-v1",
    auth=partner_auth(),
    docs_url=None,
    parser=BoundedParser(),
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
        message = error.get("msg")
        # A TooLarge stand-in fails as the wrong type ("int_type", "string_type", ...).
        if getattr(request, TOO_LARGE_SEEN, False) and str(error.get("type", "")).endswith("_type"):
            message = TOO_LARGE
        problems.append({"field": where, "problem": message or "invalid"})
    return api.create_response(
        request, {"detail": "Some fields need another look.", "errors": problems}, status=422
    )


@api.exception_handler(OverflowError)
def on_overflow(request, exc):
    # A number in the address (an id) too large for the database: no such thing exists.
    return _json(request, 422, TOO_LARGE)


@api.exception_handler(DataError)
def on_data_error(request, exc):
    # PostgreSQL's "value out of range" for a number that slipped past MAX_INT.
    return _json(request, 422, "A value in this request is out of range.")


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return _json(request, exc.status_code, str(exc))


@api.exception_handler(ActionError)
def on_action_refused(request, exc):
    # An action could not do what was asked (core.errors.ActionError and each app's subclass):
    # its status, and its words, which are fit to show the person.
    body = {"detail": str(exc)}
    support = getattr(exc, "support", None)
    if support is not None:  # words of crisis in a refused write: help all the same
        body["support"] = support
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    import logging

    from reattune.core.stale_plans import close_after_stale_plan

    logging.getLogger("reattune.api").error("API error %s", type(exc).__name__, exc_info=exc)
    close_after_stale_plan(None, request, exception=exc)  # as got_request_exception does for pages
    return _json(request, 500, "Something went wrong on our side. Please try again.")
