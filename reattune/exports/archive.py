"""The export archive: a zip with manifest.json, one JSON document per kind and CSV files.

Layout and schema: docs/export.md. Writing never touches the database; reading checks
everything (zip, manifest, format, versions, checksums, sizes) before any row is imported.
"""

import csv
import hashlib
import io
import json
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from reattune.exports.registry import (
    OWNER_ME,
    OWNER_PARTNER,
    account_id,
    all_kinds,
    instance_id,
    owner_signature,
    portability_modules,
)

FORMAT = "reattune-export"
VERSION = 1
MANIFEST = "manifest.json"
# Limits while reading an archive (a zip bomb, or not ours): members are read in chunks and
# reading stops at the first limit, so memory stays bounded whatever the file claims.
MAX_MEMBERS = 200  # an export has about two per kind
MAX_MEMBER_BYTES = 64 * 1024**2  # one document, unpacked
MAX_TOTAL_BYTES = 128 * 1024**2  # every document read, unpacked
MAX_MANIFEST_BYTES = 1024**2
# What parsed JSON may cost, counted in the raw bytes while reading (over all documents):
# "{" and "[" bound the objects and lists, "," the values. Text counts too, so these are
# upper bounds; a heavy real export (years of daily use) stays far below them.
MAX_CONTAINERS = 400_000
MAX_SEPARATORS = 3_000_000
MAX_DEPTH = 16  # nesting of JSON values (rows sit at depth 3)
MAX_NUMBER_CHARS = 20  # digits of one JSON number
CHUNK = 64 * 1024
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
README = """This is a reattune export: everything that is yours in one reattune, plus what your
partner shared with you in your current couple space.

manifest.json        what is in here (format, version, checksums)
<kind>.json          one document per kind of data: {"format", "kind", "version", "rows"}
<kind>.csv           the same rows as a table, for spreadsheets (text only; use the JSON to import)

Bring it into another reattune with:  reattune import <this file> [--user EMAIL]
The format is described in docs/export.md of reattune.
"""
# A spreadsheet runs a cell that starts with one of these as a formula (or, after leading
# blanks or invisible characters, still as one): CSV cells that do are prefixed with an
# apostrophe. The JSON documents keep the text exactly. Full-width and small forms count too.
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\u2212")
# Whitespace and invisible characters a spreadsheet may skip before a formula.
INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f")

Progress = Callable[[str], None]


class ArchiveError(Exception):
    """Why a file cannot be imported, in words fit to show the person. Nothing was written."""


def _risky_start(value: str) -> bool:
    """True when a spreadsheet could read the cell as a formula: it starts with a formula
    character, or with whitespace or an invisible character (which a spreadsheet may skip,
    and which may hide one). Tab, CR and LF are whitespace."""
    if not value:
        return False
    first = value[0]
    if first in FORMULA_STARTS or first in INVISIBLE or first.isspace():
        return True
    return unicodedata.category(first) == "Cf"  # any other format (invisible) character


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)  # a number, even a negative one, is never run as a formula
    value = str(value)
    if _risky_start(value):
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


def _sign_rows(kind: str, rows: list[dict], account: str) -> list[dict]:
    """Every row with an id gets this server's signature of (kind, id, owner, account)."""
    signed = []
    for row in rows:
        if "id" in row:
            owner = row.get("owner", OWNER_ME)
            row = {**row, "signature": owner_signature(kind, row["id"], owner, account)}
        signed.append(row)
    return signed


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
            documents[kind.name] = _sign_rows(
                kind.name, list(produced.get(kind.name, [])), account_id(user)
            )
            say(f"    {kind.name}: {len(documents[kind.name]):,} row(s)")

    now = datetime.now(UTC)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "app": "reattune",
        "app_version": __version__,
        "exported_at": now.isoformat(),
        "user": {"email": user.email},
        "origin": {"instance": instance_id(), "account": account_id(user)},
        "imports": {
            "owner": "rows with owner=partner are never imported, nor rows relabelled as "
            "one's own (docs/export.md)"
        },
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
        user = self.manifest.get("user")
        email = user.get("email", "") if isinstance(user, dict) else ""
        return email if isinstance(email, str) else ""

    @property
    def origin(self) -> dict:
        origin = self.manifest.get("origin")
        return origin if isinstance(origin, dict) else {}


