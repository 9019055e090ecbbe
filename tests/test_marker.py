"""The marker test: a unique marker written into every encrypted field of every model never
appears in the stored bytes (SQLite file and its WAL; pg_dump in the PostgreSQL run) nor in
the logs of the requests that wrote and read it.

A feature that adds a model with an EncryptedTextField adds a factory to FACTORIES below
(test_every_encrypted_model_has_a_factory fails until it does): a function (world, mark)
that creates one row through the app's action function, where mark(field_name) is the text
to put in that field. `world` is tests.base.make_world().
"""

import json
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from reattune.core.crypto import encrypted_fields
from tests.cli_fixtures import pg_dump_of, script_env, sqlite_pass_only

ROOT = Path(__file__).resolve().parent.parent
FACTORIES = {}


def factory(label: str):
    def register(func):
        FACTORIES[label] = func
        return func

    return register


@factory("journal.Entry")
def _journal_entry(world, mark):
    from reattune.journal.actions import do_create_entry

    entry, _ = do_create_entry(
        world["alex"], mark("body"), visibility="shared", title=mark("title")
    )
    return entry


@factory("care.SafetyScreen")
def _care_safety_screen(world, mark):
    # Answers and result are JSON the action writes itself; the marker goes in through the
    # model so that every encrypted field holds it (the screen's own texts hold no free text).
    from reattune.care.models import SafetyScreen

    return SafetyScreen.objects.create(
        author=world["alex"], answers=mark("answers"), result=mark("result")
    )


def write_all(base: str, world=None) -> dict:
    """Create one row per model with encrypted fields, each field holding base + its name.

    Returns {label: {field: decrypted value read back}} so the caller can check the rows
    really hold the marker (in plaintext, once decrypted).
    """
    from tests.base import make_world

    world = world or make_world()
    written = {}
    for model, fields in encrypted_fields():
        label = model._meta.label
        if label not in FACTORIES:
            continue  # test_every_encrypted_model_has_a_factory names it
        row = FACTORIES[label](world, lambda name, label=label: f"{base}:{label}.{name}")
        row = model.objects.get(pk=row.pk)
        written[label] = {name: getattr(row, name) for name in fields}
    return written


def check_written(testcase, written: dict, base: str):
    for model, fields in encrypted_fields():
        label = model._meta.label
        if label not in FACTORIES:
            continue
        testcase.assertIn(label, written)
        for name in fields:
            testcase.assertIn(f"{base}:{label}.{name}", written[label][name], f"{label}.{name}")


# Runs in a subprocess against a copy of a new installation (tests/cli_fixtures.py: every
# migration applied, no rows): write every marker, then copy the database files while the
# connection is still open (so the WAL is not yet checkpointed).
WRITER = """
import json, os, shutil, sys
import django
django.setup()
from django.db import connection
from django.test.utils import override_settings
from tests.test_marker import write_all
# The personas' passwords are hashed as in the test run (tests/settings.py): no marker in them.
with override_settings(PASSWORD_HASHERS=["tests.hashers.FastArgon2PasswordHasher"]):
    written = write_all(sys.argv[1])
copies = sys.argv[2]
if connection.vendor == "sqlite":
    base = connection.settings_dict["NAME"]
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(base + suffix):
            shutil.copyfile(base + suffix, os.path.join(copies, "open" + suffix))
print("WRITTEN " + json.dumps(written))
"""


