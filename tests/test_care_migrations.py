"""care 0002: audit rows written before it keep their therapist's name."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import timezone

BEFORE = [("care", "0001_initial")]


class TherapistNameMigrationTests(TransactionTestCase):
    def migrate(self, targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    def tearDown(self):
        self.migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    def test_it_fills_in_the_name_of_every_existing_read(self):
        old = self.migrate(BEFORE)
        user = old.get_model("accounts", "User")
        space = old.get_model("couples", "Space").objects.create()
        lane = user.objects.create(email="lane@example.org", display_name="Lane", role="therapist")
        kim = user.objects.create(email="kim@example.org", display_name="Kim", role="therapist")
        grants = old.get_model("care", "TherapistGrant")
        reads = old.get_model("care", "TherapistRead")
        for therapist, pages in ((lane, ["a", "b"]), (kim, ["c"])):
            grant = grants.objects.create(space=space, therapist=therapist)
            for page in pages:
                reads.objects.create(grant=grant, therapist=therapist, page=page, at=timezone.now())

        new = self.migrate([("care", "0002_therapist_audit_log_kept")])
        found = new.get_model("care", "TherapistRead").objects.values_list("page", "therapist_name")
        self.assertEqual(sorted(found), [("a", "Lane"), ("b", "Lane"), ("c", "Kim")])
