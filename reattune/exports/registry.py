"""The portability registry: every app contributes the kinds of data it stores.

An app that stores anything a person owns adds `reattune/<app>/portability.py` with:

    from reattune.exports.registry import Kind

    KINDS = [Kind("journal_entries", version=1, models=("journal.Entry",),
                  description="...", csv_columns=("id", "owner", ...))]
    NOT_EXPORTED = {"app.Model": "why this model is not in an export"}   # optional

    def export_user(user) -> dict[str, list[dict]]: ...
    def import_user(user, documents: dict[str, list[dict]], id_map: IdMap) -> None: ...

The contract in full is in docs/export.md ("For developers"). Modules are found over
settings.FEATURE_APPS, in that order (so accounts and couples import before journal and the
features built on them). tests/test_portability_registry.py fails when a model with an
EncryptedTextField or a CoupleContent subclass is in no module's KINDS or NOT_EXPORTED.
"""

import hashlib
import hmac
import importlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from types import ModuleType

OWNER_ME = "me"
OWNER_PARTNER = "partner"


@dataclass(frozen=True)
class Kind:
    """One kind of data: one JSON document `<name>.json` (and `<name>.csv` if tabular)."""

    name: str
    version: int
    models: tuple[str, ...]
    description: str
    csv_columns: tuple[str, ...] = ()

    @property
    def tabular(self) -> bool:
        return bool(self.csv_columns)


class ImportProblem(ValueError):
    """A row or document that cannot be imported, in words fit to show the person."""


@dataclass
class Portability:
    app: str
    module: ModuleType
    kinds: list[Kind]
    not_exported: dict[str, str] = field(default_factory=dict)


def portability_modules() -> list[Portability]:
    """The portability module of every feature app that has one, in FEATURE_APPS order."""
    from django.conf import settings

    found = []
    for app in settings.FEATURE_APPS:
        name = f"reattune.{app}.portability"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        found.append(
            Portability(
                app=app,
                module=module,
                kinds=list(module.KINDS),
                not_exported=dict(getattr(module, "NOT_EXPORTED", {})),
            )
        )
    return found


def all_kinds() -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    for entry in portability_modules():
        for kind in entry.kinds:
            if kind.name in kinds:
                raise RuntimeError(f"Export kind {kind.name!r} is defined twice.")
            kinds[kind.name] = kind
    return kinds


# --- stable ids ---------------------------------------------------------------------------


def _namespace() -> uuid.UUID:
    """This instance's namespace for ids: derived one-way from SECRET_KEY, never revealing it."""
    from django.conf import settings

    digest = hmac.new(settings.SECRET_KEY.encode(), b"reattune export ids", hashlib.sha256).digest()
    return uuid.UUID(bytes=digest[:16])


def stable_id(obj) -> str:
    """A stable id for a row that has no uuid of its own.

    The id it was imported under, if it came from an import (so ids survive a move from
    instance to instance); otherwise a uuid derived from this instance and the row's key, the
    same in every export.
    """
    from reattune.exports.models import ImportedId

    label = obj._meta.label_lower
    imported = (
        ImportedId.objects.filter(model=label, object_id=obj.pk)
        .values_list("source_id", flat=True)
        .first()
    )
    if imported:
        return imported
    return str(uuid.uuid5(_namespace(), f"{label}:{obj.pk}"))


