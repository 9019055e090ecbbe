"""Two `reattune serve` processes, one PostgreSQL database: one couple across both.

Process A has its own data directory (a copy of the demo data, key files included); process B
has another and reads A's key files through REATTUNE_SECRET_KEY_FILE /
REATTUNE_ENCRYPTION_KEYS_FILE, as a second machine would (docs/deploy.md). Whatever one process does, the other must see:
sessions, the reveal rule of the daily check-in, time-outs, and log-in throttling. Nothing
that decides what someone may see or do lives in process memory.

In the PostgreSQL run (DATABASE_URL set) a PostgreSQL that cannot be used FAILS this test;
in the SQLite run it is skipped (there is no shared database server to run it against).
"""

import http.client
import json
import os
import re
from urllib.parse import urlencode

import pytest

from tests.browser import app_env, start_server
from tests.cli_fixtures import STATIC_FROM_SOURCE, data_copy

pytestmark = pytest.mark.postgres_only

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHECKIN = {
    "connection_today": 8,
    "feelings": ["calm"],
    "best_part": "{who} scale-out best part",
    "challenging_part": "{who} scale-out challenge",
    "appreciation": "{who} scale-out thanks",
}


class Browser:
    """Cookies, no redirects followed; `on(app)` picks the process for the next requests."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, app, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read().decode(errors="replace")
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data

    def form(self, app, path, fields):
        status, _, page = self.request(app, "GET", path)
        assert status == 200, (path, status)
        token = CSRF_INPUT.search(page)[1]
        body = urlencode({"csrfmiddlewaretoken": token, **fields})
        return self.request(
            app,
            "POST",
            path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{app.url}/"},
        )


def api(app, method, path, token, payload=None):
    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    body = None
    if payload is not None:
        body = json.dumps(payload)
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, f"/api/v1{path}", body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    return response.status, (json.loads(text) if text else None)


@pytest.fixture
def two_apps(tmp_path, request):
    if not os.environ.get("DATABASE_URL"):
        pytest.skip(
            "needs PostgreSQL: two processes against one database server. It runs in the "
            "PostgreSQL run (make test-postgres / scripts/with-postgres.sh), not on SQLite."
        )
    # From here on, a PostgreSQL that cannot be reached or used fails the test. The data: a
    # copy of the session's `reattune demo` (tests/cli_fixtures.py), a database of its own.
    demo_source = request.getfixturevalue("demo_source")
    with data_copy(demo_source, tmp_path / "a" / "data", "reattune_scale") as (_, env_a, url):
        env_a.update(STATIC_FROM_SOURCE)
        app_a = start_server(env_a, tmp_path / "a" / "data", workers=1, threads=4)
        try:
            keys = tmp_path / "a" / "data"
            env_b = app_env(tmp_path / "b" / "data", url) | STATIC_FROM_SOURCE
            env_b["REATTUNE_SECRET_KEY_FILE"] = str(keys / "secret.key")
            env_b["REATTUNE_ENCRYPTION_KEYS_FILE"] = str(keys / "encryption.keys")
            app_b = start_server(env_b, tmp_path / "b" / "data", workers=1, threads=4)
            try:
                assert not (tmp_path / "a" / "data" / "reattune.sqlite3").exists()
                assert not (tmp_path / "b" / "data" / "reattune.sqlite3").exists()
                yield app_a, app_b
            finally:
                app_b.stop()
        finally:
            app_a.stop()


def test_one_couple_across_two_processes(two_apps):
    a, b = two_apps
    alex, sam = a.demo()

    # Sessions: log in on A, carry on with the same cookie on B, log out on B.
    browser = Browser()
    status, headers, _ = browser.form(
        a, "/login/", {"email": alex["email"], "password": alex["password"]}
    )
    assert status == 302, "log-in on A"
    status, _, page = browser.request(b, "GET", "/home/")
    assert status == 200, "the session made on A works on B"
    assert "Log out" in page
    status, _, _ = browser.form(
        b,
        "/journal/new/",
        {
            "body": "written on B",
            "title": "",
            "visibility": "shared",  # the demo's alex has a vault: private words go there
            "submit_key": "0b3c6a0e-9a57-4c57-9bd8-0d5c8b0a1f11",
        },
    )
    assert status == 302, "a form posted on B with the session and CSRF cookie of A"
    status, _, page = browser.request(a, "GET", "/journal/")
    assert status == 200 and "written on B" in page, "written on B, read on A (same key)"

    # The reveal rule: alex checks in on A; sam, on B, sees only that alex has checked in.
    status, today = api(a, "GET", "/rituals/today", alex["token"])
    day = next(p["period"] for p in today if p["kind"] == "daily")
    status, _ = api(
        a,
        "POST",
        "/rituals/daily",
        alex["token"],
        {k: v.format(who="alex") if isinstance(v, str) else v for k, v in CHECKIN.items()},
    )
    assert status == 201
    status, period = api(b, "GET", f"/rituals/daily/{day}", sam["token"])
    assert status == 200
    assert period["partner_done"] is True
    assert period["partner"] is None, "closed until sam has shared their own"
    status, _ = api(
        b,
        "POST",
        "/rituals/daily",
        sam["token"],
        {k: v.format(who="sam") if isinstance(v, str) else v for k, v in CHECKIN.items()},
    )
    assert status == 201
    for app, reader, other in (
        (a, sam, "alex"),
        (b, sam, "alex"),
        (a, alex, "sam"),
        (b, alex, "sam"),
    ):
        status, period = api(app, "GET", f"/rituals/daily/{day}", reader["token"])
        assert period["partner"] is not None, (app.port, reader["email"])
        assert f"{other} scale-out best part" in json.dumps(period["partner"])

    # Time-outs: called on A, seen and ended on B, gone on A.
    status, current = api(a, "GET", "/rituals/timeout", alex["token"])
    if status == 200:  # the demo may have left one open
        api(a, "POST", f"/rituals/timeout/{current['id']}/end", alex["token"])
    status, called = api(a, "POST", "/rituals/timeout", alex["token"], {"minutes": 20})
    assert status == 201
    status, seen = api(b, "GET", "/rituals/timeout", sam["token"])
    assert status == 200 and seen["id"] == called["id"] and seen["running"] is True
    assert seen["called_by"] == "Alex"
    status, ended = api(b, "POST", f"/rituals/timeout/{called['id']}/end", sam["token"])
    assert status == 200 and ended["ended_at"] is not None
    status, _ = api(a, "GET", "/rituals/timeout", alex["token"])
    assert status == 204, "ended on B, over on A"

    # Log out on B: the session is gone on A too.
    status, _, page = browser.request(b, "GET", "/home/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    status, _, _ = browser.request(
        b,
        "POST",
        "/logout/",
        urlencode({"csrfmiddlewaretoken": token}),
        {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{b.url}/"},
    )
    assert status == 302
    status, headers, _ = browser.request(a, "GET", "/home/")
    assert status == 302 and "/login/" in headers["Location"], "logged out on B, out on A"

    # Rate limiting: failed log-ins split across A and B lock the account on both.
    for app in (a, b, a, b, a):
        status, _, page = Browser().form(
            app, "/login/", {"email": sam["email"], "password": "wrong password!"}
        )
        assert status == 200 and "do not match" in page
    for app in (a, b):
        status, _, page = Browser().form(
            app, "/login/", {"email": sam["email"], "password": sam["password"]}
        )
        assert status == 429, f"five failures across both lock the account on {app.url}"
        assert "Too many attempts" in page
    # Alex, a different account, is not locked by Sam's failures.
    status, _, _ = Browser().form(
        b, "/login/", {"email": alex["email"], "password": alex["password"]}
    )
    assert status == 302
