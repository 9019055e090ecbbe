"""`reattune vault decrypt EXPORT.zip [--out DIR] [--recovery]`, `reattune vault fingerprint`,
and the demo's vault (`reattune demo --json`: vault_passphrase, vault_marker)."""

import contextlib
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import uuid
from argparse import Namespace
from pathlib import Path
from unittest import mock

from reattune.cli import main
from reattune.exports.archive import export_bytes
from reattune.vault import actions
from reattune.vault import cli as vault_cli
from reattune.vault import format as vault_format
from tests.base import BaseTestCase
from tests.browser import app_env
from tests.test_vault_api import PASSPHRASE, VAULT_ID, VAULT_KEY, VECTORS, sealed, vector_keyring

ROOT = Path(__file__).resolve().parent.parent
RECOVERY = VECTORS["keyrings"][0]["recovery_key"]


def run(*args, secret: str | None = None) -> tuple[int, str, str]:
    """The command in-process; getpass answers `secret` (the prompts go nowhere)."""
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch("getpass.getpass", return_value=secret) as asked,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        code = main(list(args))
    run.prompts = [call.args[0] for call in asked.call_args_list]
    return code, out.getvalue(), err.getvalue()


class VaultDecryptTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = Path(self.enterContext(_tempdir()))
        actions.do_create_keyring(self.alex, **vector_keyring())
        self.journal_id, self.safety_id = str(uuid.uuid4()), str(uuid.uuid4())
        actions.do_create_item(
            self.alex, self.journal_id, "journal", sealed(self.journal_id, body="my own words")
        )
        actions.do_create_item(
            self.alex, self.safety_id, "safety", sealed(self.safety_id, "safety", "a note")
        )
        self.export = self.tmp / "alex-export.zip"
        self.export.write_bytes(with_safety_row(export_bytes(self.alex), self.alex, self.safety_id))

    def test_the_passphrase_writes_every_item_as_readable_files(self):
        out = self.tmp / "plain"
        code, stdout, stderr = run(
            "vault", "decrypt", str(self.export), "--out", str(out), secret=PASSPHRASE
        )
        self.assertEqual(code, 0, stderr)
        self.assertEqual(run.prompts, ["Vault passphrase: "])
        self.assertIn("1 journal entry and 1 safety check(s)", stdout)
        self.assertIn("keep them somewhere safe", stderr)
        (journal,) = (out / "journal").iterdir()
        self.assertIn("my own words", journal.read_text(encoding="utf-8"))
        (safety,) = (out / "safety").iterdir()
        self.assertEqual(json.loads(safety.read_text())["notes"], "a note")
        items = json.loads((out / "items.json").read_text(encoding="utf-8"))
        self.assertEqual({i["item_id"] for i in items}, {self.journal_id, self.safety_id})
        for path in (journal, safety, out / "items.json"):
            self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600, path.name)
        self.assertEqual(stat.S_IMODE(out.stat().st_mode) & 0o077, 0)
        # Nothing secret is printed.
        self.assertNotIn(PASSPHRASE, stdout + stderr)
        self.assertNotIn("my own words", stdout + stderr)

    def test_the_recovery_key_opens_it_too_typed_any_which_way(self):
        out = self.tmp / "recovered"
        typed = RECOVERY.lower().replace("-", " ")
        code, _, stderr = run(
            "vault", "decrypt", str(self.export), "--out", str(out), "--recovery", secret=typed
        )
        self.assertEqual(code, 0, stderr)
        self.assertEqual(run.prompts, ["Recovery key: "])
        self.assertEqual(len(list((out / "journal").iterdir())), 1)

    def test_a_wrong_passphrase_says_so_plainly_and_writes_nothing(self):
        out = self.tmp / "nothing"
        code, stdout, stderr = run(
            "vault", "decrypt", str(self.export), "--out", str(out), secret="not the passphrase"
        )
        self.assertEqual(code, 1)
        self.assertIn("does not open this vault", stderr)
        self.assertIn("Nothing was written", stderr)
        self.assertNotIn("Traceback", stderr)
        self.assertEqual(stdout, "")
        self.assertFalse(out.exists())
        code, _, stderr = run(
            "vault", "decrypt", str(self.export), "--out", str(out), "--recovery", secret="ABCD"
        )
        self.assertEqual(code, 1)
        self.assertIn("recovery key", stderr)
        self.assertFalse(out.exists())

    def test_it_refuses_what_it_cannot_read_in_one_line(self):
        not_zip = self.tmp / "notes.zip"
        not_zip.write_text("hello")
        casey = self.tmp / "casey.zip"
        casey.write_bytes(export_bytes(self.casey))
        full = self.tmp / "full"
        full.mkdir()
        (full / "something").write_text("x")
        for args, code, words in (
            ((str(not_zip),), 1, "not a reattune export"),
            ((str(self.tmp / "missing.zip"),), 1, "no file"),
            ((str(casey),), 1, "holds no vault"),
            ((str(self.export), "--out", str(full)), 2, "not empty"),
        ):
            got, _, stderr = run("vault", "decrypt", *args, secret=PASSPHRASE)
            self.assertEqual(got, code, args)
            self.assertIn(words, stderr)
            self.assertNotIn("Traceback", stderr)
            self.assertEqual(len(stderr.strip().splitlines()), 1, stderr)

    def test_a_changed_item_is_left_out_and_said(self):
        def tamper(rows):
            marker, _, body = rows[0]["ciphertext"].rpartition(".")
            data = bytearray(vault_format.b64u_decode(body))
            data[-1] ^= 1
            changed = (marker + "." if marker else "") + vault_format.b64u_encode(bytes(data))
            return [{**rows[0], "ciphertext": changed}, *rows[1:]]

        code, stderr, items = self.decrypt_changed("partly", tamper)
        self.assertEqual(code, 1)
        self.assertIn("1 item(s) could not be opened", stderr)
        self.assertEqual(len(items), 1)

    def decrypt_changed(self, name: str, change) -> tuple[int, str, list[dict]]:
        """`vault decrypt` of this export with change(rows) applied to its vault items:
        (exit status, what it said, the items it wrote)."""
        from tests.test_vault_portability import rewrite

        changed = self.tmp / f"{name}.zip"
        changed.write_bytes(rewrite(self.export.read_bytes(), "vault_items", change))
        out = self.tmp / name
        code, _, stderr = run(
            "vault", "decrypt", str(changed), "--out", str(out), secret=PASSPHRASE
        )
        self.assertNotIn("Traceback", stderr)
        return code, stderr, json.loads((out / "items.json").read_text(encoding="utf-8"))

    def test_an_item_whose_format_was_changed_is_left_out_and_an_old_one_still_opens(self):
        """Item format 2 names its format in front ("2.") and in the additional data: the
        marker taken off (a downgrade to format 1), changed or put on a format 1 item does not
        open. An item saved in format 1, before format 2, still opens."""
        old_id = str(uuid.uuid4())
        old = vault_format.encrypt_item(
            VAULT_KEY,
            VAULT_ID,
            old_id,
            "journal",
            {"title": "", "body": "saved in format 1", "written_at": "2026-01-01T10:00:00+00:00"},
            item_format=1,
        )
        self.assertNotIn(".", old)

        def swap(rows):
            journal = next(r for r in rows if r["id"] == self.journal_id)
            self.assertTrue(journal["ciphertext"].startswith("2."))
            body = journal["ciphertext"][2:]
            downgraded = {**journal, "ciphertext": body}
            later = {**journal, "id": str(uuid.uuid4()), "ciphertext": "3." + body}
            upgraded = {**journal, "id": old_id, "ciphertext": "2." + old}
            plain_old = {**journal, "id": old_id, "ciphertext": old}
            return [downgraded, later, upgraded, plain_old]

        code, stderr, items = self.decrypt_changed("versions", swap)
        self.assertEqual(code, 1)
        self.assertIn("3 item(s) could not be opened", stderr)
        self.assertEqual(
            [(i["item_id"], i["content"]["body"]) for i in items], [(old_id, "saved in format 1")]
        )

    def test_it_reads_the_passphrase_from_a_pipe_without_a_terminal(self):
        """The real command in a subprocess with no terminal: a wrong passphrase on stdin
        ends with exit 1 and one plain line, no traceback."""
        env = app_env(self.tmp / "data")
        result = subprocess.run(
            [sys.executable, "-m", "reattune", "vault", "decrypt", str(self.export)],
            input="not the passphrase\n",
            env=env,
            cwd=self.tmp,
            capture_output=True,
            text=True,
            timeout=120,
            start_new_session=True,  # no controlling terminal: getpass reads stdin
        )
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("does not open this vault", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertFalse((self.tmp / "alex-export-vault").exists())


class VaultFingerprintTests(BaseTestCase):
    def test_it_prints_the_sha256_of_every_script_and_vendored_file(self):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = vault_cli.cmd_fingerprint(Namespace(source_only=True))
        self.assertEqual(code, 0, err.getvalue())
        root = ROOT / "reattune" / "static"
        printed = dict(
            reversed(line.split("  ", 1)) for line in out.getvalue().splitlines() if line
        )
        vendor = {
            p.relative_to(root).as_posix()
            for p in (root / "reattune" / "vendor").rglob("*")
            if p.is_file()
        }
        self.assertTrue(vendor)
        self.assertLessEqual(vendor, set(printed))
        for name in ("reattune/vault.js", "reattune/crisis.js", "reattune/app.js"):
            if (root / name).exists():
                self.assertIn(name, printed)
        for name, digest in printed.items():
            self.assertEqual(digest, hashlib.sha256((root / name).read_bytes()).hexdigest())
        self.assertIn("Compare these", err.getvalue())

    def test_the_command_is_registered(self):
        code, stdout, _ = run("vault", "fingerprint", "--source-only")
        self.assertEqual(code, 0)
        self.assertRegex(stdout, r"^[0-9a-f]{64}  reattune/")


class DemoVaultTests(BaseTestCase):
    def test_the_demo_prints_a_passphrase_that_opens_alexs_vault_with_the_marker(self):
        from django.test import Client

        from reattune import demo

        outputs = []
        for _ in range(2):  # safe to run twice; the passphrase is new each time
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                self.assertEqual(demo.run(Namespace(json=True, couples=0, days=7)), 0)
            outputs.append(json.loads(out.getvalue())["accounts"])
        first, second = outputs
        self.assertNotEqual(first[0]["vault_passphrase"], second[0]["vault_passphrase"])
        account = second[0]
        self.assertNotIn("vault_passphrase", second[1])
        headers = {"Authorization": f"Bearer {account['token']}"}
        keyring = Client().get("/api/v1/vault", headers=headers).json()
        key = vault_format.open_keyring(keyring, passphrase=account["vault_passphrase"])
        items = Client().get("/api/v1/vault/items", headers=headers).json()
        self.assertEqual(len(items), 1)
        item = items[0]
        opened = vault_format.decrypt_item(
            key, keyring["vault_id"], item["item_id"], item["kind"], item["ciphertext"]
        )
        self.assertEqual(opened["body"], account["vault_marker"])
        with self.assertRaises(vault_format.WrongKey):
            vault_format.open_keyring(keyring, passphrase=first[0]["vault_passphrase"])


def with_safety_row(data: bytes, user, item_id: str) -> bytes:
    """An export never holds vault safety checks (docs/vault.md); another client's file may:
    the safety item added to the file, as such a file would hold it."""
    from reattune.vault.models import VaultItem
    from tests.test_vault_portability import rewrite

    item = VaultItem.objects.get(owner=user, item_id=item_id)
    row = {
        "id": item_id,
        "vault_id": str(item.keyring.vault_id),
        "kind": "safety",
        "ciphertext": item.ciphertext,
        "version": item.version,
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
    }
    return rewrite(data, "vault_items", lambda rows: [*rows, row])


@contextlib.contextmanager
def _tempdir():
    import tempfile

    with tempfile.TemporaryDirectory(prefix="reattune-vault-cli-") as path:
        os.chmod(path, 0o700)
        yield path
