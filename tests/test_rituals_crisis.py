"""Crisis language in ritual answers: support on every save, the choice before sharing, the
partner's guidance, answers kept private everywhere, and the "edited" mark.

alex writes, sam is alex's partner. The crisis sentences below are ones the detector finds.
"""

import io
import zipfile
from datetime import timedelta
from unittest import mock

from django.utils import timezone

from reattune.couples.models import Space
from reattune.rituals.actions import do_share_answers
from reattune.rituals.kinds import DAILY, month_end, week_start
from reattune.rituals.models import DailyCheckIn, MonthlyCheckIn, WeeklyReview
from tests.base import BaseTestCase
from tests.rituals_helpers import answers, form_data, frozen, submit, window_start

CRISIS = "Honestly I want to die some days."
THREAT = "He said he will kill me if I leave."
API = "/api/v1/rituals"
# One written answer of each kind, and a save of each kind through the API.
WRITTEN = {"daily": "best_part", "weekly": "closer_area", "monthly": "want_to_grow"}


def today_of(user):
    return Space.objects.get(memberships__user=user, memberships__left_at=None).today()


class ApiSupportTests(BaseTestCase):
    def test_every_ritual_create_and_update_holds_a_crisis_answer_with_support(self):
        for kind, field in WRITTEN.items():
            with self.subTest(kind=kind):
                created = self.api("alex", "POST", f"{API}/{kind}", answers(kind, "alex"))
                self.assertEqual(created.status_code, 201, created.content)
                for name in ("support", "crisis_answers", "held_answers"):
                    self.assertNotIn(name, created.json())
                path = f"{API}/{kind}/{today_of(self.alex).isoformat()}"
                changed = self.api("alex", "PUT", path, answers(kind, "alex", **{field: CRISIS}))
                self.assertEqual(changed.status_code, 200, changed.content)
                body = changed.json()
                self.assertEqual(body["held_answers"], [field])
                self.assertNotIn("crisis_answers", body)  # nothing with it is shared
                self.assertEqual(body["private_fields"], [field])
                self.assertEqual(body["answers"][field], CRISIS)  # the author reads it
                self.assertEqual(body["support"]["context"], "shared")
                self.assertIn("has not seen these words", body["support"]["message"])
                self.assertIn("suicide", body["support"]["kinds"])
                self.assertTrue(body["support"]["lines"] or body["support"]["emergency"])

    def test_a_crisis_answer_on_create_is_held_and_named(self):
        response = self.api(
            "alex", "POST", f"{API}/weekly", answers("weekly", "alex", looking_ahead=THREAT)
        )
        self.assertEqual(response.status_code, 201)
        body = response.json()
        self.assertEqual(body["held_answers"], ["looking_ahead"])
        self.assertEqual(body["support"]["context"], "shared")
        self.assertEqual(body["support"]["kinds"][0], "harm_from_others")
        entry = WeeklyReview.objects.get(author=self.alex)
        self.assertEqual(entry.looking_ahead, "")
        self.assertEqual(entry.kept_private(), {"looking_ahead": THREAT})

    def test_an_answer_kept_private_gets_private_support_and_no_crisis_answers(self):
        response = self.api(
            "alex",
            "POST",
            f"{API}/daily",
            answers("daily", "alex", need=CRISIS, private_fields=["need"]),
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["private_fields"], ["need"])
        self.assertEqual(body["answers"]["need"], CRISIS)  # the author reads it
        self.assertEqual(body["support"]["context"], "private")
        self.assertNotIn("crisis_answers", body)

    def test_own_feelings_words_are_checked_too(self):
        response = self.api(
            "alex", "POST", f"{API}/daily", answers("daily", "alex", own_feelings=["want to die"])
        )
        self.assertEqual(response.status_code, 201)
        self.assertEqual(response.json()["held_answers"], ["feelings"])
        self.assertEqual(response.json()["support"]["context"], "shared")

    def test_private_fields_must_name_written_answers(self):
        for bad in (["connection_today"], ["nope"]):
            response = self.api(
                "alex", "POST", f"{API}/daily", answers("daily", "alex", private_fields=bad)
            )
            self.assertEqual(response.status_code, 422)
            self.assertIn("kept just for you", response.json()["detail"])
        self.assertFalse(DailyCheckIn.objects.filter(author=self.alex).exists())

    def test_put_without_private_fields_keeps_them_and_an_empty_list_shares(self):
        self.api("alex", "POST", f"{API}/daily", answers("daily", "alex", private_fields=["need"]))
        path = f"{API}/daily/{today_of(self.alex).isoformat()}"
        kept = self.api("alex", "PUT", path, answers("daily", "alex", need="still mine"))
        self.assertEqual(kept.json()["private_fields"], ["need"])
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).need, "")
        shared = self.api(
            "alex", "PUT", path, answers("daily", "alex", need="now shared", private_fields=[])
        )
        self.assertEqual(shared.json()["private_fields"], [])
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).need, "now shared")

    def test_the_time_out_note_returns_support_to_its_author_and_guides_the_partner(self):
        started = self.api("alex", "POST", f"{API}/timeout", {"minutes": 20, "note": CRISIS})
        self.assertEqual(started.status_code, 201, started.content)
        self.assertEqual(started.json()["support"]["context"], "shared")
        theirs = self.api("sam", "GET", f"{API}/timeout").json()
        self.assertEqual(theirs["support"]["context"], "partner")
        self.assertTrue(theirs["support"]["guidance"])
        self.assertIsNone(theirs["support"]["safety_check_url"])
        self.assertNotIn("support", self.api("alex", "GET", f"{API}/timeout").json())

    def test_a_quiet_time_out_note_has_no_support(self):
        started = self.api("alex", "POST", f"{API}/timeout", {"minutes": 20, "note": "A walk."})
        self.assertNotIn("support", started.json())
        self.assertNotIn("support", self.api("sam", "GET", f"{API}/timeout").json())

    def test_the_openapi_schema_declares_support_and_private_fields(self):
        schema = self.client_for("alex").get("/api/v1/openapi.json").json()
        components = schema["components"]["schemas"]
        self.assertIn("support", components["RitualEntryOut"]["properties"])
        self.assertIn("private_fields", components["DailyIn"]["properties"])
        self.assertIn("support", components["TimeOutOut"]["properties"])


