"""The vault in exports, imports, backups and account deletion (reattune/vault/portability.py).

An export carries the keyring and every item exactly as stored (ciphertext); an import brings
them back intact (same vault_id, items, versions), and a round trip adds nothing; a backup
restored elsewhere holds the same rows and they open with the same passphrase.
"""

import hashlib
import io
import json
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from django.test import TestCase

from reattune.exports.actions import do_import
from reattune.exports.archive import ArchiveError, export_bytes
from reattune.exports.registry import account_id, owner_signature
from reattune.journal.models import Entry
from reattune.vault import actions
from reattune.vault import format as vault_format
from reattune.vault.models import VaultItem, VaultKeyring
from tests.base import BaseTestCase
from tests.cli_fixtures import script_env, sqlite_pass_only
from tests.test_vault_api import PASSPHRASE, VAULT_ID, sealed, vector_keyring

pytest_plugins = ["tests.cli_fixtures"]  # new_installation: a migrated copy, once per session

ROOT = Path(__file__).resolve().parent.parent
ITEM_FIELDS = ("item_id", "kind", "ciphertext", "version", "created_at", "updated_at")
KEYRING_FIELDS = (
    "vault_id",
    "format",
    "kdf",
    "wrapped_key_passphrase",
    "wrapped_key_recovery",
    "key_version",
    "created_at",
)


def items_of(user) -> list[tuple]:
    return sorted(
        tuple(getattr(item, name) for name in ITEM_FIELDS)
        for item in VaultItem.objects.filter(owner=user)
    )


def keyring_of(user) -> tuple:
    keyring = VaultKeyring.objects.get(owner=user)
    return tuple(getattr(keyring, name) for name in KEYRING_FIELDS)


def documents(data: bytes) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {
        name[: -len(".json")]: json.loads(archive.read(name))
        for name in archive.namelist()
        if name.startswith("vault_")
    }


