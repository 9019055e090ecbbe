"""Load the expected-access tables in tests/access/*.yaml and run requests against them.

The format is documented at the top of every YAML file here (see accounts.yaml). In short:

    objects:                        # optional: extra objects for the test world
      my_thing: "tests.my_module:make_thing"   # function(world) -> object (or str/int)
    routes:
      "journal/<int:entry_id>/":    # the route's path string, exactly as in the URL map
        - kwargs: {entry_id: alex_private}     # world names become that object's pk
          data: {body: "x"}         # optional body for POST/PUT/PATCH/DELETE
          GET: {alex: 200, "*": 404, anonymous: 302}
          "*": {"*": 404, anonymous: 302}      # every method not listed

A route maps to one case (a mapping) or to a list of cases. A method's value is a mapping
persona -> status (an int, or a list of allowed ints), or {expect: <that mapping>, data: ...}
to send its own body. Persona keys: alex, sam, casey, anonymous, or "*" for the personas
not listed; on API routes "alex@bearer" / "*@session" etc. narrow a status to one way of
authenticating. Lookup order: persona@auth, persona, *@auth, *.

Routes under api/ are API routes: requested as JSON, once with a session (CSRF not
enforced) and once with the persona's Bearer token. Other routes are pages, requested with
a logged-in session (Client.force_login) and form-encoded bodies.
"""

import copy
import importlib
import json
import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

TABLE_DIR = Path(__file__).resolve().parent
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PERSONAS = ("alex", "sam", "casey", "anonymous")
# Therapist personas (care.yaml builds them): only checked by tests that ask for them
# (tests/test_care_access.py), so tables that never name them keep working unchanged. A
# table may name one, or "therapist" for all of them (lookup: persona@auth, persona,
# therapist@auth, therapist, *@auth, *).
THERAPIST_PERSONAS = ("therapist_none", "therapist_one", "therapist_both", "therapist_revoked")
AUTHS = ("session", "bearer")
CASE_KEYS = {"kwargs", "data", "note", *METHODS, "*"}
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# libyaml's safe loader where PyYAML has it: the same documents as yaml.safe_load, about eight
# times faster (every test class that walks the tables reads all of them).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- the URL map ---------------------------------------------------------------------------


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def url_routes() -> dict[str, URLPattern]:
    """Every route path string in the URL map -> its (first) pattern.

    django-ninja registers one pattern per operation with the same path; they share a key.
    """
    routes: dict[str, URLPattern] = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        routes.setdefault(route, pattern)
    return routes


def is_api(route: str) -> bool:
    return route.startswith("api/")


def route_params(route: str) -> list[str]:
    return [m.group("name") for m in PARAM.finditer(route)]


def build_url(route: str, kwargs: dict) -> str:
    def fill(match):
        name = match.group("name")
        if name not in kwargs:
            raise KeyError(f"route {route!r} needs kwargs[{name!r}]")
        return quote(str(kwargs[name]), safe="")

    return "/" + PARAM.sub(fill, route)


# --- the tables ----------------------------------------------------------------------------

# Pages answer only these; any other method gets 405 for everyone, before the log-in check,
# so the tables of pages say nothing about PUT, PATCH and DELETE (their "*" means GET/POST).
PAGE_METHODS = ("GET", "HEAD", "POST")


@dataclass
class Case:
    route: str
    source: str
    kwargs: dict = field(default_factory=dict)
    data: dict | None = None
    methods: dict = field(default_factory=dict)  # method or "*" -> {"expect": {...}, "data": ...}

    @property
    def api(self) -> bool:
        return is_api(self.route)

    def label(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.kwargs.items())
        return f"{self.route}" + (f" [{args}]" if args else "")

    def method_spec(self, method: str) -> dict | None:
        return self.methods.get(method) or self.methods.get("*")

    def body(self, method: str):
        spec = self.method_spec(method) or {}
        return spec.get("data", self.data)

    def expected(self, method: str, persona: str, auth: str = "session"):
        """Allowed statuses (a tuple), or None when the table says nothing."""
        if not self.api and method not in PAGE_METHODS:
            return (405,)  # one rule for every page (core.middleware.PageMethodsMiddleware)
        spec = self.method_spec(method)
        if spec is None:
            return None
        expect = spec["expect"]
        group = ("therapist@" + auth, "therapist") if persona in THERAPIST_PERSONAS else ()
        for key in (f"{persona}@{auth}", persona, *group, f"*@{auth}", "*"):
            if key in expect:
                value = expect[key]
                return tuple(value) if isinstance(value, list) else (value,)
        return None


