"""Log-in throttling per account and per client address, and what a forged header can do."""

import re
from datetime import timedelta
from unittest import mock

from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from reattune.core import throttle
from tests.base import PASSWORD, BaseTestCase

WRONG = "not the right password at all"
LOCKED = "Too many attempts"


def comparable(html: str, email: str) -> str:
    """The page without what differs on every request anyway: the typed email, CSRF token."""
    html = html.replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


class LoginThrottleTests(BaseTestCase):
    def login(self, email, password, address="198.51.100.5", forwarded=None, client=None):
        client = client or Client()
        extra = {"REMOTE_ADDR": address}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        response = client.post("/login/", {"email": email, "password": password}, **extra)
        return response, client

    def assert_logged_in(self, response, client):
        self.assertEqual(response.status_code, 302, response.content[:300])
        self.assertEqual(client.get("/home/").status_code, 200)

    def assert_refused(self, response, client):
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, LOCKED, status_code=429)
        self.assertEqual(client.get("/home/").status_code, 302)  # not logged in

    def fail_times(self, email, count, **kwargs):
        for _ in range(count):
            response, _ = self.login(email, WRONG, **kwargs)
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, LOCKED)

    def test_five_failures_lock_the_account_for_fifteen_minutes(self):
        self.fail_times("alex@example.org", throttle.MAX_PER_ACCOUNT)
        self.assert_refused(*self.login("alex@example.org", PASSWORD))
        # From another address too: the account itself is locked.
        self.assert_refused(*self.login("alex@example.org", PASSWORD, address="192.0.2.44"))
        # Other accounts from the same address are not affected by alex's lock.
        self.assert_logged_in(*self.login("sam@example.org", PASSWORD))
        almost = timezone.now() + throttle.WINDOW - timedelta(seconds=30)
        with mock.patch("django.utils.timezone.now", return_value=almost):
            self.assert_refused(*self.login("alex@example.org", PASSWORD))
        later = timezone.now() + throttle.WINDOW + timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assert_logged_in(*self.login("alex@example.org", PASSWORD))

    def test_four_failures_do_not_lock(self):
        self.fail_times("alex@example.org", throttle.MAX_PER_ACCOUNT - 1)
        self.assert_logged_in(*self.login("alex@example.org", PASSWORD))

    def test_one_address_trying_many_accounts_is_locked(self):
        for number in range(throttle.MAX_PER_ADDRESS):
            self.fail_times(f"nobody{number}@example.org", 1)
        self.assert_refused(*self.login("alex@example.org", PASSWORD))
        # Another address is not affected.
        self.assert_logged_in(*self.login("alex@example.org", PASSWORD, address="192.0.2.44"))

    @override_settings(TRUSTED_PROXIES=[])
    def test_a_changing_x_forwarded_for_does_not_reset_the_account_count(self):
        for number in range(throttle.MAX_PER_ACCOUNT):
            self.fail_times("alex@example.org", 1, forwarded=f"203.0.113.{number + 1}")
        self.assert_refused(*self.login("alex@example.org", PASSWORD, forwarded="203.0.113.99"))

    @override_settings(TRUSTED_PROXIES=[])
    def test_a_changing_x_forwarded_for_does_not_move_the_address_count(self):
        for number in range(throttle.MAX_PER_ADDRESS):
            self.fail_times(f"nobody{number}@example.org", 1, forwarded=f"203.0.113.{number + 1}")
        self.assert_refused(*self.login("sam@example.org", PASSWORD, forwarded="203.0.113.200"))
        # The count sits on the real peer address, not on any forwarded one.
        request = RequestFactory().post(
            "/login/", REMOTE_ADDR="198.51.100.5", HTTP_X_FORWARDED_FOR="203.0.113.7"
        )
        self.assertEqual(throttle.client_ip(request), "198.51.100.5")

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_behind_a_trusted_proxy_the_client_is_the_rightmost_untrusted_hop(self):
        factory = RequestFactory()

        def ip(remote, forwarded):
            request = factory.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
            return throttle.client_ip(request)

        self.assertEqual(ip("10.0.0.1", "203.0.113.7"), "203.0.113.7")
        # A client that forges the header only adds hops on the left.
        self.assertEqual(ip("10.0.0.1", "1.2.3.4, 203.0.113.7"), "203.0.113.7")
        self.assertEqual(ip("10.0.0.1", "1.2.3.4, 203.0.113.7, 10.0.0.9"), "203.0.113.7")
        self.assertEqual(ip("10.0.0.1", "garbage, 203.0.113.7"), "203.0.113.7")
        # A peer that is not a trusted proxy: its header is ignored.
        self.assertEqual(ip("198.51.100.5", "203.0.113.7"), "198.51.100.5")

    @override_settings(TRUSTED_PROXIES=["10.0.0.1"])
    def test_behind_a_trusted_proxy_each_client_has_its_own_count(self):
        for number in range(throttle.MAX_PER_ADDRESS):
            self.fail_times(
                f"nobody{number}@example.org",
                1,
                address="10.0.0.1",
                forwarded=f"{number}.{number}.{number}.{number}, 203.0.113.7",
            )
        self.assert_refused(
            *self.login("alex@example.org", PASSWORD, address="10.0.0.1", forwarded="203.0.113.7")
        )
        # The proxy's other clients can still log in.
        self.assert_logged_in(
            *self.login("alex@example.org", PASSWORD, address="10.0.0.1", forwarded="203.0.113.8")
        )

    def test_known_and_unknown_emails_get_the_same_answer(self):
        known, _ = self.login("alex@example.org", WRONG)
        unknown, _ = self.login("nobody@example.org", WRONG)
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(
            comparable(known.content.decode(), "alex@example.org"),
            comparable(unknown.content.decode(), "nobody@example.org"),
        )
        # Locked out the same way too.
        self.fail_times("alex@example.org", throttle.MAX_PER_ACCOUNT - 1)
        self.fail_times("nobody@example.org", throttle.MAX_PER_ACCOUNT - 1, address="192.0.2.44")
        known, _ = self.login("alex@example.org", WRONG)
        unknown, _ = self.login("nobody@example.org", WRONG, address="192.0.2.44")
        self.assertEqual(known.status_code, 429)
        self.assertEqual(unknown.status_code, 429)

    def test_a_successful_login_clears_the_account_count(self):
        self.fail_times("alex@example.org", throttle.MAX_PER_ACCOUNT - 1)
        self.assert_logged_in(*self.login("alex@example.org", PASSWORD))
        self.fail_times("alex@example.org", throttle.MAX_PER_ACCOUNT - 1)
        self.assert_logged_in(*self.login("alex@example.org", PASSWORD))

    def test_the_session_id_rotates_at_login(self):
        client = Client()
        client.get("/login/")
        client.session.save()
        before = client.session.session_key
        self.assert_logged_in(*self.login("alex@example.org", PASSWORD, client=client))
        self.assertNotEqual(client.session.session_key, before)
