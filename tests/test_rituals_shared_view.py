"""What the partner reads of an entry moves only with what they may read: the before-sharing
choice is tied to the answers it showed, the partner's version and time move only with shared
answers, the "edited" mark compares with what the partner could first read, an entry with
every answer kept private is described truly, and prompts resting in safety mode are left out
like private answers (and kept as they were when the author edits in safety mode).

alex writes, sam is alex's partner.
"""

import io
import json
import zipfile
from datetime import timedelta

from reattune.couples.models import Space
from reattune.rituals.kinds import DAILY
from reattune.rituals.models import DailyCheckIn
from reattune.rituals.sharing import edited_after_reveal
from tests.base import BaseTestCase
from tests.rituals_helpers import answers, form_data, frozen, window_start
from tests.test_care_privacy import POSITIVE

API = "/api/v1/rituals"
CRISIS = "Honestly I want to die some days."


def today_of(user):
    return Space.objects.get(memberships__user=user, memberships__left_at=None).today()


class _Base(BaseTestCase):
    def day_path(self):
        return f"{API}/daily/{today_of(self.alex).isoformat()}"

    def day_page(self):
        return f"/rituals/daily/{today_of(self.alex).isoformat()}/"

    def put(self, **overrides):
        response = self.api("alex", "PUT", self.day_path(), answers("daily", "alex", **overrides))
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def partner(self):
        return self.api("sam", "GET", self.day_path()).json()["partner"]


class BeforeSharingChoiceTests(_Base):
    def hold(self, client):
        held = client.post("/rituals/daily/", form_data("daily", "alex", best_part=CRISIS))
        self.assertTemplateUsed(held, "rituals/before_sharing.html")
        version = DailyCheckIn.objects.get(author=self.alex).version
        self.assertContains(held, f'name="version" value="{version}"')
        return version

    def test_a_choice_from_a_page_shown_before_a_change_shares_nothing(self):
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        client = self.client_for("alex")
        version = self.hold(client)
        # the same answer rewritten and kept private in another window (same session)
        rewrite = form_data("daily", "alex", best_part="only for me now")
        rewrite.update(private=["best_part"], version=str(version))
        self.assertEqual(client.post("/rituals/daily/", rewrite).status_code, 302)
        stale = {"choice": "share", "answer": "best_part", "version": str(version)}
        response = client.post("/rituals/daily/", stale)
        self.assertEqual(response.status_code, 409)
        self.assertTemplateUsed(response, "rituals/form.html")
        self.assertContains(response, "Nothing was shared", status_code=409)
        # the form shows the answers as saved now, the box still ticked: nothing lost
        self.assertContains(response, "only for me now", status_code=409)
        self.assertRegex(response.content.decode(), r'name="private" value="best_part"[^>]*checked')
        entry = DailyCheckIn.objects.get(author=self.alex)
        self.assertEqual(
            (entry.best_part, entry.kept_private()), ("", {"best_part": "only for me now"})
        )
        self.assertNotIn(
            "only for me now", self.api("sam", "GET", self.day_path()).content.decode()
        )

    def test_keep_private_from_a_stale_page_says_so_and_changes_nothing(self):
        client = self.client_for("alex")
        version = self.hold(client)
        shared = form_data("daily", "alex", best_part="a walk by the river")
        shared["version"] = str(version)
        self.assertEqual(client.post("/rituals/daily/", shared).status_code, 302)
        response = client.post(
            "/rituals/daily/", {"choice": "private", "answer": "best_part", "version": version}
        )
        self.assertEqual(response.status_code, 409)
        self.assertNotContains(response, "Kept just for you", status_code=409)
        self.assertEqual(
            DailyCheckIn.objects.get(author=self.alex).best_part, "a walk by the river"
        )

    def test_a_current_choice_shares_as_written(self):
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        client = self.client_for("alex")
        version = self.hold(client)
        response = client.post(
            "/rituals/daily/", {"choice": "share", "answer": "best_part", "version": version}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).best_part, CRISIS)
        self.assertIn("want to die", self.api("sam", "GET", self.day_path()).content.decode())

    def test_a_share_with_no_version_known_shares_nothing(self):
        client = self.client_for("alex")
        self.hold(client)
        other = self.client_for("alex")  # a session that was never shown the choice
        response = other.post("/rituals/daily/", {"choice": "share", "answer": "best_part"})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).best_part, "")


class PartnerVersionTests(_Base):
    def setUp(self):
        super().setUp()
        self.start = window_start()
        with frozen(self.start):
            self.api(
                "alex",
                "POST",
                f"{API}/daily",
                answers("daily", "alex", need="kept need", private_fields=["need"]),
            )
            self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))

    def seen(self):
        partner = self.partner()
        return partner["version"], partner["updated_at"]

    def test_it_moves_with_a_shared_answer_and_not_with_a_private_one(self):
        first = self.seen()
        self.assertEqual(first[0], 1)
        with frozen(self.start + timedelta(minutes=1)):
            mine = self.put(need="kept need, rewritten")
        self.assertEqual(mine["version"], 2)  # alex's own version moves: he edits with it
        self.assertEqual(self.seen(), first)
        with frozen(self.start + timedelta(minutes=2)):
            self.put(appreciation="new thanks")
        moved = self.seen()
        self.assertEqual(moved[0], 2)
        self.assertNotEqual(moved[1], first[1])

    def test_an_answer_made_private_moves_it(self):
        """It disappears from what sam reads: that is a change sam can see anyway."""
        with frozen(self.start + timedelta(minutes=1)):
            self.put(private_fields=["need", "best_part"])
        self.assertEqual(self.seen()[0], 2)
        self.assertNotIn("best_part", self.partner()["answers"])

    def test_the_export_carries_the_partner_version(self):
        with frozen(self.start + timedelta(minutes=1)):
            self.put(need="kept need, rewritten")
        download = self.client_for("sam").post("/account/export/download/")
        with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
            name = next(n for n in archive.namelist() if n.endswith("ritual_daily_checkins.json"))
            rows = json.loads(archive.read(name))["rows"]
        theirs = [r for r in rows if r["owner"] == "partner"]
        self.assertEqual([r["version"] for r in theirs], [1])
        mine = [r for r in rows if r["owner"] == "me"]
        self.assertEqual([r["version"] for r in mine], [1])