def _refuse_number(text: str):
    raise ValueError("number")


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _TooBig
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS * 2:
        raise _TooBig
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _TooBig
    return value


class _TooBig(ValueError):
    pass


def _too_deep(value) -> bool:
    """Whether a parsed JSON value nests deeper than MAX_DEPTH (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


def parse_json(raw: bytes, name: str):
    """JSON with limits: no NaN or Infinity, no number of more than 20 digits, a bounded count
    of objects and lists and a bounded depth. Raises ArchiveError naming `name`."""
    if raw.count(b"{") + raw.count(b"[") > MAX_CONTAINERS or raw.count(b",") > MAX_SEPARATORS:
        raise ArchiveError(f"{name} holds more values than an export can: it is not importable.")
    try:
        text = raw.decode("utf-8")
        value = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_refuse_number,
        )
    except _TooBig as error:
        raise ArchiveError(f"{name} holds a number too large for an export.") from error
    except RecursionError as error:
        raise ArchiveError(f"{name} is nested too deeply to be a reattune export.") from error
    except (UnicodeDecodeError, ValueError) as error:
        raise ArchiveError(f"The export is damaged: {name} is not valid JSON.") from error
    if _too_deep(value):
        raise ArchiveError(f"{name} is nested too deeply to be a reattune export.")
    return value


def _end_record(stream) -> tuple[int, int]:
    """(members, central directory bytes) from the zip's end record, before zipfile reads the
    central directory (which it would hold whole in memory). Zip64 is refused: no export
    needs it."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail = min(size, 22 + 65535)
    stream.seek(size - tail)
    data = stream.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or len(data) - at < 22:
        raise ArchiveError(
            "This file is not a reattune export: it is not a zip file, or it is damaged."
        )
    disk, _, _, entries, directory_size, _, _ = struct.unpack("<HHHHIIH", data[at + 4 : at + 22])
    if disk != 0 or entries == 0xFFFF or directory_size == 0xFFFFFFFF:
        raise ArchiveError("This zip file is not a reattune export (it is a multi-part or zip64).")
    if entries > MAX_MEMBERS or directory_size > MAX_MEMBERS * 1024:
        raise ArchiveError(f"This zip file holds more than {MAX_MEMBERS} files: not an export.")
    stream.seek(0)
    return entries, directory_size


