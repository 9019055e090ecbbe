"""Attacks on answers kept private: alex keeps an answer for himself; sam (his partner), the
couple's therapist and casey (another couple) try to learn it, or learn that it exists or
changed, through every page, API, export, report, notice and error message. Also the
"before sharing" choice: sam loading pages between alex's save and alex's choice, and
nothing alex typed lost when he picks "edit".

Each test FAILS if the attack works.
"""

import io
import re
import uuid
import zipfile
from datetime import timedelta
from unittest import mock

from reattune.couples.actions import active_membership
from reattune.couples.models import Space
from reattune.rituals.actions import do_create_feed
from reattune.rituals.kinds import week_start
from reattune.rituals.models import DailyCheckIn, WeeklyReview
from tests.base import BaseTestCase
from tests.rituals_helpers import answers, form_data, frozen, window_start

API = "/api/v1/rituals"
SECRET = "alexkeepsthisquietly"
CRISIS = "Honestly I want to die some days."


def today_of(user):
    return Space.objects.get(memberships__user=user, memberships__left_at=None).today()


def zip_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(
            f"== {name}\n" + archive.read(name).decode("utf-8", "replace")
            for name in sorted(archive.namelist())
        )


class _Attack(BaseTestCase):
    def day_path(self):
        return f"{API}/daily/{today_of(self.alex).isoformat()}"

    def week_path(self):
        return f"{API}/weekly/{week_start(today_of(self.alex)).isoformat()}"

    def sam_sees_everything(self) -> dict[str, str]:
        """Every place sam (session and bearer) reads: {where: text}."""
        today = today_of(self.sam)
        client = self.client_for("sam")
        seen = {}
        pages = [
            "/home/",
            "/rituals/",
            "/rituals/daily/",
            "/rituals/weekly/",
            f"/rituals/daily/{today.isoformat()}/",
            f"/rituals/weekly/{week_start(today).isoformat()}/",
            f"/rituals/monthly/{today.replace(day=1).isoformat()}/",
            "/rituals/progress/",
            "/rituals/calendar/",
            "/report/",
            "/journal/",
            "/account/export/",
        ]
        for path in pages:
            response = client.get(path)
            seen[path] = f"{response.status_code} {response.content.decode()}"
        for path in (
            "/today",
            "/daily",
            "/weekly",
            "/monthly",
            f"/daily/{today.isoformat()}",
            f"/weekly/{today.isoformat()}",
            f"/monthly/{today.isoformat()}",
            "/progress",
            "/progress?range=all",
            "/streaks",
        ):
            response = self.api("sam", "GET", API + path)
            seen["api" + path] = f"{response.status_code} {response.content.decode()}"
        download = client.post("/account/export/download/")
        seen["export zip"] = zip_text(download.content)
        token = do_create_feed(self.sam)
        seen["calendar feed"] = self.client.get(f"/rituals/calendar/{token}.ics").content.decode()
        return seen

    def assert_nowhere(self, needle: str, seen: dict[str, str]):
        leaks = [where for where, text in seen.items() if needle in text]
        self.assertEqual(leaks, [], f"{needle!r} reaches sam through {leaks}")


