"""Rituals in an export: own rows, the partner's only where revealed; import takes own rows."""

import io

from reattune.exports.actions import do_import
from reattune.exports.archive import export_bytes
from reattune.rituals import actions
from reattune.rituals.models import AgreementAcceptance, DailyCheckIn, TimeOut, WeeklyReview
from reattune.rituals.portability import export_user
from tests.base import BaseTestCase
from tests.rituals_helpers import submit


class RitualsPortabilityTests(BaseTestCase):
    def test_the_export_follows_the_reveal_rule(self):
        submit("daily", self.alex)
        submit("weekly", self.sam)  # alex has no weekly review: sam's stays closed
        submit("daily", self.sam)
        exported = export_user(self.alex)
        daily = exported["ritual_daily_checkins"]
        self.assertEqual(sorted(r["owner"] for r in daily), ["me", "partner"])
        self.assertEqual(exported["ritual_weekly_reviews"], [])
        mine = next(r for r in daily if r["owner"] == "me")
        self.assertEqual(mine["feelings"], "calm, grateful, cosy")
        self.assertEqual(mine["connection_today"], 7)
        self.assertEqual(export_user(self.casey)["ritual_daily_checkins"], [])

    def test_a_round_trip_brings_back_ones_own_rituals_once(self):
        submit("daily", self.alex)
        submit("weekly", self.alex)
        submit("daily", self.sam)
        actions.do_start_timeout(self.alex, 20, "alex note")
        actions.do_accept_agreement(self.alex, "time_out")
        actions.do_ladder(self.alex, "deeper")
        archive = export_bytes(self.alex)
        report = do_import(io.BytesIO(archive), email="alex-copy@example.org")
        again = do_import(io.BytesIO(archive), email="alex-copy@example.org")
        copy = DailyCheckIn.objects.get(author__email="alex-copy@example.org")
        self.assertEqual(copy.best_part, "alex best part text")
        self.assertEqual(copy.feeling_list(), ["calm", "grateful", "cosy"])
        self.assertEqual(
            DailyCheckIn.objects.filter(author__email="alex-copy@example.org").count(), 1
        )
        self.assertTrue(WeeklyReview.objects.filter(author__email="alex-copy@example.org").exists())
        imported_timeout = TimeOut.objects.get(author__email="alex-copy@example.org")
        self.assertIsNotNone(imported_timeout.ended_at)
        self.assertTrue(
            AgreementAcceptance.objects.filter(author__email="alex-copy@example.org").exists()
        )
        self.assertEqual(report.stats["ritual_daily_checkins"]["created"], 1)
        self.assertEqual(again.stats["ritual_daily_checkins"]["existing"], 1)
