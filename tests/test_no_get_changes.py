"""No GET changes data: GET every route as every persona and compare every table before and
after each request (row count and a hash of its contents)."""

import hashlib

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


class NoGetChangesTests(TestCase):
    maxDiff = None

    @classmethod
    def setUpTestData(cls):
        from reattune.couples.models import Notice

        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)
        # A pending notice, so home/ exercises its shown-once stamp.
        Notice.objects.create(user=cls.world["alex"], kind=Notice.Kind.PARTNER_LEFT)

    def test_the_excluded_state_exists(self):
        tables = set(connection.introspection.table_names())
        for table, _ in [*EXCLUDED_COLUMNS, *((t, None) for t in EXCLUDED_TABLES)]:
            self.assertIn(table, tables)

    def test_no_get_changes_any_table(self):
        personas = matrix.Personas(self.world)
        failures, checked = [], 0
        before = snapshot()
        for case in self.tables.all_cases():
            url = matrix.case_url(case, self.world)
            for persona in matrix.PERSONAS:
                for auth in matrix.auths_for(case):
                    client, headers = personas.client(persona, auth)
                    response = client.get(url, headers=headers)
                    checked += 1
                    after = snapshot()
                    difference = changed(before, after)
                    if difference:
                        failures.append(
                            f"GET {url} as {persona} ({auth}) -> {response.status_code} "
                            f"changed {', '.join(difference)}"
                        )
                    before = after
        self.assertGreater(checked, 50)
        self.assertEqual(failures, [], "\n".join(failures))

    def test_the_snapshot_sees_a_write(self):
        """Control: a POST that writes is detected, so a silent GET write would be too."""
        client = matrix.Personas(self.world).client("alex")[0]
        before = snapshot()
        response = client.post(
            "/journal/new/",
            {
                "body": "a write",
                "visibility": "private",
                "submit_key": "6f1d2c3b-0a9e-4f8d-8c7b-6a5f4e3d2c1b",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(any("journal_entry" in line for line in changed(before, snapshot())))

    def test_the_snapshot_sees_an_edit_of_encrypted_text(self):
        from reattune.journal.actions import do_update_entry

        before = snapshot()
        do_update_entry(self.world["alex_private"], "other text", "private")
        self.assertTrue(any("journal_entry" in line for line in changed(before, snapshot())))