class PartnerReadsTests(BaseTestCase):
    def test_the_partner_reading_a_crisis_answer_gets_guidance_for_their_country(self):
        self.sam.country = "DE"
        self.sam.save(update_fields=["country"])
        entry = submit("daily", self.alex, best_part=CRISIS)
        self.assertEqual(entry.held_answers, ["best_part"])
        do_share_answers(DAILY, entry, ["best_part"], entry.version)  # alex shares it
        submit("daily", self.sam)
        path = f"{API}/daily/{today_of(self.alex).isoformat()}"
        body = self.api("sam", "GET", path).json()
        support = body["partner"]["support"]
        self.assertEqual(support["context"], "partner")
        self.assertEqual(support["country"], "DE")
        self.assertTrue(support["guidance"])
        self.assertNotIn("support", body["mine"])
        listed = self.api("sam", "GET", f"{API}/daily").json()
        alex_row = next(row for row in listed if not row["mine"])
        self.assertEqual(alex_row["support"]["context"], "partner")
        page = self.client_for("sam").get(f"/rituals/daily/{today_of(self.alex).isoformat()}/")
        self.assertContains(page, 'data-support="partner"')
        self.assertContains(page, "How you can respond")
        self.assertContains(page, CRISIS)
        # Nothing of the author's care data: no safety-check link on the partner's support.
        self.assertNotContains(page, "Take the private safety check")

    def test_no_guidance_on_everyday_answers(self):
        submit("daily", self.alex)
        submit("daily", self.sam)
        page = self.client_for("sam").get(f"/rituals/daily/{today_of(self.alex).isoformat()}/")
        self.assertNotContains(page, "data-support")
        self.assertContains(page, "Curiosity first")

    def test_an_answer_changed_after_the_reveal_is_marked_for_the_partner(self):
        start = window_start()
        with mock.patch("django.utils.timezone.now", return_value=start):
            submit("daily", self.alex)
            submit("daily", self.sam)
        path = f"{API}/daily/{today_of(self.alex).isoformat()}"
        self.assertEqual(self.api("sam", "GET", path).json()["partner"]["edited_after_reveal"], [])
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=5)):
            self.api("alex", "PUT", path, answers("daily", "alex", appreciation="new words"))
        body = self.api("sam", "GET", path).json()
        self.assertEqual(body["partner"]["edited_after_reveal"], ["appreciation"])
        self.assertEqual(body["mine"]["edited_after_reveal"], [])
        page = self.client_for("sam").get(f"/rituals/daily/{today_of(self.alex).isoformat()}/")
        self.assertContains(page, "Edited after it was shared with you", count=1)
        own = self.client_for("alex").get(f"/rituals/daily/{today_of(self.alex).isoformat()}/")
        self.assertNotContains(own, "Edited after it was shared with you")

    def test_an_edit_before_the_partner_could_read_it_is_not_marked(self):
        start = window_start()
        with mock.patch("django.utils.timezone.now", return_value=start):
            submit("daily", self.alex)
        path = f"{API}/daily/{today_of(self.alex).isoformat()}"
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=1)):
            self.api("alex", "PUT", path, answers("daily", "alex", appreciation="new words"))
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(minutes=2)):
            submit("daily", self.sam)
        self.assertEqual(self.api("sam", "GET", path).json()["partner"]["edited_after_reveal"], [])

    def test_a_held_answer_shared_later_is_not_marked_unless_changed_after_the_reveal(self):
        start = window_start()
        with mock.patch("django.utils.timezone.now", return_value=start):
            submit("daily", self.alex)
            submit("daily", self.sam)
        path = f"{API}/daily/{today_of(self.alex).isoformat()}"
        at = start + timedelta(minutes=1)
        with mock.patch("django.utils.timezone.now", return_value=at):
            self.api("alex", "PUT", path, answers("daily", "alex", private_fields=["need"]))
        with mock.patch("django.utils.timezone.now", return_value=at + timedelta(minutes=1)):
            self.api("alex", "PUT", path, answers("daily", "alex", private_fields=[]))
        # Hidden and shown again unchanged: the partner reads what they could read before.
        self.assertEqual(self.api("sam", "GET", path).json()["partner"]["edited_after_reveal"], [])


