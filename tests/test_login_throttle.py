"""Log-in and sign-up throttling: per address and account with growing waits, no hard lock
of an account, atomic check-and-record, and what a forged header can do."""

import re
import threading
from datetime import timedelta
from unittest import mock, skipUnless

from django import db
from django.db import connection
from django.test import Client, RequestFactory, TransactionTestCase, override_settings
from django.utils import timezone

from reattune.accounts.models import User
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

    def test_five_failures_lock_this_address_out_of_this_account_with_growing_waits(self):
        self.fail_times("alex@example.org", throttle.MAX_PER_PAIR)
        self.assert_refused(*self.login("alex@example.org", PASSWORD))
        # No hard lock of the account: from another address its owner still gets in.
        self.assert_logged_in(*self.login("alex@example.org", PASSWORD, address="192.0.2.44"))
        # Other accounts from the same address are not affected by alex's lock.
        self.assert_logged_in(*self.login("sam@example.org", PASSWORD))
        almost = timezone.now() + throttle.WINDOW - timedelta(seconds=30)
        with mock.patch("django.utils.timezone.now", return_value=almost):
            self.assert_refused(*self.login("alex@example.org", PASSWORD))
        later = timezone.now() + throttle.WINDOW + timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            # One more wrong guess after the wait: locked again, for 15 minutes.
            response, _ = self.login("alex@example.org", WRONG)
            self.assertEqual(response.status_code, 200)
            response, _ = self.login("alex@example.org", PASSWORD)
            self.assertContains(response, "wait 15 minutes", status_code=429)

    def test_the_wait_doubles_each_time_the_limit_is_reached_again(self):
        # One wrong guess every 61 minutes (each after the previous wait is over): the wait
        # after the 5th failure is 15 minutes, after the 10th 30, the 15th 60, the 20th 120.
        start = timezone.now()
        for number in range(1, 21):
            moment = start + timedelta(minutes=61 * number)
            with mock.patch("django.utils.timezone.now", return_value=moment):
                response, _ = self.login("alex@example.org", WRONG)
                self.assertEqual(response.status_code, 200, number)
                if number % throttle.MAX_PER_PAIR == 0:
                    minutes = 15 * 2 ** (number // throttle.MAX_PER_PAIR - 1)
                    response, _ = self.login("alex@example.org", PASSWORD)
                    self.assertContains(response, f"wait {minutes} minutes", status_code=429)

    def test_four_failures_do_not_lock(self):
        self.fail_times("alex@example.org", throttle.MAX_PER_PAIR - 1)
        self.assert_logged_in(*self.login("alex@example.org", PASSWORD))

    def test_one_address_trying_many_accounts_is_locked(self):
        for number in range(throttle.MAX_PER_ADDRESS):
            self.fail_times(f"nobody{number}@example.org", 1)
        self.assert_refused(*self.login("alex@example.org", PASSWORD))
        # Another address is not affected.
        self.assert_logged_in(*self.login("alex@example.org", PASSWORD, address="192.0.2.44"))

    @override_settings(TRUSTED_PROXIES=[])
    def test_a_changing_x_forwarded_for_does_not_reset_the_account_count(self):
        for number in range(throttle.MAX_PER_PAIR):
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
        self.fail_times("alex@example.org", throttle.MAX_PER_PAIR - 1)
        self.fail_times("nobody@example.org", throttle.MAX_PER_PAIR - 1)
        known, _ = self.login("alex@example.org", WRONG)
        unknown, _ = self.login("nobody@example.org", WRONG)
        self.assertEqual(known.status_code, 429)
        self.assertEqual(unknown.status_code, 429)

    def test_a_successful_login_clears_the_count_of_this_address(self):
        self.fail_times("alex@example.org", throttle.MAX_PER_PAIR - 1)
        self.assert_logged_in(*self.login("alex@example.org", PASSWORD))
        self.fail_times("alex@example.org", throttle.MAX_PER_PAIR - 1)
        self.assert_logged_in(*self.login("alex@example.org", PASSWORD))

    def test_the_session_id_rotates_at_login(self):
        client = Client()
        client.get("/login/")
        client.session.save()
        before = client.session.session_key
        self.assert_logged_in(*self.login("alex@example.org", PASSWORD, client=client))
        self.assertNotEqual(client.session.session_key, before)


class LockOutAbuseTests(BaseTestCase):
    """Someone who knows the owner's e-mail (an abusive partner, say) cannot keep them out."""

    HOME = "198.51.100.5"

    def post(self, client, password, address=HOME, email="alex@example.org"):
        return client.post("/login/", {"email": email, "password": password}, REMOTE_ADDR=address)

    def owners_browser(self) -> Client:
        """Alex's own browser, where alex logged in before (it keeps the device cookie)."""
        browser = Client()
        response = self.post(browser, PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertIn(throttle.DEVICE_COOKIE, browser.cookies)
        browser.post("/logout/")
        return browser

    def test_failures_from_home_and_many_addresses_do_not_lock_the_owners_browser(self):
        browser = self.owners_browser()
        # Wrong guesses from the same home address, then from many others, until every new
        # browser is refused for this account.
        for number in range(throttle.MAX_PER_ACCOUNT // throttle.MAX_PER_PAIR + 1):
            address = self.HOME if number == 0 else f"203.0.113.{number}"
            for _ in range(throttle.MAX_PER_PAIR):
                self.post(Client(), WRONG, address=address)
        self.assertEqual(self.post(Client(), PASSWORD, address="192.0.2.99").status_code, 429)
        self.assertEqual(self.post(Client(), PASSWORD).status_code, 429)
        # The owner's own browser, at the same home address, still gets in.
        response = self.post(browser, PASSWORD)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(browser.get("/home/").status_code, 200)

    def test_the_owners_browser_has_its_own_limit(self):
        browser = self.owners_browser()
        for _ in range(throttle.MAX_PER_DEVICE):
            self.assertEqual(self.post(browser, WRONG).status_code, 200)
        self.assertEqual(self.post(browser, PASSWORD).status_code, 429)
        # That lock is this browser's only: a new browser at the same address gets in.
        self.assertEqual(self.post(Client(), PASSWORD).status_code, 302)

    def test_a_device_cookie_counts_only_for_its_own_account_and_cannot_be_forged(self):
        browser = self.owners_browser()
        request = RequestFactory().post("/login/")
        request.COOKIES[throttle.DEVICE_COOKIE] = browser.cookies[throttle.DEVICE_COOKIE].value
        self.assertIsNotNone(throttle.known_device(request, "alex@example.org"))
        self.assertIsNone(throttle.known_device(request, "sam@example.org"))
        request.COOKIES[throttle.DEVICE_COOKIE] = "forged:value"
        self.assertIsNone(throttle.known_device(request, "alex@example.org"))


class AtomicCheckAndRecordTests(BaseTestCase):
    """Check and record are one step: attempts that overlap each see all the others."""

    def test_interleaved_attempts_never_pass_the_limit(self):
        # 40 attempts that all arrive before any of them has checked its password (the
        # race of 40 parallel guesses): each is checked and counted before the next starts.
        request = RequestFactory().post("/login/", REMOTE_ADDR="198.51.100.5")
        attempts = [throttle.begin("alex@example.org", request) for _ in range(40)]
        allowed = [a for a in attempts if a.allowed]
        self.assertEqual(len(allowed), throttle.MAX_PER_PAIR)
        # Each let-through attempt is already counted as a failure while its password is
        # being checked; a right password takes its own count back.
        throttle.succeeded(allowed[0])
        self.assertTrue(throttle.begin("alex@example.org", request).allowed)


class SignupThrottleTests(BaseTestCase):
    def sign_up(self, number, address="198.51.100.5"):
        return Client().post(
            "/signup/",
            {
                "display_name": "New",
                "email": f"new{number}@example.org",
                "password": PASSWORD,
                "timezone": "UTC",
            },
            REMOTE_ADDR=address,
        )

    def test_sign_ups_are_counted_per_address(self):
        for number in range(throttle.MAX_SIGNUPS_PER_ADDRESS):
            self.assertEqual(self.sign_up(number).status_code, 302)
        response = self.sign_up(99)
        self.assertContains(response, "Too many attempts", status_code=429)
        self.assertFalse(User.objects.filter(email="new99@example.org").exists())
        # Another address is not affected.
        self.assertEqual(self.sign_up(100, address="192.0.2.44").status_code, 302)
        later = timezone.now() + throttle.SIGNUP_WINDOW + timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.assertEqual(self.sign_up(101).status_code, 302)

    def test_sign_ups_from_the_servers_own_machine_are_not_counted(self):
        for number in range(throttle.MAX_SIGNUPS_PER_ADDRESS + 2):
            self.assertEqual(self.sign_up(number, address="127.0.0.1").status_code, 302)


@skipUnless(connection.vendor == "postgresql", "threads need a real database server")
class ParallelGuessTests(TransactionTestCase):
    """40 wrong guesses at once, each on its own connection: exactly the limit is checked."""

    def test_forty_parallel_wrong_guesses_check_at_most_the_limit(self):
        from reattune.accounts.actions import do_create_user

        do_create_user("alex@example.org", PASSWORD, "Alex")
        barrier = threading.Barrier(40)
        statuses = []

        def guess():
            try:
                barrier.wait()
                response = Client().post(
                    "/login/",
                    {"email": "alex@example.org", "password": WRONG},
                    REMOTE_ADDR="198.51.100.5",
                )
                statuses.append(response.status_code)
            finally:
                db.connections.close_all()

        threads = [threading.Thread(target=guess) for _ in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(len(statuses), 40)
        self.assertEqual(statuses.count(200), throttle.MAX_PER_PAIR)  # password checked
        self.assertEqual(statuses.count(429), 40 - throttle.MAX_PER_PAIR)
