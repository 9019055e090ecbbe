"""Import against hostile and edited files (issue 15, items 8 and 12).

- a round trip into the account an export came from adds nothing, for every portable model;
- rows are validated (instruments, questions, answer ranges, dates, kinds, types) and a bad
  one is refused naming the file and the row, with nothing stored;
- the partner's rows are never imported as one's own, even relabelled "owner": "me";
- deep nesting, huge numbers and wrong types are refused in one line, exit 1, no traceback;
- archives are read in chunks with limits: a zip bomb is refused with bounded memory
  (tracemalloc peak: a counted bound, not a time), and so are path tricks;
- CSV cells that a spreadsheet could run as a formula are defused (hypothesis).
"""

import contextlib
import csv
import hashlib
import io
import json
import tracemalloc
import zipfile
from pathlib import Path
from unittest import mock

from django.apps import apps
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisDjangoTestCase

from reattune.accounts.models import User
from reattune.cli import main
from reattune.exports import archive as archive_module
from reattune.exports.actions import do_import
from reattune.exports.archive import ArchiveError, _csv_bytes, _csv_cell, export_bytes
from reattune.exports.registry import all_kinds
from reattune.rituals import actions as rituals
from reattune.rituals.kinds import DAILY
from tests.base import BaseTestCase
from tests.checkups import fill
from tests.rituals_helpers import answers, submit

# Kinds whose rows an import never adds (a record of the server that made the export).
NOT_IMPORTED = {"care.TherapistRead"}
CHARS_FOR_ROWS = st.characters(blacklist_categories=("Cs",))