class IdMap:
    """Import-side memory: export ids -> local rows, and what the import did, per kind.

    `get(kind, source_id)` finds a row mapped in this run or imported before (the row must
    still exist); `put(kind, source_id, obj)` remembers one, `persist=False` only for this run.
    `created(kind)` / `existing(kind)` count rows for the report.
    """

    def __init__(self, user, new_account: bool = False):
        self.user = user
        self.new_account = new_account
        self._run: dict[tuple[str, str], object] = {}
        self.stats: dict[str, dict[str, int]] = {}
        # (kind, row number in the file from 1) of the row being imported, for refusals.
        self.position: tuple[str, int] | None = None
        # kind -> the file's row number of each row handed to the module (own rows only).
        self.numbers: dict[str, list[int]] = {}

    def rows(self, documents: dict[str, list[dict]], kind: str):
        """The rows of `kind`, remembering which one is being imported (for refusals)."""
        numbers = self.numbers.get(kind, [])
        for index, row in enumerate(documents.get(kind) or []):
            self.position = (kind, numbers[index] if index < len(numbers) else index + 1)
            yield row
        self.position = None

    def get(self, kind: str, source_id: str, model):
        key = (kind, str(source_id))
        if key in self._run:
            return self._run[key]
        from reattune.exports.models import ImportedId

        record = ImportedId.objects.filter(
            user=self.user, kind=kind, source_id=str(source_id)
        ).first()
        if record is None:
            return None
        obj = model.objects.filter(pk=record.object_id).first()
        if obj is None:  # the local row was deleted since: forget the stale mapping
            record.delete()
            return None
        self._run[key] = obj
        return obj

    def put(self, kind: str, source_id: str, obj, persist: bool = True) -> None:
        self._run[(kind, str(source_id))] = obj
        if persist:
            from reattune.exports.models import ImportedId

            ImportedId.objects.update_or_create(
                user=self.user,
                kind=kind,
                source_id=str(source_id),
                defaults={"model": obj._meta.label_lower, "object_id": obj.pk},
            )

    def _count(self, kind: str, what: str, n: int) -> None:
        counts = self.stats.setdefault(kind, {"created": 0, "existing": 0, "skipped": 0})
        counts[what] += n

    def created(self, kind: str, n: int = 1) -> None:
        self._count(kind, "created", n)

    def existing(self, kind: str, n: int = 1) -> None:
        self._count(kind, "existing", n)

    def skipped(self, kind: str, n: int = 1) -> None:
        self._count(kind, "skipped", n)


def stable_ids(model, pks) -> dict[int, str]:
    """stable_id() of many rows of `model` at once: {pk: id}."""
    from reattune.exports.models import ImportedId

    pks = list(pks)
    label = model._meta.label_lower
    found: dict[int, str] = {}
    for start in range(0, len(pks), 500):
        chunk = pks[start : start + 500]
        for object_id, source in ImportedId.objects.filter(
            model=label, object_id__in=chunk
        ).values_list("object_id", "source_id"):
            found.setdefault(object_id, source)
    namespace = _namespace()
    return {pk: found.get(pk) or str(uuid.uuid5(namespace, f"{label}:{pk}")) for pk in pks}


def local_ids(queryset) -> dict[str, object]:
    """{stable id: row} of the rows in `queryset`: what an export from here calls them, so an
    import into the account an export came from finds its rows instead of copying them."""
    rows = list(queryset)
    if not rows:
        return {}
    ids = stable_ids(type(rows[0]), [row.pk for row in rows])
    return {ids[row.pk]: row for row in rows}


# --- who a row belongs to: signatures of this server -----------------------------------------


def others_ids(user) -> dict[str, set[str]]:
    """{kind: ids} of the rows someone else wrote in any space `user` has been in, under every
    id an export could give them (their uuid, their stable id). An import never takes such a
    row as the importer's own, whatever its `owner` says."""
    from django.apps import apps

    from reattune.core.visibility import CoupleContent
    from reattune.couples.models import Membership

    spaces = list(Membership.objects.filter(user=user).values_list("space_id", flat=True))
    found: dict[str, set[str]] = {}
    if not spaces:
        return found
    for kind in all_kinds().values():
        ids: set[str] = set()
        for label in kind.models:
            model = apps.get_model(label)
            if not issubclass(model, CoupleContent):
                continue
            rows = model.objects.filter(space_id__in=spaces).exclude(author=user)
            names = {f.name for f in model._meta.get_fields()}
            if "submit_key" in names:
                ids |= {str(key) for key in rows.values_list("submit_key", flat=True)}
            ids |= set(stable_ids(model, rows.values_list("pk", flat=True)).values())
        if ids:
            found[kind.name] = ids
    return found