class PrivateAnswerEverywhereAttack(_Attack):
    def setUp(self):
        super().setUp()
        made = self.api(
            "alex",
            "POST",
            f"{API}/daily",
            answers(
                "daily",
                "alex",
                best_part=f"{SECRET} daily",
                own_feelings=["secretword"],
                private_fields=["best_part", "feelings"],
            ),
        )
        self.assertEqual(made.status_code, 201, made.content)
        self.api(
            "alex",
            "POST",
            f"{API}/weekly",
            answers(
                "weekly", "alex", closer_area=f"{SECRET} weekly", private_fields=["closer_area"]
            ),
        )
        self.assertEqual(
            self.api("sam", "POST", f"{API}/daily", answers("daily", "sam")).status_code, 201
        )
        self.api("sam", "POST", f"{API}/weekly", answers("weekly", "sam"))

    def test_sam_reads_it_nowhere(self):
        seen = self.sam_sees_everything()
        self.assert_nowhere(SECRET, seen)
        self.assert_nowhere("secretword", seen)
        # the attack set-up is real: the rest is revealed, and alex reads his own
        self.assertIn(
            "alex challenging part text", seen[f"api/daily/{today_of(self.sam).isoformat()}"]
        )
        self.assertIn(SECRET, self.api("alex", "GET", self.day_path()).content.decode())

    def test_the_therapist_reads_it_nowhere(self):
        from tests.test_care_access import THERAPIST_PASSWORD, grant_for, make_therapist

        therapist = make_therapist("attacktherapist")
        grant_for(self.alex, therapist, consent_by=(self.alex, self.sam))
        space = active_membership(self.alex).space
        client = self.client_for("anonymous")
        self.assertTrue(client.login(username=therapist.email, password=THERAPIST_PASSWORD))
        seen = {}
        for path in (
            "/therapist/",
            f"/therapist/couples/{space.pk}/",
            f"/therapist/couples/{space.pk}/journal/",
        ):
            response = client.get(path)
            seen[path] = f"{response.status_code} {response.content.decode()}"
        self.assertIn("200", seen[f"/therapist/couples/{space.pk}/"][:3])
        self.assert_nowhere(SECRET, seen)
        self.assert_nowhere("secretword", seen)

    def test_casey_reads_it_nowhere(self):
        today = today_of(self.alex)
        for path in ("/daily", f"/daily/{today.isoformat()}", "/today", "/progress"):
            response = self.api("casey", "GET", API + path)
            self.assertNotIn(SECRET, response.content.decode(), path)
        entry = DailyCheckIn.objects.get(author=self.alex)
        for path in (f"/rituals/daily/{today.isoformat()}/", f"/journal/{entry.pk}/"):
            self.assertNotIn(SECRET, self.client_for("casey").get(path).content.decode())

    def test_sams_error_messages_hold_nothing_of_it(self):
        today = today_of(self.sam)
        tries = [
            ("POST", f"{API}/daily", answers("daily", "sam")),  # second submit: 409
            ("POST", f"{API}/daily", answers("daily", "sam", private_fields=["best_part", "x"])),
            ("PUT", f"{API}/daily/{today.isoformat()}", answers("daily", "sam", version=99)),
            (
                "PUT",
                f"{API}/daily/{today.isoformat()}",
                answers("daily", "sam", connection_today=11),
            ),
            ("GET", f"{API}/daily/{(today + timedelta(days=3)).isoformat()}", None),
            ("GET", f"{API}/weekly/not-a-date", None),
        ]
        for method, path, body in tries:
            response = self.api("sam", method, path, body)
            self.assertGreaterEqual(response.status_code, 400, path)
            self.assertNotIn(SECRET, response.content.decode(), f"{method} {path}")
        client = self.client_for("sam")
        for data in (
            {"choice": "share", "answer": "best_part"},
            {"choice": "edit", "answer": "best_part"},
            form_data("daily", "sam", connection_today="99"),
        ):
            self.assertNotIn(SECRET, client.post("/rituals/daily/", data).content.decode())

    def test_a_change_to_the_private_answer_alone_changes_nothing_sam_reads(self):
        """Alex rewrites only the answer he keeps: sam's every view must stay the same."""
        start = window_start()
        with frozen(start + timedelta(minutes=5)):
            before = self.api("sam", "GET", self.day_path()).json()["partner"]
            page_before = self.client_for("sam").get(
                f"/rituals/daily/{today_of(self.sam).isoformat()}/"
            )
        with frozen(start + timedelta(minutes=10)):
            changed = self.api(
                "alex",
                "PUT",
                self.day_path(),
                answers(
                    "daily", "alex", best_part=f"{SECRET} rewritten", own_feelings=["secretword"]
                ),
            )
            self.assertEqual(changed.status_code, 200, changed.content)
        with frozen(start + timedelta(minutes=15)):
            after = self.api("sam", "GET", self.day_path()).json()["partner"]
            page_after = self.client_for("sam").get(
                f"/rituals/daily/{today_of(self.sam).isoformat()}/"
            )
        self.assertEqual(after["answers"], before["answers"])
        self.assertEqual(after["edited_after_reveal"], [])
        self.assertNotIn("edited-answer", page_after.content.decode())
        strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
        self.assertEqual(
            strip.sub("", page_after.content.decode()), strip.sub("", page_before.content.decode())
        )

    def test_a_change_to_the_private_answer_alone_keeps_version_and_updated_at(self):
        start = window_start()
        with frozen(start + timedelta(minutes=5)):
            before = self.api("sam", "GET", self.day_path()).json()["partner"]
        with frozen(start + timedelta(minutes=10)):
            self.api(
                "alex",
                "PUT",
                self.day_path(),
                answers(
                    "daily", "alex", best_part=f"{SECRET} rewritten", own_feelings=["secretword"]
                ),
            )
        with frozen(start + timedelta(minutes=15)):
            after = self.api("sam", "GET", self.day_path()).json()["partner"]
            listed = [e for e in self.api("sam", "GET", f"{API}/daily").json() if not e["mine"]][0]
        self.assertEqual(
            (after["version"], after["updated_at"]), (before["version"], before["updated_at"])
        )
        self.assertEqual(
            (listed["version"], listed["updated_at"]), (before["version"], before["updated_at"])
        )

    def test_sams_export_does_not_move_when_only_a_private_answer_changes(self):
        def partner_rows():
            download = self.client_for("sam").post("/account/export/download/")
            text = zip_text(download.content)
            self.assertNotIn(SECRET, text)
            return [line for line in text.splitlines() if '"partner"' in line or "partner," in line]

        start = window_start()
        with frozen(start + timedelta(minutes=5)):
            before = partner_rows()
        with frozen(start + timedelta(minutes=10)):
            self.api(
                "alex",
                "PUT",
                self.day_path(),
                answers(
                    "daily", "alex", best_part=f"{SECRET} rewritten", own_feelings=["secretword"]
                ),
            )
        with frozen(start + timedelta(minutes=15)):
            after = partner_rows()
        self.assertTrue(before)
        self.assertEqual(after, before)

    def test_private_shared_private_flips(self):
        """private -> shared -> private: once private again, it is gone from every place; the
        edited mark never points at a private answer nor reveals a change made in private."""
        start = window_start()
        path = self.day_path()
        keep = {"own_feelings": ["secretword"]}
        with frozen(start + timedelta(minutes=1)):
            shared = self.api(
                "alex",
                "PUT",
                path,
                answers(
                    "daily",
                    "alex",
                    best_part=f"{SECRET} daily",
                    private_fields=["feelings"],
                    **keep,
                ),
            )
            self.assertEqual(shared.json()["private_fields"], ["feelings"])
            self.assertIn(SECRET, self.api("sam", "GET", path).content.decode())  # shared now
        with frozen(start + timedelta(minutes=2)):
            self.api(
                "alex",
                "PUT",
                path,
                answers(
                    "daily",
                    "alex",
                    best_part=f"{SECRET} daily",
                    private_fields=["best_part", "feelings"],
                    **keep,
                ),
            )
        with frozen(start + timedelta(minutes=3)):
            self.api(
                "alex",
                "PUT",
                path,
                answers(
                    "daily",
                    "alex",
                    best_part=f"{SECRET} second",
                    private_fields=["best_part", "feelings"],
                    **keep,
                ),
            )
        with frozen(start + timedelta(minutes=4)):
            seen = self.sam_sees_everything()
            partner = self.api("sam", "GET", path).json()["partner"]
        self.assert_nowhere(SECRET, seen)
        self.assert_nowhere("secretword", seen)
        self.assertEqual(partner["edited_after_reveal"], [])
        self.assertNotIn("best_part", partner["answers"])
        self.assertNotIn(
            "Edited after it was shared", seen[f"/rituals/daily/{today_of(self.sam).isoformat()}/"]
        )

    def test_double_submit_keeps_the_private_answer_private(self):
        """API: the same submit_key twice, the retry without private_fields."""
        key = str(uuid.uuid4())
        first = self.api(
            "alex",
            "POST",
            f"{API}/monthly",
            answers(
                "monthly",
                "alex",
                want_to_grow=f"{SECRET} monthly",
                private_fields=["want_to_grow"],
                submit_key=key,
            ),
        )
        retry = self.api(
            "alex",
            "POST",
            f"{API}/monthly",
            answers("monthly", "alex", want_to_grow=f"{SECRET} monthly", submit_key=key),
        )
        self.assertEqual((first.status_code, retry.status_code), (201, 200))
        self.assertEqual(retry.json()["private_fields"], ["want_to_grow"])
        self.api("sam", "POST", f"{API}/monthly", answers("monthly", "sam"))
        self.assert_nowhere(SECRET + " monthly", self.sam_sees_everything())


