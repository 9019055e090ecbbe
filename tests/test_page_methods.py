"""Pages answer GET, HEAD and POST; any other method gets 405 with an Allow header.

(The JSON API declares its methods per operation; tests/test_api_*.py cover it.)
"""

from tests.base import BaseTestCase


class PageMethodTests(BaseTestCase):
    def test_it_refuses_other_methods_on_pages_for_everyone(self):
        entry_path = "/journal/"
        for client in (self.client_for("alex"), self.client):
            for path in ("/home/", entry_path, "/couple/", "/account/", "/login/", "/"):
                for method in ("put", "patch", "delete", "options"):
                    with self.subTest(path=path, method=method):
                        response = getattr(client, method)(path)
                        self.assertEqual(response.status_code, 405)
                        self.assertEqual(response["Allow"], "GET, HEAD, POST")
                        self.assertIn(b"does not accept", response.content)
                        self.assertIn("Content-Security-Policy", response.headers)

    def test_get_and_post_still_reach_the_page(self):
        alex = self.client_for("alex")
        self.assertEqual(alex.get("/home/").status_code, 200)
        self.assertEqual(alex.head("/home/").status_code, 200)

    def test_the_api_keeps_its_own_methods(self):
        alex = self.client_for("alex")
        self.assertEqual(alex.get("/api/v1/journal").status_code, 200)
        # Not a page: the API answers a method it does not have itself, with its own 405.
        response = alex.delete("/api/v1/journal")
        self.assertEqual(response.status_code, 405)
        self.assertNotIn(b"does not accept", response.content)
