"""What the journal contributes to an export: the person's own entries (private and shared)
and the entries their partner shares with them in their current space, marked
owner=partner. Never the partner's private entries (docs/export.md)."""

from reattune.exports.registry import (
    MAX_INT,
    OWNER_ME,
    OWNER_PARTNER,
    ImportProblem,
    Kind,
    choice,
    integer,
    parse_datetime,
    stable_id,
    text,
    to_json_value,
    uuid_value,
)

COLUMNS = (
    "id",
    "owner",
    "space",
    "visibility",
    "created_at",
    "updated_at",
    "version",
    "title",
    "body",
)

KINDS = [
    Kind(
        "journal_entries",
        version=1,
        models=("journal.Entry",),
        description="Your journal entries, private and shared, and the entries your partner "
        "shares with you now (owner = partner).",
        csv_columns=COLUMNS,
    )
]

BATCH = 500


def export_user(user) -> dict[str, list[dict]]:
    from reattune.core import access
    from reattune.couples.models import Space
    from reattune.journal.models import Entry

    space_ids: dict[int, str] = {}

    def space_id(pk: int) -> str:
        if pk not in space_ids:
            space_ids[pk] = stable_id(Space.objects.get(pk=pk))
        return space_ids[pk]

    rows = []
    own = access.owned_by(Entry.objects.all(), user).order_by("created_at", "pk")
    received = (
        access.visible_to(Entry.objects.all(), user)
        .exclude(author=user)
        .order_by("created_at", "pk")
    )
    for owner, entries in ((OWNER_ME, own), (OWNER_PARTNER, received)):
        for entry in entries.iterator(chunk_size=BATCH):
            row = {
                "id": entry.submit_key,
                "owner": owner,
                "space": space_id(entry.space_id),
                "visibility": entry.visibility,
                "created_at": entry.created_at,
                "updated_at": entry.updated_at,
                "version": entry.version,
                "title": entry.title,
                "body": entry.body,
            }
            rows.append({k: to_json_value(v) for k, v in row.items()})
    return {"journal_entries": rows}


def import_user(user, documents: dict[str, list[dict]], id_map) -> None:
    from reattune.core.visibility import Visibility
    from reattune.couples.models import Space
    from reattune.journal.actions import EntryError, check_text
    from reattune.journal.models import Entry

    present = set(Entry.objects.filter(author=user).values_list("submit_key", flat=True))
    pending = []
    for row in id_map.rows(documents, "journal_entries"):
        # Every row is checked, those already here too: a bad file is refused as a whole.
        key = uuid_value(row, "id")
        space_id = text(row, "space", max_length=64)
        title, body = text(row, "title", default=""), text(row, "body")
        try:
            check_text(body, title)
        except EntryError as error:
            raise ImportProblem(str(error)) from error
        values = {
            "visibility": choice(row, "visibility", Visibility.values),
            "created_at": parse_datetime(row, "created_at"),
            "updated_at": parse_datetime(row, "updated_at"),
            "version": integer(row, "version", 1, MAX_INT, default=1),
        }
        if key in present:
            id_map.existing("journal_entries")
            continue
        space = id_map.get("spaces", space_id, Space)
        if space is None:
            raise ImportProblem("An entry refers to a space that is not in the file.")
        pending.append(
            Entry(author=user, space=space, title=title, body=body, submit_key=key, **values)
        )
        present.add(key)
    for start in range(0, len(pending), BATCH):
        Entry.objects.bulk_create(pending[start : start + BATCH])
    id_map.created("journal_entries", len(pending))
