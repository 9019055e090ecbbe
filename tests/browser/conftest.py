"""Browser test infrastructure: the real `reattune serve`, Debian's chromium, axe-core.

Fixtures
- `live_app` (session): `reattune serve --workers 1 --threads 4` in a subprocess on a free
  port, with a fresh data directory, the real collectstatic path, and in the PostgreSQL run
  (DATABASE_URL set) its own fresh database on that server. `.url`, `.data_dir`, `.env`,
  `.demo()` (runs `reattune demo --json` against it and returns the accounts).
- `browser` (session): Debian's Chromium headless shell (/usr/bin/chromium-headless-shell,
  docs/decisions/0007-browser-tests-headless-shell.md) through Playwright's sync API, started
  once per test process. While Playwright's sync API is alive, its event loop counts as
  "running" in this thread, and Django would refuse the database calls of the non-browser
  tests the same process runs afterwards; the fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for the
  test process to allow them (nothing in these tests runs concurrently in that loop).
- `new_context(viewport=PHONE|DESKTOP, check_axe_on_every_page=False)`: a browser context
  whose pages may only talk to 127.0.0.1/localhost; any other host, any uncaught page error
  and any Content-Security-Policy violation fails the test at teardown. With
  check_axe_on_every_page, every page a page of that context showed must have been passed
  through `axe_check`.
- `phone_page` / `desktop_page`: a page in a new context of that size (PHONE is 390x844,
  DESKTOP 1366x900, the two sizes every page is checked at).
- `axe_check(page)` (import it from tests.browser.conftest, or use the `axe` fixture): runs
  axe-core (tests/js/node_modules, from `make install-test`) on the page and fails on any
  "serious" or "critical" violation. A document already checked in this run (by any test
  process) at the same viewport, with its controls, focus and media the same, differing only
  in its CSRF token and in the characters of words with digits (not their length), reuses the
  results found then (tests/browser/test_axe_cache.py).

Browser tests carry `@pytest.mark.browser`; they need no `db` fixture (the app runs in its own
process with its own database).
"""

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser import LOCAL_HOSTS, REPO, app_env, fresh_database, serve

# Debian's chromium-headless-shell: the same Chromium release as Debian's chromium, built
# without the desktop browser around it; it needs about half the CPU in these tests
# (docs/decisions/0007-browser-tests-headless-shell.md).
CHROMIUM = "/usr/bin/chromium-headless-shell"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every `expect(...)` waits up to 20 s instead of Playwright's 5 s: a hang guard, not a speed
# target (more test processes run than there are cores, so a page may wait for one).
expect.set_options(timeout=20_000)

AXE_PATH = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
BLOCKING_IMPACTS = ("serious", "critical")
# Schemes that never leave the browser.
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("live-app")
    with fresh_database("reattune_browser") as database_url:
        env = app_env(root / "data", database_url)
        with serve(env, root / "data", workers=1, threads=4) as app:
            app.keep_shell = True  # one `manage shell` for this process's tests
            # In the PostgreSQL run the app must really be on PostgreSQL, not on SQLite.
            sqlite_file = app.data_dir / "reattune.sqlite3"
            assert sqlite_file.exists() == (database_url is None), app.output()
            yield app


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium-headless-shell (`make "
            "system-deps`, or `apt-get install -y chromium-headless-shell`). The browser tests "
            "do not skip without it.",
            pytrace=False,
        )
    # One Chromium per test process instead of one per module (each launch costs the browser
    # and Playwright's driver a start); see the module docstring for why this is safe.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # never passed on: see tests.browser.app_env
    try:
        yield from _launched()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def _launched():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class PageLog:
    """What the pages of one context did, checked when the test ends."""

    offsite: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    # [url, axe checked?] for every document a page showed, in order.
    documents: list[list] = field(default_factory=list)


def _is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in LOCAL_SCHEMES:
        return True
    return parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname in LOCAL_HOSTS


def _watch_page(page, log: PageLog, track_documents: bool) -> None:
    page.on("pageerror", lambda error: log.page_errors.append(f"{page.url}: {error}"))

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            log.csp_violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    if track_documents:
        entries = []
        page._reattune_documents = entries  # read by axe_check

        def on_navigated(frame):
            if frame != page.main_frame:
                return
            url = frame.url.split("#", 1)[0]
            if entries and entries[-1][0] == url and entries[-1][1]:
                return  # same document (a #fragment), already checked
            entry = [url, False]
            entries.append(entry)
            log.documents.append(entry)

        page.on("framenavigated", on_navigated)


