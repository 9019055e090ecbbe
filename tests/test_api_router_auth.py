"""Partner authentication is checked once, at the router: no API operation can forget it.

Every operation of the v1 API is found from the URL map (not from a list kept by hand) and
must be reachable only through the partner check of reattune.api.base (PartnerOnly: 401 for
anonymous or a revoked token, 404 for anyone but a partner, before any parameter or body is
read). The few addresses under /api/v1/ that touch no couple data are named in PUBLIC.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from reattune.accounts.actions import do_create_token, do_create_user, do_revoke_token
from reattune.accounts.models import AccessToken
from reattune.api import base
from reattune.api.urls import api
from reattune.care.actions import do_create_therapist
from tests.base import PASSWORD

# Addresses under /api/v1/ that are not operations on couple data, with the reason.
PUBLIC = {
    "": "django-ninja's root, always 404 (no docs page is served)",
    "openapi.json": "the API's schema: the shape of the operations, no one's data",
}

# An allow-list of operations ("METHOD /api/v1/path") reachable without the partner check.
# Empty: every operation reads or writes something of a partner's own or their couple's.
PUBLIC_OPERATIONS: dict[str, str] = {}


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _path_view(callback):
    """The django-ninja PathView behind a URL's view function (None for any other view)."""
    for cell in getattr(callback, "__closure__", None) or ():
        if type(cell.cell_contents).__name__ == "PathView":
            return cell.cell_contents
    return None


def api_urls() -> list[tuple[str, object]]:
    return [
        (route, cb)
        for route, cb in _walk(get_resolver().url_patterns)
        if route.startswith("api/v1/")
    ]


def api_operations() -> list[tuple[str, str, object]]:
    """(method, route, operation) for every operation in the URL map under /api/v1/."""
    found = {}
    for route, callback in api_urls():
        view = _path_view(callback)
        if view is None:
            continue
        for operation in view.operations:
            for method in operation.methods:
                found[(method, route)] = operation  # one URL name per operation: seen again
    return [(method, route, operation) for (method, route), operation in found.items()]


def _label(method, route):
    return f"{method} /{route}"


def test_the_url_map_holds_every_operation_of_the_schema():
    operations = api_operations()
    assert len(operations) > 50  # the walk found the API, not an empty list
    schema = api.get_openapi_schema()
    in_schema = {(m.upper(), p) for p, item in schema["paths"].items() for m in item}
    # "/api/v1/journal/{entry_id}" in the schema is "api/v1/journal/<int:entry_id>" in the map
    in_map = {(m, "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r)) for m, r, _ in operations}
    assert in_schema == in_map


def test_every_address_under_the_api_is_an_operation_or_named_public():
    others = sorted(route.removeprefix("api/v1/") for route, cb in api_urls() if not _path_view(cb))
    assert others == sorted(PUBLIC)


def test_every_operation_is_behind_the_partner_check():
    unchecked = [
        _label(method, route)
        for method, route, operation in api_operations()
        if not base.is_partner_only(operation) and _label(method, route) not in PUBLIC_OPERATIONS
    ]
    assert unchecked == [], (
        "Operations reachable without the router-level partner check (give the Router "
        "auth=partner_auth(), or name it in PUBLIC_OPERATIONS with the reason):\n"
        + "\n".join(unchecked)
    )


def test_every_router_declares_the_partner_check_itself():
    # The API's default is the same check (a router that forgot still gets it); each router
    # says so itself, where its endpoints are read.
    assert base.is_partner_only(type("Op", (), {"auth_callbacks": api.auth})())
    for prefix, router in api._routers:
        if not router.path_operations:
            continue  # the API's own root router, empty
        callbacks = router.auth if isinstance(router.auth, list | tuple) else [router.auth]
        assert all(getattr(cb, "partner_only", False) for cb in callbacks), prefix
    assert all(op.auth_callbacks for _, _, op in api_operations())


def test_the_allow_list_names_only_real_operations():
    labels = {_label(m, r) for m, r, _ in api_operations()}
    assert set(PUBLIC_OPERATIONS) <= labels


def _url(route: str) -> str:
    # any id or date: the check comes before the address is looked at
    def value(match):
        kind = match.group(1) or "str"
        return {"int": "1", "uuidstr": "00000000-0000-4000-8000-000000000001"}.get(
            kind, "2026-01-05"
        )

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", value, route)


def _call(client, method, url, **extra):
    body = "{not json" if method != "GET" else None  # a body that would fail validation
    if body is None:
        return getattr(client, method.lower())(url, **extra)
    return getattr(client, method.lower())(url, data=body, content_type="application/json", **extra)


@pytest.mark.django_db
def test_anyone_but_a_partner_is_stopped_before_the_operation_runs():
    """Each operation, with a body that would not even parse: anonymous and a revoked token
    get 401, a therapist (by session or by token) 404 "Not found.", as for what does not exist."""
    therapist = do_create_therapist("router-auth@example.org", "a long therapist phrase 7", "T")
    record, therapist_token = do_create_token(therapist, "tests")
    partner = do_create_user("revoked@example.org", PASSWORD, "Robin", "Europe/Berlin")
    revoked, revoked_token = do_create_token(partner, "tests")
    assert do_revoke_token(partner, revoked.pk)
    assert not AccessToken.objects.filter(pk=revoked.pk).exists()

    session = Client()
    session.force_login(therapist)
    problems = []
    for method, route, _ in api_operations():
        url = _url(route)
        answers = {
            "anonymous": (_call(Client(), method, url), 401),
            "revoked token": (
                _call(Client(), method, url, headers={"Authorization": f"Bearer {revoked_token}"}),
                401,
            ),
            "therapist token": (
                _call(
                    Client(), method, url, headers={"Authorization": f"Bearer {therapist_token}"}
                ),
                404,
            ),
            "therapist session": (_call(session, method, url), 404),
        }
        for who, (response, expected) in answers.items():
            if response.status_code != expected:
                problems.append(f"{method} {url} as {who}: {response.status_code}")
            elif expected == 404 and response.json() != {"detail": "Not found."}:
                problems.append(f"{method} {url} as {who}: {response.json()}")
    assert problems == []