class KeptPrivateEverywhereTests(BaseTestCase):
    SECRET = "alex kept this answer private"

    def setUp(self):
        super().setUp()
        for kind, field in WRITTEN.items():
            self.api(
                "alex",
                "POST",
                f"{API}/{kind}",
                answers(
                    kind, "alex", **{field: f"{self.SECRET} {kind}", "private_fields": [field]}
                ),
            )
            self.api("sam", "POST", f"{API}/{kind}", answers(kind, "sam"))

    def assert_hidden(self, content: str, where: str):
        self.assertNotIn(self.SECRET, content, f"{where} shows alex's private answer to sam")

    def test_the_partner_never_reads_a_private_answer(self):
        today = today_of(self.alex)
        for kind, field in WRITTEN.items():
            with self.subTest(kind=kind):
                period = {"daily": today, "weekly": week_start(today), "monthly": today}[kind]
                body = self.api("sam", "GET", f"{API}/{kind}/{period.isoformat()}").json()
                self.assertIsNotNone(body["partner"])  # the rest is revealed
                self.assertNotIn(field, body["partner"]["answers"])
                self.assertEqual(body["partner"]["private_fields"], [])
                self.assert_hidden(str(body), f"GET {kind}/period")
                self.assert_hidden(
                    self.api("sam", "GET", f"{API}/{kind}").content.decode(), f"GET {kind}"
                )
                self.assertIn(
                    f"{self.SECRET} {kind}",
                    self.api("alex", "GET", f"{API}/{kind}/{period.isoformat()}").content.decode(),
                )
        self.assert_hidden(self.api("sam", "GET", f"{API}/today").content.decode(), "today")
        for path in ("progress", "streaks"):
            self.assert_hidden(self.api("sam", "GET", f"{API}/{path}").content.decode(), path)

    def test_the_partners_pages_never_show_it(self):
        client = self.client_for("sam")
        today = today_of(self.alex)
        month = today.replace(day=1)
        pages = [
            "/rituals/",
            f"/rituals/daily/{today.isoformat()}/",
            f"/rituals/weekly/{week_start(today).isoformat()}/",
            f"/rituals/monthly/{month.isoformat()}/",
            "/rituals/daily/",
            "/rituals/progress/",
            "/home/",
        ]
        for path in pages:
            response = client.get(path)
            self.assertEqual(response.status_code, 200, path)
            self.assert_hidden(response.content.decode(), path)
        day = client.get(f"/rituals/daily/{today.isoformat()}/")
        self.assertContains(day, "alex challenging part text")  # the rest is there
        own = self.client_for("alex").get(f"/rituals/daily/{today.isoformat()}/")
        self.assertContains(own, f"{self.SECRET} daily")
        self.assertContains(own, "Just for you")

    def test_the_partners_calendar_feed_never_holds_it(self):
        from reattune.rituals.actions import do_create_feed

        token = do_create_feed(self.sam)
        feed = self.client.get(f"/rituals/calendar/{token}.ics")
        self.assertEqual(feed.status_code, 200)
        self.assert_hidden(feed.content.decode(), "calendar feed")

    def test_the_partners_export_never_holds_it(self):
        from reattune.exports.archive import export_bytes

        with zipfile.ZipFile(io.BytesIO(export_bytes(self.sam))) as archive:
            for name in archive.namelist():
                self.assert_hidden(archive.read(name).decode("utf-8", "replace"), name)

    def test_the_stored_shared_columns_hold_nothing_of_it(self):
        for model, field in (
            (DailyCheckIn, "best_part"),
            (WeeklyReview, "closer_area"),
            (MonthlyCheckIn, "want_to_grow"),
        ):
            entry = model.objects.get(author=self.alex)
            self.assertEqual(getattr(entry, field), "")
            self.assertIn(self.SECRET, entry.own_value(field))


