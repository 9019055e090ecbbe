"""Crisis language: saved as usual, then help for the author alone; nothing stored or sent."""

import json
import uuid

from django.apps import apps

from reattune.journal.models import Entry
from tests.base import BaseTestCase

CRISIS = "I want to kill myself. I can't do this anymore."
FROM_PARTNER = "He threatened to kill me last night and I am scared."
IDIOM = "This deadline is killing me, I could kill for a coffee."


def care_rows():
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("care").get_models()}


class CrisisPageTests(BaseTestCase):
    def post(self, persona, body, visibility="private", **extra):
        data = {
            "title": "",
            "body": body,
            "visibility": visibility,
            "submit_key": str(uuid.uuid4()),
        }
        return self.client_for(persona).post("/journal/new/", data, **extra)

    def test_it_saves_and_shows_crisis_resources_for_the_country(self):
        self.alex.country = "GB"
        self.alex.save()
        before = care_rows()
        response = self.post("alex", CRISIS, visibility="shared")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertTrue(Entry.objects.filter(author=self.alex, visibility="shared").count() == 2)
        self.assertIn("Your words are saved", page)
        self.assertIn("999", page)
        self.assertIn("Samaritans", page)
        self.assertIn("Nothing has been sent to anyone", page)
        self.assertIn("data-quick-exit", page)
        self.assertEqual(care_rows(), before, "a crisis hit stores nothing")
        # The partner reads the shared entry with guidance on how to respond and the lines of
        # the partner's own country (Sam has none set: the German browser gives Germany).
        entry = Entry.objects.filter(author=self.alex, visibility="shared").latest("pk")
        sam = self.client_for("sam")
        sam_page = sam.get(f"/journal/{entry.pk}/", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()
        self.assertIn('data-support="partner"', sam_page)
        self.assertIn("How you can respond", sam_page)
        self.assertIn("TelefonSeelsorge", sam_page)
        self.assertNotIn("Samaritans", sam_page)
        self.assertNotIn("safety check", sam_page.lower().split('id="support"', 1)[1])
        read = self.api("sam", "get", f"/api/v1/journal/{entry.pk}").json()
        self.assertEqual(read["support"]["context"], "partner")
        self.assertNotIn("support", self.api("alex", "get", f"/api/v1/journal/{entry.pk}").json())
        # An everyday shared entry comes with nothing added.
        other = Entry.objects.filter(author=self.alex, visibility="shared").earliest("pk")
        self.assertNotIn('id="support"', sam.get(f"/journal/{other.pk}/").content.decode())

    def test_it_puts_the_domestic_violence_lines_first_for_harm_from_others(self):
        self.alex.country = "GB"
        self.alex.save()
        page = self.post("alex", FROM_PARTNER).content.decode()
        self.assertIn("National Domestic Abuse Helpline", page)
        self.assertLess(page.index("National Domestic Abuse Helpline"), page.index("Samaritans"))

    def test_it_follows_the_browsers_language_without_a_chosen_country(self):
        page = self.post("sam", CRISIS, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
        self.assertIn("112", page)

    def test_it_shows_the_local_emergency_number_wording_for_an_unknown_country(self):
        page = self.post("sam", CRISIS).content.decode()
        self.assertIn("your local emergency number", page)
        self.assertIn("findahelpline.com", page)

    def test_it_saves_an_idiom_with_no_resources_page(self):
        response = self.post("alex", IDIOM)
        entry = Entry.objects.filter(author=self.alex).first()
        self.assertRedirects(response, f"/journal/{entry.pk}/", fetch_redirect_response=False)
        self.assertEqual(entry.body, IDIOM)

    def test_an_edit_into_crisis_words_saves_and_shows_resources(self):
        entry = self.alex_private
        response = self.client_for("alex").post(
            f"/journal/{entry.pk}/edit/",
            {
                "title": "",
                "body": CRISIS,
                "visibility": "private",
                "submit_key": str(entry.submit_key),
                "version": entry.version,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your words are saved", response.content.decode())
        entry.refresh_from_db()
        self.assertEqual(entry.body, CRISIS)


class CrisisApiTests(BaseTestCase):
    def test_it_adds_support_to_the_create_response(self):
        response = self.api("alex", "post", "/api/v1/journal", {"body": CRISIS})
        self.assertEqual(response.status_code, 201)
        data = response.json()
        self.assertIn("suicide", data["support"]["kinds"])
        self.assertIn("emergency", data["support"])
        self.assertTrue(data["support"]["directory"])
        self.assertEqual(Entry.objects.get(pk=data["id"]).body, CRISIS)

    def test_it_leaves_support_out_for_ordinary_text_and_idioms(self):
        for body in ("We had a lovely walk.", IDIOM):
            data = self.api("alex", "post", "/api/v1/journal", {"body": body}).json()
            self.assertNotIn("support", data)

    def test_it_adds_support_to_the_update_response_with_dv_lines_first(self):
        self.sam.country = "GB"
        self.sam.save()
        entry = self.sam_private
        data = self.api(
            "sam",
            "put",
            f"/api/v1/journal/{entry.pk}",
            {"body": FROM_PARTNER, "visibility": "private"},
        ).json()
        lines = data["support"]["lines"]
        self.assertEqual(lines[0]["kind"], "domestic_violence")
        self.assertEqual(data["support"]["kinds"][0], "harm_from_others")
        self.assertNotIn(CRISIS, json.dumps(data["support"]))


class OwnBehaviourLinesTests(BaseTestCase):
    """Someone who writes that they might hurt someone is offered the lines for people worried
    about their own behaviour (GB has one), first; a partner reading it is not."""

    def test_the_author_gets_the_own_behaviour_lines_first(self):
        from reattune.care.support import support_for

        self.alex.country = "GB"
        self.alex.save()
        support = support_for(self.alex, "I'm scared I'm going to hurt him when he comes home.")
        self.assertIn("harm_to_others", support["kinds"])
        self.assertEqual(support["lines"][0]["kind"], "own_behaviour")
        partner = support_for(self.alex, "I'm scared I'm going to hurt him.", context="partner")
        self.assertNotIn("own_behaviour", {line["kind"] for line in partner["lines"]})