def rewrite(data: bytes, kind: str, change) -> bytes:
    """The export with change(rows) applied to one kind, its checksum kept right."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    body = json.loads(source.read(f"{kind}.json"))
    body["rows"] = change(body["rows"])
    raw = json.dumps(body).encode()
    manifest = json.loads(source.read("manifest.json"))
    for item in manifest["documents"]:
        if item["kind"] == kind:
            item["sha256"] = hashlib.sha256(raw).hexdigest()
            item["rows"] = len(body["rows"])
    with zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            if name == f"{kind}.json":
                out.writestr(name, raw)
            elif name == "manifest.json":
                out.writestr(name, json.dumps(manifest))
            else:
                out.writestr(name, source.read(name))
    return target.getvalue()


class VaultPortabilityTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        actions.do_create_keyring(self.alex, **vector_keyring())
        self.ids = []
        for kind in ("journal", "safety", "journal"):
            item_id = str(uuid.uuid4())
            actions.do_create_item(self.alex, item_id, kind, sealed(item_id, kind, "exported"))
            self.ids.append(item_id)
        item = VaultItem.objects.get(item_id=self.ids[0])
        actions.do_update_item(item, sealed(self.ids[0], "journal", "edited"), 1)

    def test_the_export_carries_the_vault_exactly_as_stored(self):
        docs = documents(export_bytes(self.alex))
        (ring,) = docs["vault_keyring"]["rows"]
        for key, value in vector_keyring().items():
            self.assertEqual(ring[key], value, key)
        self.assertEqual(ring["key_version"], 1)
        rows = {row["id"]: row for row in docs["vault_items"]["rows"]}
        # Journal items only: a safety check is never in an export, even encrypted.
        self.assertEqual(set(rows), {self.ids[0], self.ids[2]})
        self.assertEqual({row["kind"] for row in rows.values()}, {"journal"})
        safety = VaultItem.objects.get(item_id=self.ids[1])
        self.assertNotIn(safety.ciphertext.encode(), export_bytes(self.alex))
        for item in VaultItem.objects.filter(owner=self.alex, kind="journal"):
            row = rows[str(item.item_id)]
            self.assertEqual(row["ciphertext"], item.ciphertext)
            self.assertEqual((row["kind"], row["version"]), (item.kind, item.version))
            self.assertEqual(row["vault_id"], VAULT_ID)
        self.assertEqual(rows[self.ids[0]]["version"], 2)
        # The partner's export holds nothing of alex's vault.
        sams = documents(export_bytes(self.sam))
        self.assertEqual(sams["vault_keyring"]["rows"], [])
        self.assertEqual(sams["vault_items"]["rows"], [])
        self.assertNotIn(rows[self.ids[2]]["ciphertext"].encode(), export_bytes(self.sam))

    def test_a_round_trip_into_the_same_account_adds_nothing(self):
        before_items, before_ring = items_of(self.alex), keyring_of(self.alex)
        report = do_import(io.BytesIO(export_bytes(self.alex)), email=self.alex.email)
        self.assertEqual(report.stats["vault_keyring"]["created"], 0)
        self.assertEqual(report.stats["vault_items"], {"created": 0, "existing": 2, "skipped": 0})
        self.assertEqual(items_of(self.alex), before_items)
        self.assertEqual(keyring_of(self.alex), before_ring)

    def test_an_import_elsewhere_brings_the_vault_back_intact(self):
        data = export_bytes(self.alex)
        before_items, before_ring = items_of(self.alex), keyring_of(self.alex)
        report = do_import(io.BytesIO(data), email="alex-elsewhere@example.org")
        self.assertTrue(report.new_account)
        from reattune.accounts.models import User

        moved = User.objects.get(email="alex-elsewhere@example.org")
        self.assertEqual(keyring_of(moved), before_ring)
        journal = [item for item in before_items if item[1] == "journal"]
        self.assertEqual(items_of(moved), journal)
        # The same passphrase opens it, and every item opens under its own id.
        ring = VaultKeyring.objects.get(owner=moved)
        material = {**vector_keyring(), "key_version": ring.key_version}
        key = vault_format.open_keyring(material, passphrase=PASSPHRASE)
        texts = sorted(
            vault_format.decrypt_item(key, VAULT_ID, str(i.item_id), i.kind, i.ciphertext).get(
                "body", "safety"
            )
            for i in VaultItem.objects.filter(owner=moved)
        )
        self.assertEqual(texts, ["edited", "exported"])
        # ... and a second import adds nothing there either.
        again = do_import(io.BytesIO(data), email="alex-elsewhere@example.org")
        self.assertEqual(again.stats["vault_items"]["created"], 0)
        self.assertEqual(items_of(moved), journal)

    def test_a_file_holding_a_safety_item_imports_it_intact(self):
        # Not in this server's exports, but another client's file may hold one.
        safety = VaultItem.objects.get(item_id=self.ids[1])
        row = {
            "id": self.ids[1],
            "vault_id": VAULT_ID,
            "kind": "safety",
            "ciphertext": safety.ciphertext,
            "version": 1,
            "created_at": safety.created_at.isoformat(),
            "updated_at": safety.updated_at.isoformat(),
        }
        # Signed as this server signs the rows it exports (exports/actions.check_owners).
        row["signature"] = owner_signature("vault_items", row["id"], "me", account_id(self.alex))
        data = rewrite(export_bytes(self.alex), "vault_items", lambda rows: [*rows, row])
        do_import(io.BytesIO(data), email="alex-elsewhere@example.org")
        moved = VaultItem.objects.get(owner__email="alex-elsewhere@example.org", kind="safety")
        self.assertEqual(moved.ciphertext, safety.ciphertext)

    def test_an_account_with_another_vault_refuses_the_import_whole(self):
        data = export_bytes(self.alex)
        actions.do_create_keyring(self.casey, **vector_keyring(str(uuid.uuid4())))
        entries_before = Entry.objects.filter(author=self.casey).count()
        with self.assertRaises(ArchiveError) as refused:
            do_import(io.BytesIO(data), email=self.casey.email)
        self.assertIn("another vault", str(refused.exception))
        self.assertFalse(VaultItem.objects.filter(owner=self.casey).exists())
        self.assertEqual(Entry.objects.filter(author=self.casey).count(), entries_before)

    def test_damaged_vault_rows_are_refused_and_nothing_is_imported(self):
        data = export_bytes(self.alex)
        target = "someone-new@example.org"
        cases = {
            "plaintext instead of ciphertext": (
                "vault_items",
                lambda rows: [{**rows[0], "ciphertext": "my words in clear"}, *rows[1:]],
            ),
            "an unknown kind": ("vault_items", lambda rows: [{**rows[0], "kind": "note"}]),
            "an item of another vault": (
                "vault_items",
                lambda rows: [{**rows[0], "vault_id": str(uuid.uuid4())}],
            ),
            "items without the key": ("vault_keyring", lambda rows: []),
            "a weak kdf": (
                "vault_keyring",
                lambda rows: [{**rows[0], "kdf": {**rows[0]["kdf"], "memory_kib": 1024}}],
            ),
        }
        for name, (kind, change) in cases.items():
            with self.subTest(name), self.assertRaises(ArchiveError):
                do_import(io.BytesIO(rewrite(data, kind, change)), email=target)
        from reattune.accounts.models import User

        self.assertFalse(User.objects.filter(email=target).exists())

    def test_deleting_the_account_deletes_the_vault(self):
        from reattune.accounts.actions import do_delete_account

        do_delete_account(self.alex)
        self.assertEqual(VaultKeyring.objects.filter(vault_id=VAULT_ID).count(), 0)
        self.assertEqual(VaultItem.objects.filter(item_id__in=self.ids).count(), 0)


# A backup of a data directory with a vault, restored into a new database file with the same
# keys: the vault's rows are the same, and open with the passphrase. The data directory is a
# copy of the session's new installation (tests/cli_fixtures.py: migrated, its data files
# checked), so the migrate below only confirms there is nothing left to apply.
BACKUP_ROUND_TRIP = """
import json, sqlite3, sys, uuid
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0, interactive=False)
from reattune.accounts.actions import do_create_user
from reattune.exports import backup as backups
from reattune.vault import actions
from reattune.vault import format as vault_format
out = Path(sys.argv[1])
user = do_create_user("vault@example.org", "a-long-password-for-tests", "V")
ring, key, _ = vault_format.create_keyring("passphrase of the backup test")
ring.pop("key_version")
actions.do_create_keyring(user, **ring)
item_id = str(uuid.uuid4())
payload = {"title": "", "body": "kept through a backup", "written_at": "2026-12-06T10:00:00Z"}
actions.do_create_item(user, item_id, "journal",
                       vault_format.encrypt_item(key, ring["vault_id"], item_id, "journal", payload))
