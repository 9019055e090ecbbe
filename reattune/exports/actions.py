"""Export writes (none: an export only reads) and the import, in one transaction."""

from dataclasses import dataclass, field

from django.db import DatabaseError, transaction

from reattune.exports.archive import ArchiveError, Progress, own_rows, read_export
from reattune.exports.registry import IdMap, ImportProblem, portability_modules


@dataclass
class ImportReport:
    email: str
    new_account: bool
    stats: dict[str, dict[str, int]] = field(default_factory=dict)
    partner_rows_skipped: dict[str, int] = field(default_factory=dict)


def _target_user(email: str | None, archive_email: str):
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


@transaction.atomic
def do_import(source, email: str | None = None, progress: Progress | None = None) -> ImportReport:
    """Import an export into the account `email` (default: the export's own address).

    Creates the account if there is none. Everything happens in one transaction: a file that
    is damaged, foreign or too new, or any row that cannot be imported, raises ArchiveError
    and leaves the database as it was. Rows already imported (same ids) are not added again.
    """
    say = progress or (lambda message: None)
    archive = read_export(source)
    documents, partner_rows = own_rows(archive.documents)
    user, new_account = _target_user(email, archive.email)
    id_map = IdMap(user, new_account=new_account)
    modules = portability_modules()
    for number, entry in enumerate(modules, start=1):
        mine = {kind.name: documents.get(kind.name, []) for kind in entry.kinds}
        say(f"[{number}/{len(modules)}] importing {entry.app}")
        try:
            entry.module.import_user(user, mine, id_map)
        except ImportProblem as problem:
            raise ArchiveError(f"{entry.app}: {problem} Nothing was imported.") from problem
        except (KeyError, TypeError, ValueError, DatabaseError) as error:
            # A row of the wrong shape; the message names no content.
            raise ArchiveError(
                f"{entry.app}: a row in the export is malformed ({type(error).__name__}). "
                "Nothing was imported."
            ) from error
    for name, count in partner_rows.items():
        id_map.skipped(name, count)
    return ImportReport(
        email=user.email,
        new_account=new_account,
        stats=id_map.stats,
        partner_rows_skipped=partner_rows,
    )