def run(*args, migrate: bool = False) -> tuple[int, str, str]:
    """`reattune` in this process: (exit code, stdout, stderr).

    `reattune import` migrates the database before it reads the file. The test database is
    migrated already, so that step finds nothing to do, at about a tenth of a CPU-second a
    run; unless `migrate` is asked for, the step is checked (the command asks for it, the
    way it always does) instead of run. The round trip's first import runs it for real."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        asked = None
        if not migrate:
            asked = stack.enter_context(mock.patch("django.core.management.call_command"))
        code = main(list(args))
    if asked is not None and args[0] == "import":
        asked.assert_called_once_with("migrate", interactive=False, verbosity=0)
    return code, out.getvalue(), err.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return {name: source.read(name) for name in source.namelist()}


def pack(files: dict[str, bytes]) -> bytes:
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name, raw in files.items():
            out.writestr(name, raw)
    return target.getvalue()


def edit(data: bytes, kind: str | None = None, rows=None, manifest=None, raw=None) -> bytes:
    """The export with kind's rows changed by rows(list) (or its bytes replaced by raw), the
    manifest by manifest(dict), and every checksum made to match again (a careful editor)."""
    files = members(data)
    if kind is not None:
        name = f"{kind}.json"
        if raw is not None:
            files[name] = raw
        else:
            document = json.loads(files[name])
            rows(document["rows"])
            files[name] = json.dumps(document).encode()
    meta = json.loads(files["manifest.json"])
    for item in meta["documents"]:
        item["sha256"] = hashlib.sha256(files[item["file"]]).hexdigest()
    if manifest is not None:
        manifest(meta)
    files["manifest.json"] = json.dumps(meta).encode()
    return pack(files)


def portable_models() -> list:
    labels = {label for kind in all_kinds().values() for label in kind.models}
    return sorted(labels)


def model_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in portable_models()}


class HostileImportTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        import tempfile

        self.tmp = Path(tempfile.mkdtemp(prefix="reattune-hostile-"))

    def file(self, data: bytes) -> str:
        path = self.tmp / "export.zip"
        path.write_bytes(data)
        return str(path)

    def refused(self, data: bytes, *expected: str, user: str | None = None) -> str:
        """Import must exit 1 with one line naming `expected`, and store nothing."""
        before = model_counts()
        users = User.objects.count()
        args = ["import", self.file(data), "--quiet"]
        if user:
            args += ["--user", user]
        code, out, err = run(*args)
        self.assertEqual(code, 1, out + err)
        self.assertEqual(out, "")
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertTrue(err.startswith("Import refused: "), err)
        self.assertNotIn("Traceback", err)
        for text in expected:
            self.assertIn(text, err)
        self.assertEqual(model_counts(), before)
        self.assertEqual(User.objects.count(), users)
        return err

    def everything_of_alex(self):
        """alex with a row of every portable model (and sam with shared ones)."""
        fill(self.alex, "connection_check", 0.7)
        fill(self.alex, "whats_behind_it", 0.7)  # the check-up makes a plan too
        fill(self.alex, "closeness_pulse", 0.5, submit=False)
        fill(self.sam, "connection_check", 0.4)
        submit("daily", self.alex)
        submit("weekly", self.alex)
        submit("monthly", self.alex)
        submit("daily", self.sam)
        timeout = rituals.do_start_timeout(self.alex, 20, "alex time-out note")
        rituals.do_end_timeout(self.alex, timeout)
        rituals.do_accept_agreement(self.alex, "time_out")
        rituals.do_ladder(self.alex, "deeper")
        from reattune.couples.models import Notice

        Notice.objects.create(user=self.alex, kind=Notice.Kind.values[0])
        from reattune.vault import actions as vault_actions
        from reattune.vault import format as vault_format

        ring, key, _ = vault_format.create_keyring("a vault passphrase for the round trip")
        fields = ("vault_id", "format", "kdf", "wrapped_key_passphrase", "wrapped_key_recovery")
        vault_actions.do_create_keyring(self.alex, **{k: ring[k] for k in fields})
        item_id = vault_format.new_uuid4()
        payload = {"title": "", "body": "locked words", "written_at": "2026-12-06T10:00:00+01:00"}
        sealed = vault_format.encrypt_item(key, ring["vault_id"], item_id, "journal", payload)
        vault_actions.do_create_item(self.alex, item_id, "journal", sealed)

    # --- 1. a round trip adds nothing ------------------------------------------------------

    def test_importing_an_export_into_its_own_account_adds_nothing_for_any_model(self):
        self.everything_of_alex()
        data = export_bytes(self.alex)
        rows = {
            name: len(document)
            for name, document in (
                (name[: -len(".json")], json.loads(raw)["rows"])
                for name, raw in members(data).items()
                if name.endswith(".json") and name != "manifest.json"
            )
        }
        alex_models = {
            label for kind in all_kinds().values() if rows.get(kind.name) for label in kind.models
        }
        # every portable model that a person can fill has a row in this export
        missing = set(portable_models()) - alex_models - NOT_IMPORTED
        self.assertEqual(missing, set(), "extend everything_of_alex()")
        before = model_counts()
        code, out, err = run("import", self.file(data), "--quiet", migrate=True)
        self.assertEqual(code, 0, err)
        self.assertIn(": 0 row(s) added", out)
        self.assertEqual(model_counts(), before)
        # into another account: once, then again nothing
        self.assertEqual(run("import", self.file(data), "--user", "copy@example.org")[0], 0)
        after_first = model_counts()
        self.assertGreater(after_first["journal.Entry"], before["journal.Entry"])
        self.assertGreater(after_first["rituals.TimeOut"], before["rituals.TimeOut"])
        self.assertGreater(after_first["assessments.Response"], before["assessments.Response"])
        code, out, _ = run("import", self.file(data), "--user", "copy@example.org", "--quiet")
        self.assertEqual((code, model_counts()), (0, after_first))
        self.assertIn(": 0 row(s) added", out)
        # and the copy's export imported back into alex adds nothing either
        copy = User.objects.get(email="copy@example.org")
        self.assertEqual(
            run("import", self.file(export_bytes(copy)), "--user", self.alex.email)[0], 0
        )
        self.assertEqual(model_counts(), after_first)

    def test_natural_keys_match_rows_whose_ids_were_changed(self):
        self.everything_of_alex()

        def new_ids(rows):
            for number, row in enumerate(rows):
                row["id"] = f"00000000-0000-4000-8000-{number:012d}"

        data = export_bytes(self.alex)
        for kind in ("checkup_responses", "ritual_timeouts", "ritual_agreements", "plans"):
            data = edit(data, kind, new_ids, manifest=lambda m: m.pop("origin", None))
        before = model_counts()
        code, _, err = run("import", self.file(data), "--quiet")
        self.assertEqual(code, 0, err)
        self.assertEqual(model_counts(), before)

    # --- 2. validation ---------------------------------------------------------------------

    def checkup_export(self) -> bytes:
        fill(self.alex, "connection_check", 0.7)
        return export_bytes(self.alex)

    def test_unknown_instruments_questions_and_answers_off_the_scale_are_refused(self):
        data = self.checkup_export()

        def first_own(change):
            def rows(rows):
                change(next(r for r in rows if r["owner"] == "me"))

            return rows

        cases = [
            (lambda r: r.update(instrument="made_up"), "'made_up'"),
            (lambda r: r.update(version=99), "does not exist on this reattune"),
            (lambda r: r["answers"].update(not_a_question=2), "'not_a_question'"),
            (lambda r: r["answers"].update({next(iter(r["answers"])): 999}), "whole number"),
            (lambda r: r["answers"].update({next(iter(r["answers"])): True}), "whole number"),
            (lambda r: r["answers"].update({next(iter(r["answers"])): 2.5}), "whole number"),
            (lambda r: r.update(answers=[1, 2]), "'answers'"),
            (lambda r: r.update(started_at="yesterday"), "'started_at'"),
            (lambda r: r.update(submitted_at=12), "'submitted_at'"),
            (lambda r: r.update(share_items="no"), "'share_items'"),
            (lambda r: r.update(version="1"), "'version'"),
        ]
        for change, message in cases:
            with self.subTest(message):
                self.refused(
                    edit(data, "checkup_responses", first_own(change)),
                    "checkup_responses.json, row 1:",
                    message,
                    "Nothing was imported",
                    user="copy@example.org",
                )
        # the account's pages still render
        client = self.client_for("alex")
        for page in ("/results/", "/results/history/", "/plan/", "/rituals/"):
            self.assertEqual(client.get(page).status_code, 200, page)

    def test_bad_dates_and_kinds_are_refused_naming_the_row(self):
        submit("daily", self.alex)
        rituals.do_start_timeout(self.alex, 20, "a note")
        data = export_bytes(self.alex)
        cases = [
            ("ritual_daily_checkins", lambda r: r.update(period="2026-02-30"), "'period'"),
            ("ritual_daily_checkins", lambda r: r.update(connection_today=11), "0 to 10"),
            ("ritual_daily_checkins", lambda r: r.update(connection_today=2**70), "too large"),
            ("ritual_timeouts", lambda r: r.update(minutes=7), "'minutes'"),
            ("ritual_timeouts", lambda r: r.update(started_at=["x"]), "'started_at'"),
            ("journal_entries", lambda r: r.update(visibility="everyone"), "'visibility'"),
            ("journal_entries", lambda r: r.update(version=2**40), "'version'"),
            ("notices", lambda r: r.update(kind="surprise"), "'kind'"),
            ("profile", lambda r: r.update(country="ZZ"), "'country'"),
            ("profile", lambda r: r.update(display_name={"a": 1}), "'display_name'"),
            ("journal_entries", lambda r: r.update(owner="nobody"), "'owner'"),
        ]
        for kind, change, message in cases:
            with self.subTest(kind=kind, message=message):

                def first(rows, change=change):
                    if not rows:
                        rows.append({"kind": "partner_left", "created_at": "2026-01-01"})
                    change(rows[0])

                where = f"{kind}.json" if message == "too large" else f"{kind}.json, row 1"
                self.refused(edit(data, kind, first), where, message)

    # --- 3. partner rows -------------------------------------------------------------------

    def test_partner_rows_relabelled_as_ones_own_are_refused(self):
        submit("daily", self.sam)
        submit("daily", self.alex)
        data = export_bytes(self.alex)
        for kind in ("journal_entries", "ritual_daily_checkins"):

            def relabel(rows):
                for row in rows:
                    if row["owner"] == "partner":
                        row["owner"] = "me"

            edited = edit(data, kind, relabel)
            with self.subTest(kind, origin="this server"):
                self.refused(edited, f"{kind}.json, row", "did not export it as yours")
                self.refused(edited, "did not export it as yours", user="copy@example.org")
            # a file that hides where it came from: the rows are still sam's here
            hidden = edit(edited, manifest=lambda m: m.pop("origin", None))
            with self.subTest(kind, origin="hidden"):
                self.refused(hidden, f"{kind}.json, row", "written by someone else")
            # and without the partner's rows being present here, the signature still tells
            forged = edit(edited, manifest=lambda m: m["origin"].update(account="0" * 32))
            self.refused(forged, "did not export it as yours", user="copy@example.org")

    def test_non_ascii_signatures_and_origins_are_refused_in_one_line(self):
        """hmac.compare_digest raises on non-ASCII text: such a file is refused, not a crash."""
        submit("daily", self.alex)
        data = export_bytes(self.alex)

        def sign_oddly(rows):
            for row in rows:
                row["signature"] = "\u00e9" * 64

        odd_rows = edit(data, "ritual_daily_checkins", sign_oddly)
        self.refused(odd_rows, "did not export it as yours")
        odd_origin = edit(data, manifest=lambda m: m["origin"].update(instance="\u00e9t\u00e9"))
        code, out, err = run("import", self.file(odd_origin), "--user", self.alex.email)
        self.assertIn(code, (0, 1), err)
        self.assertNotIn("Traceback", err)

    def test_the_partner_cannot_import_the_partners_own_export_rows(self):
        """sam's own export brought into alex (by the host): sam's rows are sam's here."""
        data = export_bytes(self.sam)
        self.refused(data, "written by someone else", user=self.alex.email)

    def test_kept_private_answers_round_trip_and_never_reach_the_partner(self):
        from reattune.rituals.models import DailyCheckIn

        rituals.do_submit(
            DAILY,
            self.alex,
            answers("daily", "alex", need="alex keeps this need"),
            private=["need"],
        )
        submit("daily", self.sam)
        sams = export_bytes(self.sam)
        self.assertNotIn(b"alex keeps this need", b"".join(members(sams).values()))
        alexs = export_bytes(self.alex)
        rows = json.loads(members(alexs)["ritual_daily_checkins.json"])["rows"]
        mine = next(r for r in rows if r["owner"] == "me")
        self.assertEqual((mine["need"], mine["kept_private"]), ("alex keeps this need", ["need"]))
        self.assertEqual(run("import", self.file(alexs), "--user", "copy@example.org")[0], 0)
        copy = DailyCheckIn.objects.get(author__email="copy@example.org")
        self.assertEqual(copy.need, "")
        self.assertEqual(copy.kept_private(), {"need": "alex keeps this need"})

    # --- 4. shapes no export has -----------------------------------------------------------

    def test_deep_nesting_huge_numbers_and_wrong_types_are_refused_in_one_line(self):
        data = export_bytes(self.alex)
        deep = (
            b'{"format": "reattune-export", "kind": "journal_entries", "version": 1, "rows": '
            + (b"[" * 100_000)
            + (b"]" * 100_000)
            + b"}"
        )
        cases = [
            (deep, "nested too deeply"),
            (
                b'{"format": "reattune-export", "version": 1, "rows": [{"id": '
                + b"9" * 5000
                + b"}]}",
                "number too large",
            ),
            (b'{"format": "reattune-export", "version": 1e999, "rows": []}', "number too large"),
            (b'{"format": "reattune-export", "version": NaN, "rows": []}', "not valid JSON"),
            (b'{"format": "reattune-export", "version": 1, "rows": {"a": 1}}', "no rows list"),
            (
                b'{"format": "reattune-export", "version": 1, "rows": [1, 2]}',
                "row 1: a row must be",
            ),
            (b'{"format": "reattune-export", "version": true, "rows": []}', "no valid version"),
            (b"\xff\xfe not utf-8", "not valid JSON"),
            (b'["just", "a", "list"]', "not a reattune export document"),
        ]
        for raw, message in cases:
            with self.subTest(message):
                self.refused(edit(data, "journal_entries", raw=raw), message)
        self.refused(
            edit(data, manifest=lambda m: m.update(documents="nope")), "lists no documents"
        )
        self.refused(edit(data, manifest=lambda m: m.update(user=["x"])), "no valid e-mail address")

    # --- 5. archives -----------------------------------------------------------------------

    def test_a_zip_bomb_is_refused_with_bounded_memory(self):
        data = export_bytes(self.alex)
        files = members(data)
        bomb = io.BytesIO()
        # compresslevel 1: blanks pack as small at any level (about 1:230 here, 1:1000 at 9),
        # and level 1 packs them in half the time; the packed file stays well under 1 MB.
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for name, raw in files.items():
                if name != "journal_entries.json":
                    out.writestr(name, raw)
            with out.open("journal_entries.json", "w") as member:
                block = b" " * (1024 * 1024)
                for _ in range(100):  # 100 MB of blanks (valid JSON whitespace)
                    member.write(block)
        packed = bomb.getvalue()
        self.assertLess(len(packed), 1024 * 1024)
        tracemalloc.start()
        try:
            with self.assertRaises(ArchiveError) as caught:
                archive_module.read_export(io.BytesIO(packed))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertIn("unpacks to more than", str(caught.exception))
        self.assertLess(peak, 8 * 1024 * 1024, f"peak {peak:,} bytes")

        # A member whose header says small but unpacks large: reading stops at the limit.
        small = self.lying_zip(files, real=200 * 1024 * 1024)
        tracemalloc.start()
        try:
            with self.assertRaises(ArchiveError):
                archive_module.read_export(io.BytesIO(small))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertLess(peak, 8 * 1024 * 1024, f"peak {peak:,} bytes")
        self.refused(small, "damaged")

    def test_many_small_values_are_refused_while_reading(self):
        """16 MB of tiny strings would cost hundreds of MB parsed: refused before parsing."""
        data = export_bytes(self.alex)
        rows = b'{"format": "reattune-export", "version": 1, "rows": [' + b'"ab",' * 3_200_000
        packed = edit(data, "journal_entries", raw=rows + b'"ab"]}')
        self.assertLess(len(packed), 1024 * 1024)
        tracemalloc.start()
        try:
            with self.assertRaises(ArchiveError) as caught:
                archive_module.read_export(io.BytesIO(packed))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        self.assertIn("more values than an export can", str(caught.exception))
        self.assertLess(peak, 40 * 1024 * 1024, f"peak {peak:,} bytes")

    @staticmethod
    def lying_zip(files: dict[str, bytes], real: int) -> bytes:
        """journal_entries.json declared as 1 KB in both headers, holding `real` bytes."""
        import zlib

        # Level 1 (the bytes unpacked are the same at any level), a megabyte at a time: no
        # copy of the whole `real` bytes in memory to pack.
        compressor = zlib.compressobj(1, zlib.DEFLATED, -15)
        block = b" " * (1024 * 1024)
        whole, rest = divmod(real, len(block))
        body = b"".join(compressor.compress(block) for _ in range(whole))
        body += compressor.compress(block[:rest]) + compressor.flush()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for name, raw in files.items():
                if name != "journal_entries.json":
                    out.writestr(name, raw)
        # Append a hand-made member (local header + data) and rewrite the central directory.
        source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
        infos = source.infolist()
        stream = io.BytesIO()
        entries = []
        for info in infos:
            raw = source.read(info.filename)
            fresh = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            fresh.compress_type = zipfile.ZIP_STORED
            offset = stream.tell()
            fresh.header_offset = offset
            fresh.CRC, fresh.compress_size, fresh.file_size = zlib.crc32(raw), len(raw), len(raw)
            stream.write(fresh.FileHeader())
            stream.write(raw)
            entries.append(fresh)
        fake = zipfile.ZipInfo("journal_entries.json", date_time=(2026, 1, 1, 0, 0, 0))
        fake.compress_type = zipfile.ZIP_DEFLATED
        fake.header_offset = stream.tell()
        fake.CRC, fake.compress_size, fake.file_size = 0, len(body), 1024
        stream.write(fake.FileHeader())
        stream.write(body)
        entries.append(fake)
        start = stream.tell()
        for info in entries:
            stream.write(central_header(info))
        size = stream.tell() - start
        import struct

        stream.write(
            struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), size, start, 0)
        )
        return stream.getvalue()

    def test_path_tricks_many_members_and_odd_zips_are_refused(self):
        files = members(export_bytes(self.alex))
        for name, message in (
            ("../evil.json", "unusual name"),
            ("/etc/passwd", "unusual name"),
            ("sub/dir.json", "unusual name"),
            ("..\\evil.json", "unusual name"),
        ):
            with self.subTest(name):
                self.refused(pack({**files, name: b"{}"}), message)
        many = {**files, **{f"x{number}.txt": b"" for number in range(500)}}
        self.refused(pack(many), "more than 200 files")
        doubled = io.BytesIO()
        with zipfile.ZipFile(doubled, "w") as out:
            for name, raw in files.items():
                out.writestr(name, raw)
            with self.assertWarns(UserWarning):
                out.writestr("manifest.json", b"{}")
        self.refused(doubled.getvalue(), "twice")
        self.refused(b"PK\x05\x06" + b"\x00" * 18, "not a reattune export")
        self.refused(b"", "not a zip file")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**19), max_value=10**19)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=CHARS_FOR_ROWS, max_size=20),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet=CHARS_FOR_ROWS, max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
