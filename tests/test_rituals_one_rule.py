"""One rule, one place, for the rituals' pages and API.

- What the author is shown after a save about crisis language (the answers held, the shared
  answers with crisis language, the help) comes from rituals.sharing.saved_answers; the API
  serialises it and never runs the detector itself.
- Where a person stands on the ladder (step, this week's prompt, the resting prompt in safety
  mode, the partner's step) comes from rituals.queries.ladder_status.
- The ladder's weekly turn of prompts is computed on the ladder step alone.
"""

import ast
import re
from pathlib import Path
from unittest import mock

from reattune.core.aftersave import saved_check
from reattune.couples.models import Space
from reattune.rituals import actions, queries, sharing
from reattune.rituals.kinds import DAILY
from reattune.rituals.models import DailyCheckIn
from tests.base import BaseTestCase
from tests.rituals_helpers import answers
from tests.test_care_privacy import POSITIVE

ROOT = Path(__file__).resolve().parent.parent
API = "/api/v1/rituals"
CRISIS = "Honestly I want to die some days."
THREAT = "He said he will kill me if I leave."


def space_of(user):
    return Space.objects.get(memberships__user=user, memberships__left_at=None)


class SavedAnswersTests(BaseTestCase):
    def test_it_reads_the_held_answers_and_the_check_the_action_ran(self):
        saved, _ = actions.do_submit(
            DAILY,
            self.alex,
            answers("daily", "alex", best_part=CRISIS, need=THREAT),
            share_anyway=["best_part"],
        )
        shown = sharing.saved_answers(DAILY, saved)
        self.assertEqual(shown.held, ["need"])  # confirmed best_part is shared, need is held
        self.assertEqual(shown.held, saved.held_answers)
        self.assertIs(shown.found, saved_check(saved))
        self.assertEqual(shown.crisis, ["best_part"])
        label = next(p["label"] for p in DAILY.answer_prompts() if p["id"] == "need")
        self.assertEqual(shown.held_shown(), [{"id": "need", "label": label, "text": THREAT}])
        support = shown.support()
        self.assertEqual(support["context"], "shared")
        self.assertIn(sharing.HELD_WHERE, support["message"])

    def test_nothing_to_show_when_nothing_has_crisis_language(self):
        saved, _ = actions.do_submit(DAILY, self.alex, answers("daily", "alex"))
        shown = sharing.saved_answers(DAILY, saved)
        self.assertEqual((shown.held, shown.crisis, shown.found), ([], [], None))
        self.assertIsNone(shown.support())

    def test_an_entry_no_action_returned_is_refused(self):
        actions.do_submit(DAILY, self.alex, answers("daily", "alex"))
        read_again = DailyCheckIn.objects.get(author=self.alex)
        with self.assertRaises(AttributeError):  # no silent "no crisis language"
            sharing.saved_answers(DAILY, read_again)

    def test_the_api_shows_exactly_what_saved_answers_says(self):
        results = []

        def recording(*args, **kwargs):
            result = real(*args, **kwargs)
            results.append(result)
            return result

        real = sharing.saved_answers
        with mock.patch.object(sharing, "saved_answers", side_effect=recording):
            response = self.api(
                "alex",
                "POST",
                f"{API}/daily",
                answers("daily", "alex", best_part=CRISIS, need=THREAT, share_anyway=["best_part"]),
            )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(len(results), 1)
        shown, body = results[0], response.json()
        self.assertEqual(body["held_answers"], shown.held)
        self.assertEqual(body["crisis_answers"], shown.crisis)
        self.assertEqual((body["held_answers"], body["crisis_answers"]), (["need"], ["best_part"]))
        self.assertEqual(body["support"]["message"], shown.support()["message"])

    def test_the_rituals_api_never_runs_the_detector(self):
        tree = ast.parse((ROOT / "reattune/rituals/api.py").read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        self.assertFalse({m for m in imported if m and m.startswith("reattune.domain.safety")})
        called = {
            getattr(node.func, "attr", getattr(node.func, "id", None))
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
        }
        self.assertFalse(called & {"check_text", "detect_crisis", "crisis_answers"})
        self.assertIn("saved_answers", called)


class LadderStatusTests(BaseTestCase):
    def test_the_api_shows_the_one_ladder_status(self):
        actions.do_ladder(self.sam, "deeper")
        body = self.api("alex", "GET", f"{API}/ladder").json()
        status = queries.ladder_status(self.alex, space_of(self.alex), with_partner=True)
        self.assertEqual(body["step"], status.step.number)
        self.assertEqual(body["prompt"], status.prompt)
        self.assertEqual(body["prompt"], status.step.prompt_for_week(status.this_week))
        self.assertEqual(body["partner_step"], status.partner_step.number)
        self.assertEqual(body["partner_step"], 2)  # sam went a step deeper
        self.assertEqual(body["staying"], status.state.staying)

    def test_the_prompt_rests_for_a_person_in_safety_mode_only(self):
        from reattune.care.safety import RESTING_PROMPT

        self.assertEqual(self.client_for("alex").post("/care/safety/", POSITIVE).status_code, 302)
        mine = queries.ladder_status(self.alex, space_of(self.alex))
        theirs = queries.ladder_status(self.sam, space_of(self.sam))
        self.assertEqual(mine.prompt, RESTING_PROMPT)
        self.assertEqual(self.api("alex", "GET", f"{API}/ladder").json()["prompt"], RESTING_PROMPT)
        self.assertNotEqual(theirs.prompt, RESTING_PROMPT)
        self.assertIsNone(mine.partner_step)  # asked for only when wanted


def test_the_weekly_turn_of_prompts_is_computed_on_the_ladder_step_alone():
    rule = re.compile(r"toordinal\(\)\s*//\s*7")
    places = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "reattune").rglob("*.py")
        if rule.search(path.read_text())
    ]
    assert places == ["reattune/domain/plan/library.py"]
