"""Export writes (none: an export only reads) and the import, in one transaction."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from os import PathLike
from typing import IO, TYPE_CHECKING

from django.db import DatabaseError, transaction

from reattune.exports.archive import Archive, ArchiveError, Progress, own_rows, read_export
from reattune.exports.registry import (
    OWNER_ME,
    IdMap,
    ImportProblem,
    instance_id,
    others_ids,
    owner_signature,
    portability_modules,
)

if TYPE_CHECKING:
    from reattune.accounts.models import User


@dataclass
class ImportReport:
    email: str
    new_account: bool
    stats: dict[str, dict[str, int]] = field(default_factory=dict)
    partner_rows_skipped: dict[str, int] = field(default_factory=dict)


def _target_user(email: str | None, archive_email: str) -> tuple[User, bool]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from reattune.accounts.actions import do_create_user
    from reattune.accounts.models import User

    email = (email or archive_email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ArchiveError(
            "The export names no valid e-mail address; give one with --user EMAIL."
        ) from error
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    # A new account without a usable password: its owner sets one (docs/export.md).
    user = do_create_user(email=email, password=None, display_name="", with_space=True)
    return user, True


def check_owners(archive: Archive, user: User) -> None:
    """Refuse rows marked as the importer's own that are not (docs/export.md, "Whose rows").

    - A file this server exported carries its signature of (kind, id, owner, account) on every
      row with an id: a row whose `owner` was changed to "me" no longer matches.
    - Whatever the file says, a row whose id is, here, a row someone else wrote in a space
      the importer has been in (the partner's) is never taken as the importer's own.
    """
    origin = archive.origin
    here = instance_id()
    instance = origin.get("instance")
    # compare_digest takes ASCII text only: compared as UTF-8 bytes, any text is just unequal
    same = isinstance(instance, str) and hmac.compare_digest(instance.encode(), here.encode())
    raw_account = origin.get("account")
    account = raw_account if isinstance(raw_account, str) else ""
    others = others_ids(user)
    for kind, rows in archive.documents.items():
        for number, row in enumerate(rows, start=1):
            if row.get("owner", OWNER_ME) != OWNER_ME or "id" not in row:
                continue
            where = f"{kind}.json, row {number}"
            row_id = row["id"]
            if not isinstance(row_id, str) or not 0 < len(row_id) <= 64:
                raise ArchiveError(f"{where}: 'id' is not a valid id. Nothing was imported.")
            if same:
                signature = row.get("signature")
                expected = owner_signature(kind, row_id, OWNER_ME, account)
                if not isinstance(signature, str) or not hmac.compare_digest(
                    signature.encode(), expected.encode()
                ):
                    raise ArchiveError(
                        f"{where}: it is marked as yours, but this reattune did not export it "
                        "as yours (the file was changed after the export). Nothing was "
                        "imported."
                    )
            if row_id in others.get(kind, ()):
                raise ArchiveError(
                    f"{where}: it is marked as yours, but here it was written by someone "
                    "else (what your partner wrote is theirs to import). Nothing was imported."
                )


@transaction.atomic
def do_import(
    source: str | PathLike[str] | IO[bytes],
    email: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import an export into the account `email` (default: the export's own address).

    Creates the account if there is none. Everything happens in one transaction: a file that
    is damaged, foreign or too new, a row marked as one's own that is not, or any row that
    cannot be imported, raises ArchiveError naming the file and row, and leaves the database
    as it was. Rows already there (same ids, or the same natural key) are not added again.
    """
    say = progress or (lambda message: None)
    archive = read_export(source)
    documents, partner_rows = own_rows(archive.documents)
    user, new_account = _target_user(email, archive.email)
    check_owners(archive, user)
    id_map = IdMap(user, new_account=new_account)
    id_map.numbers = {
        name: [
            number
            for number, row in enumerate(rows, start=1)
            if row.get("owner", OWNER_ME) == OWNER_ME
        ]
        for name, rows in archive.documents.items()
    }
    modules = portability_modules()
    for number, entry in enumerate(modules, start=1):
        mine = {kind.name: documents.get(kind.name, []) for kind in entry.kinds}
        say(f"[{number}/{len(modules)}] importing {entry.app}")
        try:
            entry.module.import_user(user, mine, id_map)
        except ImportProblem as problem:
            raise ArchiveError(f"{_where(entry.app, id_map)}{problem} Nothing was imported.") from (
                problem
            )
        except (
            KeyError,
            TypeError,
            ValueError,
            AttributeError,
            OverflowError,
            RecursionError,
            DatabaseError,
        ) as error:
            # A row of the wrong shape; the message names no content.
            raise ArchiveError(
                f"{_where(entry.app, id_map)}a row in the export is malformed "
                f"({type(error).__name__}). Nothing was imported."
            ) from error
    for name, count in partner_rows.items():
        id_map.skipped(name, count)
    return ImportReport(
        email=user.email,
        new_account=new_account,
        stats=id_map.stats,
        partner_rows_skipped=partner_rows,
    )


def _where(app: str, id_map: IdMap) -> str:
    if id_map.position is None:
        return f"{app}: "
    kind, number = id_map.position
    return f"{kind}.json, row {number}: "