path, _ = backups.backup(out / "backups", None, say=lambda line: None)
target = out / "restored.sqlite3"
backups.restore_sqlite(backups.Database("sqlite", {"NAME": str(target)}), path, lambda line: None)
QUERY = ("SELECT i.item_id, i.kind, i.ciphertext, i.version, k.vault_id, k.kdf, "
         "k.wrapped_key_passphrase, k.wrapped_key_recovery FROM vault_vaultitem i "
         "JOIN vault_vaultkeyring k ON k.id = i.keyring_id")
rows = {}
for name, file in (("original", Path(django.conf.settings.DATABASES["default"]["NAME"])),
                   ("restored", target)):
    with sqlite3.connect(file) as connection:
        rows[name] = [list(row) for row in connection.execute(QUERY)]
assert rows["original"] == rows["restored"] and len(rows["restored"]) == 1, rows
_, kind, ciphertext, _, _, kdf, wrapped_p, wrapped_r = rows["restored"][0]
restored = {"vault_id": ring["vault_id"], "format": 1, "kdf": json.loads(kdf),
            "wrapped_key_passphrase": wrapped_p, "wrapped_key_recovery": wrapped_r}
opened = vault_format.open_keyring(restored, passphrase="passphrase of the backup test")
assert vault_format.decrypt_item(opened, ring["vault_id"], item_id, kind, ciphertext) == payload
print("ROUND TRIP OK", len(rows["restored"]), flush=True)
"""


# Its process gets no DATABASE_URL (SQLite in both passes): the PostgreSQL pass would run the
# very same process again.
@sqlite_pass_only
@pytest.mark.usefixtures("new_installation")
class VaultBackupTests(TestCase):
    def test_a_backup_restores_the_vault_and_it_opens(self):
        data_dir, _ = self.installation
        result = subprocess.run(
            [sys.executable, "-c", BACKUP_ROUND_TRIP, str(data_dir)],
            cwd=ROOT,
            env=script_env(data_dir),
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.assertEqual(result.returncode, 0, (result.stdout + result.stderr)[-4000:])
        self.assertIn("ROUND TRIP OK 1", result.stdout)
