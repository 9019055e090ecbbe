"""`reattune vault decrypt | fingerprint`. No Django import at module level.

decrypt runs on a person's own machine: it reads an export, asks for the vault passphrase (or
the recovery key) without echoing it, and writes what the vault holds as readable files. It
needs no database and no server. fingerprint prints the SHA-256 of every script the server
sends, so a person can compare them with the ones published with a release (docs/vault.md).
Nothing printed is a passphrase, a key or any text from the vault.
"""

import getpass
import hashlib
import json
import os
import sys
import zipfile
from pathlib import Path

DOCUMENTS = ("vault_keyring", "vault_items")
MAX_DOCUMENT_BYTES = 256 * 1024**2
SCRIPT_SUFFIXES = (".js", ".mjs", ".wasm")


class DecryptError(Exception):
    """Why nothing could be written, in words fit to show the person."""


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- decrypt -------------------------------------------------------------------------------


def read_vault(path: Path) -> tuple[dict, list[dict]]:
    """(keyring row, item rows) of an export, checked against its manifest's checksums."""
    from reattune.exports.archive import ArchiveError, parse_json

    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise DecryptError(f"There is no file {path}.") from error
    except (zipfile.BadZipFile, OSError) as error:
        raise DecryptError(f"{path} is not a reattune export (not a zip file).") from error
    with archive:
        names = set(archive.namelist())
        if "manifest.json" not in names:
            raise DecryptError(f"{path} is not a reattune export (no manifest.json).")
        try:
            manifest = parse_json(_member(archive, "manifest.json"), "manifest.json")
            listed = {
                item.get("kind"): item.get("sha256")
                for item in manifest.get("documents", [])
                if isinstance(item, dict)
            }
            documents = {}
            for kind in DOCUMENTS:
                name = f"{kind}.json"
                if name not in names:
                    raise DecryptError("This export holds no vault.")
                raw = _member(archive, name)
                if listed.get(kind) != hashlib.sha256(raw).hexdigest():
                    raise DecryptError(
                        f"The export is damaged: {name} does not match its checksum."
                    )
                document = parse_json(raw, name)
                rows = document.get("rows") if isinstance(document, dict) else None
                if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                    raise DecryptError(f"The export is damaged: {name} has no rows.")
                documents[kind] = rows
        except ArchiveError as error:
            raise DecryptError(str(error)) from error
        except AttributeError as error:
            raise DecryptError("The export is damaged: its manifest is malformed.") from error
    keyrings = documents["vault_keyring"]
    if not keyrings:
        raise DecryptError("This export holds no vault: its owner had not set one up.")
    if len(keyrings) > 1:
        raise DecryptError("The export is damaged: it holds more than one vault.")
    return keyrings[0], documents["vault_items"]


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_DOCUMENT_BYTES:
        raise DecryptError(f"{name} is larger than any export: it cannot be read.")
    try:
        with archive.open(info) as member:
            data = member.read(MAX_DOCUMENT_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise DecryptError(f"The export is damaged: {name} cannot be read.") from error
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DecryptError(f"{name} is larger than any export: it cannot be read.")
    return data


def open_vault(keyring: dict, passphrase: str | None, recovery: str | None) -> bytes:
    from reattune.vault import format as vault_format

    try:
        return vault_format.open_keyring(keyring, passphrase=passphrase, recovery=recovery)
    except vault_format.WrongKey as error:
        what = "recovery key" if recovery is not None else "passphrase"
        raise DecryptError(
            f"That {what} does not open this vault. Nothing was written. Check it and try "
            "again"
            + ("." if recovery is not None else ", or use --recovery with your recovery key.")
        ) from error
    except (vault_format.FormatError, KeyError, TypeError) as error:
        raise DecryptError(f"This vault cannot be opened: {error}. Nothing was written.") from error


def decrypt_items(vault_key: bytes, keyring: dict, rows: list[dict]) -> tuple[list[dict], int]:
    """([{item_id, kind, version, created_at, updated_at, content}], how many failed)."""
    from reattune.vault import format as vault_format

    opened, failed = [], 0
    for row in rows:
        try:
            content = vault_format.decrypt_item(
                vault_key, keyring["vault_id"], row["id"], row["kind"], row["ciphertext"]
            )
        except (vault_format.FormatError, vault_format.WrongKey, KeyError, TypeError):
            failed += 1
            continue
        opened.append(
            {
                "item_id": row["id"],
                "kind": row["kind"],
                "version": row.get("version"),
                "created_at": row.get("created_at"),
                "updated_at": row.get("updated_at"),
                "content": content,
            }
        )
    return opened, failed


def _write(path: Path, data: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(data)


def _journal_markdown(item: dict) -> str:
    content = item["content"] if isinstance(item["content"], dict) else {}
    title = str(content.get("title") or "").strip()
    written = content.get("written_at") or item.get("created_at") or ""
    parts = [f"# {title}" if title else "# (no title)", "", f"Written {written}", ""]
    parts.append(str(content.get("body", "")))
    return "\n".join(parts).rstrip("\n") + "\n"


def write_plaintext(out: Path, items: list[dict]) -> dict[str, int]:
    """items.json with everything, and one file per item to read: journal/*.md, safety/*.json."""
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    counts = {"journal": 0, "safety": 0}
    _write(out / "items.json", json.dumps(items, ensure_ascii=False, indent=1) + "\n")
    for item in items:
        kind = item["kind"]
        folder = out / kind
        folder.mkdir(mode=0o700, exist_ok=True)
        day = str(item.get("created_at") or "")[:10] or "undated"
        stem = f"{day}-{item['item_id'][:8]}"
        if kind == "journal":
            _write(folder / f"{stem}.md", _journal_markdown(item))
        else:
            _write(
                folder / f"{stem}.json",
                json.dumps(item["content"], ensure_ascii=False, indent=1) + "\n",
            )
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def cmd_decrypt(args) -> int:
    source = Path(args.file)
    out = Path(args.out) if args.out else Path.cwd() / f"{source.stem}-vault"
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        _err(f"{out} exists and is not empty; choose another folder with --out DIR.")
        return 2
    try:
        keyring, rows = read_vault(source)
        if args.recovery:
            secret = getpass.getpass("Recovery key: ")
            vault_key = open_vault(keyring, None, secret)
        else:
            secret = getpass.getpass("Vault passphrase: ")
            vault_key = open_vault(keyring, secret, None)
    except DecryptError as error:
        _err(" ".join(str(error).split()))
        return 1
    except (EOFError, KeyboardInterrupt):
        _err("Stopped: nothing was written.")
        return 1
    items, failed = decrypt_items(vault_key, keyring, rows)
    try:
        counts = write_plaintext(out, items)
    except OSError as error:
        _err(f"Could not write to {out}: {error.strerror or type(error).__name__}.")
        return 1
    print(
        f"Wrote {counts.get('journal', 0):,} journal entr"
        f"{'y' if counts.get('journal', 0) == 1 else 'ies'} and "
        f"{counts.get('safety', 0):,} safety check(s) to {out}"
    )
    _err(
        "These files hold your vault in readable form (only your user on this computer, and "
        "its administrators, can open them): keep them somewhere safe, and delete them when "
        "you no longer need them."
    )
    if failed:
        _err(
            f"{failed:,} item(s) could not be opened: they were changed or damaged after they "
            "were saved, and were left out."
        )
        return 1
    return 0


# --- fingerprint ---------------------------------------------------------------------------


def static_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "static"


def scripts(root: Path | None = None) -> list[str]:
    """Every script the server sends (any page's script runs with the vault's origin), and
    every file under reattune/vendor/: paths relative to the static folder, sorted."""
    root = root or static_dir()
    found = set()
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        name = path.relative_to(root).as_posix()
        if path.suffix in SCRIPT_SUFFIXES or name.startswith("reattune/vendor/"):
            found.add(name)
    return sorted(found)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _served_copies() -> dict[str, Path]:
    """name -> the collected copy the server sends (after `reattune serve`'s collectstatic)."""
    try:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reattune.settings")
        import django

        django.setup()
        from django.conf import settings
    except Exception:  # noqa: BLE001 - no settings here: only the package's files count
        return {}
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    try:
        paths = json.loads(manifest.read_text(encoding="utf-8")).get("paths", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {name: Path(settings.STATIC_ROOT) / stored for name, stored in paths.items()}


def cmd_fingerprint(args) -> int:
    root = static_dir()
    names = scripts(root)
    vault_names = [n for n in ("reattune/vault.js", "reattune/crisis.js") if n in names]
    if not vault_names:
        _err("Note: this installation has no vault scripts (reattune/vault.js).")
    served = {} if args.source_only else _served_copies()
    differs = []
    for name in names:
        print(f"{sha256_of(root / name)}  {name}")
        copy = served.get(name)
        if copy is not None and copy.is_file() and sha256_of(copy) != sha256_of(root / name):
            differs.append(f"{name}: the copy served from {copy} has SHA-256 {sha256_of(copy)}")
    _err(
        "Compare these with the SHA-256 list published with your release of reattune "
        "(the same format as `sha256sum`, paths relative to reattune/static). To check what "
        "your browser received, save a script from the vault page and hash it."
    )
    if differs:
        _err("The served copy differs from the package for:\n  " + "\n  ".join(differs))
        return 1
    return 0


def register(subparsers) -> None:
    vault = subparsers.add_parser(
        "vault", help="the end-to-end encrypted vault: decrypt an export, fingerprint scripts"
    )
    sub = vault.add_subparsers(dest="vault_command", required=True)

    decrypt = sub.add_parser(
        "decrypt",
        help="write the vault of an export as readable files (asks for the passphrase)",
        description="Reads EXPORT.zip, asks for the vault passphrase (or, with --recovery, "
        "the recovery key) without showing it, and writes every vault item as readable "
        "files. Needs no server and no database.",
    )
    decrypt.add_argument("file", metavar="EXPORT.zip")
    decrypt.add_argument("--out", metavar="DIR", help="where to write (default: EXPORT-vault)")
    decrypt.add_argument("--recovery", action="store_true", help="ask for the recovery key instead")
    decrypt.set_defaults(func=cmd_decrypt)

    fingerprint = sub.add_parser(
        "fingerprint",
        help="print the SHA-256 of every script the server sends, to compare with a release",
    )
    fingerprint.add_argument(
        "--source-only",
        action="store_true",
        help="hash the package's files only, without looking at the served copies",
    )
    fingerprint.set_defaults(func=cmd_fingerprint)
