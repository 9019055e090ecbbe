"""Ritual actions: validation, one row per person and period, the edit window, conflicts."""

import json
import uuid
from datetime import timedelta

from reattune.couples.models import Space
from reattune.rituals import actions, queries
from reattune.rituals.kinds import DAILY, KINDS, MONTHLY, WEEKLY
from reattune.rituals.models import DailyCheckIn, MonthlyCheckIn, WeeklyReview
from tests.base import BaseTestCase
from tests.rituals_helpers import answers, submit


class RitualActionTests(BaseTestCase):
    def test_it_names_model_fields_after_every_prompt_in_rituals_yaml(self):
        for kind in KINDS.values():
            names = {f.name for f in kind.model._meta.get_fields()}
            for prompt in kind.answer_prompts():
                self.assertIn(prompt["id"], names, f"{kind.key}: {prompt['id']}")

    def test_it_saves_a_daily_check_in_for_the_spaces_today(self):
        entry = submit("daily", self.alex)
        space = Space.objects.get(pk=entry.space_id)
        self.assertEqual(entry.day, space.today())
        self.assertEqual(entry.day_index, space.today().toordinal())
        self.assertEqual(entry.visibility, "shared")
        self.assertEqual(json.loads(entry.feelings), ["calm", "grateful", "cosy"])

    def test_it_stores_free_text_encrypted(self):
        entry = submit("daily", self.alex)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT best_part, feelings, need FROM rituals_dailycheckin WHERE id = %s",
                [entry.pk],
            )
            stored = cursor.fetchone()
        for value in stored:
            self.assertNotIn("alex", value)
            self.assertNotIn("calm", value)
        self.assertEqual(DailyCheckIn.objects.get(pk=entry.pk).best_part, "alex best part text")

    def test_it_refuses_a_rating_outside_0_to_10(self):
        for bad in (-1, 11, "7.5", "", None, True):
            with self.assertRaises(actions.RitualError) as caught:
                actions.do_submit(DAILY, self.alex, answers("daily", "alex", connection_today=bad))
            self.assertEqual(caught.exception.status, 422)
            self.assertEqual(caught.exception.code, "rating")
        for good in (0, 10, "4"):
            DailyCheckIn.objects.filter(author=self.alex).delete()
            submit("daily", self.alex, connection_today=good)

    def test_it_refuses_feelings_outside_the_vocabulary_but_takes_own_words(self):
        with self.assertRaises(actions.RitualError):
            submit("daily", self.alex, feelings=["not-a-listed-feeling"])
        with self.assertRaises(actions.RitualError):
            submit("daily", self.alex, feelings=[], own_feelings=[])
        entry = submit("daily", self.alex, feelings=[], own_feelings=["wistful"])
        self.assertEqual(entry.feeling_list(), ["wistful"])

    def test_it_requires_the_required_answers_and_not_the_optional_one(self):
        with self.assertRaises(actions.RitualError):
            submit("daily", self.alex, best_part="   ")
        entry = submit("daily", self.alex, need="")
        self.assertEqual(entry.need, "")

    def test_a_second_submit_for_the_same_day_is_a_409_but_a_retry_with_its_key_is_not(self):
        key = uuid.uuid4()
        first, created = actions.do_submit(
            DAILY, self.alex, answers("daily", "alex"), submit_key=key
        )
        again, created_again = actions.do_submit(
            DAILY, self.alex, answers("daily", "alex"), submit_key=key
        )
        self.assertTrue(created)
        self.assertFalse(created_again)
        self.assertEqual(first.pk, again.pk)
        with self.assertRaises(actions.RitualError) as caught:
            actions.do_submit(DAILY, self.alex, answers("daily", "alex"))
        self.assertEqual(caught.exception.status, 409)
        self.assertEqual(DailyCheckIn.objects.filter(author=self.alex).count(), 1)

    def test_a_future_day_and_a_closed_day_are_refused_with_their_own_message(self):
        today = Space.objects.get(memberships__user=self.alex, memberships__left_at=None).today()
        with self.assertRaises(actions.RitualError) as future:
            actions.do_submit(
                DAILY, self.alex, answers("daily", "alex"), period=today + timedelta(1)
            )
        self.assertEqual((future.exception.status, future.exception.code), (422, "future"))
        with self.assertRaises(actions.RitualError) as closed:
            actions.do_submit(
                DAILY, self.alex, answers("daily", "alex"), period=today - timedelta(1)
            )
        self.assertEqual((closed.exception.status, closed.exception.code), (422, "closed"))

    def test_an_edit_with_an_old_version_is_a_conflict_and_changes_nothing(self):
        entry = submit("daily", self.alex)
        actions.do_update(DAILY, entry, answers("daily", "alex", best_part="first edit"), 1)
        with self.assertRaises(actions.EditConflict) as caught:
            actions.do_update(DAILY, entry, answers("daily", "alex", best_part="stale edit"), 1)
        self.assertEqual(caught.exception.status, 409)
        entry.refresh_from_db()
        self.assertEqual((entry.best_part, entry.version), ("first edit", 2))

    def test_an_edit_returns_the_row_exactly_as_it_is_stored(self):
        """do_update and do_update_own return the saved row without reading it again: every
        column is what a fresh read gives (private and shared answers, the partner's version
        and history, the times), for each kind, through edits that keep the private set,
        make an answer private and share it again."""

        def columns(row):
            return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}

        space = actions.space_of(self.alex)
        for kind in KINDS.values():
            text = next(p["id"] for p in kind.answer_prompts() if p["kind"] == "text")
            entry, _ = actions.do_submit(kind, self.alex, answers(kind.key, "alex"), private=[text])
            period = getattr(entry, kind.period_field)
            for n, private in enumerate((None, [text], [])):
                changed = answers(kind.key, "alex", **{text: f"edit {n} of {kind.key}"})
                if n == 1:
                    saved = actions.do_update(kind, entry, changed, entry.version, private)
                else:
                    saved = actions.do_update_own(
                        kind, self.alex, space, period, changed, entry.version, private
                    )
                stored = kind.model.objects.get(pk=entry.pk)
                self.assertEqual(columns(saved), columns(stored), f"{kind.key} edit {n}")
                self.assertEqual((saved.version, saved.own_value(text)), (n + 2, changed[text]))
                entry = stored

    def test_the_own_entry_edit_finds_only_the_authors_row_of_that_period(self):
        submit("daily", self.sam)
        space = actions.space_of(self.alex)
        with self.assertRaises(actions.NoEntry) as caught:
            actions.do_update_own(DAILY, self.alex, space, space.today(), answers("daily", "alex"))
        self.assertEqual(caught.exception.status, 404)
        mine = submit("daily", self.alex)
        saved = actions.do_update_own(
            DAILY, self.alex, space, mine.day, answers("daily", "alex", best_part="later"), 1
        )
        self.assertEqual((saved.pk, saved.best_part, saved.version), (mine.pk, "later", 2))
        self.assertEqual(DailyCheckIn.objects.get(author=self.sam).version, 1)

    def test_weekly_and_monthly_periods_are_the_monday_and_the_first(self):
        weekly = submit("weekly", self.alex)
        monthly = submit("monthly", self.alex)
        self.assertEqual(weekly.week.weekday(), 0)
        self.assertEqual(monthly.month.day, 1)
        self.assertEqual(WeeklyReview.objects.filter(author=self.alex).count(), 1)
        self.assertEqual(MonthlyCheckIn.objects.filter(author=self.alex).count(), 1)
        self.assertEqual(WEEKLY.period_last_day(weekly.week), weekly.week + timedelta(6))
        self.assertEqual(MONTHLY.following(monthly.month).day, 1)

    def test_agreements_are_recorded_per_partner_and_can_be_taken_back(self):
        row, created = actions.do_accept_agreement(self.alex, "time_out")
        _, again = actions.do_accept_agreement(self.alex, "time_out")
        self.assertTrue(created)
        self.assertFalse(again)
        self.assertEqual(actions.do_withdraw_agreement(self.alex, "time_out"), 1)
        _, created_later = actions.do_accept_agreement(self.alex, "time_out")
        self.assertTrue(created_later)
        from reattune.rituals.models import AgreementAcceptance

        # The history stays: one taken back, one current.
        self.assertEqual(AgreementAcceptance.objects.filter(author=self.alex).count(), 2)
        with self.assertRaises(actions.RitualError) as unknown:
            actions.do_accept_agreement(self.alex, "no_such_agreement")
        self.assertEqual(unknown.exception.status, 404)

    def test_the_ladder_moves_weekly_and_a_partner_can_stay_on_a_step(self):
        state = queries.ladder_state(self.alex, actions.space_of(self.alex))
        this_week = state.since_week
        self.assertEqual(state.current_step(this_week, 8), 1)
        self.assertEqual(state.current_step(this_week + timedelta(weeks=2), 8), 3)
        self.assertEqual(state.current_step(this_week + timedelta(weeks=50), 8), 8)
        stayed = actions.do_ladder(self.alex, "stay")
        self.assertTrue(stayed.staying)
        self.assertEqual(stayed.current_step(this_week + timedelta(weeks=5), 8), 1)
        deeper = actions.do_ladder(self.alex, "deeper")
        self.assertEqual(deeper.step, 2)
        self.assertEqual(actions.do_ladder(self.alex, "lighter").step, 1)
        with self.assertRaises(actions.RitualError):
            actions.do_ladder(self.alex, "jump")
