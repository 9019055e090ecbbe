"""No GET changes data, and no GET answers a server error: GET every route as every persona
once, and for each request check both.

Data: every table is compared before and after each request (row count and a hash of its
contents). A full comparison of every table after each of some 800 requests is most of the
cost of this walk, so a watcher on the database connection sees every statement the request
runs: a request that runs no INSERT, UPDATE or DELETE (other than on the excluded session
table) cannot have changed a table, and only a request that runs one is compared in full (so
the excluded columns below are still judged column by column). The whole database is also
compared in full between the start and the end of the walk, which would catch a write the
watcher could not see.

Server errors: every route of the URL map (those not in tests/access/*.yaml yet too, when
they take no parameters) answers GET without a 5xx for every persona. Other route walks
(tests/test_access_matrix.py, tests/test_page_text.py) rely on this file's finding that a
GET writes nothing.
"""

import hashlib
import re
from contextlib import contextmanager

from django.db import connection
from django.test import TestCase

from tests.access import matrix

# State a GET may change, and why. Nothing here holds what a person wrote.
EXCLUDED_TABLES = {
    # Sessions change on reads by design: the sliding idle-timeout stamp, the invite token
    # moving from the URL into the session (invite/<token>/), one-time flash messages.
    "django_session": "session bookkeeping",
}
EXCLUDED_COLUMNS = {
    # Bearer use is stamped (at most every 5 minutes) so a person can spot a forgotten token.
    ("accounts_accesstoken", "last_used_at"): "last-used timestamp",
    # home/ shows a one-line notice ("your partner left") once and records that it was shown.
    ("couples_notice", "seen_at"): "shown-once timestamp",
}

# Statements that only read, or only mark a savepoint: every other statement may write.
READ_ONLY = re.compile(r"\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK TO|SHOW|EXPLAIN)\b", re.I)
# A write to an excluded table (quoted as Django quotes table names on SQLite and PostgreSQL).
EXCLUDED_WRITE = re.compile(
    r"\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+\"("
    + "|".join(map(re.escape, EXCLUDED_TABLES))
    + r")\"\s",
    re.I,
)


def snapshot() -> dict[str, tuple[int, str]]:
    """table -> (row count, sha256 of its rows), excluding the state listed above."""
    state = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Tables only: views (if any) show data that lives in tables already compared.
        tables = [t.name for t in connection.introspection.get_table_list(cursor) if t.type == "t"]
        for table in sorted(tables):
            if table in EXCLUDED_TABLES:
                continue
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
            names = [column[0] for column in cursor.description]
            keep = [i for i, name in enumerate(names) if (table, name) not in EXCLUDED_COLUMNS]
            rows = sorted(repr(tuple(row[i] for i in keep)) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            state[table] = (len(rows), digest)
    return state


def changed(before: dict, after: dict) -> list[str]:
    lines = []
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, (0, "")), after.get(table, (0, ""))
        if old != new:
            same_count = " (contents changed)" if old[0] == new[0] else ""
            lines.append(f"{table}: {old[0]} -> {new[0]} rows{same_count}")
    return lines


@contextmanager
def watch_writes():
    """Collects every statement run on the connection that may write outside the excluded
    tables (a list, filled while the block runs)."""
    writes: list[str] = []

    def watcher(execute, sql, params, many, context):
        if not READ_ONLY.match(sql) and not EXCLUDED_WRITE.match(sql):
            writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watcher):
        yield writes


