"""The vault API (/api/v1/vault...): only the owner ever gets anything, the server keeps what
the browser sent exactly as it was, and refuses what is not format 1 (docs/vault.md)."""

import json
import os
import subprocess
import sys
import uuid
from functools import cache
from pathlib import Path

import pytest
from django.test import TestCase

from reattune.accounts.actions import do_create_user
from reattune.accounts.models import User
from reattune.journal.models import Entry
from reattune.vault import format as vault_format
from reattune.vault.models import VaultItem, VaultKeyring
from tests.base import BaseTestCase
from tests.cli_fixtures import pg_dump_of, pg_tool, script_env, sqlite_pass_only

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads(
    (Path(vault_format.__file__).with_name("vectors.json")).read_text(encoding="utf-8")
)


def vector_keyring(vault_id: str | None = None) -> dict:
    """Real key material from the known-answer file (no key derivation needed in tests)."""
    ring = VECTORS["keyrings"][0]
    return {
        "vault_id": vault_id or ring["vault_id"],
        "format": 1,
        "kdf": ring["kdf"],
        "wrapped_key_passphrase": ring["wrapped_key_passphrase"],
        "wrapped_key_recovery": ring["wrapped_key_recovery"],
    }


VAULT_ID = VECTORS["keyrings"][0]["vault_id"]
VAULT_KEY = vault_format.b64u_decode(VECTORS["keyrings"][0]["vault_key"])
PASSPHRASE = VECTORS["keyrings"][0]["passphrase"]


def sealed(item_id: str, kind: str = "journal", body: str = "vault words") -> str:
    payload = (
        {"title": "", "body": body, "written_at": "2026-12-06T10:00:00+01:00"}
        if kind == "journal"
        else {"screen_version": 1, "answers": {}, "notes": body, "result": {}}
    )
    return vault_format.encrypt_item(VAULT_KEY, VAULT_ID, item_id, kind, payload)


def world_vault(world) -> str:
    """The access matrix's object (tests/access/vault_api.yaml): alex's vault with one item;
    returns the item's id."""
    from reattune.vault import actions

    actions.do_create_keyring(world["alex"], **vector_keyring())
    item_id = "5f0c2b7a-9d3e-4c1b-a2f4-6e8d0b1c3a5e"
    actions.do_create_item(world["alex"], item_id, "journal", sealed(item_id))
    return item_id


@cache
def fresh_item_ids(n: int = 8) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


class VaultApiTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.assertEqual(
            self.api("alex", "post", "/api/v1/vault", vector_keyring()).status_code, 201
        )

    def written_before_the_vault(self, body: str) -> Entry:
        """A private entry as if written before alex set up the vault (with one, new private
        words go into the vault: journal.actions.refuse_readable_private)."""
        from reattune.core.access import active_space_id
        from reattune.core.visibility import Visibility

        return Entry.objects.create(
            author=self.alex,
            space_id=active_space_id(self.alex),
            visibility=Visibility.PRIVATE,
            body=body,
        )

    def item(self, persona="alex", item_id=None, kind="journal", body="vault words", **extra):
        item_id = item_id or str(uuid.uuid4())
        payload = {"item_id": item_id, "kind": kind, "ciphertext": sealed(item_id, kind, body)}
        return self.api(persona, "post", "/api/v1/vault/items", {**payload, **extra})

    # --- the keyring ---

    def test_the_keyring_comes_back_exactly_as_sent(self):
        got = self.api("alex", "get", "/api/v1/vault").json()
        sent = vector_keyring()
        for key, value in sent.items():
            self.assertEqual(got[key], value, key)
        self.assertEqual(got["key_version"], 1)
        self.assertIn("created_at", got)
        # ... and opens with the passphrase, as the browser would after fetching it.
        self.assertEqual(vault_format.open_keyring(got, passphrase=PASSPHRASE), VAULT_KEY)

    def test_setting_up_twice_is_a_retry_or_a_conflict(self):
        again = self.api("alex", "post", "/api/v1/vault", vector_keyring())
        self.assertEqual(again.status_code, 200)
        other = self.api("alex", "post", "/api/v1/vault", vector_keyring(str(uuid.uuid4())))
        self.assertEqual(other.status_code, 409)
        self.assertIn("already have a vault", other.json()["detail"])
        self.assertEqual(VaultKeyring.objects.filter(owner=self.alex).count(), 1)

    def test_it_refuses_weak_or_malformed_key_material(self):
        weak_memory = {**vector_keyring(), "kdf": {**vector_keyring()["kdf"], "memory_kib": 1024}}
        weak_passes = {**vector_keyring(), "kdf": {**vector_keyring()["kdf"], "iterations": 2}}
        weak_pbkdf2 = {
            **vector_keyring(),
            "kdf": {
                "name": "pbkdf2-sha256",
                "iterations": 100_000,
                "salt": "AAECAwQFBgcICQoLDA0ODw",
            },
        }
        unknown_kdf = {
            **vector_keyring(),
            "kdf": {"name": "scrypt", "salt": "AAECAwQFBgcICQoLDA0ODw"},
        }
        short_salt = {**vector_keyring(), "kdf": {**vector_keyring()["kdf"], "salt": "AAEC"}}
        padded = {
            **vector_keyring(),
            "wrapped_key_recovery": vector_keyring()["wrapped_key_recovery"][:78] + "==",
        }
        not_uuid = {**vector_keyring(), "vault_id": "not-a-uuid"}
        upper = {**vector_keyring(), "vault_id": VAULT_ID.upper()}
        wrong_format = {**vector_keyring(), "format": 2}
        for body in (
            weak_memory,
            weak_passes,
            weak_pbkdf2,
            unknown_kdf,
            short_salt,
            padded,
            not_uuid,
            upper,
            wrong_format,
        ):
            response = self.api("sam", "post", "/api/v1/vault", body)
            self.assertEqual(response.status_code, 422, body)
            self.assertIn("detail", response.json())
        self.assertFalse(VaultKeyring.objects.filter(owner=self.sam).exists())
        # PBKDF2 at the minimum is accepted (the path without WebAssembly).
        pbkdf2 = {**weak_pbkdf2, "kdf": {**weak_pbkdf2["kdf"], "iterations": 600_000}}
        self.assertEqual(self.api("sam", "post", "/api/v1/vault", pbkdf2).status_code, 201)

    def test_a_salt_in_non_canonical_base64url_is_refused(self):
        # 16 bytes are 22 characters; the last one carries 4 unused bits that must be zero.
        kdf = {**vector_keyring()["kdf"], "salt": "AAECAwQFBgcICQoLDA0ODx"}
        response = self.api("sam", "post", "/api/v1/vault", {**vector_keyring(), "kdf": kdf})
        self.assertEqual(response.status_code, 422)

    def test_rewrapping_needs_the_current_key_version(self):
        ring = VECTORS["keyrings"][2]  # the same vault key, wrapped under PBKDF2 this time
        body = {
            "key_version": 1,
            "kdf": ring["kdf"],
            "wrapped_key_passphrase": ring["wrapped_key_passphrase"],
            "wrapped_key_recovery": ring["wrapped_key_recovery"],
        }
        item_id = str(uuid.uuid4())
        self.assertEqual(self.item(item_id=item_id).status_code, 201)
        before = VaultItem.objects.get(item_id=item_id).ciphertext
        first = self.api("alex", "put", "/api/v1/vault/keys", body)
        self.assertEqual(first.status_code, 200, first.content)
        self.assertEqual(first.json()["key_version"], 2)
        self.assertEqual(first.json()["kdf"]["name"], "pbkdf2-sha256")
        stale = self.api("alex", "put", "/api/v1/vault/keys", body)
        self.assertEqual(stale.status_code, 409)
        # Items are not touched, and still open with the key the new wrapping holds.
        self.assertEqual(VaultItem.objects.get(item_id=item_id).ciphertext, before)
        key = vault_format.open_keyring(first.json(), passphrase=ring["passphrase"])
        opened = vault_format.decrypt_item(key, VAULT_ID, item_id, "journal", before)
        self.assertEqual(opened["body"], "vault words")
        self.assertEqual(self.api("sam", "put", "/api/v1/vault/keys", body).status_code, 404)

    def test_deleting_the_vault_takes_every_item_and_needs_the_words(self):
        self.item()
        self.item(kind="safety")
        wrong = self.api("alex", "delete", "/api/v1/vault", {"confirm": "yes"})
        self.assertEqual(wrong.status_code, 422)
        self.assertEqual(
            self.api("sam", "delete", "/api/v1/vault", {"confirm": "delete my vault"}).status_code,
            404,
        )
        done = self.api("alex", "delete", "/api/v1/vault", {"confirm": "delete my vault"})
        self.assertEqual(done.status_code, 204)
        self.assertFalse(VaultItem.objects.filter(owner=self.alex).exists())
        self.assertEqual(self.api("alex", "get", "/api/v1/vault").status_code, 404)

    # --- items ---

    def test_items_are_stored_and_listed_exactly_as_sent_newest_first(self):
        first, second = str(uuid.uuid4()), str(uuid.uuid4())
        self.assertEqual(self.item(item_id=first).status_code, 201)
        created = self.item(item_id=second, kind="safety")
        self.assertEqual(created.status_code, 201)
        self.assertEqual(created.json()["version"], 1)
        listed = self.api("alex", "get", "/api/v1/vault/items").json()
        self.assertEqual([i["item_id"] for i in listed], [second, first])
        self.assertEqual(listed[0]["ciphertext"], sealed_again(second, listed))
        only = self.api("alex", "get", "/api/v1/vault/items?kind=journal").json()
        self.assertEqual([i["item_id"] for i in only], [first])
        one = self.api("alex", "get", f"/api/v1/vault/items/{first}").json()
        opened = vault_format.decrypt_item(VAULT_KEY, VAULT_ID, first, "journal", one["ciphertext"])
        self.assertEqual(opened["body"], "vault words")

    def test_the_list_comes_a_page_at_a_time_newest_first_with_nothing_missed(self):
        from datetime import timedelta

        from django.utils import timezone

        ring = VaultKeyring.objects.get(owner=self.alex)
        now = timezone.now()
        ids = [str(uuid.uuid4()) for _ in range(7)]
        # Two items share a time: the order (and the pages) still hold every item once.
        times = [now - timedelta(minutes=n) for n in (0, 1, 1, 2, 3, 4, 5)]
        VaultItem.objects.bulk_create(
            VaultItem(
                owner=self.alex,
                keyring=ring,
                item_id=item_id,
                kind="journal",
                ciphertext=sealed(item_id),
                created_at=at,
                updated_at=at,
            )
            for item_id, at in zip(ids, times, strict=True)
        )
        whole = self.api("alex", "get", "/api/v1/vault/items?kind=journal").json()
        self.assertEqual(len(whole), 7)
        self.assertEqual(
            set(whole[0]), {"item_id", "kind", "ciphertext", "version", "created_at", "updated_at"}
        )
        paged, after = [], None
        for _ in range(5):  # 7 items, 3 a page: 3 pages
            query = "?kind=journal&limit=3" + (f"&after={after}" if after else "")
            page = self.api("alex", "get", "/api/v1/vault/items" + query).json()
            paged += page
            if len(page) < 3:
                break
            after = page[-1]["item_id"]
        self.assertEqual(paged, whole)  # the same items, in the same order, the same JSON
        self.assertEqual(len({i["item_id"] for i in paged}), 7)
        one = self.api("alex", "get", f"/api/v1/vault/items/{ids[0]}").json()
        self.assertEqual(one, whole[0])  # the list's JSON is the item's JSON
        # Limits out of bounds, and an `after` that is not alex's, are refused.
        for query in ("limit=0", "limit=501", "after=not-a-uuid"):
            got = self.api("alex", "get", "/api/v1/vault/items?" + query)
            self.assertEqual(got.status_code, 422, query)
        stranger = self.api("alex", "get", f"/api/v1/vault/items?after={uuid.uuid4()}")
        self.assertEqual(stranger.status_code, 404)
        theirs = self.api("sam", "get", f"/api/v1/vault/items?after={ids[0]}")
        self.assertEqual(theirs.status_code, 404)

    def test_a_full_vault_says_so_and_keeps_what_it_has(self):
        from reattune.vault import actions

        ring = VaultKeyring.objects.get(owner=self.alex)
        filler = sealed(str(uuid.uuid4()))
        VaultItem.objects.bulk_create(
            VaultItem(
                owner=self.alex,
                keyring=ring,
                item_id=uuid.uuid4(),
                kind="journal",
                ciphertext=filler,
            )
            for _ in range(actions.MAX_ITEMS)
        )
        full = self.item()
        self.assertEqual(full.status_code, 422)
        self.assertIn("as many as this server keeps", full.json()["detail"])
        self.assertEqual(VaultItem.objects.filter(owner=self.alex).count(), actions.MAX_ITEMS)
        # Sam's vault is not alex's: it takes items.
        self.assertEqual(
            self.api("sam", "post", "/api/v1/vault", vector_keyring()).status_code, 201
        )
        self.assertEqual(self.item("sam").status_code, 201)

    def test_an_item_over_the_size_limit_is_refused(self):
        item_id = str(uuid.uuid4())
        body = {
            "item_id": item_id,
            "kind": "journal",
            "ciphertext": "A" * (vault_format.MAX_CIPHERTEXT_CHARS + 2),
        }
        self.assertEqual(self.api("alex", "post", "/api/v1/vault/items", body).status_code, 422)
        self.assertFalse(VaultItem.objects.filter(owner=self.alex).exists())

    def test_a_double_submit_is_answered_with_the_first_item(self):
        item_id = str(uuid.uuid4())
        body = {"item_id": item_id, "kind": "journal", "ciphertext": sealed(item_id)}
        self.assertEqual(self.api("alex", "post", "/api/v1/vault/items", body).status_code, 201)
        again = self.api("alex", "post", "/api/v1/vault/items", body)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(again.json()["ciphertext"], body["ciphertext"])
        other = self.api(
            "alex", "post", "/api/v1/vault/items", {**body, "ciphertext": sealed(item_id)}
        )
        self.assertEqual(other.status_code, 409)
        self.assertEqual(VaultItem.objects.filter(owner=self.alex).count(), 1)

    def test_the_same_item_id_in_two_vaults_is_no_conflict(self):
        # Ids are the browser's: another person's item with the same id reveals nothing.
        item_id = str(uuid.uuid4())
        self.assertEqual(self.item(item_id=item_id).status_code, 201)
        self.assertEqual(
            self.api("sam", "post", "/api/v1/vault", vector_keyring()).status_code, 201
        )
        self.assertEqual(self.item("sam", item_id=item_id).status_code, 201)

    def test_without_a_vault_an_item_is_refused(self):
        response = self.item("sam")
        self.assertEqual(response.status_code, 409)
        self.assertIn("Set up your vault first", response.json()["detail"])

    def test_it_refuses_items_that_are_not_format_1(self):
        item_id = str(uuid.uuid4())
        cases = [
            {"item_id": item_id, "kind": "note", "ciphertext": sealed(item_id)},
            {"item_id": item_id, "kind": "journal", "ciphertext": "plain words, not base64"},
            {"item_id": item_id, "kind": "journal", "ciphertext": "QUJD"},  # too short
            {"item_id": item_id, "kind": "journal", "ciphertext": "A" * 150_001},
            {"item_id": item_id, "kind": "journal", "ciphertext": sealed(item_id) + "A"},  # 4n+1
            {"item_id": item_id.upper(), "kind": "journal", "ciphertext": sealed(item_id)},
            {"item_id": "1", "kind": "journal", "ciphertext": sealed(item_id)},
        ]
        for body in cases:
            response = self.api("alex", "post", "/api/v1/vault/items", body)
            self.assertIn(response.status_code, (413, 422), body["ciphertext"][:40])
        self.assertFalse(VaultItem.objects.filter(owner=self.alex).exists())

    def test_an_update_needs_the_current_version(self):
        item_id = str(uuid.uuid4())
        self.item(item_id=item_id)
        path = f"/api/v1/vault/items/{item_id}"
        new = sealed(item_id, body="changed words")
        done = self.api("alex", "put", path, {"ciphertext": new, "version": 1})
        self.assertEqual(done.status_code, 200)
        self.assertEqual(done.json()["version"], 2)
        stale = self.api("alex", "put", path, {"ciphertext": sealed(item_id), "version": 1})
        self.assertEqual(stale.status_code, 409)
        self.assertEqual(VaultItem.objects.get(item_id=item_id).ciphertext, new)
        self.assertEqual(self.api("alex", "delete", path).status_code, 204)
        self.assertEqual(self.api("alex", "get", path).status_code, 404)

    def test_a_format_upgrade_is_an_edit_with_the_same_version_check(self):
        """The browser writes a format 1 item again in format 2 as a PUT with the version it
        read: the server checks that version as for any edit, so an upgrade never overwrites
        a change made meanwhile (docs/vault.md, "Items")."""

        def payload(body):
            return {"title": "", "body": body, "written_at": "2026-12-06T10:00:00+01:00"}

        def format_1(item_id, body):
            return vault_format.encrypt_item(
                VAULT_KEY, VAULT_ID, item_id, "journal", payload(body), item_format=1
            )

        def opened(item_id):
            stored = VaultItem.objects.get(owner=self.alex, item_id=item_id)
            text = vault_format.decrypt_item(
                VAULT_KEY, VAULT_ID, item_id, "journal", stored.ciphertext
            )
            return stored, text

        upgraded, edited, deleted = (str(uuid.uuid4()) for _ in range(3))
        for item_id in (upgraded, edited, deleted):
            body = {"item_id": item_id, "kind": "journal", "ciphertext": format_1(item_id, "old")}
            self.assertEqual(self.api("alex", "post", "/api/v1/vault/items", body).status_code, 201)

        # The upgrade: the same words in format 2, sent with the version listed (1).
        path = f"/api/v1/vault/items/{upgraded}"
        first = sealed(upgraded, body="old")
        done = self.api("alex", "put", path, {"ciphertext": first, "version": 1})
        self.assertEqual(done.status_code, 200)
        self.assertEqual(done.json()["version"], 2)
        stored, text = opened(upgraded)
        self.assertTrue(stored.ciphertext.startswith("2."))
        self.assertEqual(text, payload("old"))
        # Another tab upgrading the same item from the same listing: refused, the first stands.
        again = self.api(
            "alex", "put", path, {"ciphertext": sealed(upgraded, body="old"), "version": 1}
        )
        self.assertEqual(again.status_code, 409)
        self.assertEqual(opened(upgraded)[0].ciphertext, first)

        # Edited on another device after this browser listed it: the upgrade, sent with the
        # version it read, is refused and the edit stays, in its words and its version.
        path = f"/api/v1/vault/items/{edited}"
        edit = sealed(edited, body="edited on the phone")
        self.assertEqual(
            self.api("alex", "put", path, {"ciphertext": edit, "version": 1}).status_code, 200
        )
        late = self.api(
            "alex", "put", path, {"ciphertext": sealed(edited, body="old"), "version": 1}
        )
        self.assertEqual(late.status_code, 409)
        stored, text = opened(edited)
        self.assertEqual((stored.ciphertext, stored.version), (edit, 2))
        self.assertEqual(text["body"], "edited on the phone")

        # Deleted on another device: the upgrade finds nothing and brings nothing back.
        path = f"/api/v1/vault/items/{deleted}"
        self.assertEqual(self.api("alex", "delete", path).status_code, 204)
        gone = self.api(
            "alex", "put", path, {"ciphertext": sealed(deleted, body="old"), "version": 1}
        )
        self.assertEqual(gone.status_code, 404)
        self.assertFalse(VaultItem.objects.filter(owner=self.alex, item_id=deleted).exists())

    def test_everyone_else_gets_the_answer_of_a_missing_item(self):
        item_id = str(uuid.uuid4())
        self.item(item_id=item_id)
        therapist = do_create_user(
            "therapist@example.org", "therapist-password-1", "T", with_space=False
        )
        User.objects.filter(pk=therapist.pk).update(role=User.Role.THERAPIST)
        therapist.refresh_from_db()
        real, missing = f"/api/v1/vault/items/{item_id}", f"/api/v1/vault/items/{uuid.uuid4()}"
        update = {"ciphertext": sealed(item_id), "version": 1}
        for persona in ("sam", "casey", "therapist"):
            for method, body in (("get", None), ("put", update), ("delete", None)):
                answers = []
                for path in (real, missing):
                    if persona == "therapist":
                        client = self.client_class()
                        client.force_login(therapist)
                        call = getattr(client, method)
                        response = (
                            call(path, data=body, content_type="application/json")
                            if body
                            else call(path)
                        )
                    else:
                        response = self.api(persona, method, path, body)
                    answers.append((response.status_code, response.content))
                self.assertEqual(answers[0], answers[1], (persona, method))
                self.assertEqual(answers[0][0], 404, (persona, method))
            # The vault itself, and the list, are theirs alone: nothing of alex's.
        self.assertEqual(self.api("sam", "get", "/api/v1/vault").status_code, 404)
        self.assertEqual(self.api("sam", "get", "/api/v1/vault/items").json(), [])
        self.assertEqual(self.api("anonymous", "get", real).status_code, 401)
        self.assertEqual(self.api("anonymous", "get", "/api/v1/vault").status_code, 401)
        self.assertEqual(VaultItem.objects.filter(item_id=item_id).count(), 1)

    # --- moving a journal entry in ---

    def test_moving_an_entry_in_deletes_it_in_the_same_step(self):
        entry = self.written_before_the_vault("words to move")
        response = self.item(body="words to move", replaces_entry=entry.pk)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertFalse(Entry.objects.filter(pk=entry.pk).exists())
        # A retry after the move (the answer was lost) is still the same item.
        item_id = response.json()["item_id"]
        again = self.api(
            "alex",
            "post",
            "/api/v1/vault/items",
            {
                "item_id": item_id,
                "kind": "journal",
                "ciphertext": response.json()["ciphertext"],
                "replaces_entry": entry.pk,
            },
        )
        self.assertEqual(again.status_code, 200)

    def test_a_move_of_words_read_before_an_edit_is_refused_and_keeps_the_edit(self):
        entry = self.written_before_the_vault("words as first read")
        read_version = entry.version
        Entry.objects.filter(pk=entry.pk).update(body="newer words", version=read_version + 1)
        before = VaultItem.objects.count()
        stale = self.item(
            body="words as first read", replaces_entry=entry.pk, replaces_version=read_version
        )
        self.assertEqual(stale.status_code, 409, stale.content)
        self.assertIn("changed after your vault read it", stale.json()["detail"])
        self.assertEqual(Entry.objects.get(pk=entry.pk).body, "newer words")
        self.assertEqual(VaultItem.objects.count(), before)
        fresh = self.item(
            body="newer words", replaces_entry=entry.pk, replaces_version=read_version + 1
        )
        self.assertEqual(fresh.status_code, 201, fresh.content)
        self.assertFalse(Entry.objects.filter(pk=entry.pk).exists())

    def test_a_move_that_fails_halfway_leaves_the_entry_and_no_item(self):
        from unittest import mock

        entry = self.written_before_the_vault("words that stay")
        item_id = str(uuid.uuid4())
        with (
            mock.patch("reattune.journal.actions.do_delete_entry", side_effect=RuntimeError),
            self.assertRaises(RuntimeError),
        ):
            from reattune.vault import actions

            actions.do_create_item(
                self.alex, item_id, "journal", sealed(item_id), replaces_entry=entry.pk
            )
        self.assertTrue(Entry.objects.filter(pk=entry.pk).exists())
        self.assertFalse(VaultItem.objects.filter(item_id=item_id).exists())

    def test_only_the_owners_own_entry_can_be_replaced(self):
        before = VaultItem.objects.count()
        for entry in (self.sam_private, self.casey_private, self.sam_shared):
            response = self.item(replaces_entry=entry.pk)
            self.assertEqual(response.status_code, 404, entry.title)
            self.assertEqual(response.json(), {"detail": "Not found."})
        missing = self.item(replaces_entry=10**9)
        self.assertEqual(missing.json(), {"detail": "Not found."})
        safety = self.item(kind="safety", replaces_entry=self.alex_private.pk)
        self.assertEqual(safety.status_code, 422)
        self.assertEqual(VaultItem.objects.count(), before)
        for entry in (
            self.sam_private,
            self.casey_private,
            self.sam_shared,
            self.alex_shared,
            self.alex_private,
        ):
            self.assertTrue(Entry.objects.filter(pk=entry.pk).exists())
        # One's own shared entry moves in too: that is how it becomes private with a vault
        # (tests/test_vault_private_switch.py), and the partner no longer sees it.
        shared = self.item(replaces_entry=self.alex_shared.pk)
        self.assertEqual(shared.status_code, 201, shared.content)
        self.assertFalse(Entry.objects.filter(pk=self.alex_shared.pk).exists())
        self.assertEqual(
            self.api("sam", "get", f"/api/v1/journal/{self.alex_shared.pk}").status_code, 404
        )

    # --- account deletion ---

    def test_deleting_the_account_deletes_the_vault(self):
        from reattune.accounts.actions import do_delete_account

        self.item()
        do_delete_account(self.alex)
        self.assertFalse(VaultKeyring.objects.filter(owner_id=self.alex.pk).exists())
        self.assertFalse(VaultItem.objects.filter(owner_id=self.alex.pk).exists())