class BeforeSharingPageTests(BaseTestCase):
    def post_crisis(self, client=None, **overrides):
        client = client or self.client_for("alex")
        return client.post(
            "/rituals/daily/", form_data("daily", "alex", best_part=CRISIS, **overrides)
        )

    def day_url(self):
        return f"/rituals/daily/{today_of(self.alex).isoformat()}/"

    def test_a_crisis_answer_is_saved_for_the_author_and_the_choice_comes_first(self):
        response = self.post_crisis()
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "rituals/before_sharing.html")
        self.assertContains(response, "Before Sam reads this")
        self.assertContains(response, CRISIS)  # nothing typed is lost
        for label in ("Share it as written", "Keep it just for me", "Change what I wrote"):
            self.assertContains(response, label)
        self.assertContains(response, 'data-support="private"')
        self.assertNotContains(response, "Nothing has been sent to anyone")
        entry = DailyCheckIn.objects.get(author=self.alex)
        self.assertEqual(entry.best_part, "")
        self.assertEqual(entry.kept_private(), {"best_part": CRISIS})
        # sam shares and reads the rest, not that answer.
        submit("daily", self.sam)
        page = self.client_for("sam").get(self.day_url())
        self.assertContains(page, "alex challenging part text")
        self.assertNotContains(page, CRISIS)

    def test_share_as_written_shows_it_to_the_partner_with_guidance(self):
        client = self.client_for("alex")
        self.post_crisis(client)
        response = client.post("/rituals/daily/", {"choice": "share", "answer": "best_part"})
        self.assertRedirects(response, self.day_url(), fetch_redirect_response=False)
        entry = DailyCheckIn.objects.get(author=self.alex)
        self.assertEqual((entry.best_part, entry.kept_private()), (CRISIS, {}))
        submit("daily", self.sam)
        page = self.client_for("sam").get(self.day_url())
        self.assertContains(page, CRISIS)
        self.assertContains(page, 'data-support="partner"')
        self.assertNotContains(page, "Edited after it was shared with you")

    def test_keep_private_leaves_it_with_the_author(self):
        client = self.client_for("alex")
        self.post_crisis(client)
        response = client.post("/rituals/daily/", {"choice": "private", "answer": "best_part"})
        self.assertRedirects(response, self.day_url(), fetch_redirect_response=False)
        own = client.get(self.day_url())
        self.assertContains(own, CRISIS)
        self.assertContains(own, "Just for you")
        submit("daily", self.sam)
        self.assertNotContains(self.client_for("sam").get(self.day_url()), CRISIS)

    def test_edit_shows_the_form_with_the_words_and_the_box_unticked(self):
        client = self.client_for("alex")
        self.post_crisis(client)
        response = client.post("/rituals/daily/", {"choice": "edit", "answer": "best_part"})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "rituals/form.html")
        self.assertContains(response, CRISIS)
        self.assertNotContains(response, 'value="best_part" checked')
        # Saving the same words again asks again; changed words are shared.
        data = form_data("daily", "alex", best_part=CRISIS)
        data["version"] = str(DailyCheckIn.objects.get(author=self.alex).version)
        self.assertTemplateUsed(client.post("/rituals/daily/", data), "rituals/before_sharing.html")
        data = form_data("daily", "alex", best_part="A slow walk together.")
        data["version"] = str(DailyCheckIn.objects.get(author=self.alex).version)
        self.assertEqual(client.post("/rituals/daily/", data).status_code, 302)
        entry = DailyCheckIn.objects.get(author=self.alex)
        self.assertEqual((entry.best_part, entry.kept_private()), ("A slow walk together.", {}))

    def test_an_answer_shared_as_written_is_not_asked_about_again(self):
        client = self.client_for("alex")
        self.post_crisis(client)
        client.post("/rituals/daily/", {"choice": "share", "answer": "best_part"})
        data = form_data("daily", "alex", best_part=CRISIS, appreciation="thanks again")
        data["version"] = str(DailyCheckIn.objects.get(author=self.alex).version)
        response = client.post("/rituals/daily/", data)
        # Saved and shared: the help page, worded for shared text.
        self.assertTemplateUsed(response, "care/crisis.html")
        self.assertContains(response, "Your words are saved and shared")
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).best_part, CRISIS)

    def test_a_box_ticked_by_the_author_keeps_it_private_with_private_wording(self):
        response = self.post_crisis(private="best_part")
        self.assertTemplateUsed(response, "care/crisis.html")
        self.assertContains(response, "your partner cannot read them")
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).best_part, "")

    def test_weekly_and_monthly_ask_too(self):
        for kind, field in (("weekly", "closer_area"), ("monthly", "want_to_grow")):
            with self.subTest(kind=kind):
                response = self.client_for("alex").post(
                    f"/rituals/{kind}/", form_data(kind, "alex", **{field: THREAT})
                )
                self.assertTemplateUsed(response, "rituals/before_sharing.html")
                self.assertContains(response, THREAT)

    def test_a_choice_names_only_answers_kept_private(self):
        submit("daily", self.alex)
        client = self.client_for("alex")
        client.post("/rituals/daily/", {"choice": "share", "answer": "best_part"})
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).version, 1)