class GetWalkTests(TestCase):
    """One GET of every route as every persona (the API with a session and with a Bearer
    token), made by the first test that needs it; each test checks one property of it."""

    maxDiff = None
    _walk = None

    @classmethod
    def setUpTestData(cls):
        from reattune.couples.models import Notice

        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)
        # A pending notice, so home/ exercises its shown-once stamp.
        Notice.objects.create(user=cls.world["alex"], kind=Notice.Kind.PARTNER_LEFT)

    @classmethod
    def tearDownClass(cls):
        cls._walk = None
        super().tearDownClass()

    def _cases(self):
        for route in matrix.url_routes():
            if route in self.tables.cases:
                yield from self.tables.cases[route]
            elif not matrix.route_params(route):
                # Not in the tables yet (test_access_matrix fails for it); still checked here.
                yield matrix.Case(route=route, source="(not in tests/access)")

    def walk(self) -> dict:
        """{"requests": [(label, status or error)], "changes": [...], "overall": [...]}."""
        if type(self)._walk is not None:
            return type(self)._walk
        personas = matrix.Personas(self.world)
        requests, changes = [], []
        start = before = snapshot()
        for case in self._cases():
            url = matrix.case_url(case, self.world)
            for persona in matrix.PERSONAS:
                for auth in matrix.auths_for(case):
                    client, headers = personas.client(persona, auth)
                    label = f"GET {url} as {persona} ({auth})"
                    with watch_writes() as writes:
                        try:
                            got = client.get(url, headers=headers).status_code
                        except Exception as error:  # a view that raises is a 500 in production
                            got = f"raised {type(error).__name__}"
                    requests.append((label, got))
                    if writes:  # only then can a table have changed: compare every table
                        after = snapshot()
                        difference = changed(before, after)
                        if difference:
                            changes.append(f"{label} -> {got} changed {', '.join(difference)}")
                        before = after
        overall = changed(start, snapshot())
        # Session writes pass the watcher: a GET that ended a persona's session would make that
        # persona's later requests anonymous without a trace, so each must still be signed in.
        signed_out = [
            persona
            for persona in matrix.PERSONAS
            if persona != "anonymous"
            and "_auth_user_id" not in personas.client(persona, "session")[0].session
        ]
        type(self)._walk = {
            "requests": requests,
            "changes": changes,
            "overall": overall,
            "signed_out": signed_out,
        }
        return type(self)._walk

    def test_the_excluded_state_exists(self):
        tables = set(connection.introspection.table_names())
        for table, _ in [*EXCLUDED_COLUMNS, *((t, None) for t in EXCLUDED_TABLES)]:
            self.assertIn(table, tables)

    def test_no_get_changes_any_table(self):
        walk = self.walk()
        self.assertGreater(len(walk["requests"]), 50)
        self.assertEqual(walk["changes"], [], "\n".join(walk["changes"]))
        self.assertEqual(walk["overall"], [], "between the first and the last GET")
        self.assertEqual(walk["signed_out"], [], "personas whose session a GET ended")

    def test_every_route_answers_every_persona_without_a_server_error(self):
        walk = self.walk()
        routes = {label.split()[1] for label, _ in walk["requests"]}
        self.assertGreater(len(routes), 20)
        failures = [
            f"{label}: {got}"
            for label, got in walk["requests"]
            if not isinstance(got, int) or got >= 500
        ]
        self.assertEqual(failures, [], "\n".join(failures))

    def test_the_snapshot_and_the_watcher_see_a_write(self):
        """Control: a POST that writes is detected, so a silent GET write would be too."""
        client = matrix.Personas(self.world).client("alex")[0]
        before = snapshot()
        with watch_writes() as writes:
            response = client.post(
                "/journal/new/",
                {
                    "body": "a write",
                    "visibility": "shared",  # alex has a vault: private words go there
                    "submit_key": "6f1d2c3b-0a9e-4f8d-8c7b-6a5f4e3d2c1b",
                },
            )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(any("journal_entry" in line for line in changed(before, snapshot())))
        self.assertTrue(any('"journal_entry"' in sql for sql in writes), writes)

    def test_the_watcher_lets_reads_and_session_writes_pass(self):
        """Control: the watcher flags nothing for a page read, nor for the excluded sessions."""
        self.client.force_login(self.world["alex"])
        with watch_writes() as writes:
            self.assertEqual(self.client.get("/journal/").status_code, 200)
            session = self.client.session
            session["seen"] = True
            session.save()  # an UPDATE of django_session
        self.assertEqual(writes, [])

    def test_the_snapshot_sees_an_edit_of_encrypted_text(self):
        from reattune.journal.actions import do_update_entry

        before = snapshot()
        # Shared: alex has a vault, so new private words would be refused (they go there).
        do_update_entry(self.world["alex_private"], "other text", "shared")
        self.assertTrue(any("journal_entry" in line for line in changed(before, snapshot())))