def sealed_again(item_id: str, listed: list[dict]) -> str:
    """The ciphertext the list holds for item_id (it must be what was sent: checked by
    decrypting it with the vault key)."""
    row = next(i for i in listed if i["item_id"] == item_id)
    vault_format.decrypt_item(VAULT_KEY, VAULT_ID, item_id, row["kind"], row["ciphertext"])
    return row["ciphertext"]


class VaultSchemaTests(TestCase):
    def test_every_vault_operation_declares_its_errors(self):
        from reattune.api.base import api

        paths = api.get_openapi_schema()["paths"]
        vault = {p: ops for p, ops in paths.items() if p.startswith("/api/v1/vault")}
        self.assertEqual(
            set(vault),
            {
                "/api/v1/vault",
                "/api/v1/vault/keys",
                "/api/v1/vault/items",
                "/api/v1/vault/items/{item_id}",
            },
        )
        for path, ops in vault.items():
            for method, op in ops.items():
                statuses = {int(s) for s in op["responses"]}
                self.assertLessEqual({401, 404}, statuses, (method, path))
                if method in ("post", "put"):
                    self.assertIn(409, statuses, (method, path))
                    self.assertIn(422, statuses, (method, path))
        # Nothing the vault takes is free text the server could check: patterns and enums.
        item = api.get_openapi_schema()["components"]["schemas"]["VaultItemIn"]["properties"]
        self.assertIn("pattern", item["ciphertext"])
        self.assertIn("pattern", item["item_id"])