def run_writer(base: str, data_dir: str, copies: str, database_url: str | None):
    result = subprocess.run(
        [sys.executable, "-c", WRITER, base, copies],
        cwd=ROOT,
        env=script_env(data_dir, database_url, REATTUNE_LOG_LEVEL="DEBUG"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("WRITTEN "))
    written = json.loads(line[len("WRITTEN ") :])
    # The subprocess logged at DEBUG: its output must not carry the marker either.
    assert base not in output.replace(line, ""), "marker in the writer's log output"
    return written


class MarkerRegistryTests(TestCase):
    def test_every_encrypted_model_has_a_factory(self):
        missing = [
            model._meta.label
            for model, _ in encrypted_fields()
            if model._meta.label not in FACTORIES
        ]
        self.assertEqual(
            missing,
            [],
            "Models with encrypted fields but no marker factory: add one to FACTORIES in "
            "tests/test_marker.py",
        )
        self.assertIn("journal.Entry", FACTORIES)

    def test_the_factories_write_the_marker_into_every_encrypted_field(self):
        base = f"mk{uuid.uuid4().hex}"
        written = write_all(base)
        check_written(self, written, base)
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model, fields in encrypted_fields():
                if model._meta.label not in FACTORIES:
                    continue
                for name in fields:
                    column = model._meta.get_field(name).column
                    cursor.execute(
                        f"SELECT {quote(column)} FROM {quote(model._meta.db_table)}"  # noqa: S608
                    )
                    values = [row[0] for row in cursor.fetchall()]
                    self.assertTrue(values)
                    self.assertFalse([v for v in values if v and base in v])
                    self.assertTrue(all(v is None or v.startswith("gAAAAA") for v in values))


@sqlite_pass_only  # the writer gets no DATABASE_URL: SQLite in both passes
@pytest.mark.usefixtures("new_installation")
class SqliteFileTests(TestCase):
    def test_the_marker_is_not_in_the_sqlite_file_nor_its_wal(self):
        base = f"mk{uuid.uuid4().hex}"
        data_dir, _ = self.installation
        copies = data_dir / "copies"
        copies.mkdir()
        written = run_writer(base, str(data_dir), str(copies), database_url=None)
        check_written(self, written, base)
        files = [p for p in data_dir.glob("reattune.sqlite3*")]
        files += list(copies.iterdir())
        names = {p.name for p in files}
        self.assertIn("reattune.sqlite3", names)
        self.assertIn("open-wal", names)  # the WAL as it was while the writer ran
        raw_ciphertext = False
        for path in files:
            data = path.read_bytes()
            self.assertNotIn(base.encode(), data, path.name)
            self.assertNotIn(base.encode("utf-16-le"), data, path.name)
            raw_ciphertext = raw_ciphertext or b"gAAAAA" in data
        self.assertTrue(raw_ciphertext, "no ciphertext found: were the rows written?")


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="the PostgreSQL run only")
@pytest.mark.usefixtures("new_installation")
class PostgresDumpTests(TestCase):
    def test_the_marker_is_not_in_pg_dump_output(self):
        data_dir, target = self.installation  # a database of its own, dropped afterwards
        self.assertTrue(target)
        base = f"mk{uuid.uuid4().hex}"
        written = run_writer(base, str(data_dir), str(data_dir), database_url=target)
        check_written(self, written, base)
        dump = pg_dump_of(target)  # a missing pg_dump fails here
        self.assertIn(b"gAAAAA", dump)
        self.assertIn(b"journal_entry", dump)
        self.assertNotIn(base.encode(), dump)


@pytest.mark.django_db
def test_the_marker_never_reaches_the_logs(caplog):
    """Writes and reads through pages and the API, every logger at DEBUG, SQL logged too."""
    from tests.base import make_world

    base = f"mk{uuid.uuid4().hex}"
    world = make_world()
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.db.backends", "django.request", "django.server", "reattune"):
        caplog.set_level(logging.DEBUG, logger=name)
    with CaptureQueriesContext(connection) as queries:  # logs SQL with parameters at DEBUG
        check_written(TestCase(), write_all(base, world), base)
        alex = Client()
        alex.force_login(world["alex"])
        sam = Client()
        sam.force_login(world["sam"])
        response = alex.post(
            "/journal/new/",
            {
                "title": f"{base} page title",
                "body": f"{base} page body",
                "visibility": "shared",
                "submit_key": str(uuid.uuid4()),
            },
        )
        assert response.status_code == 302
        detail = response["Location"]
        assert base in alex.get(detail).content.decode()
        assert base in sam.get(detail).content.decode()
        bearer = {"Authorization": f"Bearer {world['alex_token']}"}
        created = alex.post(
            "/api/v1/journal",
            data=json.dumps({"title": base, "body": f"{base} api", "visibility": "shared"}),
            content_type="application/json",
            headers=bearer,
        )
        assert created.status_code == 201
        entry_id = created.json()["id"]
        changed = alex.put(
            f"/api/v1/journal/{entry_id}",
            data=json.dumps({"body": f"{base} changed", "visibility": "shared"}),
            content_type="application/json",
            headers=bearer,
        )
        assert changed.status_code == 200
        assert base in sam.get(f"/api/v1/journal/{entry_id}").content.decode()
        assert base in sam.get("/journal/shared/").content.decode()
    assert len(queries) > 10
    sql_records = [r for r in caplog.records if r.name == "django.db.backends"]
    assert sql_records, "SQL was not logged: the test would prove nothing about it"
    assert base not in caplog.text
    for record in caplog.records:
        assert base not in record.getMessage()
        assert base not in repr(getattr(record, "params", ""))
        assert base not in repr(getattr(record, "args", ""))


from tests.rituals_helpers import MARKER_FACTORIES  # noqa: E402

FACTORIES.update(MARKER_FACTORIES)
