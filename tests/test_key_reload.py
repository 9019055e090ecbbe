"""Key reloads racing between threads of one process (issue 15: a 5xx during rotation).

A server process runs several threads. When `rotate-keys` replaces the key file, one thread
may notice it and reload while another thread is opening a row that is already under the
new key. That other thread must read the row, not fail: its own look at the key file may
find the reload already done (or being done) by its neighbour, and it must then try again
with the keys now in force. These tests pin those interleavings down without timing.

Last, rotation itself must leave app requests room to write (SQLite has one writer).
"""

import os
import tempfile
import threading
from pathlib import Path
from unittest import mock

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.test import SimpleTestCase, override_settings

from reattune import keys, paths
from reattune.core import crypto
from tests.base import BaseTestCase


class _ReloadRaceBase(SimpleTestCase):
    def setUp(self):
        super().setUp()
        self.real = list(settings.ENCRYPTION_KEYS)
        self.path = Path(tempfile.mkdtemp(prefix="reattune-reload-")) / "encryption.keys"
        self._write(self.real)
        override = override_settings(ENCRYPTION_KEYS_FILE=self.path)
        override.enable()
        self.addCleanup(override.disable)
        crypto.refresh()  # this process has read the file as it is now
        self.new = Fernet.generate_key().decode()
        # A row `rotate-keys` (another process) re-encrypted under the new key alone.
        self.token = Fernet(self.new.encode()).encrypt(b"under the new key").decode()

    def _write(self, keys):
        temporary = self.path.with_name("encryption.keys.new")
        temporary.write_text("\n".join(keys) + "\n")
        os.replace(temporary, self.path)  # as rotate-keys does: a new file in place


class NeighbourReloadTests(_ReloadRaceBase):
    def test_a_row_opens_when_another_thread_reloaded_just_before_this_one_looked(self):
        """Thread A picks its keys, thread B reloads, A's first try fails, A looks: no change."""
        self._write([self.new, *self.real])
        real_keyring = crypto._keyring
        calls = []

        def keyring_then_neighbour_reloads(keys):
            ring = real_keyring(keys)
            if not calls:
                calls.append(keys)
                crypto.refresh()  # the neighbour thread, between A's choice and A's try
            return ring

        with mock.patch.object(crypto, "_keyring", keyring_then_neighbour_reloads):
            self.assertEqual(crypto.decrypt(self.token), "under the new key")
        self.assertEqual(calls, [tuple(self.real)])  # the first try really used the old keys
        self.assertEqual(list(settings.ENCRYPTION_KEYS), [self.new, *self.real])

    def test_a_row_opens_when_another_thread_is_reloading_while_this_one_fails(self):
        """Real threads: B holds the reload lock (reading the file) while A's decrypt fails."""
        self._write([self.new, *self.real])
        inside, release, a_waits = threading.Event(), threading.Event(), threading.Event()
        main = threading.current_thread()
        real_read = paths.read_keys

        def slow_read(path):
            inside.set()
            release.wait(30)
            return real_read(path)

        class Watched:
            """The reload lock, telling us when thread A starts waiting for it."""

            def __init__(self):
                self.lock = threading.Lock()

            def __enter__(self):
                if threading.current_thread() is main:
                    a_waits.set()
                self.lock.acquire()
                return self

            def __exit__(self, *exc):
                self.lock.release()

        def release_once_a_waits():
            a_waits.wait(30)
            release.set()

        outcome = {}

        def neighbour():
            outcome["changed"] = crypto.refresh()

        with (
            mock.patch.object(crypto, "_lock", Watched()),
            mock.patch.object(paths, "read_keys", slow_read),
        ):
            b = threading.Thread(target=neighbour)
            b.start()
            self.assertTrue(inside.wait(30))  # B is mid-reload, holding the lock
            releaser = threading.Thread(target=release_once_a_waits)
            releaser.start()
            try:
                text = crypto.decrypt(self.token)
            finally:
                release.set()
                b.join(30)
                releaser.join(30)
        self.assertEqual(text, "under the new key")
        self.assertTrue(a_waits.is_set())  # A really went through the lock B held
        self.assertTrue(outcome["changed"])  # and B, not A, did the reload
        self.assertEqual(list(settings.ENCRYPTION_KEYS), [self.new, *self.real])

    def test_a_value_no_key_opens_still_fails_closed_after_the_second_look(self):
        stranger = Fernet(Fernet.generate_key()).encrypt(b"not ours").decode()
        self._write([self.new, *self.real])
        with self.assertRaises(crypto.DecryptionFailed) as caught:
            crypto.decrypt(stranger)
        self.assertNotIn("gAAAAA", str(caught.exception))
        self.assertEqual(list(settings.ENCRYPTION_KEYS), [self.new, *self.real])