@pytest.fixture
def new_context(browser, live_app):
    """new_context(viewport=PHONE, check_axe_on_every_page=False, **options) -> BrowserContext"""
    contexts = []
    logs = []

    def make(viewport=DESKTOP, check_axe_on_every_page=False, **options):
        log = PageLog()
        # The language a browser asks for picks the help lines' country until a person
        # chooses one: named here, so no test depends on the machine's or the binary's default.
        options.setdefault("locale", "en-US")
        context = browser.new_context(viewport=viewport, base_url=live_app.url, **options)
        # Hang guards, not speed targets: the suite runs more test processes than cores, so a
        # page may wait seconds for a core.
        context.set_default_timeout(30_000)
        context.set_default_navigation_timeout(30_000)
        # axe-core's source in every document, not run: see _axe_loader.
        context.add_init_script(script=_axe_loader())

        def on_request(request):
            if not _is_local(request.url):
                log.offsite.append(f"{request.method} {request.url} (from {request.frame.url})")

        context.on("request", on_request)
        context.on("page", lambda page: _watch_page(page, log, check_axe_on_every_page))
        contexts.append(context)
        logs.append(log)
        return context

    yield make
    for context in contexts:
        context.close()
    problems = []
    for log in logs:
        if log.offsite:
            problems.append(
                "Requests to hosts other than this machine:\n  " + "\n  ".join(log.offsite)
            )
        if log.page_errors:
            problems.append("Uncaught errors in pages:\n  " + "\n  ".join(log.page_errors))
        if log.csp_violations:
            problems.append(
                "Content-Security-Policy violations:\n  " + "\n  ".join(log.csp_violations)
            )
        unchecked = [url for url, checked in log.documents if not checked]
        if unchecked:
            problems.append("Pages shown without an axe_check:\n  " + "\n  ".join(unchecked))
    assert not problems, "\n".join(problems)


@pytest.fixture
def phone_page(new_context):
    return new_context(viewport=PHONE).new_page()


@pytest.fixture
def desktop_page(new_context):
    return new_context(viewport=DESKTOP).new_page()


_AXE_SOURCE: list[str] = []

_AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, summary: n.failureSummary || ""})),
  }));
}"""


# Every document of a test's contexts holds axe-core's source as a string, which axe_check
# runs only when it needs axe (a document whose results are in the cache never does). Sending
# the 550 kB source with page.evaluate for each checked document cost the browser, Playwright's
# driver and the test process about 65 ms more per document than this; the browser keeps an
# init script once per page, and a string costs a document that never runs it next to nothing.
# Run through page.evaluate, like the source was before, so the page's Content-Security-Policy
# does not apply to it. A document without it (a page of a context made elsewhere) gets the
# source sent.
_AXE_SOURCE_NAME = "__reattuneAxeSource"
_AXE_LOAD = f"""() => {{
  if (typeof window.axe !== "object" && typeof window.{_AXE_SOURCE_NAME} === "string") {{
    (0, eval)(window.{_AXE_SOURCE_NAME});
  }}
  return typeof window.axe === "object";
}}"""


@functools.cache
def _axe_loader() -> str:
    source = json.dumps(_axe_source())
    return f'Object.defineProperty(window, "{_AXE_SOURCE_NAME}", {{value: {source}}});'


def _axe_source() -> str:
    if not _AXE_SOURCE:
        if not AXE_PATH.is_file():
            pytest.fail(
                f"{AXE_PATH.relative_to(REPO)} is missing: run `make install-test` "
                "(npm ci in tests/js). The accessibility checks do not skip without it.",
                pytrace=False,
            )
        _AXE_SOURCE.append(AXE_PATH.read_text())
    return _AXE_SOURCE[0]


# What may differ between two documents without changing what axe-core finds in them: the
# CSRF token of each page load, and which characters make up a word with digits in text and in
# form values (dates, times, counts, and the random suffixes of each test's names, emails and
# markers). Such a word becomes as many "0"s (so text keeps its length and the layout its
# size); tags, ids, roles, ARIA and every other attribute are kept as they are. What the
# markup does not show is added to it: each control's state (checked, selected, current
# value), the focused element, and the emulated media, since styles follow them.
_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"')
_TEXT = re.compile(r">([^<]+)<")
_VALUE = re.compile(r'( value=")([^"]*)"')
_WORD_WITH_DIGIT = re.compile(r"\w*\d\w*")
_SNAPSHOT = """() => {
  const controls = Array.from(document.querySelectorAll("input, select, textarea, option"));
  const focused = document.activeElement;
  const media = ["print", "(prefers-color-scheme: dark)", "(prefers-reduced-motion: reduce)",
                 "(forced-colors: active)"].map((q) => matchMedia(q).matches);
  return [
    document.documentElement.outerHTML, window.innerWidth, window.innerHeight,
    JSON.stringify([
      controls.map((c) => [c.checked, c.selected, c.value]),
      focused ? [focused.tagName, focused.id, focused.getAttribute("name")] : null,
      media,
    ]),
  ];
}"""


def _same_length(match: re.Match) -> str:
    return "0" * len(match.group(0))


# Where this run's test processes share the axe results of documents already checked (set by
# the _axe_cache fixture). axe-core was about half of the browser's CPU in the browser tests:
# the same document is checked again and again (the log-in page before every log-in, Today
# after it, in every test process). The results depend only on the document, the stylesheets
# it links (their names carry a hash of their content) and the viewport, so a document seen
# before in this run, byte for byte but its CSRF token, at the same size, gets the results
# found then.
_AXE_CACHE: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def _axe_cache(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-xdist: one directory per worker, below one for the run
    _AXE_CACHE[:] = [base / "axe-results"]


def _document_key(page) -> str:
    html, width, height, state = page.evaluate(_SNAPSHOT)
    html = _CSRF_VALUE.sub(r'\1"', html)
    html = _TEXT.sub(lambda m: ">" + _WORD_WITH_DIGIT.sub(_same_length, m.group(1)) + "<", html)
    html = _VALUE.sub(
        lambda m: m.group(1) + _WORD_WITH_DIGIT.sub(_same_length, m.group(2)) + '"', html
    )
    state = _WORD_WITH_DIGIT.sub(_same_length, state)
    return hashlib.sha256(f"{width}x{height}\n{state}\n{html}".encode()).hexdigest()


def axe_check(page, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """Fail on any axe-core violation of the given impacts on the page as it is now.

    axe is loaded with page.evaluate, which the page's Content-Security-Policy does not apply
    to (a <script> tag would be blocked, as it should be). Returns all violations found. A
    document already checked in this run at the same viewport reuses the results found then.
    """
    key = _document_key(page) if _AXE_CACHE else None
    cached = _AXE_CACHE[0] / f"{key}.json" if key else None
    if cached and cached.is_file():
        violations = json.loads(cached.read_text())
    else:
        if not page.evaluate(_AXE_LOAD):
            page.evaluate(_axe_source())
        violations = page.evaluate(_AXE_RUN)
        passed = not any(v["impact"] in impacts for v in violations)
        # Kept only if it passed and the page did not change while axe ran (a script drawing
        # it meanwhile): the results must belong to the document the key names.
        if cached and passed and _document_key(page) == key:
            cached.parent.mkdir(exist_ok=True)
            # Written under another name, then renamed: another process never reads half a file.
            partial = cached.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(json.dumps(violations))
            partial.replace(cached)
    blocking = [v for v in violations if v["impact"] in impacts]
    entries = getattr(page, "_reattune_documents", None)
    if entries:
        entries[-1][1] = True
    if blocking:
        lines = [f"axe-core found {len(blocking)} blocking violation(s) on {page.url}:"]
        for v in blocking:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:5]:
                summary = node["summary"].strip().replace("\n", "\n      ")
                lines.append(f"    at {node['target']}: {summary}")
        pytest.fail("\n".join(lines), pytrace=False)
    return violations


@pytest.fixture(scope="session")
def axe():
    """The axe_check helper as a fixture, for tests that prefer fixtures to imports."""
    return axe_check


@pytest.fixture(scope="session")
def demo_accounts(live_app):
    """The demo couple's accounts (`reattune demo --json`), by the name before the @.

    Once per worker: the demo's data is made only once per data directory anyway (a second run
    only sets new passwords and tokens), so what one module changes of the demo couple already
    carries into the next; no module changes a demo account's password."""
    return {a["email"].split("@")[0]: a for a in live_app.demo()}


def log_in(page, account: dict) -> None:
    """Log in through the real form (axe-checked before and after)."""
    page.goto("/login/")
    axe_check(page)
    page.get_by_label("Email").fill(account["email"])
    page.get_by_label("Password", exact=True).fill(account["password"])
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    axe_check(page)