# Runs in a subprocess against a copy of a new installation (tests/cli_fixtures.py: every
# migration applied, no rows; in the PostgreSQL run, a database of its own): set up a vault and put a journal item and a safety item in it through
# the API (format.py encrypting, as the browser does), move a private journal entry holding
# the marker into the vault, copy the database files while the connection is open (the WAL
# not yet checkpointed), make a backup, then open every server-encrypted field with the
# server's own key files and look for the marker there, and every server-encrypted value found
# in the copied files' bytes (rows deleted by the move included).
WRITER = """
import json, os, shutil, sys, uuid
from pathlib import Path
import django
django.setup()
from django.db import connection
from django.test import Client
from reattune.accounts.actions import do_create_token, do_create_user
from reattune.core.crypto import encrypted_fields
from reattune.exports.backup import backup
from reattune.vault import format as vault_format
marker, copies = sys.argv[1], sys.argv[2]
user = do_create_user("vault@example.org", "a-long-password-for-tests", "V")
_, token = do_create_token(user, "tests")
client, headers = Client(), {"Authorization": "Bearer " + token}
def post(path, body):
    response = client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)
    assert response.status_code == 201, (path, response.status_code)
    return response.json()
# Private entries written before the vault (once it is set up, private words go into it).
post("/api/v1/journal", {"title": "", "body": "An ordinary private entry.", "visibility": "private"})
entry = post("/api/v1/journal", {"title": "", "body": "moving " + marker, "visibility": "private"})
ring, key, _ = vault_format.create_keyring("a passphrase only the test knows")
ring.pop("key_version")
post("/api/v1/vault", ring)
journal = {"title": marker, "body": marker + " in the body", "written_at": "2026-12-06T10:00:00+01:00"}
safety = {"screen_version": 1, "answers": {"hurt": 2, "afraid": 3}, "notes": marker,
          "result": {"positive": True, "urgent": True, "areas": ["hurt"]}}
for kind, payload in (("journal", journal), ("safety", safety)):
    item_id = str(uuid.uuid4())
    ciphertext = vault_format.encrypt_item(key, ring["vault_id"], item_id, kind, payload)
    post("/api/v1/vault/items", {"item_id": item_id, "kind": kind, "ciphertext": ciphertext})
    print("CIPHERTEXT", ciphertext[:48], flush=True)
    got = client.get("/api/v1/vault/items/" + item_id, headers=headers).json()
    assert vault_format.decrypt_item(key, ring["vault_id"], item_id, kind, got["ciphertext"]) == payload
# A private entry (server-encrypted) moved into the vault: its readable copy goes.
item_id = str(uuid.uuid4())
moved = {"title": "", "body": "moving " + marker, "written_at": "2026-12-06T10:00:00+01:00"}
post("/api/v1/vault/items", {"item_id": item_id, "kind": "journal", "replaces_entry": entry["id"],
     "ciphertext": vault_format.encrypt_item(key, ring["vault_id"], item_id, "journal", moved)})
base = connection.settings_dict["NAME"]
for suffix in ("", "-wal", "-shm", "-journal"):
    if connection.vendor == "sqlite" and os.path.exists(base + suffix):
        shutil.copyfile(base + suffix, os.path.join(copies, "open" + suffix))
backup(Path(copies) / "backups", None, say=lambda message: None)
opened = 0
for model, names in encrypted_fields():
    for row in model._base_manager.values_list(*names):
        for value in row:
            if value:
                opened += 1
                assert marker[9:] not in value, model._meta.label
print("DECRYPTED", opened, flush=True)
# Every value the copied files hold encrypted with the server's key, live or deleted (the moved
# entry's row in free space, or a page of it in the write-ahead log), opened with the key files.
import re
from cryptography.fernet import InvalidToken
from reattune.core import crypto
raw = 0
for path in Path(copies).rglob("*"):
    if not path.is_file():
        continue
    for found in set(re.findall(rb"gAAAAA[A-Za-z0-9_-]+={0,2}", path.read_bytes())):
        # A token's end is not marked: the bytes after it may be letters too.
        for end in range(len(found), 99, -1):
            try:
                text = crypto.keyring().decrypt(found[:end]).decode()
            except (InvalidToken, ValueError):
                continue
            raw += 1
            assert marker[9:] not in text, path.name
            break
print("RAW", raw, flush=True)
print("WRITTEN", flush=True)
"""


