import shutil
import tempfile
from pathlib import Path

import yaml

from reattune.assessments import catalog as catalog_module
from reattune.assessments.catalog import catalog
from reattune.domain.instruments import SHIPPED_DIR
from tests.base import BaseTestCase
from tests.checkups import complete_checkup


class ApiCheckupTests(BaseTestCase):
    def start(self, persona="alex", instrument_id="connection_check"):
        return self.api(
            persona, "post", "/api/v1/checkups/responses", {"instrument_id": instrument_id}
        )

    def test_it_lists_instruments_without_the_safety_screen(self):
        data = self.api("alex", "get", "/api/v1/checkups/instruments").json()
        ids = {i["id"] for i in data}
        self.assertTrue(
            {"connection_check", "whats_behind_it", "closeness_pulse", "time_for_help"} <= ids
        )
        self.assertTrue(all(i["kind"] != "safety" for i in data))

    def test_start_answer_resume_submit(self):
        first = self.start()
        self.assertEqual(first.status_code, 201)
        rid = first.json()["id"]
        item = catalog().latest("connection_check").items[0].id
        saved = self.api(
            "alex", "put", f"/api/v1/checkups/responses/{rid}/answers", {"answers": {item: 3}}
        )
        self.assertEqual(saved.json(), {"saved": 1})
        resumed = self.start()
        self.assertEqual(resumed.status_code, 200)
        self.assertEqual(resumed.json()["answers"], {item: 3})
        answers = {i.id: 2 for i in catalog().latest("connection_check").items}
        self.api("alex", "put", f"/api/v1/checkups/responses/{rid}/answers", {"answers": answers})
        done = self.api("alex", "post", f"/api/v1/checkups/responses/{rid}/submit")
        self.assertIsNotNone(done.json()["submitted_at"])
        twice = self.api("alex", "post", f"/api/v1/checkups/responses/{rid}/submit")
        self.assertEqual(twice.status_code, 409)
        late = self.api(
            "alex", "put", f"/api/v1/checkups/responses/{rid}/answers", {"answers": {item: 1}}
        )
        self.assertEqual(late.status_code, 409)

    def test_bad_answers_get_clear_errors_and_nothing_is_half_saved(self):
        rid = self.start().json()["id"]
        item = catalog().latest("connection_check").items[0].id
        path = f"/api/v1/checkups/responses/{rid}/answers"
        outside = self.api("alex", "put", path, {"answers": {item: 1, "cc_comm_2": 99}})
        self.assertEqual(outside.status_code, 422)
        self.assertIn("from 0 to 4", outside.json()["detail"])
        unknown = self.api("alex", "put", path, {"answers": {"no_such_item": 1}})
        self.assertEqual(unknown.status_code, 422)
        self.assertIn("Unknown question", unknown.json()["detail"])
        not_int = self.api("alex", "put", path, {"answers": {item: "often"}})
        self.assertEqual(not_int.status_code, 422)
        self.assertEqual(
            self.api("alex", "get", f"/api/v1/checkups/responses/{rid}").json()["answers"], {}
        )

    def test_unknown_instrument_is_404(self):
        self.assertEqual(self.start(instrument_id="nope").status_code, 404)

    def test_results_and_couple_view(self):
        self.assertEqual(self.api("alex", "get", "/api/v1/checkups/results/me").status_code, 404)
        complete_checkup(self.alex, 0.8)
        me = self.api("alex", "get", "/api/v1/checkups/results/me").json()
        self.assertIn("not a diagnosis", me["note"])
        couple = self.api("alex", "get", "/api/v1/checkups/results/couple").json()
        self.assertEqual(couple["state"], "waiting_for_partner")
        complete_checkup(self.sam, 0.2)
        couple = self.api("sam", "get", "/api/v1/checkups/results/couple").json()
        self.assertEqual(couple["state"], "ready")
        self.assertIn("me", couple["couple"]["areas"][0])
        self.assertNotIn("strongest_signs", couple["partner"])


class RetiredVersionTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp())
        data = yaml.safe_load((SHIPPED_DIR / "connection_check.yaml").read_text())
        data["version"] = 2
        (self.folder / "connection_check_v2.yaml").write_text(yaml.safe_dump(data))
        self.addCleanup(shutil.rmtree, self.folder)
        self.addCleanup(catalog_module.catalog.cache_clear)

    def test_answering_a_retired_version_is_refused_with_410(self):
        rid = self.api(
            "alex", "post", "/api/v1/checkups/responses", {"instrument_id": "connection_check"}
        ).json()["id"]
        item = catalog().latest("connection_check").items[0].id
        with self.settings(INSTRUMENT_DIRS=[str(self.folder)]):
            catalog_module.catalog.cache_clear()
            self.assertEqual(catalog().latest("connection_check").version, 2)
            answer = self.api(
                "alex", "put", f"/api/v1/checkups/responses/{rid}/answers", {"answers": {item: 1}}
            )
            self.assertEqual(answer.status_code, 410)
            self.assertIn("questions were updated", answer.json()["detail"])
            fresh = self.api(
                "alex", "post", "/api/v1/checkups/responses", {"instrument_id": "connection_check"}
            ).json()
            self.assertEqual(fresh["instrument_version"], 2)
