"""The export archive: a zip with manifest.json, one JSON document per kind and CSV files.

Layout and schema: docs/export.md. Writing never touches the database; reading checks
everything (zip, manifest, format, versions, checksums, sizes) before any row is imported.
"""

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from reattune.exports.registry import OWNER_ME, all_kinds, portability_modules

FORMAT = "reattune-export"
VERSION = 1
MANIFEST = "manifest.json"
# Refuse archives that would unpack to more than this (a zip bomb, or not ours).
MAX_UNPACKED_BYTES = 2 * 1024**3
README = """This is a reattune export: everything that is yours in one reattune, plus what your
partner shared with you in your current couple space.

manifest.json        what is in here (format, version, checksums)
<kind>.json          one document per kind of data: {"format", "kind", "version", "rows"}
<kind>.csv           the same rows as a table, for spreadsheets (text only; use the JSON to import)

Bring it into another reattune with:  reattune import <this file> [--user EMAIL]
The format is described in docs/export.md of reattune.
"""
# A spreadsheet runs a cell that starts with one of these as a formula; CSV cells that do are
# prefixed with an apostrophe (the JSON documents keep the text exactly).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[str], None]


class ArchiveError(Exception):
    """Why a file cannot be imported, in words fit to show the person. Nothing was written."""


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)  # a number, even a negative one, is never run as a formula
    value = str(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_bytes(columns, rows) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(name)) for name in columns])
    # BOM: spreadsheets then read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_export(user, stream, progress: Progress | None = None) -> dict:
    """Write the export of `user` as a zip to the binary `stream`; returns the manifest."""
    from reattune import __version__

    say = progress or (lambda message: None)
    kinds = all_kinds()
    modules = portability_modules()
    documents: dict[str, list[dict]] = {}
    for number, entry in enumerate(modules, start=1):
        say(f"[{number}/{len(modules)}] reading {entry.app}")
        produced = entry.module.export_user(user)
        unknown = set(produced) - {kind.name for kind in entry.kinds}
        if unknown:
            raise RuntimeError(f"{entry.app} exported undeclared kinds: {sorted(unknown)}")
        for kind in entry.kinds:
            documents[kind.name] = list(produced.get(kind.name, []))
            say(f"    {kind.name}: {len(documents[kind.name]):,} row(s)")

    now = datetime.now(UTC)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "app": "reattune",
        "app_version": __version__,
        "exported_at": now.isoformat(),
        "user": {"email": user.email},
        "imports": {"owner": "rows with owner=partner are never imported (docs/export.md)"},
        "documents": [],
    }
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        total = len(documents)
        for number, (name, rows) in enumerate(documents.items(), start=1):
            kind = kinds[name]
            body = json.dumps(
                {"format": FORMAT, "kind": name, "version": kind.version, "rows": rows},
                ensure_ascii=False,
                indent=1,
            ).encode("utf-8")
            item = {
                "kind": name,
                "version": kind.version,
                "file": f"{name}.json",
                "rows": len(rows),
                "sha256": hashlib.sha256(body).hexdigest(),
                "description": kind.description,
            }
            archive.writestr(_info(item["file"], now), body)
            if kind.tabular:
                item["csv"] = f"{name}.csv"
                archive.writestr(_info(item["csv"], now), _csv_bytes(kind.csv_columns, rows))
            manifest["documents"].append(item)
            say(f"[{number}/{total}] wrote {name} ({len(rows):,} row(s), {len(body):,} bytes)")
        archive.writestr(_info("README.txt", now), README.encode("utf-8"))
        archive.writestr(
            _info(MANIFEST, now), json.dumps(manifest, indent=1, ensure_ascii=False).encode()
        )
    return manifest


def _info(name: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def export_bytes(user) -> bytes:
    buffer = io.BytesIO()
    write_export(user, buffer)
    return buffer.getvalue()


# --- reading -------------------------------------------------------------------------------


@dataclass
class Archive:
    manifest: dict
    documents: dict[str, list[dict]]  # kind -> rows (all owners)

    @property
    def email(self) -> str:
        return str(self.manifest.get("user", {}).get("email", ""))


def _json_member(archive: zipfile.ZipFile, name: str) -> tuple[bytes, object]:
    try:
        raw = archive.read(name)
    except KeyError as error:
        raise ArchiveError(f"The export is incomplete: {name} is missing.") from error
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ArchiveError(f"The export is damaged: {name} cannot be read.") from error
    try:
        return raw, json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveError(f"The export is damaged: {name} is not valid JSON.") from error


def read_export(source) -> Archive:
    """Open and check an export (a path or a binary file); raises ArchiveError."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError) as error:
        raise ArchiveError(
            "This file is not a reattune export: it is not a zip file, or it is damaged."
        ) from error
    except OSError as error:
        raise ArchiveError(f"The file cannot be read: {error.strerror or error}.") from error
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise ArchiveError("This file unpacks to more than 2 GB: it is not a reattune export.")
        if MANIFEST not in archive.namelist():
            raise ArchiveError("This zip file is not a reattune export (it has no manifest.json).")
        _, manifest = _json_member(archive, MANIFEST)
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveError("This zip file is not a reattune export (unknown format).")
        version = manifest.get("version")
        if not isinstance(version, int) or version < 1:
            raise ArchiveError("This export has no valid format version.")
        if version > VERSION:
            raise ArchiveError(
                f"This export was made by a newer reattune (format version {version}); this "
                f"one reads up to version {VERSION}. Update reattune, then import again."
            )
        known = all_kinds()
        items = manifest.get("documents")
        if not isinstance(items, list):
            raise ArchiveError("The export is damaged: its manifest lists no documents.")
        documents: dict[str, list[dict]] = {}
        for item in items:
            if not isinstance(item, dict):
                raise ArchiveError("The export is damaged: its manifest is malformed.")
            name = item.get("kind")
            kind = known.get(name)
            if kind is None:
                if item.get("rows"):
                    raise ArchiveError(
                        f"This export holds data of a kind this reattune does not know "
                        f"({name!r}). Update reattune, then import again."
                    )
                continue
            raw, document = _json_member(archive, f"{kind.name}.json")
            if hashlib.sha256(raw).hexdigest() != item.get("sha256"):
                raise ArchiveError(
                    f"The export is damaged: {kind.name}.json does not match its checksum."
                )
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                raise ArchiveError(f"{kind.name}.json is not a reattune export document.")
            doc_version = document.get("version")
            if not isinstance(doc_version, int) or doc_version > kind.version:
                raise ArchiveError(
                    f"{kind.name}.json was made by a newer reattune (version {doc_version}; "
                    f"this one reads up to {kind.version}). Update reattune, then import again."
                )
            rows = document.get("rows")
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise ArchiveError(f"The export is damaged: {kind.name}.json has no rows list.")
            documents[kind.name] = rows
    return Archive(manifest=manifest, documents=documents)


def own_rows(documents: dict[str, list[dict]]) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Only the person's own rows (owner missing or 'me'); and how many were the partner's."""
    own, partner = {}, {}
    for name, rows in documents.items():
        own[name] = [row for row in rows if row.get("owner", OWNER_ME) == OWNER_ME]
        if len(own[name]) != len(rows):
            partner[name] = len(rows) - len(own[name])
    return own, partner