@dataclass
class Tables:
    cases: dict[str, list[Case]]  # route -> cases
    objects: dict[str, str]  # world name -> "module:function"
    problems: list[str]

    def all_cases(self):
        for cases in self.cases.values():
            yield from cases


def _normalise_method(value, where: str, problems: list[str]) -> dict:
    if isinstance(value, dict) and "expect" in value:
        spec = {"expect": value["expect"]}
        if "data" in value:
            spec["data"] = value["data"]
        extra = set(value) - {"expect", "data"}
        if extra:
            problems.append(f"{where}: unknown keys {sorted(extra)}")
    else:
        spec = {"expect": value}
    expect = spec["expect"]
    if not isinstance(expect, dict) or not expect:
        problems.append(f"{where}: expected a mapping persona -> status")
        spec["expect"] = {}
        return spec
    for key, status in expect.items():
        persona, _, auth = str(key).partition("@")
        known = (*PERSONAS, *THERAPIST_PERSONAS, "therapist", "*")
        if persona not in known or (auth and auth not in AUTHS):
            problems.append(f"{where}: unknown persona key {key!r}")
        statuses = status if isinstance(status, list) else [status]
        if not statuses or not all(isinstance(s, int) and 100 <= s < 600 for s in statuses):
            problems.append(f"{where}: {key!r} must be an HTTP status or a list of them")
    return spec


def load_tables(directory: Path = TABLE_DIR) -> Tables:
    cases: dict[str, list[Case]] = {}
    objects: dict[str, str] = {}
    problems: list[str] = []
    files = sorted(directory.glob("*.yaml"))
    if not files:
        problems.append(f"no tables in {directory}")
    for path in files:
        source = path.name
        document = yaml.load(path.read_text(), Loader=SAFE_LOADER) or {}  # noqa: S506  # nosec B506 - a SafeLoader
        if not isinstance(document, dict) or set(document) - {"routes", "objects"}:
            problems.append(f"{source}: top-level keys must be 'routes' and 'objects'")
            continue
        for name, target in (document.get("objects") or {}).items():
            if name in objects:
                problems.append(f"{source}: world object {name!r} is defined twice")
            objects[name] = target
        for route, value in (document.get("routes") or {}).items():
            if route in cases:
                problems.append(f"{source}: {route!r} is already in {cases[route][0].source}")
                continue
            entries = value if isinstance(value, list) else [value]
            cases[route] = []
            for index, entry in enumerate(entries):
                where = f"{source}: {route!r}" + (f" case {index + 1}" if len(entries) > 1 else "")
                if not isinstance(entry, dict):
                    problems.append(f"{where}: a case must be a mapping")
                    continue
                unknown = set(entry) - CASE_KEYS
                if unknown:
                    problems.append(f"{where}: unknown keys {sorted(unknown)}")
                methods = {
                    m: _normalise_method(entry[m], f"{where} {m}", problems)
                    for m in (*METHODS, "*")
                    if m in entry
                }
                case = Case(
                    route=route,
                    source=source,
                    kwargs=dict(entry.get("kwargs") or {}),
                    data=entry.get("data"),
                    methods=methods,
                )
                missing = set(route_params(route)) - set(case.kwargs)
                if missing:
                    problems.append(f"{where}: kwargs lack {sorted(missing)}")
                for method in METHODS:
                    for persona in PERSONAS:
                        for auth in AUTHS if case.api else ("session",):
                            if case.expected(method, persona, auth) is None:
                                problems.append(
                                    f"{where}: no status for {method} as {persona} ({auth})"
                                )
                cases[route].append(case)
    return Tables(cases=cases, objects=objects, problems=problems)


# --- the test world ------------------------------------------------------------------------