class PageDoubleSubmitAttack(_Attack):
    def test_the_page_form_twice_with_a_ticked_box(self):
        client = self.client_for("alex")
        data = form_data("weekly", "alex", closer_area=f"{SECRET} weekly")
        data["private"] = ["closer_area"]
        self.assertEqual(client.post("/rituals/weekly/", data).status_code, 302)
        client.post("/rituals/weekly/", data)  # the browser resends the same form
        self.assertEqual(WeeklyReview.objects.get(author=self.alex).closer_area, "")
        self.api("sam", "POST", f"{API}/weekly", answers("weekly", "sam"))
        self.assert_nowhere(SECRET, self.sam_sees_everything())

    def test_two_racing_submits_of_a_crisis_answer(self):
        """Both requests read 'no entry yet' before either wrote: the second gets created=False
        and skips the question; the held answer must still be private."""
        client = self.client_for("alex")
        data = form_data("daily", "alex", best_part=f"{CRISIS} {SECRET}")
        first = client.post("/rituals/daily/", data)
        self.assertTemplateUsed(first, "rituals/before_sharing.html")
        with mock.patch("reattune.rituals.views._mine", return_value=None):
            client.post("/rituals/daily/", data)
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        seen = self.sam_sees_everything()
        self.assert_nowhere(SECRET, seen)
        self.assert_nowhere(CRISIS, seen)
        self.assertIsNone(self.api("sam", "GET", self.day_path()).json()["partner"].get("support"))


