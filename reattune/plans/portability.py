"""What plans contribute to an export: the plans the person can see (their own solo plans and
the couple plans of their current space, owner = partner when the partner's check-up made
it). Only the person's own plans are imported; a couple plan is rebuilt from check-ups."""

from reattune.exports.registry import (
    OWNER_ME,
    OWNER_PARTNER,
    ImportProblem,
    Kind,
    parse_datetime,
    stable_id,
    text,
    to_json_value,
)

KINDS = [
    Kind(
        "plans",
        version=1,
        models=("plans.Plan",),
        description="Your six-week plans: practices, reasons and weeks (no personal text).",
    )
]


def export_user(user) -> dict[str, list[dict]]:
    from reattune.core import access
    from reattune.couples.models import Space
    from reattune.domain.plan import Plan as DomainPlan
    from reattune.domain.plan.view import shared_safe
    from reattune.plans.models import Plan

    rows = []
    for plan in access.visible_to(Plan.objects.all(), user).order_by("created_at", "pk"):
        rows.append(
            {
                k: to_json_value(v)
                for k, v in {
                    "id": stable_id(plan),
                    "owner": OWNER_ME if plan.author_id == user.pk else OWNER_PARTNER,
                    "space": stable_id(Space(pk=plan.space_id)),
                    "kind": plan.kind,
                    "visibility": plan.visibility,
                    "starts_on": plan.starts_on.isoformat(),
                    "created_at": plan.created_at,
                    "active": plan.active,
                    # read as the page and the API read it: an older couple plan may quote
                    # one partner's single answer in a reason, and shared_safe drops that
                    "plan": shared_safe(DomainPlan.from_dict(plan.data)).to_dict(),
                }.items()
            }
        )
    return {"plans": rows}


def import_user(user, documents: dict[str, list[dict]], id_map) -> None:
    """Own plans come back once: matched on their id or on (kind, starts_on, created_at).
    A plan naming a practice this server does not have is refused."""
    from reattune.core.visibility import Visibility
    from reattune.couples.models import Space
    from reattune.domain.plan import Plan as DomainPlan
    from reattune.domain.plan.library import load_practices
    from reattune.exports.registry import boolean, choice, date_value, local_ids
    from reattune.plans.models import Plan

    mine = Plan.objects.filter(author=user)
    local = local_ids(mine)
    natural = {(p.kind, p.starts_on, p.created_at) for p in mine}
    practices = load_practices()
    for row in id_map.rows(documents, "plans"):
        if row.get("owner", OWNER_ME) != OWNER_ME:
            id_map.skipped("plans")
            continue
        source = text(row, "id", max_length=64)
        kind = choice(row, "kind", Plan.Kind.values)
        visibility = choice(row, "visibility", Visibility.values)
        starts_on = date_value(row, "starts_on")
        created_at = parse_datetime(row, "created_at")
        active = boolean(row, "active")
        try:
            plan_data = DomainPlan.from_dict(row.get("plan"))
        except (ValueError, TypeError) as error:
            raise ImportProblem(f"the plan is not readable: {error}") from error
        unknown = sorted(
            {pid for week in plan_data.weeks for pid in week.practice_ids} - set(practices)
        )
        if unknown:
            raise ImportProblem(
                f"the plan names a practice this reattune does not have: {unknown[0]!r}."
            )
        if (
            source in local
            or (kind, starts_on, created_at) in natural
            or id_map.get("plans", source, Plan) is not None
        ):
            id_map.existing("plans")
            continue
        space = id_map.get("spaces", text(row, "space", max_length=64), Space)
        if space is None:
            raise ImportProblem("A plan refers to a space that is not in the file.")
        plan = Plan.objects.create(
            author=user,
            space=space,
            visibility=visibility,
            kind=kind,
            data=row["plan"],
            starts_on=starts_on,
            created_at=created_at,
            active=active
            and not Plan.objects.filter(space=space, author=user, active=True).exists(),
        )
        natural.add((kind, starts_on, created_at))
        id_map.put("plans", source, plan)
        id_map.created("plans")