def _key(purpose: bytes) -> bytes:
    from django.conf import settings

    return hmac.new(settings.SECRET_KEY.encode(), purpose, hashlib.sha256).digest()


def instance_id() -> str:
    """This server, as an export names it: one-way from SECRET_KEY, revealing nothing."""
    return hmac.new(_key(b"reattune export instance"), b"", hashlib.sha256).hexdigest()[:32]


def account_id(user) -> str:
    """The exporting account, as its export's signatures name it (no e-mail, no pk)."""
    return hmac.new(
        _key(b"reattune export account"), str(user.pk).encode(), hashlib.sha256
    ).hexdigest()[:32]


def owner_signature(kind: str, row_id: str, owner: str, account: str) -> str:
    """What this server signs for each row of an export: the kind, the row's id, its owner and
    the exporting account. A row relabelled from "partner" to "me" no longer matches."""
    message = "\n".join((kind, str(row_id), owner, account)).encode()
    return hmac.new(_key(b"reattune export owner"), message, hashlib.sha256).hexdigest()[:40]


# --- helpers for portability modules ------------------------------------------------------

MAX_INT = 2**31 - 1


def to_json_value(value):
    """Datetimes and dates as ISO 8601, UUIDs as strings; everything else as it is."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def parse_datetime(row: dict, name: str, required: bool = True) -> datetime | None:
    from django.utils.dateparse import parse_datetime as parse

    value = row.get(name)
    if value in (None, ""):
        if required:
            raise ImportProblem(f"'{name}' is missing.")
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise ImportProblem(f"'{name}' is not a date and time with a time zone.")
    try:
        parsed = parse(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ImportProblem(f"'{name}' is not a date and time with a time zone.")
    return parsed


def text(row: dict, name: str, max_length: int | None = None, default: str | None = None) -> str:
    value = row.get(name, default)
    if not isinstance(value, str):
        raise ImportProblem(f"'{name}' must be text.")
    if max_length is not None and len(value) > max_length:
        raise ImportProblem(f"'{name}' is longer than {max_length} characters.")
    if "\x00" in value:
        raise ImportProblem(f"'{name}' contains a null character.")
    return value


def choice(row: dict, name: str, allowed, default=None) -> str:
    value = row.get(name, default)
    if not isinstance(value, str | int) or isinstance(value, bool) or value not in allowed:
        raise ImportProblem(f"'{name}' must be one of {', '.join(map(str, allowed))}.")
    return value


def integer(row: dict, name: str, low: int = 0, high: int = MAX_INT, default=None) -> int:
    """A whole number from `low` to `high` (never a bool, a float or text)."""
    value = row.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ImportProblem(f"'{name}' must be a whole number from {low} to {high}.")
    return value


def boolean(row: dict, name: str, default: bool = False) -> bool:
    value = row.get(name, default)
    if not isinstance(value, bool):
        raise ImportProblem(f"'{name}' must be true or false.")
    return value


def date_value(row: dict, name: str, required: bool = True) -> date | None:
    value = row.get(name)
    if value in (None, "") and not required:
        return None
    if not isinstance(value, str) or len(value) != 10:
        raise ImportProblem(f"'{name}' is not a date (YYYY-MM-DD).")
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ImportProblem(f"'{name}' is not a date (YYYY-MM-DD).") from error


def uuid_value(row: dict, name: str) -> uuid.UUID:
    value = row.get(name)
    if not isinstance(value, str) or len(value) > 64:
        raise ImportProblem(f"'{name}' is not a valid id.")
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError) as error:
        raise ImportProblem(f"'{name}' is not a valid id.") from error