def run_writer(marker: str, data_dir: str, copies: Path, database_url: str | None = None):
    """WRITER in a subprocess; returns the first characters of each vault ciphertext stored."""
    env = script_env(
        data_dir, database_url, REATTUNE_ALLOWED_HOSTS="testserver", REATTUNE_LOG_LEVEL="DEBUG"
    )
    if database_url:
        if os.environ.get("REATTUNE_PG_BIN"):  # where scripts/with-postgres.sh put pg_dump
            env["REATTUNE_PG_BIN"] = os.environ["REATTUNE_PG_BIN"]
    result = subprocess.run(
        [sys.executable, "-c", WRITER, marker, str(copies)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "WRITTEN" in result.stdout
    assert marker not in output  # nor in the writer's logs (every logger at DEBUG)
    decrypted = [line for line in result.stdout.splitlines() if line.startswith("DECRYPTED")]
    # Server-encrypted fields were opened (at least the ordinary private entry's body).
    assert decrypted and int(decrypted[0].split()[1]) >= 1, result.stdout
    if not database_url:  # SQLite: the files were copied and searched for tokens as well
        raw = [line for line in result.stdout.splitlines() if line.startswith("RAW")]
        assert raw and int(raw[0].split()[1]) >= 1, result.stdout
    return [line.split()[1] for line in result.stdout.splitlines() if line.startswith("CIPHERTEXT")]


@sqlite_pass_only  # the writer gets no DATABASE_URL: SQLite in both passes
@pytest.mark.usefixtures("new_installation")
class PlaintextNeverStoredTests(TestCase):
    def test_the_database_its_wal_a_backup_and_every_decrypted_field_hold_no_vault_words(self):
        marker = f"vaultmark{uuid.uuid4().hex}"
        data_dir, _ = self.installation
        copies = data_dir / "copies"
        copies.mkdir()
        stored = run_writer(marker, str(data_dir), copies)
        self.assertEqual(len(stored), 2)
        files = list(data_dir.glob("reattune.sqlite3*")) + list(copies.rglob("*"))
        files = [path for path in files if path.is_file()]
        names = {path.name for path in files}
        self.assertIn("reattune.sqlite3", names)
        self.assertIn("open-wal", names)
        self.assertTrue(any(name.startswith("reattune-") for name in names), names)
        seen_ciphertext = False
        for path in files:
            data = path.read_bytes()
            for needle in (marker, marker[9:]):
                self.assertNotIn(needle.encode(), data, path.name)
                self.assertNotIn(needle.encode("utf-16-le"), data, path.name)
            seen_ciphertext = seen_ciphertext or any(c.encode() in data for c in stored)
        self.assertTrue(seen_ciphertext, "no vault ciphertext found: were the rows written?")


@pytest.mark.postgres_only
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"),
    reason="PostgreSQL only: DATABASE_URL is not set (scripts/with-postgres.sh)",
)
@pytest.mark.usefixtures("new_installation")
class PostgresPlaintextNeverStoredTests(TestCase):
    """The same in PostgreSQL: what pg_dump prints and what a backup restores to hold only
    ciphertext of vault items. Skipped in the SQLite run; a PostgreSQL run without a usable
    PostgreSQL or without pg_dump fails."""

    def test_pg_dump_and_a_restored_backup_hold_no_vault_words(self):
        from reattune.exports.backup import PG_SUFFIX

        pg_restore = pg_tool("pg_restore")
        marker = f"vaultmark{uuid.uuid4().hex}"
        # A PostgreSQL that cannot be used errors here: the run fails, it never skips.
        data_dir, url = self.installation  # a database of its own, dropped afterwards
        self.assertTrue(url)
        copies = data_dir / "copies"
        copies.mkdir()
        stored = run_writer(marker, str(data_dir), copies, database_url=url)
        self.assertEqual(len(stored), 2)
        dump = pg_dump_of(url)
        backups = list((copies / "backups").glob(f"*{PG_SUFFIX}"))
        self.assertEqual(len(backups), 1, list(copies.rglob("*")))
        restored = subprocess.run(
            [pg_restore, "--no-owner", "-f", "-", str(backups[0])],
            capture_output=True,
            timeout=300,
            check=True,
        ).stdout
        for name, data in (("pg_dump", dump), ("the restored backup", restored)):
            self.assertIn(b"vault_vaultitem", data, name)
            self.assertTrue(any(c.encode() in data for c in stored), f"{name}: no ciphertext")
            for needle in (marker, marker[9:]):
                self.assertNotIn(needle.encode(), data, name)