FUZZED = (
    "checkup_responses",
    "ritual_daily_checkins",
    "ritual_timeouts",
    "journal_entries",
    "plans",
    "spaces",
    "memberships",
    "ritual_ladder",
    "ritual_agreements",
    "profile",
)


class FuzzedRowTests(HypothesisDjangoTestCase, BaseTestCase):
    """Any value in any field of an exported row: imported, or refused as ArchiveError with
    the file named; never another exception."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        fill(cls.alex, "connection_check", 0.7)
        fill(cls.alex, "whats_behind_it", 0.7)
        submit("daily", cls.alex)
        rituals.do_start_timeout(cls.alex, 20, "note")
        rituals.do_accept_agreement(cls.alex, "time_out")
        rituals.do_ladder(cls.alex, "deeper")
        cls.export = export_bytes(cls.alex)

    @settings(max_examples=60, deadline=None)  # no wall-clock limit on a busy machine
    @given(kind=st.sampled_from(FUZZED), pick=st.integers(0, 50), value=JSON_VALUES)
    def test_any_value_in_any_field_is_imported_or_refused_cleanly(self, kind, pick, value):
        def change(rows):
            row = rows[0]
            field = sorted(row)[pick % len(row)]
            row[field] = value

        data = edit(self.export, kind, change)
        try:
            do_import(io.BytesIO(data), email="fuzz@example.org")
        except ArchiveError as error:
            self.assertTrue(str(error))
            self.assertNotIn("\n", str(error))


class HostileJsonOverTheApiTests(BaseTestCase):
    """Import is a host command (docs/export.md); the API answers hostile JSON with 4xx."""

    def test_deep_huge_and_wrongly_typed_bodies_answer_4xx_with_a_message(self):
        deep = "[" * 50_000 + "]" * 50_000
        cases = {
            "/api/v1/journal": ("body", '"visibility": "private"'),
            "/api/v1/rituals/timeout": ("minutes", '"note": "n"'),
        }
        for path, (field, rest) in cases.items():
            bodies = [
                deep,
                f'{{"{field}": {deep}, {rest}}}',
                f'{{"{field}": {"9" * 5000}, {rest}}}',
                f'{{"{field}": 1e999, {rest}}}',
                f'{{"{field}": ["x"], {rest}}}',
            ]
            for body in bodies:
                with self.subTest(path=path, body=body[:30]):
                    response = self.api("alex", "post", path, json=body)
                    self.assertIn(response.status_code, (400, 422))
                    self.assertTrue(response.json()["detail"])
        # the export download is only ever one's own, whatever the form says
        response = self.client_for("alex").post("/account/export/download/", {"user": "sam"})
        self.assertEqual(response.status_code, 200)
        manifest = json.loads(members(response.content)["manifest.json"])
        self.assertEqual(manifest["user"]["email"], self.alex.email)


def central_header(info: zipfile.ZipInfo) -> bytes:
    import struct

    name = info.filename.encode()
    return (
        struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            info.compress_type,
            0,
            0x21,
            info.CRC,
            info.compress_size,
            info.file_size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            info.header_offset,
        )
        + name
    )


# --- 7. CSV cells ---------------------------------------------------------------------------

CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
RISKY = "=+-@\t\r\n \u00a0\u200b\ufeff\uff1d\uff0b\uff0d\uff20\u2212"


def _spreadsheet_would_run(cell: str) -> bool:
    """What a spreadsheet could read as a formula: after any blanks or invisible
    characters, a formula character (ASCII, full-width or small form)."""
    stripped = cell.lstrip(" \t\r\n\u00a0\u200b\u200c\u200d\u2060\ufeff\u3000")
    return bool(stripped) and stripped[0] in "=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\u2212"


@settings(max_examples=300, deadline=None)  # no wall-clock limit on a busy machine
@given(
    st.text(alphabet=st.sampled_from(RISKY) | CHARS, max_size=12),
    st.text(alphabet=CHARS, max_size=12),
)
def test_csv_cells_are_defused_for_every_formula_start(prefix, rest):
    value = prefix + rest
    cell = _csv_cell(value)
    assert cell in (value, "'" + value)
    assert not _spreadsheet_would_run(cell)
    if value and (value[0] in RISKY or value[0].isspace()):
        assert cell == "'" + value
    # through the csv writer and back: the same cell, never a formula
    raw = _csv_bytes(("c",), [{"c": value}]).decode("utf-8-sig")
    (read,) = list(csv.reader(io.StringIO(raw, newline="")))[1:]
    assert read == [cell]


@settings(deadline=None)  # no wall-clock limit on a busy machine
@given(st.integers(min_value=-(10**12), max_value=10**12) | st.floats(allow_nan=False))
def test_numbers_stay_numbers_negative_too(number):
    assert _csv_cell(number) == str(number)


def test_plain_text_is_left_alone():
    for value in ("hello", "3 apples", "über", "'quoted", "a=b", "x-y"):
        assert _csv_cell(value) == value
