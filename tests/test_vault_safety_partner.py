"""A safety check kept in the vault changes nothing the partner can see, on any page.

The browser test (tests/browser/test_vault_rest.py) compares sam's main pages and help APIs
before and after a positive vault check. Here the whole URL map is walked as sam (every page
and API GET of tests/access/*.yaml, session and bearer token, as tests/test_safety_mode.py
does for the check kept outside the vault): before alex keeps a check in the vault, after a
positive and urgent one is saved through the API, after it is changed to a negative one, and
after it is deleted. The server cannot tell these apart (it holds only ciphertext), and sam's
answers must not differ either.
"""

import json
import uuid

from django.test import Client, TestCase

from reattune.vault import format as vault_format
from reattune.vault.models import VaultItem
from tests import test_safety_mode as screened
from tests.access import matrix
from tests.clock import SteadyClock
from tests.test_vault_api import VAULT_ID, VAULT_KEY

URGENT = {
    "screen_version": 1,
    "answers": {"strangled": 1, "threat_to_kill": 2, "weapon": 1, "followed": 3},
    "notes": "Kept in the vault 5170",
    "result": {"positive": True, "urgent": True, "areas": ["strangled", "followed"]},
}
NEGATIVE = {"screen_version": 1, "answers": {}, "notes": "", "result": {"positive": False}}


class VaultSafetyCheckPartnerUnchangedTests(SteadyClock, TestCase):
    maxDiff = None
    # sam's view of every GET of the URL map, and the comparison, as for a check outside it.
    pages = screened.OtherPartnerUnchangedTests.pages
    assertSame = screened.OtherPartnerUnchangedTests.assertSame

    @classmethod
    def setUpTestData(cls):
        cls.tables = matrix.load_tables()
        cls.world = matrix.build_world(cls.tables)

    def send(self, alex: Client, method: str, path: str, body: dict | None = None) -> int:
        response = getattr(alex, method)(
            path, data=json.dumps(body or {}), content_type="application/json"
        )
        return response.status_code

    def test_saving_changing_and_deleting_a_vault_check_changes_nothing_of_sams(self):
        # The world gives alex a vault (tests/access/vault_api.yaml), with no check in it.
        self.assertFalse(VaultItem.objects.filter(kind="safety").exists())
        before = self.pages()
        self.assertGreater(len(before), 100)
        self.assertGreater(sum(1 for status, _ in before.values() if status == 200), 50)

        alex = Client()
        alex.force_login(self.world["alex"])
        item_id = str(uuid.uuid4())

        def sealed(payload):
            return vault_format.encrypt_item(VAULT_KEY, VAULT_ID, item_id, "safety", payload)

        created = {"item_id": item_id, "kind": "safety", "ciphertext": sealed(URGENT)}
        self.assertEqual(self.send(alex, "post", "/api/v1/vault/items", created), 201)
        self.assertSame(before, self.pages())

        path = f"/api/v1/vault/items/{item_id}"
        changed = {"ciphertext": sealed(NEGATIVE), "version": 1}
        self.assertEqual(self.send(alex, "put", path, changed), 200)
        self.assertSame(before, self.pages())

        self.assertEqual(self.send(alex, "delete", path), 204)
        self.assertFalse(VaultItem.objects.filter(item_id=item_id).exists())
        self.assertSame(before, self.pages())
