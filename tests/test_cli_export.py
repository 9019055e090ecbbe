"""`reattune export --user EMAIL --out FILE`: what is in the zip, and what never is."""

import contextlib
import csv
import io
import json
import zipfile

from reattune.cli import main
from reattune.couples.actions import do_leave_space
from reattune.journal.actions import do_create_entry
from tests.base import BaseTestCase


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def read_zip(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rows(files: dict, kind: str) -> list[dict]:
    return json.loads(files[f"{kind}.json"])["rows"]


def texts(files: dict) -> set[str]:
    return {row["body"] for row in rows(files, "journal_entries")}


class ExportCommandTests(BaseTestCase):
    def export(self, persona: str, tmp) -> dict:
        path = tmp / f"{persona}.zip"
        code, out, err = run("export", "--user", f"{persona}@example.org", "--out", str(path))
        self.assertEqual(code, 0, err)
        self.assertIn("Exported", out)
        return read_zip(path)

    def setUp(self):
        super().setUp()
        import tempfile
        from pathlib import Path

        self.tmp = Path(tempfile.mkdtemp(prefix="reattune-export-test-"))

    def test_it_holds_own_entries_and_what_the_partner_shares_but_not_their_private_ones(self):
        files = self.export("alex", self.tmp)
        found = texts(files)
        self.assertIn("alex private secret text", found)
        self.assertIn("alex shared text for the couple", found)
        self.assertIn("sam shared text for the couple", found)
        self.assertNotIn("sam private secret text", found)
        self.assertFalse(any("casey" in text for text in found))
        owners = {row["body"]: row["owner"] for row in rows(files, "journal_entries")}
        self.assertEqual(owners["alex private secret text"], "me")
        self.assertEqual(owners["sam shared text for the couple"], "partner")
        raw = b"".join(files.values())
        self.assertNotIn(b"sam private secret text", raw)
        self.assertNotIn(b"sam@example.org", raw)  # no partner personal data anywhere

    def test_it_writes_a_manifest_and_one_versioned_document_per_kind_with_csv(self):
        files = self.export("sam", self.tmp)
        manifest = json.loads(files["manifest.json"])
        self.assertEqual((manifest["format"], manifest["version"]), ("reattune-export", 1))
        self.assertEqual(manifest["user"], {"email": "sam@example.org"})
        kinds = {item["kind"] for item in manifest["documents"]}
        self.assertLessEqual({"profile", "spaces", "memberships", "journal_entries"}, kinds)
        for item in manifest["documents"]:
            document = json.loads(files[item["file"]])
            self.assertEqual(document["format"], "reattune-export")
            self.assertEqual(document["kind"], item["kind"])
            self.assertEqual(document["version"], item["version"])
            self.assertEqual(len(document["rows"]), item["rows"])
        table = list(csv.DictReader(io.StringIO(files["journal_entries.csv"].decode("utf-8-sig"))))
        self.assertEqual({r["body"] for r in table}, texts(files))
        profile = rows(files, "profile")[0]
        self.assertEqual(profile["display_name"], "Sam")
        self.assertNotIn("password", json.dumps(profile))

    def test_it_keeps_unicode_and_timestamps_exactly_and_defuses_csv_formulas(self):
        text = '=HYPERLINK("x") 日本語 💛 <b>html</b>\r\nline two\x0b'
        entry, _ = do_create_entry(self.alex, text, visibility="private", title="@title")
        files = self.export("alex", self.tmp)
        (row,) = [r for r in rows(files, "journal_entries") if r["id"] == str(entry.submit_key)]
        self.assertEqual(row["body"], text)
        self.assertEqual(row["title"], "@title")
        self.assertEqual(row["created_at"], entry.created_at.isoformat())
        table = list(
            csv.DictReader(
                io.StringIO(files["journal_entries.csv"].decode("utf-8-sig"), newline="")
            )
        )
        (cells,) = [r for r in table if r["id"] == str(entry.submit_key)]
        self.assertEqual(cells["body"], "'" + text)
        self.assertEqual(cells["title"], "'@title")

    def test_it_leaves_negative_numbers_as_numbers_in_csv(self):
        from reattune.exports.archive import _csv_bytes

        table = _csv_bytes(("n", "x", "t"), [{"n": -3, "x": -0.5, "t": "-3"}])
        lines = table.decode("utf-8-sig").splitlines()
        self.assertEqual(lines[1], "-3,-0.5,'-3")  # text that looks like a formula still isn't run

    def test_it_keeps_entries_of_an_earlier_space_but_drops_what_the_former_partner_shared(self):
        do_leave_space(self.sam)
        files = self.export("alex", self.tmp)
        found = texts(files)
        self.assertIn("alex shared text for the couple", found)
        self.assertNotIn("sam shared text for the couple", found)
        spaces = rows(files, "spaces")
        self.assertEqual(len(spaces), 2)
        self.assertEqual(sorted(s["current"] for s in spaces), [False, True])
        memberships = rows(files, "memberships")
        self.assertEqual(sorted(m["partner_present"] for m in memberships), [False, True])
        self.assertEqual(rows(files, "notices")[0]["kind"], "partner_left")

    def test_it_gives_the_same_ids_in_every_export(self):
        first = self.export("alex", self.tmp)
        second_path = self.tmp / "again.zip"
        self.assertEqual(
            run("export", "--user", "alex@example.org", "--out", str(second_path))[0], 0
        )
        second = read_zip(second_path)
        for kind in ("spaces", "memberships", "journal_entries"):
            self.assertEqual(
                [r["id"] for r in rows(first, kind)], [r["id"] for r in rows(second, kind)]
            )

    def test_it_writes_a_file_only_its_owner_can_read_and_shows_progress(self):
        path = self.tmp / "alex.zip"
        code, _, err = run("export", "--user", "alex@example.org", "--out", str(path))
        self.assertEqual(code, 0)
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)
        self.assertIn("journal_entries", err)
        self.assertIn("[1/", err)
        self.assertNotIn("secret text", err)

    def test_it_refuses_an_unknown_user_and_an_existing_file(self):
        code, _, err = run(
            "export", "--user", "nobody@example.org", "--out", str(self.tmp / "x.zip")
        )
        self.assertEqual(code, 2)
        self.assertIn("no account", err)
        self.assertFalse((self.tmp / "x.zip").exists())
        existing = self.tmp / "existing.zip"
        existing.write_bytes(b"keep me")
        code, _, err = run("export", "--user", "alex@example.org", "--out", str(existing))
        self.assertEqual(code, 2)
        self.assertEqual(existing.read_bytes(), b"keep me")
        self.assertEqual(
            run("export", "--user", "alex@example.org", "--out", str(existing), "--force")[0], 0
        )
        self.assertTrue(zipfile.is_zipfile(existing))

    def test_cells_starting_with_blanks_invisibles_or_full_width_signs_are_defused(self):
        starts = [" =1+1", "\u00a0=1+1", "\u200b=1+1", "\n=1+1", "\uff1dSUM(A1)", "\uff0b1", "\t@x"]
        for number, body in enumerate(starts):
            do_create_entry(self.alex, body, visibility="private", title=f"t{number}")
        files = self.export("alex", self.tmp)
        table = list(
            csv.DictReader(
                io.StringIO(files["journal_entries.csv"].decode("utf-8-sig"), newline="")
            )
        )
        cells = {row["body"] for row in table}
        for body in starts:
            self.assertIn("'" + body, cells)
            self.assertNotIn(body, cells)
        # the JSON keeps the text exactly
        self.assertLessEqual(set(starts), texts(files))
