"""What couple spaces contribute to an export: the spaces a person was in, their own
membership history and their notices. Never the partner's e-mail, name or any of their data:
a membership row only says whether someone else was in the space too (docs/export.md)."""

from datetime import datetime

from reattune.exports.registry import (
    ImportProblem,
    Kind,
    choice,
    parse_datetime,
    stable_id,
    text,
    to_json_value,
)


def _required_datetime(row: dict, name: str) -> datetime:
    """parse_datetime for a column that must be there (it raises ImportProblem when missing)."""
    value = parse_datetime(row, name)
    if value is None:
        raise ImportProblem(f"'{name}' is missing.")
    return value


SPACE_COLUMNS = ("id", "current", "timezone", "created_at", "closed_at")
MEMBERSHIP_COLUMNS = ("id", "space", "joined_at", "left_at", "partner_present")
NOTICE_COLUMNS = ("kind", "created_at", "seen_at")

KINDS = [
    Kind(
        "spaces",
        version=1,
        models=("couples.Space",),
        description="Every couple space you have been in; `current` marks the one you are in.",
        csv_columns=SPACE_COLUMNS,
    ),
    Kind(
        "memberships",
        version=1,
        models=("couples.Membership",),
        description="When you joined and left each space, and whether a partner was there too.",
        csv_columns=MEMBERSHIP_COLUMNS,
    ),
    Kind(
        "notices",
        version=1,
        models=("couples.Notice",),
        description="One-line notices shown to you, such as 'Your partner has left'.",
        csv_columns=NOTICE_COLUMNS,
    ),
]
NOT_EXPORTED = {
    "couples.Invite": "an invite link works once, on this server only; only its hash is stored",
}


def _row(obj, columns, **values) -> dict:
    return {name: to_json_value(values.get(name, getattr(obj, name, None))) for name in columns}


def export_user(user) -> dict[str, list[dict]]:
    from reattune.couples.models import Membership, Notice

    memberships = list(
        Membership.objects.filter(user=user).select_related("space").order_by("joined_at", "pk")
    )
    spaces, rows = [], []
    for membership in memberships:
        space = membership.space
        space_id = stable_id(space)
        spaces.append(_row(space, SPACE_COLUMNS, id=space_id, current=membership.left_at is None))
        others = Membership.objects.filter(space=space).exclude(user=user)
        rows.append(
            _row(
                membership,
                MEMBERSHIP_COLUMNS,
                id=stable_id(membership),
                space=space_id,
                partner_present=others.exists(),
            )
        )
    notices = [
        _row(n, NOTICE_COLUMNS)
        for n in Notice.objects.filter(user=user).order_by("created_at", "pk")
    ]
    return {"spaces": spaces, "memberships": rows, "notices": notices}


def _joined_at(documents, space_source):
    for row in documents.get("memberships") or []:
        if row.get("space") == space_source:
            return parse_datetime(row, "joined_at")
    return None


def import_user(user, documents: dict[str, list[dict]], id_map) -> None:
    """The exported current space becomes the space the person is in now (created if they
    have none); earlier spaces come back closed, with only this person as a member."""
    from reattune.couples.actions import active_membership, do_create_space, valid_timezone
    from reattune.couples.models import Membership, Notice, Space

    # Spaces this person is in already, under the ids an export from here would give them:
    # importing an export into the account it came from finds them instead of copying them.
    local = {
        stable_id(m.space): m.space
        for m in Membership.objects.filter(user=user).select_related("space")
    }
    for row in id_map.rows(documents, "spaces"):
        source = text(row, "id", max_length=64)
        timezone_name = valid_timezone(text(row, "timezone", max_length=64, default="UTC"))
        if row.get("current") is True:
            membership = active_membership(user)
            if membership is None:
                space = do_create_space(user, timezone_name=timezone_name)
            else:
                space = membership.space
            others = space.memberships.filter(left_at__isnull=True).exclude(user=user)
            if not others.exists():  # alone in it: it takes the exported space's settings
                space.timezone = timezone_name
                fields = ["timezone"]
                if id_map.new_account:  # a space made for this import: its real age
                    space.created_at = _required_datetime(row, "created_at")
                    fields.append("created_at")
                    joined_at = _joined_at(documents, source)
                    if joined_at:
                        space.memberships.filter(user=user).update(joined_at=joined_at)
                space.save(update_fields=fields)
            # Remember the id for later exports, unless it is the id of a space here already.
            id_map.put("spaces", source, space, persist=source not in local)
            id_map.existing("spaces")
            continue
        created_at = _required_datetime(row, "created_at")
        closed_at = parse_datetime(row, "closed_at", required=False) or created_at
        if source in local:
            id_map.put("spaces", source, local[source], persist=False)
            id_map.existing("spaces")
            continue
        if id_map.get("spaces", source, Space) is not None:
            id_map.existing("spaces")
            continue
        space = Space.objects.create(
            timezone=timezone_name, created_at=created_at, closed_at=closed_at
        )
        id_map.put("spaces", source, space)
        id_map.created("spaces")

    local_memberships = {stable_id(m) for m in Membership.objects.filter(user=user)}
    for row in id_map.rows(documents, "memberships"):
        source = text(row, "id", max_length=64)
        space = id_map.get("spaces", text(row, "space", max_length=64), Space)
        if space is None:
            raise ImportProblem("A membership refers to a space that is not in the file.")
        mine = Membership.objects.filter(user=user, space=space).order_by("-joined_at").first()
        if mine is not None:  # the current space, or one imported before
            if source not in local_memberships:
                id_map.put("memberships", source, mine)
            id_map.existing("memberships")
            continue
        joined_at = _required_datetime(row, "joined_at")
        left_at = parse_datetime(row, "left_at", required=False) or space.closed_at
        membership = Membership.objects.create(
            user=user, space=space, joined_at=joined_at, left_at=left_at
        )
        id_map.put("memberships", source, membership)
        id_map.created("memberships")

    for row in id_map.rows(documents, "notices"):
        kind = choice(row, "kind", Notice.Kind.values)
        created_at = _required_datetime(row, "created_at")
        seen_at = parse_datetime(row, "seen_at", required=False)
        _, created = Notice.objects.get_or_create(
            user=user, kind=kind, created_at=created_at, defaults={"seen_at": seen_at}
        )
        (id_map.created if created else id_map.existing)("notices")
