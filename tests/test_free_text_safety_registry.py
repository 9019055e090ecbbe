"""Registry test: every place a person writes free text answers a crisis sentence with support.

Two halves, both found from the code itself rather than from a hand-kept list:

* Pages: every route of the URL map is visited (directly, or through the links of the pages
  the couple can see). Every form on those pages that has a free-text field (a textarea, or a
  text input that is not a name, e-mail, password, token or time zone) is posted once per such
  field with a crisis sentence in it (the other fields filled with ordinary words). The page
  that comes back must show support: the crisis page (``id="help-now"``) or the support include
  ``care/includes/support.html`` (``id="support"``). Every target a form posts to counts: its
  action, a button's ``formaction`` and an ``hx-post`` inside it (the coach's live feedback).
* API: every operation of /api/v1/openapi.json whose request body has a string field is called
  once per such field with a crisis sentence in it; the JSON answer must carry ``support``. Its
  documented 2xx response must declare ``support`` with the SupportOut schema.

A route that shows no page to the couple must be explained in PAGES_NOT_VISITED; a field that is
not free text must be explained in the allow-lists. Nothing is skipped: a new free-text path
without support makes this test fail.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from reattune.api.base import api
from reattune.rituals.kinds import all_feeling_words
from tests.base import make_world

CRISIS = "I want to kill myself. I can't do this anymore."
SHORT_CRISIS = "I want to die"  # for fields with a short limit (own feeling words: 40)
ORDINARY = "We had a calm evening together."
SUPPORT_MARKERS = ('id="support"', 'id="help-now"')

# ----- the allow-lists: fields that are NOT free text (each with its reason) -----

# Form fields (by name) that are text inputs but not free text.
PAGE_FIELDS_NOT_FREE_TEXT = {
    "display_name": "a first name",
    "name": "a label for an access token or a therapist's name",
    "email": "an e-mail address",
    "username": "an e-mail address (log-in)",
    "password": "a password",
    "current_password": "a password",
    "new_password": "a password",
    "new_password2": "a password",
    "timezone": "a time zone name",
    "country": "a country code",
    "token": "an invitation or access token",
    "code": "an invitation code",
    "confirm": "a typed confirmation word (delete my account)",
}
# API body properties (by name) that are strings but not free text.
API_FIELDS_NOT_FREE_TEXT = {
    "instrument_id": "the id of a check-up from the catalog",
    "old": "a practice id (plan swap)",
    "new": "a practice id (plan swap)",
    "feelings": "words picked from the shipped feeling vocabulary (GET /prompts)",
    "private_fields": "prompt ids of answers to keep private",
    "visibility": "an enum",
    "action": "an enum",
}

# Values the API needs to accept a body, where the schema cannot say (words from a list).
API_SAMPLE_VALUES = {"feelings": lambda: [sorted(all_feeling_words())[0]]}

# Routes the couple (alex) never sees as a page, each with its reason.
PAGES_NOT_VISITED = {
    "logout": "logs out; a POST with no fields",
    "token-revoke": "a POST button with no text",
    "invite-open": "needs a one-time invitation token; its page has a confirm button only",
    "invite-confirm": "a confirm button only",
    "password-reset-confirm": "needs a one-time reset link; its one field is a new password",
    "journal-delete": "a POST button with no text",
    "checkup-start": "a POST button with no text",
    "checkup-page": "answers are radio buttons (no free text); reached only after a start",
    "checkup-review": "a finish button only",
    "rituals-timeout-end": "a POST button with no text",
    "rituals-feed": "a calendar file (.ics), not a page",
    "care-crisis-lexicons": "public data (the crisis lexicons as JSON for the browser), not a page",
    "rituals-feed-create": "a POST button with no text",
    "rituals-feed-revoke": "a POST button with no text",
    "rituals-react": "reaction buttons (a heart, thank you, me too) posted with no text",
    "care-therapist-consent": "a checkbox and a button",
    "care-therapist-revoke": "a POST button with no text",
    "therapist-invite-open": "needs a therapist invitation token",
    "therapist-invite-confirm": "a confirm button only",
    "therapist-home": "for therapists only: read-only",
    "therapist-signup": "name, e-mail and password only",
    "therapist-couple": "for therapists only: read-only",
    "therapist-journal": "for therapists only: read-only",
    "export-download": "a file download",
    "healthz": "the health check: no page",
    "landing": "the public front page (signed-in people go home): no form",
    "care-snooze": "a POST button with no text",
    "care-safety-result": "the safety check's result: no text (needs saved answers)",
    "care-safety-delete": "a POST button with no text",
    "care-therapist-invite-revoke": "a POST button with no text",
    "invite-create": "a POST button, shown only to a person alone",
    "invite-revoke": "a POST button, shown only to a person alone",
    "plan-swap": "hidden fields and a choice of practice (needs a plan)",
    "practice": "a practice page: read-only (linked from a plan)",
    "results-share": "buttons with hidden fields only (needs results)",
    "results-partner-answers": "read-only (needs shared results)",
    "report-pdf": "a PDF file",
}
# Links never followed while crawling (they change state on GET elsewhere or are files).
NEVER_FOLLOW = {"logout", "export-download", "report-pdf", "rituals-feed"}
PAGES_PER_ROUTE = 3  # crawl(): enough to follow a route's links in its different states


# ----- the URL map -----


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name, bool(p.pattern.converters)


def page_routes():
    """(route, name, has_parameters) of every page route (not the API, not static files)."""
    return [
        (route, name, params)
        for route, name, params in _walk(get_resolver().url_patterns)
        if not route.startswith(("api/", "static/", "^static")) and name
    ]


# ----- a small form parser -----


class Form:
    def __init__(self, action, method):
        self.action = action
        self.method = method
        self.fields = []  # (kind, name, value, attrs)
        self.targets = []  # extra post targets: button formaction, hx-post
        self.submit = None  # (name, value) of the first submit button, if named

    def free_text(self):
        names = []
        for kind, name, _value, attrs in self.fields:
            if kind not in ("textarea", "text") or not name or "readonly" in attrs:
                continue
            if name in PAGE_FIELDS_NOT_FREE_TEXT or name in names:
                continue
            names.append(name)
        return names

    def data(self, target_field, sentence):
        data = {}
        radios = {}
        for kind, name, value, attrs in self.fields:
            if not name:
                continue
            if kind in ("textarea", "text"):
                if name == target_field:
                    data[name] = sentence
                elif name in PAGE_FIELDS_NOT_FREE_TEXT or value.strip():
                    data.setdefault(name, value)
                else:
                    data.setdefault(name, ORDINARY)
            elif kind == "radio":
                if "checked" in attrs or name not in radios:
                    radios[name] = value
            elif kind == "checkbox":
                if "checked" in attrs:
                    data.setdefault(name, value or "on")
            elif kind == "select":
                data.setdefault(name, value)
            elif kind == "number":
                data.setdefault(name, value or attrs.get("min") or "5")
            elif kind == "date":
                data.setdefault(name, value or dt.date.today().isoformat())
            else:  # hidden and anything else: as given
                data.setdefault(name, value)
        data.update(radios)
        if self.submit:
            data[self.submit[0]] = self.submit[1]
        return data

    def limit_for(self, field):
        for _kind, name, _value, attrs in self.fields:
            if name == field and attrs.get("maxlength"):
                try:
                    return int(attrs["maxlength"])
                except ValueError:
                    return None
        return None


class FormParser(HTMLParser):
    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self.form = None
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs_list):
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        if tag == "a" and attrs.get("href", "").startswith("/"):
            self.links.append(attrs["href"])
        if tag == "form":
            action = urljoin(self.page_url, attrs.get("action") or self.page_url)
            self.form = Form(action, attrs.get("method", "get").lower())
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        if attrs.get("hx-post"):
            self.form.targets.append(urljoin(self.page_url, attrs["hx-post"]))
        name = attrs.get("name", "")
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("search", "url", "tel"):
                kind = "text"
            if kind in ("submit", "image"):
                self._button(attrs)
                return
            self.form.fields.append((kind, name, attrs.get("value", ""), attrs))
        elif tag == "textarea":
            self.textarea = [name, "", attrs]
        elif tag == "select":
            self.select = [name, None, attrs]
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select[1] is None or "selected" in attrs:
                self.select[1] = value
        elif tag == "button":
            if attrs.get("type", "submit").lower() == "submit":
                self._button(attrs)

    def _button(self, attrs):
        if attrs.get("formaction"):
            self.form.targets.append(urljoin(self.page_url, attrs["formaction"]))
        elif self.form.submit is None and attrs.get("name"):
            self.form.submit = (attrs["name"], attrs.get("value", ""))
        elif self.form.submit is None:
            self.form.submit = ()

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None and self.form is not None:
            name, value, attrs = self.textarea
            self.form.fields.append(("textarea", name, value, attrs))
            self.textarea = None
        elif tag == "select" and self.select is not None and self.form is not None:
            name, value, attrs = self.select
            self.form.fields.append(("select", name, value or "", attrs))
            self.select = None
        elif tag == "form":
            self.form = None


def parse(url, html):
    parser = FormParser(url)
    parser.feed(html)
    for form in parser.forms:
        if form.submit == ():
            form.submit = None
    return parser


def route_name(url):
    try:
        return resolve(urlsplit(url).path).url_name
    except Resolver404:
        return None


def seeds():
    """URLs to start from: every route without parameters, and the periods of today for the
    routes that take a date (this day, this week's Monday, this month's first day)."""
    today = dt.date.today()
    days = {today, today - dt.timedelta(days=today.weekday()), today.replace(day=1)}
    out = []
    for route, _name, params in page_routes():
        if not params:
            out.append("/" + route)
        elif route.count("<") == 1 and "<isodate:" in route:
            start, end = route.index("<"), route.index(">") + 1
            out += ["/" + route[:start] + d.isoformat() + route[end:] for d in sorted(days)]
    return out


def crawl(client):
    """Every page alex can reach: the routes without parameters, then their links.

    Returns {route name: (path, html)}, the first page found of each route. At most
    PAGES_PER_ROUTE pages of one route are visited: a day's check-in links to the day before,
    and that one to the day before it, so without a limit the walk spent most of its 400
    requests going back through the days (the same routes and first pages were found with the
    limit as without it: 43 of them, in 83 requests instead of 400)."""
    pages = {}
    queue = seeds()
    seen = set()
    per_route: dict[str, int] = {}
    while queue and len(seen) < 400:
        url = queue.pop(0)
        path = urlsplit(url).path
        name = route_name(path)
        if path in seen or name is None or name in NEVER_FOLLOW:
            continue
        if per_route.get(name, 0) >= PAGES_PER_ROUTE:
            continue
        per_route[name] = per_route.get(name, 0) + 1
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages.setdefault(name, (path, html))
        queue.extend(parse(path, html).links)
    return pages


def has_support(response):
    content = response.content.decode(errors="replace")
    return any(marker in content for marker in SUPPORT_MARKERS)


# ----- pages -----


@pytest.fixture
def world(db):
    world = make_world()
    world["alex"].country = "GB"
    world["alex"].save()
    return world


@pytest.fixture
def alex(world):
    client = Client()
    client.force_login(world["alex"])
    return client


def test_every_page_form_with_free_text_shows_support_for_a_crisis_sentence(alex, world):
    pages = crawl(alex)
    names = {name for _route, name, _params in page_routes()}
    assert set(PAGES_NOT_VISITED) <= names, "stale entries: " + ", ".join(
        sorted(set(PAGES_NOT_VISITED) - names)
    )
    targets_seen = set()
    forms_seen = set()
    checked = []
    failures = []
    # Each post runs in a savepoint that is rolled back, and a GET writes nothing
    # (tests/test_no_get_changes.py), so the form as the crawl saw it is the form as it stands
    # before every post: its submit keys and versions are still unused.
    for name, (url, html) in sorted(pages.items()):
        for form in parse(url, html).forms:
            targets_seen.update(route_name(t) for t in [form.action, *form.targets])
            if form.method != "post":
                continue
            # The same form on many pages (the time-out bar) is checked once.
            key = (form.action, tuple(form.free_text()), tuple(form.targets))
            if key in forms_seen:
                continue
            forms_seen.add(key)
            for field in form.free_text():
                limit = form.limit_for(field)
                sentence = CRISIS if limit is None or limit >= len(CRISIS) else SHORT_CRISIS
                for target in [form.action, *form.targets]:
                    with transaction.atomic():
                        response = alex.post(target, form.data(field, sentence), follow=True)
                        if response.status_code in (400, 422) and sentence != SHORT_CRISIS:
                            # A field with a short limit (own feeling words): the short one.
                            response = alex.post(
                                target, form.data(field, SHORT_CRISIS), follow=True
                            )
                        label = f"{name} ({url}) field {field!r} -> {urlsplit(target).path}"
                        checked.append(label)
                        if not has_support(response):
                            failures.append(f"{label}: {response.status_code}, no support")
                        transaction.set_rollback(True)
    unexplained = names - set(pages) - targets_seen - set(PAGES_NOT_VISITED)
    assert not unexplained, (
        "routes neither visited nor explained in PAGES_NOT_VISITED: "
        + ", ".join(sorted(unexplained))
    )
    # The known free-text forms are among those checked (the crawl really found them).
    for expected in ("journal-new", "coach", "coach-listen", "coach-opener"):
        assert any(label.startswith(expected + " ") for label in checked), expected
    assert not failures, "free text without support:\n" + "\n".join(failures)


# ----- API -----


@functools.cache
def _schema():
    """The schema served at /api/v1/openapi.json (as JSON: status codes are strings).

    Built once per process (it takes seconds) and only read; the served one is compared with it
    in test_the_served_schema_lists_the_same_operations."""
    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].split("/")[-1]]
    return node


def _options(node):
    if "anyOf" in node:
        return [n for n in node["anyOf"] if n.get("type") != "null"]
    return [node]


def free_text_fields(schema, node, path=()):
    """Paths of free-text string values in a request body schema ("[]" marks array items)."""
    node = _resolve(schema, node)
    out = []
    for option in _options(node):
        option = _resolve(schema, option)
        kind = option.get("type")
        if kind == "object":
            for prop, sub in option.get("properties", {}).items():
                if prop in API_FIELDS_NOT_FREE_TEXT:
                    continue
                out += free_text_fields(schema, sub, (*path, prop))
        elif kind == "array":
            out += free_text_fields(schema, option.get("items", {}), (*path, "[]"))
        elif kind == "string" and not (
            option.get("enum") or option.get("format") or option.get("pattern")
        ):
            out.append(path)
    return sorted(set(out))


def on_target_prop(target, path):
    return target is not None and target[: len(path)] == path


def sample(schema, node, target=None, path=(), sentence=CRISIS):
    """A valid body: required fields and the target filled, the target with the sentence."""
    node = _resolve(schema, node)
    option = _resolve(schema, _options(node)[0]) if _options(node) else node
    kind = option.get("type")
    on_target = target is not None and target[: len(path)] == path
    if kind == "object":
        out = {}
        required = set(option.get("required", ()))
        for prop, sub in option.get("properties", {}).items():
            sub_path = (*path, prop)
            if prop in API_SAMPLE_VALUES and not on_target_prop(target, sub_path):
                out[prop] = API_SAMPLE_VALUES[prop]()
            elif prop in required or on_target_prop(target, sub_path):
                out[prop] = sample(schema, sub, target, sub_path, sentence)
        return out
    if kind == "array":
        if on_target:
            return [sample(schema, option.get("items", {}), target, (*path, "[]"), sentence)]
        return list(option.get("default", []))
    if kind == "string":
        if target == path:
            limit = option.get("maxLength")
            return sentence if limit is None or limit >= len(sentence) else SHORT_CRISIS
        if "default" in option and option["default"] != "":
            return option["default"]
        if option.get("enum"):
            return option["enum"][0]
        fmt = option.get("format")
        if fmt == "date":
            return dt.date.today().isoformat()
        if fmt == "uuid":
            return str(uuid.uuid4())
        if fmt == "date-time":
            return dt.datetime.now(dt.UTC).isoformat()
        return ORDINARY
    if kind == "integer":
        if "default" in option:
            return option["default"]
        if option.get("enum"):
            return option["enum"][0]
        low, high = option.get("minimum", 1), option.get("maximum", 5)
        return max(low, min(high, 5))
    if kind == "number":
        return option.get("default", 1)
    if kind == "boolean":
        return option.get("default", False)
    return None


def api_operations():
    schema = _schema()
    out = []
    for route, ops in schema["paths"].items():
        for method, op in ops.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            for field in free_text_fields(schema, body["schema"]):
                out.append((method.upper(), route, field))
    return out


OPERATIONS = api_operations()


def test_the_served_schema_lists_the_same_operations(world):
    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json()["paths"].keys() == _schema()["paths"].keys()
    # The operations known to take free text are found.
    found = {(m, r) for m, r, _f in OPERATIONS}
    for expected in (("POST", "/api/v1/journal"), ("POST", "/api/v1/coach/analyze")):
        assert expected in found


def _call(client, method, url, body, token):
    return getattr(client, method.lower())(
        url,
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def _path_for(client, schema, method, route, token):
    """A concrete URL: a parameter is filled from what creating the parent returns."""
    if "{" not in route:
        return route
    parent = route[: route.index("/{")]
    param = route[route.index("{") + 1 : route.index("}")]
    ops = schema["paths"].get(parent, {})
    body_schema = ops.get("post", {}).get("requestBody", {}).get("content", {})
    body = sample(schema, body_schema.get("application/json", {}).get("schema", {}), None)
    created = _call(client, "POST", parent, body, token)
    assert created.status_code in (200, 201), (parent, created.status_code, created.content[:300])
    data = created.json()
    for key in (param, "id", "period"):
        if key in data:
            return route.replace("{" + param + "}", str(data[key]))
    raise AssertionError(f"cannot fill {{{param}}} of {route} from {sorted(data)}")


class ApiFreeTextTests(TestCase):
    """Each operation and field of OPERATIONS in its own savepoint, rolled back after, on one
    test world (built once for the class, as the page test's world is)."""

    @classmethod
    def setUpTestData(cls):
        cls.world = make_world()
        cls.world["alex"].country = "GB"
        cls.world["alex"].save()

    def test_every_api_free_text_field_returns_support_for_a_crisis_sentence(self):
        self.assertGreater(len(OPERATIONS), 10)
        for method, route, field in OPERATIONS:
            with self.subTest(method=method, route=route, field=field), transaction.atomic():
                try:
                    self._check(method, route, field)
                finally:
                    transaction.set_rollback(True)

    def _check(self, method, route, field):
        schema = _schema()
        op = schema["paths"][route][method.lower()]
        body_schema = op["requestBody"]["content"]["application/json"]["schema"]
        client = Client()
        token = self.world["alex_token"]
        url = _path_for(client, schema, method, route, token)
        body = sample(schema, body_schema, field)
        response = _call(client, method, url, body, token)
        if response.status_code in (400, 422):
            # A field with a short limit (own feeling words): the short crisis sentence.
            body = sample(schema, body_schema, field, sentence=SHORT_CRISIS)
            response = _call(client, method, url, body, token)
        assert 200 <= response.status_code < 300, (response.status_code, response.content[:400])
        data = response.json()
        assert isinstance(data.get("support"), dict), f"{method} {route} {field}: no support"
        assert data["support"]["kinds"], data["support"]
        assert data["support"]["lines"] or data["support"]["directory"]
        # Documented: every 2xx answer declares `support` with the SupportOut schema.
        for status, answer in op["responses"].items():
            if not status.startswith("2"):
                continue
            content = answer.get("content", {}).get("application/json", {})
            props = _resolve(schema, content.get("schema", {})).get("properties", {})
            assert "support" in props, f"{method} {route} {status}: support is not documented"
            refs = [o.get("$ref", "") for o in _options(props["support"])]
            assert any(r.endswith("/SupportOut") for r in refs), (method, route, props["support"])


def test_the_allow_lists_hold_no_free_text_field_of_the_known_forms():
    # Guard against hiding a real free-text field behind an allow-list entry.
    for name in ("body", "title", "text", "note", "miss", "feel", "like", "appreciation"):
        assert name not in PAGE_FIELDS_NOT_FREE_TEXT
        assert name not in API_FIELDS_NOT_FREE_TEXT