class ReloadPublishesKeysFirstTests(_ReloadRaceBase):
    def test_a_thread_that_finds_the_file_seen_also_finds_its_keys(self):
        """The file is marked as read only once its keys are in force, never before."""
        self._write([self.new, *self.real])
        wanted = [self.new, *self.real]
        in_force_when_marked = []

        class Recording(dict):
            def __setitem__(self, key, value):
                in_force_when_marked.append(list(settings.ENCRYPTION_KEYS) == wanted)
                super().__setitem__(key, value)

        with mock.patch.object(crypto, "_seen", Recording(crypto._seen)):
            self.assertTrue(crypto.refresh())
        self.assertEqual(in_force_when_marked, [True])


class RotationLetsWritersInTests(BaseTestCase):
    """`rotate-keys` re-encrypts in short transactions, each closed before the next opens.

    On SQLite one writer holds the lock at a time; one long run of back-to-back transactions
    could keep an app request waiting past its busy timeout (a 500 during rotation).
    """

    def test_each_short_transaction_is_closed_before_writers_get_their_turn(self):
        new = Fernet.generate_key().decode()
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM journal_entry WHERE body IS NOT NULL")
            rows = cursor.fetchone()[0]
        self.assertGreaterEqual(rows, 3)
        baseline = len(connection.savepoint_ids)  # the test's own transaction
        depths = []

        def turn():
            depths.append(len(connection.savepoint_ids))

        with (
            override_settings(ENCRYPTION_KEYS=[new, *settings.ENCRYPTION_KEYS]),
            mock.patch.object(keys, "WRITE_ROWS", 2),
            mock.patch.object(keys, "_let_writers_in", turn),
        ):
            keys.scan(fix=True, progress=lambda _: None)
            _, stale = keys.scan(fix=False)
        self.assertEqual(stale, 0)  # everything re-encrypted under the new key
        self.assertGreaterEqual(len(depths), (rows + 1) // 2)  # a turn every 2 rows at least
        self.assertEqual(set(depths), {baseline})  # never from inside a re-encryption


class _ReadsInTheGap:
    """Settings underneath LazySettings whose key assignment lets a "neighbour thread" read the
    keys at that very moment (deterministically, in this thread)."""

    def __init__(self, inner, reads: list):
        object.__setattr__(self, "_inner", inner)
        object.__setattr__(self, "_reads", reads)

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def __setattr__(self, name, value):
        if name == "ENCRYPTION_KEYS":
            self._reads.append(list(settings.ENCRYPTION_KEYS))
        setattr(self._inner, name, value)


class KeysPutInForceTests(SimpleTestCase):
    """A thread reading the keys while another puts new ones in force must never keep the old
    ones cached afterwards (it would go on encrypting under a retired key)."""

    def _with_gap(self, put):
        old, new = [Fernet.generate_key().decode()], [Fernet.generate_key().decode()]
        reads: list = []
        with override_settings(ENCRYPTION_KEYS=old):
            holder = object.__getattribute__(settings, "_wrapped")
            settings._wrapped = _ReadsInTheGap(holder, reads)
            try:
                self.assertEqual(settings.ENCRYPTION_KEYS, old)  # cached, as in a server
                put(new)
                after = list(settings.ENCRYPTION_KEYS)
            finally:
                settings._wrapped = holder
        return old, new, reads, after

    def test_a_read_in_the_middle_of_putting_new_keys_leaves_no_stale_cache(self):
        old, new, reads, after = self._with_gap(crypto._put_keys)
        self.assertEqual(reads, [old])  # the neighbour read the old keys, which is fine
        self.assertEqual(after, new)  # and from then on everyone reads the new ones

    def test_plain_assignment_would_have_cached_the_old_keys_for_good(self):
        def assign(keys):
            settings.ENCRYPTION_KEYS = keys

        old, _new, _reads, after = self._with_gap(assign)
        self.assertEqual(after, old)  # why crypto does not assign through LazySettings
