"""The data the CLI drills stand on, made once per test session and copied per test.

`reattune demo` runs every feature's demo step in a real process and takes seconds; most
drills (backup, restore, rotate-keys, import, the key start-up checks) only need its data to
start from. `demo_source` builds it once: `reattune demo`, then one journal entry with a
marker (WRITE_MARKER) and a dump of every encrypted column (DUMP), all in real subprocesses
(the marker and the dump in one).
Drills that need an installation with nothing in it yet (the marker and vault writers, restore's
refusals, a first key) start from `migrated_source`: one `reattune manage migrate` on a fresh
folder, which `demo_source` builds on too. Each test then takes its own copy with
`data_copy()` (`demo_copy`): the data directory is copied with its key files (modes kept:
0700 folder, 0600 files) and, in the PostgreSQL run, its database is made from the source's
template database (CREATE DATABASE ... TEMPLATE).

One source of each per test run, shared by the xdist workers under a file lock; in the
PostgreSQL run its template database is dropped when the last worker using it is done.

Use it from a test module with ``pytest_plugins = ["tests.cli_fixtures"]``.
"""

import contextlib
import json
import os
import secrets
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from filelock import FileLock

from tests.browser import REPO, app_env, run_cli, serve

KEY_FILES = ("encryption.keys", "secret.key")

# For a test whose `reattune` processes use SQLite in both passes of `make test` (their
# environment carries no DATABASE_URL): the PostgreSQL pass would run the very same drill a
# second time, so it leaves it to the SQLite pass.
sqlite_pass_only = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="its processes use SQLite in both passes: the SQLite pass runs it",
)
PARTNERS = ["alex@demo.reattune.example", "sam@demo.reattune.example"]

MARKER_TITLE = "rotation marker ✓ 🔑"
MARKER_BODY = "Ünïcödé survives rotation: 日本語, emoji 💛, <b>html</b>, and 'quotes'."

WRITE_MARKER = f"""
from reattune.accounts.models import User
from reattune.journal.actions import do_create_entry
# sam: the demo gives alex a vault, and a person with a vault writes private words there only.
sam = User.objects.get(email="sam@demo.reattune.example")
do_create_entry(sam, {MARKER_BODY!r}, visibility="private", title={MARKER_TITLE!r})
"""

# Every encrypted column of every model, both as stored (raw SQL) and as the app reads it.
DUMP = """
import json
from django.db import connection
from reattune.core import crypto
quote = connection.ops.quote_name
out = {}
for model, fields in crypto.encrypted_fields():
    meta = model._meta
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(meta.pk.column)}, {columns} FROM {quote(meta.db_table)}")
        raw = {str(row[0]): list(row[1:]) for row in cursor.fetchall()}
    read = {
        str(obj.pk): [getattr(obj, name) for name in fields]
        for obj in model._base_manager.all()
    }
    out[meta.label] = {"fields": fields, "raw": raw, "read": read}
print("DUMP " + json.dumps(out))
"""


# For a server whose static files no test here looks at: they are served from the source
# instead of collected into the new data folder first (about 0.7 CPU-s a start).
# tests/test_cli_serve.py checks the collected, hashed files a server starts with.
STATIC_FROM_SOURCE = {"REATTUNE_STATIC_FROM_SOURCE": "1"}

# A hang guard, not a speed target: a busy machine runs `reattune demo` slowly (it compiles
# every crisis lexicon to check the demo's journal text).
BUILD_TIMEOUT = 600


def script_env(data_dir, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """For `python -c SCRIPT` run in the repository: tests.browser.app_env's environment (the
    run's REATTUNE_* left out, its shared cache kept, SQLite in data_dir unless database_url is
    given; data_dir left as it is) on the app's own settings, its password hasher included."""
    env = app_env(Path(data_dir), database_url, data_checked=False, settings="reattune.settings")
    return env | {"PYTHONPATH": str(REPO), **extra}


def dump(env, before: str = "") -> dict:
    """Every encrypted column, raw and as the app reads it, from a real `reattune` process
    (which first runs the code `before`, if given)."""
    result = run_cli(["manage", "shell", "-c", before + DUMP], env, timeout=BUILD_TIMEOUT)
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("DUMP ")]
    return json.loads(line[len("DUMP ") :])


