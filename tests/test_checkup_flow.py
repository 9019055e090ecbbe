from reattune.assessments.catalog import catalog
from reattune.assessments.models import Answer, Response
from tests.base import BaseTestCase


class CheckupFlowTests(BaseTestCase):
    def start(self, client, instrument_id="connection_check"):
        return client.post(f"/checkup/start/{instrument_id}/")

    def test_it_starts_and_shows_the_first_page_of_questions(self):
        client = self.client_for("alex")
        response = self.start(client)
        first = Response.objects.get(author=self.alex)
        self.assertRedirects(response, f"/checkup/r/{first.pk}/1/", fetch_redirect_response=False)
        page = client.get(f"/checkup/r/{first.pk}/1/")
        item = catalog().latest("connection_check").items[0]
        self.assertContains(page, item.text)

    def test_answers_are_saved_as_you_go_and_resume_finds_the_first_unanswered_page(self):
        client = self.client_for("alex")
        self.start(client)
        response = Response.objects.get(author=self.alex)
        items = catalog().latest("connection_check").items[:6]
        data = {f"item-{item.id}": "2" for item in items}
        data["go"] = "pause"
        self.assertRedirects(
            client.post(f"/checkup/r/{response.pk}/1/", data),
            "/checkup/",
            fetch_redirect_response=False,
        )
        self.assertEqual(Answer.objects.filter(response=response).count(), 6)
        again = self.start(client)
        self.assertRedirects(again, f"/checkup/r/{response.pk}/2/", fetch_redirect_response=False)
        self.assertEqual(Response.objects.filter(author=self.alex).count(), 1)

    def test_a_value_outside_the_scale_is_refused_and_nothing_saved(self):
        client = self.client_for("alex")
        self.start(client)
        response = Response.objects.get(author=self.alex)
        items = catalog().latest("connection_check").items[:2]
        page = client.post(
            f"/checkup/r/{response.pk}/1/",
            {f"item-{items[0].id}": "2", f"item-{items[1].id}": "99", "go": "next"},
        )
        self.assertEqual(page.status_code, 422)
        self.assertContains(page, "must be a whole number", status_code=422)
        self.assertFalse(Answer.objects.filter(response=response).exists())

    def test_finishing_needs_half_the_answers_then_shows_results(self):
        from tests.checkups import fill

        response = fill(self.alex, "connection_check", 0.7, submit=False)
        Answer.objects.filter(response=response).exclude(
            item_id__in=[i.id for i in catalog().latest("connection_check").items[:3]]
        ).delete()
        client = self.client_for("alex")
        refused = client.post(f"/checkup/r/{response.pk}/finish/")
        self.assertContains(refused, "at least half", status_code=422)
        fill(self.alex, "connection_check", 0.7, submit=False)
        done = client.post(f"/checkup/r/{response.pk}/finish/")
        self.assertEqual(done.status_code, 302)
        self.assertIsNotNone(Response.objects.get(pk=response.pk).submitted_at)

    def test_the_partner_cannot_open_or_answer_someone_elses_check_up(self):
        from tests.checkups import fill

        response = fill(self.alex, "connection_check", submit=False)
        sam = self.client_for("sam")
        self.assertEqual(sam.get(f"/checkup/r/{response.pk}/1/").status_code, 404)
        self.assertEqual(sam.post(f"/checkup/r/{response.pk}/1/", {"go": "next"}).status_code, 404)
        self.assertEqual(sam.post(f"/checkup/r/{response.pk}/finish/").status_code, 404)

    def test_an_unknown_instrument_is_not_found(self):
        self.assertEqual(self.start(self.client_for("alex"), "no_such_thing").status_code, 404)

    def test_answers_for_a_check_up_deleted_meanwhile_are_refused_with_a_clear_error(self):
        from reattune.assessments import actions

        response, _ = actions.do_start_response(self.alex, "connection_check")
        item = catalog().latest("connection_check").items[0]
        Response.objects.filter(pk=response.pk).delete()  # e.g. the account was deleted
        with self.assertRaises(actions.CheckupError) as refused:
            actions.do_save_answers(response, {item.id: None})
        self.assertEqual(refused.exception.status, 404)
        self.assertIn("no longer exists", str(refused.exception))
        self.assertFalse(Answer.objects.filter(response_id=response.pk).exists())