class TimeOutPageTests(BaseTestCase):
    def test_the_note_gets_shared_support_and_the_partner_gets_guidance(self):
        response = self.client_for("alex").post(
            "/rituals/timeout/", {"minutes": "20", "note": CRISIS}
        )
        self.assertTemplateUsed(response, "care/crisis.html")
        self.assertContains(response, "Your words are saved and shared")
        page = self.client_for("sam").get("/rituals/timeout/")
        self.assertContains(page, CRISIS)
        self.assertContains(page, 'data-support="partner"')
        self.assertNotContains(self.client_for("alex").get("/rituals/timeout/"), "data-support")
        home = self.client_for("sam").get("/home/")
        self.assertContains(home, "How you can respond, and who you can call")


class AnyDayOfAPeriodTests(BaseTestCase):
    def test_weekly_and_monthly_read_any_day_of_the_current_period(self):
        today = today_of(self.alex)
        submit("weekly", self.alex)
        submit("monthly", self.alex)
        for kind, first, last in (
            ("weekly", week_start(today), week_start(today) + timedelta(days=6)),
            ("monthly", today.replace(day=1), month_end(today.replace(day=1))),
        ):
            for day in (first, today, last):
                with self.subTest(kind=kind, day=day):
                    response = self.api("alex", "GET", f"{API}/{kind}/{day.isoformat()}")
                    self.assertEqual(response.status_code, 200, response.content)
                    self.assertEqual(response.json()["period"], first.isoformat())
                    self.assertIsNotNone(response.json()["mine"])
            after = last + timedelta(days=1)
            self.assertEqual(
                self.api("alex", "GET", f"{API}/{kind}/{after.isoformat()}").status_code, 404
            )