def read_values(dumped: dict) -> list[str]:
    return [v for table in dumped.values() for row in table["read"].values() for v in row if v]


@dataclass(frozen=True)
class MigratedSource:
    """A new installation: every migration applied, key files made, no rows. Never changed."""

    data_dir: Path  # key files, and in the SQLite run the database
    database_url: str | None  # the PostgreSQL run: the template database


@dataclass(frozen=True)
class DemoSource:
    """What `reattune demo` (and the marker entry) left: never changed by a test."""

    data_dir: Path  # key files, and in the SQLite run the database
    database_url: str | None  # the PostgreSQL run: the template database
    demo_stdout: str  # the text `reattune demo` printed (its passwords no longer work)
    dump: dict  # DUMP of the data, the marker entry included


@contextlib.contextmanager
def _source(tmp_path_factory, name: str, build, start: MigratedSource | None = None):
    """Yields (data_dir, database_url, what build returned): built once, never changed.

    build(env) runs the `reattune` commands that make the source and returns what the tests
    need to know of it (JSON). With start, the source begins as a copy of it. The xdist
    workers share one source (PostgreSQL: one template database; copies of a template can be
    made side by side, as long as nothing is connected to the template itself). Each worker
    using it is counted; the last one to finish drops the database (a worker that needs it
    after that builds it again).
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    data_dir = shared / f"reattune-{name}" / "data"
    built = shared / f"reattune-{name}.json"
    lock = FileLock(str(shared / f"reattune-{name}.lock"))
    with lock:
        if not built.exists():
            shutil.rmtree(data_dir.parent, ignore_errors=True)  # a build cut short
            if start:
                _copy_folder(start.data_dir, data_dir)
            database_url = None
            if os.environ.get("DATABASE_URL"):
                prefix = f"reattune_{name.replace('-', '_')}_template"
                database_url = _create_database(prefix, start.database_url if start else None)
            try:
                saved = build(app_env(data_dir, database_url))
            except BaseException:
                _drop_database(database_url)
                raise
            partial = built.with_suffix(".partial")
            partial.write_text(json.dumps({"database_url": database_url, "users": 0, **saved}))
            partial.replace(built)
        saved = json.loads(built.read_text())
        saved["users"] += 1
        built.write_text(json.dumps(saved))
    try:
        yield data_dir, saved["database_url"], saved
    finally:
        with lock:
            saved = json.loads(built.read_text())
            saved["users"] -= 1
            if saved["users"]:
                built.write_text(json.dumps(saved))
            else:
                built.unlink()
                _drop_database(saved["database_url"])


@pytest.fixture(scope="session")
def migrated_source(tmp_path_factory) -> MigratedSource:
    def build(env) -> dict:
        run_cli(["manage", "migrate", "--verbosity", "0"], env, timeout=BUILD_TIMEOUT)
        return {}

    with _source(tmp_path_factory, "migrated-source", build) as (data_dir, database_url, _):
        yield MigratedSource(data_dir, database_url)


@pytest.fixture(scope="session")
def demo_source(tmp_path_factory, migrated_source) -> DemoSource:
    def build(env) -> dict:
        demo_stdout = run_cli(["demo"], env, timeout=BUILD_TIMEOUT).stdout
        dumped = dump(env, before=WRITE_MARKER)  # one process writes the marker, then dumps
        assert MARKER_BODY in read_values(dumped) and MARKER_TITLE in read_values(dumped)
        return {"demo_stdout": demo_stdout, "dump": dumped}

    with _source(tmp_path_factory, "demo-source", build, migrated_source) as (
        data_dir,
        database_url,
        saved,
    ):
        yield DemoSource(data_dir, database_url, saved["demo_stdout"], saved["dump"])


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _copy_folder(source: Path, data_dir: Path) -> None:
    """The data directory with its key files, modes kept (0700 folder, 0600 files)."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, data_dir, ignore=shutil.ignore_patterns("static"))
    assert _mode(data_dir) == 0o700, oct(_mode(data_dir))
    for name in KEY_FILES:
        assert _mode(data_dir / name) == 0o600, (name, oct(_mode(data_dir / name)))


