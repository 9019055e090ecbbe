from reattune.accounts.models import AccessToken, hash_token
from tests.base import BaseTestCase


class TokenTests(BaseTestCase):
    def test_it_shows_a_new_token_once_and_stores_only_its_hash(self):
        client = self.client_for("alex")
        client.post("/account/tokens/", {"name": "my script"})
        page = client.get("/account/").content.decode()
        token = AccessToken.objects.get(user=self.alex, name="my script")
        raw = page.split('id="new-token">')[1].split("<")[0]
        self.assertTrue(raw.startswith("rt_"))
        self.assertEqual(token.token_hash, hash_token(raw))
        self.assertNotIn(raw, client.get("/account/").content.decode())
        self.assertEqual(self.api("anonymous", "get", "/api/v1/me").status_code, 401)
        response = self.client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
        self.assertEqual(response.json()["email"], "alex@example.org")

    def test_it_revokes_a_token(self):
        token = AccessToken.objects.get(user=self.alex, name="tests")
        self.client_for("alex").post(f"/account/tokens/{token.pk}/revoke/")
        self.assertEqual(self.api("alex", "get", "/api/v1/me").status_code, 401)

    def test_it_does_not_revoke_another_persons_token(self):
        token = AccessToken.objects.get(user=self.alex, name="tests")
        response = self.client_for("sam").post(f"/account/tokens/{token.pk}/revoke/")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.api("alex", "get", "/api/v1/me").status_code, 200)
