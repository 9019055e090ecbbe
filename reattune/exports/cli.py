"""`reattune export | import | backup | restore`. No Django import at module level.

Progress and reminders go to stderr, results to stdout. Nothing printed is a secret or any
text a person wrote.
"""

import os
import sys
from pathlib import Path


def _setup():
    from reattune.cli import _setup_django

    _setup_django()


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def cmd_export(args) -> int:
    _setup()
    from reattune.accounts.models import User
    from reattune.exports.archive import write_export

    email = args.user.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        _err(f"There is no account with the e-mail address {email}.")
        return 2
    out = Path(args.out)
    if out.exists() and not args.force:
        _err(f"{out} exists already; choose another name or add --force to replace it.")
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    # The export holds private entries in clear text: only the owner of the file may read it.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as stream:
            manifest = write_export(user, stream, progress=None if args.quiet else _err)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, out)
    finally:
        if partial.exists():
            partial.unlink()
    rows = sum(item["rows"] for item in manifest["documents"])
    print(f"Exported {rows:,} row(s) in {len(manifest['documents'])} document(s) to {out}")
    _err(
        "This file holds your private entries in readable form: keep it somewhere safe, and "
        "delete it when you no longer need it."
    )
    return 0


def cmd_import(args) -> int:
    _setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from reattune.exports.actions import do_import
    from reattune.exports.archive import ArchiveError

    try:
        report = do_import(Path(args.file), email=args.user, progress=None if args.quiet else _err)
    except ArchiveError as error:
        _err(f"Import refused: {_one_line(error)}")
        return 1
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, OSError) as error:
        # Not foreseen by the checks: still one line, no traceback, and nothing was written
        # (the import is one transaction).
        _err(
            f"Import refused: the file could not be read ({type(error).__name__}). "
            "Nothing was imported."
        )
        return 1
    created = sum(s["created"] for s in report.stats.values())
    existing = sum(s["existing"] for s in report.stats.values())
    print(f"Imported into {report.email}: {created:,} row(s) added, {existing:,} already there.")
    for kind, stats in sorted(report.stats.items()):
        print(
            f"  {kind}: {stats['created']:,} added, {stats['existing']:,} already there"
            + (f", {stats['skipped']:,} skipped" if stats["skipped"] else "")
        )
    skipped = sum(report.partner_rows_skipped.values())
    if skipped:
        print(
            f"Skipped {skipped:,} item(s) your partner had shared with you: they are theirs to "
            "import. They stay readable in the export file."
        )
    if report.new_account:
        print(
            f"The account {report.email} was created without a password. Set one with:\n"
            f"  reattune manage changepassword {report.email}"
        )
    return 0


def cmd_backup(args) -> int:
    _setup()
    from django.conf import settings

    from reattune.exports.backup import BackupError, backup, key_files_hint

    directory = Path(args.out) if args.out else settings.DATA_DIR / "backups"
    try:
        path, removed = backup(directory, args.keep, say=_err)
    except BackupError as error:
        _err(f"Backup failed: {error}")
        return 2
    print(f"Backup written to {path} ({path.stat().st_size:,} bytes)")
    for old in removed:
        print(f"Removed old backup {old.name} (keeping the last {args.keep})")
    _err(key_files_hint())
    return 0


def cmd_restore(args) -> int:
    _setup()
    from reattune.exports.backup import BackupError, restore

    try:
        checked = restore(Path(args.file), say=_err)
    except BackupError as error:
        _err(f"Restore refused: {_one_line(error)}")
        return 1
    except OSError as error:  # e.g. a data directory that cannot be written
        _err(f"Restore failed: {error.strerror or type(error).__name__}. Nothing was changed.")
        return 1
    print(
        f"Restored {args.file}; {checked:,} encrypted value(s) read back with the configured "
        "keys. Start reattune with `reattune serve` (it applies any newer migrations)."
    )
    return 0


def register(subparsers) -> None:
    export = subparsers.add_parser(
        "export", help="write one person's data as a zip of JSON and CSV files"
    )
    export.add_argument("--user", required=True, metavar="EMAIL", help="whose data")
    export.add_argument("--out", required=True, metavar="FILE", help="the zip file to write")
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    export.add_argument("--quiet", action="store_true", help="no progress messages")
    export.set_defaults(func=cmd_export)

    imp = subparsers.add_parser(
        "import", help="bring an export into this reattune (again: nothing is duplicated)"
    )
    imp.add_argument("file", metavar="FILE")
    imp.add_argument(
        "--user", metavar="EMAIL", help="the account to import into (default: the export's)"
    )
    imp.add_argument("--quiet", action="store_true", help="no progress messages")
    imp.set_defaults(func=cmd_import)

    bak = subparsers.add_parser(
        "backup", help="online backup of the database (SQLite backup API or pg_dump), checked"
    )
    bak.add_argument("--out", metavar="DIR", help="where to put it (default: DATA_DIR/backups)")
    bak.add_argument("--keep", type=int, metavar="N", help="then keep only the last N backups")
    bak.set_defaults(func=cmd_backup)

    res = subparsers.add_parser(
        "restore", help="restore a backup into an empty data directory or empty database"
    )
    res.add_argument("file", metavar="FILE")
    res.set_defaults(func=cmd_restore)