def _foundation_objects(world: dict) -> None:
    from reattune.accounts.actions import do_create_user
    from reattune.accounts.models import AccessToken
    from reattune.couples import actions as couples

    for name in ("alex", "sam", "casey"):
        world[f"{name}_token_record"] = AccessToken.objects.get(user=world[name])
    # An open invite from someone still alone in their space (alex and sam are complete).
    world["riley"] = do_create_user("riley@example.org", "riley-password-123", "Riley")
    world["invite_token"] = couples.do_create_invite(world["riley"])


def build_world(tables: Tables | None = None) -> dict:
    """tests.base.make_world() plus the objects the tables name."""
    from tests.base import make_world

    tables = tables or load_tables()
    world = make_world()
    _foundation_objects(world)
    for name, target in tables.objects.items():
        module, _, function = target.partition(":")
        world[name] = getattr(importlib.import_module(module), function)(world)
    return world


def resolve_kwargs(kwargs: dict, world: dict) -> dict:
    """World names become the object's pk (or the value itself for strings and numbers)."""
    resolved = {}
    for key, value in kwargs.items():
        if isinstance(value, str) and value in world:
            value = world[value]
            value = getattr(value, "pk", value)
        resolved[key] = value
    return resolved


def case_url(case: Case, world: dict) -> str:
    return build_url(case.route, resolve_kwargs(case.kwargs, world))


# --- requests ------------------------------------------------------------------------------


class Personas:
    """One logged-in client per persona; its cookies are reset before every request, so a
    log-out or a session change in one request does not leak into the next.

    Each session and each token is first used once (GET /healthz, GET /api/v1/me), as a
    browser or a script in use has done: the session then holds this hour's activity stamp
    (core.middleware.IdleSessionMiddleware) and the token its last use (api.base.TokenAuth),
    so the requests of a walk read them as they would in use, instead of each writing them
    again (in a savepoint that is rolled back) as a first use does."""

    def __init__(self, world: dict, enforce_csrf_checks: bool = False, personas=PERSONAS):
        self.world = world
        self.clients: dict[str, Client] = {}
        self.cookies: dict[str, object] = {}
        for persona in personas:
            client = Client(enforce_csrf_checks=enforce_csrf_checks)
            if persona != "anonymous":
                client.force_login(world[persona])
                client.get("/healthz")
                token = world.get(f"{persona}_token")  # therapists have none
                if token:
                    Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            self.clients[persona] = client
            self.cookies[persona] = copy.deepcopy(client.cookies)
        # Bearer requests carry no cookie: one client, its cookies emptied before each request
        # (a new Client per request built the whole middleware chain again each time).
        self.bare = Client()

    def client(self, persona: str, auth: str = "session") -> tuple[Client, dict]:
        if auth == "bearer":
            headers = {}
            token = self.world.get(f"{persona}_token")  # therapists have none
            if persona != "anonymous" and token:
                headers["Authorization"] = f"Bearer {token}"
            self.bare.cookies = SimpleCookie()
            return self.bare, headers
        client = self.clients[persona]
        client.cookies = copy.deepcopy(self.cookies[persona])
        return client, {}


def send(client: Client, method: str, url: str, data, api: bool, headers: dict | None = None):
    call = getattr(client, method.lower())
    headers = headers or {}
    if method == "GET":
        return call(url, data=data or {}, headers=headers)
    if api:
        body = json.dumps({} if data is None else data)
        return call(url, data=body, content_type="application/json", headers=headers)
    if method == "POST":
        return call(url, data=data or {}, headers=headers)
    return call(
        url,
        data=urlencode(data or {}, doseq=True),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )


def request_rolled_back(client, method, url, data, api, headers=None):
    """One request inside a savepoint that is rolled back, so it changes nothing for the next.

    Returns (response or None, a short error description or None).
    """
    with transaction.atomic():
        try:
            return send(client, method, url, data, api, headers), None
        except Exception as error:  # a view that raises is a 500 in production
            return None, f"raised {type(error).__name__}"
        finally:
            transaction.set_rollback(True)


def auths_for(case: Case):
    return AUTHS if case.api else ("session",)