class EverydayWordsTests(BaseTestCase):
    def test_no_word_of_the_feelings_list_is_asked_about(self):
        from reattune.rituals.kinds import all_feeling_words

        words = sorted(all_feeling_words())
        data = form_data("daily", "alex", feelings=words)
        response = self.client_for("alex").post("/rituals/daily/", data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).kept_private(), {})
        self.assertEqual(
            DailyCheckIn.objects.get(author=self.alex).feeling_list(), [*words, "cosy"]
        )

    def test_rows_made_directly_keep_private_answers_apart(self):
        from reattune.rituals.actions import new_row_values
        from reattune.rituals.kinds import MONTHLY

        values = new_row_values(
            MONTHLY,
            {"most_connecting": "a", "want_to_grow": "b", "appreciation": "c"},
            ["want_to_grow"],
        )
        self.assertEqual(values["want_to_grow"], "")
        entry = MonthlyCheckIn(**values)
        self.assertEqual(entry.own_value("want_to_grow"), "b")
        self.assertEqual(sorted(values["answer_times"]), ["appreciation", "most_connecting"])


class ApiHoldTests(BaseTestCase):
    """The API follows the same hold rule as the pages (actions.held_answers)."""

    def setUp(self):
        super().setUp()
        self.day = today_of(self.alex).isoformat()
        self.path = f"{API}/daily/{self.day}"
        self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))  # sam shared first

    def hold(self):
        made = self.api("alex", "POST", f"{API}/daily", answers("daily", "alex", best_part=CRISIS))
        self.assertEqual(made.status_code, 201, made.content)
        return made.json()

    def sam_reads(self) -> str:
        seen = [
            self.api("sam", "GET", self.path).content.decode(),
            self.api("sam", "GET", f"{API}/daily").content.decode(),
            self.api("sam", "GET", f"{API}/today").content.decode(),
            self.client_for("sam").get(f"/rituals/daily/{self.day}/").content.decode(),
        ]
        return "\n".join(seen)

    def put(self, **overrides):
        return self.api("alex", "PUT", self.path, answers("daily", "alex", **overrides))

    def test_an_api_save_holds_it_and_sam_cannot_read_it_anywhere(self):
        body = self.hold()
        self.assertEqual(body["held_answers"], ["best_part"])
        self.assertEqual(body["support"]["context"], "shared")
        self.assertIn("has not seen these words", body["support"]["message"])
        self.assertNotIn("can read them", body["support"]["message"])
        seen = self.sam_reads()
        self.assertNotIn(CRISIS, seen)
        self.assertIn("alex challenging part text", seen)  # the rest is revealed
        partner = self.api("sam", "GET", self.path).json()["partner"]
        self.assertNotIn("best_part", partner["answers"])
        self.assertNotIn("support", partner)  # nothing betrays the held answer

    def test_share_anyway_with_the_version_shares_it_and_sam_gets_guidance(self):
        version = self.hold()["version"]
        shared = self.put(best_part=CRISIS, share_anyway=["best_part"], version=version)
        self.assertEqual(shared.status_code, 200, shared.content)
        body = shared.json()
        self.assertNotIn("held_answers", body)
        self.assertEqual(body["crisis_answers"], ["best_part"])
        self.assertEqual(body["private_fields"], [])
        self.assertEqual(body["support"]["context"], "shared")
        partner = self.api("sam", "GET", self.path).json()["partner"]
        self.assertEqual(partner["answers"]["best_part"], CRISIS)
        self.assertEqual(partner["support"]["context"], "partner")
        self.assertTrue(partner["support"]["guidance"])
        page = self.client_for("sam").get(f"/rituals/daily/{self.day}/")
        self.assertContains(page, CRISIS)
        self.assertContains(page, 'data-support="partner"')
        # Saved again with the same words: shared as written already, not held again.
        again = self.put(best_part=CRISIS, appreciation="thanks", version=body["version"])
        self.assertNotIn("held_answers", again.json())
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).best_part, CRISIS)

    def test_a_stale_or_missing_version_answers_409_and_shares_nothing(self):
        version = self.hold()["version"]
        self.put(best_part=CRISIS, appreciation="changed elsewhere", version=version)
        before = DailyCheckIn.objects.get(author=self.alex)
        for sent in ({"version": version}, {}):
            with self.subTest(sent=sent):
                stale = self.put(best_part=CRISIS, share_anyway=["best_part"], **sent)
                self.assertEqual(stale.status_code, 409, stale.content)
                self.assertIn("Nothing was saved or shared", stale.json()["detail"])
                entry = DailyCheckIn.objects.get(author=self.alex)
                self.assertEqual(entry.version, before.version)
                self.assertEqual(entry.best_part, "")
                self.assertEqual(entry.kept_private(), {"best_part": CRISIS})
        self.assertNotIn(CRISIS, self.sam_reads())

    def test_private_fields_keeps_it_private(self):
        version = self.hold()["version"]
        kept = self.put(best_part=CRISIS, private_fields=["best_part"], version=version)
        self.assertEqual(kept.status_code, 200, kept.content)
        body = kept.json()
        self.assertNotIn("held_answers", body)
        self.assertEqual(body["private_fields"], ["best_part"])
        self.assertEqual(body["support"]["context"], "private")
        self.assertNotIn(CRISIS, self.sam_reads())

    def test_a_put_without_a_choice_keeps_it_from_sam(self):
        version = self.hold()["version"]
        # private_fields left out: the list stays as it is, the held answer in it.
        kept = self.put(best_part=CRISIS, version=version)
        self.assertEqual(kept.status_code, 200, kept.content)
        self.assertEqual(kept.json()["private_fields"], ["best_part"])
        self.assertEqual(kept.json()["support"]["context"], "private")
        # An empty list would share it: without share_anyway it is held again.
        again = self.put(best_part=CRISIS, private_fields=[], version=kept.json()["version"])
        self.assertEqual(again.status_code, 200, again.content)
        self.assertEqual(again.json()["held_answers"], ["best_part"])
        self.assertNotIn(CRISIS, self.sam_reads())

    def test_share_anyway_names_written_answers_not_also_kept_private(self):
        version = self.hold()["version"]
        both = self.put(
            best_part=CRISIS,
            share_anyway=["best_part"],
            private_fields=["best_part"],
            version=version,
        )
        self.assertEqual(both.status_code, 422, both.content)
        self.assertEqual(
            self.put(share_anyway=["connection_today"], version=version).status_code, 422
        )
        self.assertEqual(DailyCheckIn.objects.get(author=self.alex).version, version)

    def test_share_anyway_on_create_confirms_the_words_sent(self):
        made = self.api(
            "alex",
            "POST",
            f"{API}/daily",
            answers("daily", "alex", best_part=CRISIS, share_anyway=["best_part"]),
        )
        self.assertEqual(made.status_code, 201, made.content)
        self.assertNotIn("held_answers", made.json())
        self.assertEqual(made.json()["crisis_answers"], ["best_part"])
        self.assertIn(CRISIS, self.api("sam", "GET", self.path).content.decode())

    def test_the_page_flow_is_unchanged_by_an_api_hold(self):
        self.hold()
        # The page shows the author their held answer as kept for them.
        own = self.client_for("alex").get(f"/rituals/daily/{self.day}/")
        self.assertContains(own, CRISIS)
        self.assertContains(own, "Just for you")