@contextlib.contextmanager
def data_copy(
    source: DemoSource | MigratedSource, data_dir: Path, prefix: str = "reattune_data_copy"
):
    """A private copy of a source's data at data_dir: yields (data_dir, env, database_url).

    The key files come along with their modes (0600; the folder 0700), so the copy opens the
    data exactly like the original. PostgreSQL: a new database from the template, dropped
    afterwards.
    """
    _copy_folder(source.data_dir, data_dir)
    if source.database_url is None:
        yield data_dir, app_env(data_dir), None
        return
    with _database_from(source.database_url, prefix) as database_url:
        yield data_dir, app_env(data_dir, database_url), database_url


demo_copy = data_copy  # the name the drills that copy the demo use


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory, demo_source):
    """`reattune serve` on a copy of the demo data, started with its keys: one per test
    process for a drill that needs a running server on the demo's data (`reattune demo` run
    again: tests/test_cli_demo.py). A test that changes its key file puts it back."""
    target = tmp_path_factory.mktemp("demo-server") / "data"
    with data_copy(demo_source, target, "reattune_demo_server") as (data_dir, env, _):
        env = {**env, **STATIC_FROM_SOURCE}
        with serve(env, data_dir) as app:
            yield app


@pytest.fixture
def new_installation(request, migrated_source, tmp_path):
    """For a TestCase (usefixtures): self.installation = (data_dir, database_url), a copy of
    a new installation of its own (in the PostgreSQL run a database, dropped afterwards)."""
    with data_copy(migrated_source, tmp_path / "data", "reattune_new") as (data_dir, _, url):
        request.instance.installation = (data_dir, url)
        yield


def _create_database(prefix: str, template_url: str | None = None) -> str:
    """A new PostgreSQL database beside DATABASE_URL's (a copy of template_url's, if given)."""
    import psycopg
    from psycopg import sql

    base = os.environ["DATABASE_URL"]
    name = f"{prefix}_{secrets.token_hex(4)}"
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template_url:
        template = urlparse(template_url).path.lstrip("/")
        create = sql.SQL("{} TEMPLATE {}").format(create, sql.Identifier(template))
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(create)
    return urlunparse(urlparse(base)._replace(path=f"/{name}"))


def _drop_database(database_url: str | None) -> None:
    if not database_url:
        return
    import psycopg
    from psycopg import sql

    name = urlparse(database_url).path.lstrip("/")
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextlib.contextmanager
def _database_from(template_url: str, prefix: str):
    database_url = _create_database(prefix, template_url)
    try:
        yield database_url
    finally:
        _drop_database(database_url)


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore as the PostgreSQL run has them; a missing one fails the test."""
    folder = os.environ.get("REATTUNE_PG_BIN")
    found = str(Path(folder) / name) if folder else shutil.which(name)
    if not found:
        found = next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    assert found and Path(found).exists(), f"{name} not found (scripts/with-postgres.sh)"
    return str(found)


def pg_dump_of(database_url: str) -> bytes:
    """The plain-SQL dump of a database, as a host's backup would hold it."""
    return subprocess.run(
        [pg_tool("pg_dump"), "--no-owner", "--dbname", database_url],
        capture_output=True,
        timeout=300,
        check=True,
    ).stdout