class EditedMarkTests(_Base):
    def setUp(self):
        super().setUp()
        self.start = window_start()
        with frozen(self.start):
            self.api("alex", "POST", f"{API}/daily", answers("daily", "alex"))
            self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))

    def mark(self):
        page = self.client_for("sam").get(self.day_page()).content.decode()
        return self.partner()["edited_after_reveal"], page.count("edited-answer")

    def test_a_changed_answer_is_marked_and_one_changed_back_is_not(self):
        with frozen(self.start + timedelta(minutes=1)):
            self.put(best_part="something else")
        self.assertEqual(self.mark(), (["best_part"], 1))
        with frozen(self.start + timedelta(minutes=2)):
            self.put()  # back to the words sam first read
        self.assertEqual(self.mark(), ([], 0))

    def test_a_private_rewrite_shared_again_is_marked(self):
        with frozen(self.start + timedelta(minutes=1)):
            self.put(private_fields=["best_part"])
        with frozen(self.start + timedelta(minutes=2)):
            self.put(best_part="rewritten in private", private_fields=["best_part"])
        self.assertEqual(self.mark(), ([], 0))  # nothing of it reaches sam
        with frozen(self.start + timedelta(minutes=3)):
            self.put(best_part="rewritten in private", private_fields=[])
        self.assertEqual(self.mark(), (["best_part"], 1))  # differs from what sam read

    def test_rows_from_before_the_history_use_the_answer_times(self):
        entry = DailyCheckIn.objects.get(author=self.alex)
        DailyCheckIn.objects.filter(pk=entry.pk).update(shared_history="{}")
        entry.refresh_from_db()
        self.assertEqual(edited_after_reveal(DAILY, entry, entry.created_at), [])
        with frozen(self.start + timedelta(minutes=1)):
            self.put(best_part="something else")
        entry.refresh_from_db()
        self.assertEqual(entry.shared_history, "{}")  # it stays on the old rule
        self.assertEqual(edited_after_reveal(DAILY, entry, entry.created_at), ["best_part"])


class EverythingKeptPrivateTests(_Base):
    def test_the_partner_is_told_the_truth(self):
        self.api("sam", "POST", f"{API}/monthly", answers("monthly", "sam"))
        every = ["most_connecting", "want_to_grow", "appreciation"]
        self.api("alex", "POST", f"{API}/monthly", answers("monthly", "alex", private_fields=every))
        page = self.client_for("sam").get(f"/rituals/monthly/{today_of(self.sam).replace(day=1)}/")
        self.assertContains(page, 'data-partner-state="kept"')
        self.assertContains(page, "kept their answers for this month to themselves")
        self.assertNotContains(page, "Share your own answers")
        self.assertNotContains(page, "alex most connecting")


class SafetyModeTests(_Base):
    def positive(self):
        self.assertEqual(self.client_for("alex").post("/care/safety/", POSITIVE).status_code, 302)

    def test_resting_answers_are_left_out_like_private_ones(self):
        self.positive()
        data = form_data("daily", "alex")
        for pid in ("challenging_part", "need"):
            data.pop(pid)
        self.assertEqual(self.client_for("alex").post("/rituals/daily/", data).status_code, 302)
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        partner = self.partner()
        self.assertFalse(partner["answers"].get("challenging_part"))  # blank and resting look alike
        self.assertEqual(partner["edited_after_reveal"], [])
        page = self.client_for("sam").get(self.day_page())
        self.assertContains(page, "alex best part text")
        self.assertNotContains(page, "Challenging")

    def test_editing_in_safety_mode_keeps_the_resting_answers_as_they_were(self):
        self.api(
            "alex",
            "POST",
            f"{API}/daily",
            answers("daily", "alex", need="alex kept need", private_fields=["need"]),
        )
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        self.positive()
        entry = DailyCheckIn.objects.get(author=self.alex)
        data = form_data("daily", "alex", appreciation="thanks, in safety mode")
        for pid in ("challenging_part", "need"):
            data.pop(pid)
        data["version"] = str(entry.version)
        self.assertEqual(self.client_for("alex").post("/rituals/daily/", data).status_code, 302)
        entry.refresh_from_db()
        self.assertEqual(entry.challenging_part, "alex challenging part text")
        self.assertEqual(entry.kept_private(), {"need": "alex kept need"})
        partner = self.partner()
        self.assertEqual(partner["answers"]["challenging_part"], "alex challenging part text")
        self.assertNotIn("need", partner["answers"])
        self.assertEqual(partner["edited_after_reveal"], ["appreciation"])