def _check_members(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError(f"This zip file holds more than {MAX_MEMBERS} files: not an export.")
    seen = set()
    declared = 0
    for info in infos:
        name = info.filename
        if not SAFE_NAME.match(name) or ".." in name:
            raise ArchiveError(
                "This zip file is not a reattune export: it holds a file outside its top "
                "folder or with an unusual name."
            )
        if name in seen:
            raise ArchiveError(f"This zip file holds {name} twice: it is not a reattune export.")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise ArchiveError("This zip file is encrypted: a reattune export never is.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveError("This zip file uses a compression a reattune export never uses.")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise ArchiveError("This zip file holds a link: a reattune export never does.")
        declared += info.file_size
    if declared > MAX_TOTAL_BYTES * 4:  # CSV copies are never read, but nothing is this big
        raise ArchiveError(
            "This file unpacks to far more than any reattune export: it is not importable."
        )


class _Reader:
    """Reads members in chunks, counting what it unpacks against the limits."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.total = 0
        self.containers = 0
        self.separators = 0

    def read(self, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
        try:
            info = self.archive.getinfo(name)
        except KeyError as error:
            raise ArchiveError(f"The export is incomplete: {name} is missing.") from error
        if info.file_size > limit:
            raise self._too_big(name, limit)
        parts, size = [], 0
        try:
            with self.archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    size += len(chunk)
                    self.total += len(chunk)
                    if size > limit:
                        raise self._too_big(name, limit)
                    if self.total > MAX_TOTAL_BYTES:
                        raise ArchiveError(
                            f"This export unpacks to more than {MAX_TOTAL_BYTES // 1024**2} MB: "
                            "it is not importable."
                        )
                    self.containers += chunk.count(b"{") + chunk.count(b"[")
                    self.separators += chunk.count(b",")
                    if self.containers > MAX_CONTAINERS or self.separators > MAX_SEPARATORS:
                        raise ArchiveError(
                            f"{name} holds more values than an export can: it is not importable."
                        )
                    parts.append(chunk)
        except ArchiveError:
            raise
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            NotImplementedError,
            RuntimeError,
        ) as error:
            raise ArchiveError(f"The export is damaged: {name} cannot be read.") from error
        return b"".join(parts)

    @staticmethod
    def _too_big(name: str, limit: int) -> ArchiveError:
        return ArchiveError(
            f"{name} unpacks to more than {limit // 1024**2} MB: it is not importable."
        )


def read_export(source) -> Archive:
    """Open and check an export (a path or a binary file); raises ArchiveError."""
    opened = None
    try:
        if isinstance(source, str | bytes) or hasattr(source, "__fspath__"):
            opened = stream = open(source, "rb")  # noqa: SIM115 - closed in finally
        else:
            stream = source
        _end_record(stream)
        archive = zipfile.ZipFile(stream)
    except ArchiveError:
        if opened:
            opened.close()
        raise
    except (zipfile.BadZipFile, EOFError, ValueError, struct.error) as error:
        if opened:
            opened.close()
        raise ArchiveError(
            "This file is not a reattune export: it is not a zip file, or it is damaged."
        ) from error
    except OSError as error:
        if opened:
            opened.close()
        raise ArchiveError(f"The file cannot be read: {error.strerror or error}.") from error
    try:
        with archive:
            return _read(archive)
    finally:
        if opened:
            opened.close()


def _read(archive: zipfile.ZipFile) -> Archive:
    _check_members(archive)
    if MANIFEST not in archive.namelist():
        raise ArchiveError("This zip file is not a reattune export (it has no manifest.json).")
    reader = _Reader(archive)
    manifest = parse_json(reader.read(MANIFEST, MAX_MANIFEST_BYTES), MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("This zip file is not a reattune export (unknown format).")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
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
        kind = known.get(name) if isinstance(name, str) else None
        if kind is None:
            if item.get("rows"):
                shown = name if isinstance(name, str) and SAFE_NAME.match(name) else "?"
                raise ArchiveError(
                    f"This export holds data of a kind this reattune does not know "
                    f"({shown!r}). Update reattune, then import again."
                )
            continue
        if kind.name in documents:
            raise ArchiveError(f"The export is damaged: {kind.name} is listed twice.")
        file = f"{kind.name}.json"
        raw = reader.read(file)
        if hashlib.sha256(raw).hexdigest() != item.get("sha256"):
            raise ArchiveError(f"The export is damaged: {file} does not match its checksum.")
        document = parse_json(raw, file)
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ArchiveError(f"{file} is not a reattune export document.")
        doc_version = document.get("version")
        if not isinstance(doc_version, int) or isinstance(doc_version, bool) or doc_version < 1:
            raise ArchiveError(f"{file} has no valid version.")
        if doc_version > kind.version:
            raise ArchiveError(
                f"{file} was made by a newer reattune (version {doc_version}; "
                f"this one reads up to {kind.version}). Update reattune, then import again."
            )
        rows = document.get("rows")
        if not isinstance(rows, list):
            raise ArchiveError(f"The export is damaged: {file} has no rows list.")
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                raise ArchiveError(f"{file}, row {number}: a row must be a JSON object.")
            owner = row.get("owner", OWNER_ME)
            if owner not in (OWNER_ME, OWNER_PARTNER):
                raise ArchiveError(f'{file}, row {number}: \'owner\' must be "me" or "partner".')
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
