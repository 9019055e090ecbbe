"""What an account contributes to an export: the profile (docs/export.md)."""

from reattune.exports.registry import (
    ImportProblem,
    Kind,
    choice,
    parse_datetime,
    text,
    to_json_value,
)

KINDS = [
    Kind(
        "profile",
        version=1,
        models=("accounts.User",),
        description="Your account: e-mail, display name, country, role and when you joined. "
        "Never the password hash, sessions or access tokens.",
        csv_columns=(),
    )
]
NOT_EXPORTED = {
    "accounts.AccessToken": "a credential; only its hash is stored and it works on this server only",
    "accounts.UserSession": "a log-in on one device; meaningless elsewhere",
}


def export_user(user) -> dict[str, list[dict]]:
    row = {
        "email": user.email,
        "display_name": user.display_name,
        "country": user.country,
        "role": user.role,
        "date_joined": user.date_joined,
    }
    return {"profile": [{k: to_json_value(v) for k, v in row.items()}]}


def import_user(user, documents: dict[str, list[dict]], id_map) -> None:
    from reattune.accounts.models import User

    rows = list(id_map.rows(documents, "profile"))[:1]
    if not rows:
        return
    row = rows[0]
    id_map.position = ("profile", 1)
    changed = []
    from reattune.domain.safety.resources import normalise_country

    display_name = text(row, "display_name", max_length=60)
    country = text(row, "country", max_length=2, default="")
    if country and normalise_country(country) is None:
        raise ImportProblem(
            f"'country' must be a country code this reattune knows, not {country!r}."
        )
    country = (normalise_country(country) or "") if country else ""
    if display_name and user.display_name != display_name:
        user.display_name = display_name
        changed.append("display_name")
    if user.country != country:
        user.country = country
        changed.append("country")
    if id_map.new_account:
        user.date_joined = parse_datetime(row, "date_joined")
        user.role = choice(row, "role", User.Role.values, default=User.Role.PARTNER)
        changed += ["date_joined", "role"]
    if changed:
        user.save(update_fields=changed)
        id_map.created("profile")
    else:
        id_map.existing("profile")