class BeforeSharingAttack(_Attack):
    def test_sam_loading_every_page_between_the_save_and_the_choice(self):
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))  # sam shared first
        client = self.client_for("alex")
        held = client.post(
            "/rituals/daily/", form_data("daily", "alex", best_part=f"{CRISIS} {SECRET}")
        )
        self.assertTemplateUsed(held, "rituals/before_sharing.html")
        seen = self.sam_sees_everything()  # alex has not chosen yet
        self.assert_nowhere(SECRET, seen)
        self.assert_nowhere(CRISIS, seen)
        partner = self.api("sam", "GET", self.day_path()).json()["partner"]
        self.assertIsNotNone(partner)  # the rest is revealed already
        self.assertNotIn("support", partner)  # no guidance that would betray a held answer
        self.assertNotIn("best_part", partner["answers"])
        # after "share" sam reads it (the set-up is real)
        client.post("/rituals/daily/", {"choice": "share", "answer": "best_part"})
        self.assertIn(SECRET, self.api("sam", "GET", self.day_path()).content.decode())

    def test_edit_loses_nothing_alex_typed(self):
        client = self.client_for("alex")
        data = form_data(
            "daily",
            "alex",
            best_part=f"{CRISIS} typedbest",
            challenging_part="typedchallenge",
            appreciation="typedthanks",
            need="typedneed",
            feelings=["calm"],
            own_feelings=["typedown"],
            connection_today=3,
        )
        data["private"] = ["need"]
        held = client.post("/rituals/daily/", data)
        self.assertTemplateUsed(held, "rituals/before_sharing.html")
        edit = client.post("/rituals/daily/", {"choice": "edit", "answer": "best_part"})
        self.assertEqual(edit.status_code, 200)
        body = edit.content.decode()
        for typed in (
            "I want to die some days",
            "typedbest",
            "typedchallenge",
            "typedthanks",
            "typedneed",
            "typedown",
        ):
            self.assertIn(typed, body, f"{typed!r} lost after 'edit'")
        self.assertRegex(body, r'value="calm"[^>]*checked')
        self.assertRegex(body, r'value="3"[^>]*checked')
        self.assertRegex(body, r'name="private" value="need"[^>]*checked')

    def test_edit_of_an_existing_entry_loses_nothing(self):
        client = self.client_for("alex")
        client.post("/rituals/weekly/", form_data("weekly", "alex"))
        mine = WeeklyReview.objects.get(author=self.alex)
        data = form_data(
            "weekly", "alex", looking_ahead=f"{CRISIS} typedahead", appreciation="typedweek"
        )
        data["version"] = str(mine.version)
        held = client.post("/rituals/weekly/", data)
        self.assertTemplateUsed(held, "rituals/before_sharing.html")
        edit = client.post("/rituals/weekly/", {"choice": "edit", "answer": "looking_ahead"})
        for typed in ("typedahead", "typedweek", "alex connecting moment"):
            self.assertContains(edit, typed)