class ListSupportCostTests(BaseTestCase):
    """GET the list: shared values once per entry, partner support once per distinct text."""

    DAYS = 4

    def setUp(self):
        super().setUp()
        now = timezone.now()
        for back in range(self.DAYS):
            with frozen(now - timedelta(days=back)):
                text = CRISIS if back % 2 else THREAT
                self.api(
                    "alex",
                    "POST",
                    f"{API}/daily",
                    answers("daily", "alex", best_part=text, share_anyway=["best_part"]),
                )
                self.api("sam", "POST", f"{API}/daily", answers("daily", "sam"))

    def test_counts(self):
        from reattune.care import support
        from reattune.rituals import sharing

        with (
            mock.patch.object(
                sharing, "shared_values", wraps=sharing.shared_values
            ) as shared_values,
            mock.patch.object(support, "support_for", wraps=support.support_for) as support_for,
        ):
            listed = self.api("sam", "GET", f"{API}/daily")
        self.assertEqual(listed.status_code, 200)
        theirs = [row for row in listed.json() if not row["mine"]]
        self.assertEqual(len(theirs), self.DAYS)
        self.assertTrue(all(row["support"]["context"] == "partner" for row in theirs))
        kinds = {row["answers"]["best_part"]: row["support"]["kinds"][0] for row in theirs}
        self.assertEqual(kinds, {CRISIS: "suicide", THREAT: "harm_from_others"})
        self.assertEqual(shared_values.call_count, self.DAYS)  # once per partner entry
        self.assertEqual(support_for.call_count, 2)  # once per distinct shared text
