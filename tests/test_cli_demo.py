"""`reattune demo`: runs twice without harm, prints credentials that work, and --json for scripts.

Follows the test run's database: SQLite in the data directory, or in the PostgreSQL run a
fresh database on the server named by DATABASE_URL (demo writes through every feature's demo
step, so both engines matter). The first run is the test session's own (tests/cli_fixtures.py);
the second runs here on a copy of its data, which `reattune serve` serves (started on the copy
before the second run). The printed credentials are tried against that server.
"""

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

from tests.browser import http_get
from tests.cli_fixtures import PARTNERS

pytest_plugins = ["tests.cli_fixtures"]  # demo_source: `reattune demo` once per session


def _log_in(base_url: str, email: str, password: str) -> tuple[int, str]:
    """Through the log-in form, with its CSRF token: (status, Location)."""
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(f"{base_url}/login/", timeout=60) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "email": email, "password": password, "next": ""}
    ).encode()
    try:
        with opener.open(f"{base_url}/login/", data=body, timeout=60) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def _api(base_url: str, path: str, token: str):
    status, _, body = http_get(
        f"{base_url}/api/v1/{path}", headers={"Authorization": f"Bearer {token}"}
    )
    return status, json.loads(body)


def test_demo_twice_then_json_gives_working_accounts(demo_source, demo_server):
    # Twice in a row: the text form (the session's `reattune demo`, tests/cli_fixtures.py),
    # then --json for scripts on a copy of its data, which a `reattune serve` started on that
    # copy serves (tests/cli_fixtures.py's demo_server). Both exit 0.
    first = demo_source.demo_stdout
    for email in PARTNERS:
        assert re.search(rf"{re.escape(email)}\s+password: \S{{10,}}", first), first
    app = demo_server
    result = app.cli("demo", "--json")
    accounts = json.loads(result.stdout)["accounts"]
    assert [a["email"] for a in accounts[:2]] == PARTNERS
    for account in accounts:
        assert set(account) >= {"email", "password", "token"}
        assert account["password"] and account["token"]
    # Passwords are new on each run; the last ones printed are the ones that work.
    assert accounts[0]["password"] not in first

    for account in accounts[:2]:
        status, me = _api(app.url, "me", account["token"])
        assert status == 200, me
        assert me["email"] == account["email"]
        assert me["has_partner"] is True
        assert _log_in(app.url, account["email"], account["password"]) == (302, "/home/")
    # The first run's password no longer works; the --json one does (above).
    old = re.search(rf"{re.escape(PARTNERS[0])}\s+password: (\S+)", first)
    assert _log_in(app.url, PARTNERS[0], old.group(1))[0] == 200

    # Running demo twice did no harm: the journal content is there once.
    status, entries = _api(app.url, "journal?scope=mine", accounts[0]["token"])
    assert status == 200
    titles = [e["title"] for e in entries]
    assert titles and len(titles) == len(set(titles)), titles
    # And a token the app never made opens nothing.
    assert _api(app.url, "me", "rt_not-a-real-token")[0] == 401