class EditedMarkAttack(_Attack):
    """The "edited after it was shared" mark must not tell sam about edits alex made while the
    answer was kept private."""

    def put(self, best_part, private):
        response = self.api(
            "alex",
            "PUT",
            self.day_path(),
            answers("daily", "alex", best_part=best_part, private_fields=private),
        )
        self.assertEqual(response.status_code, 200, response.content)

    def mark(self):
        partner = self.api("sam", "GET", self.day_path()).json()["partner"]
        page = self.client_for("sam").get(f"/rituals/daily/{today_of(self.sam).isoformat()}/")
        return partner["edited_after_reveal"], "edited-answer" in page.content.decode()

    def test_edits_made_in_private_and_undone_leave_no_mark(self):
        start = window_start()
        with frozen(start):
            self.api("alex", "POST", f"{API}/daily", answers("daily", "alex"))
            self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        with frozen(start + timedelta(minutes=1)):
            self.assertEqual(self.mark(), ([], False))  # sam read "alex best part text"
        with frozen(start + timedelta(minutes=2)):
            self.put("alex best part text", ["best_part"])
        with frozen(start + timedelta(minutes=3)):
            self.put(f"{SECRET} draft in private", ["best_part"])
        with frozen(start + timedelta(minutes=4)):
            self.put("alex best part text", ["best_part"])
        with frozen(start + timedelta(minutes=5)):
            self.put("alex best part text", [])  # shared again, word for word
        with frozen(start + timedelta(minutes=6)):
            partner = self.api("sam", "GET", self.day_path()).json()["partner"]
            self.assertEqual(partner["answers"]["best_part"], "alex best part text")
            self.assertEqual(self.mark(), ([], False))

    def test_a_private_answer_changed_and_then_shared_is_not_marked(self):
        start = window_start()
        with frozen(start):
            self.api(
                "alex",
                "POST",
                f"{API}/daily",
                answers("daily", "alex", private_fields=["best_part"]),
            )
            self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        with frozen(start + timedelta(minutes=1)):
            self.put(f"{SECRET} one", ["best_part"])
        with frozen(start + timedelta(minutes=2)):
            self.put(f"{SECRET} two", ["best_part"])
        with frozen(start + timedelta(minutes=3)):
            self.assertEqual(self.mark(), ([], False))
        with frozen(start + timedelta(minutes=4)):
            self.put(f"{SECRET} two", [])  # first shared now: new to sam, not "edited"
        with frozen(start + timedelta(minutes=5)):
            self.assertEqual(self.mark(), ([], False))


class AllKeptPrivateAttack(_Attack):
    def test_sam_is_not_told_to_share_when_alex_kept_everything(self):
        every = ["connecting_moment", "closer_area", "appreciation", "looking_ahead"]
        self.api("sam", "POST", f"{API}/weekly", answers("weekly", "sam"))
        self.api(
            "alex",
            "POST",
            f"{API}/weekly",
            answers(
                "weekly", "alex", what_would_help="x", private_fields=every + ["what_would_help"]
            ),
        )
        page = self.client_for("sam").get(
            f"/rituals/weekly/{week_start(today_of(self.sam)).isoformat()}/"
        )
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "Share your own answers to see theirs")
        self.assertNotContains(page, "alex connecting moment")


class BeforeSharingChoiceAttack(_Attack):
    def test_share_as_written_shares_only_the_held_answer(self):
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        client = self.client_for("alex")
        data = form_data("daily", "alex", best_part=CRISIS, need=f"{SECRET} need")
        data["private"] = ["need"]
        self.assertTemplateUsed(client.post("/rituals/daily/", data), "rituals/before_sharing.html")
        # the page's own form: it names the held answer only
        client.post("/rituals/daily/", {"choice": "share", "answer": ["best_part"]})
        body = self.api("sam", "GET", self.day_path()).content.decode()
        self.assertIn("want to die", body)
        self.assertNotIn(SECRET, body)
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).need, "")

    def test_a_stale_share_click_does_not_share_a_later_private_rewrite(self):
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))
        tab1, tab2 = self.client_for("alex"), self.client_for("alex")
        held = tab1.post("/rituals/daily/", form_data("daily", "alex", best_part=CRISIS))
        self.assertTemplateUsed(held, "rituals/before_sharing.html")
        mine = DailyCheckIn.objects.get(author=self.alex)
        rewrite = form_data("daily", "alex", best_part=f"{SECRET} rewritten, just for me")
        rewrite["private"] = ["best_part"]
        rewrite["version"] = str(mine.version)
        self.assertEqual(tab2.post("/rituals/daily/", rewrite).status_code, 302)
        tab1.post("/rituals/daily/", {"choice": "share", "answer": "best_part"})  # old page
        self.assertNotIn(SECRET, self.api("sam", "GET", self.day_path()).content.decode())
