import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Literal

from ninja import Field, Router, Schema

from reattune.accounts.http import ApiRequest
from reattune.accounts.models import User
from reattune.api.base import may_refuse, partner_auth
from reattune.api.types import JsonInt
from reattune.care.api import SUPPORT_DESCRIPTION, SupportOut
from reattune.core import access
from reattune.journal import actions
from reattune.journal.models import MAX_ENTRY_CHARS, Entry

router = Router(tags=["journal"], auth=partner_auth())


VAULT_NOTE = (
    "From a person with a vault, new private words are refused with 409 and nothing is "
    "stored: they go in the vault, encrypted first (/api/v1/vault/items)."
)


class EntryIn(Schema):
    body: str = Field(..., min_length=1, max_length=MAX_ENTRY_CHARS)
    title: str = Field("", max_length=200)
    visibility: Literal["private", "shared"] = Field(
        "private",
        description=VAULT_NOTE + " An entry moved out of the vault is the exception: its "
        "submit_key is the id of the vault item it came from.",
    )
    submit_key: uuid.UUID | None = Field(
        None, description="Send the same key again to retry safely: no second entry is made."
    )


class EntryUpdate(Schema):
    body: str = Field(..., min_length=1, max_length=MAX_ENTRY_CHARS)
    title: str = Field("", max_length=200)
    visibility: Literal["private", "shared"] = Field(
        ...,
        description=VAULT_NOTE + " A shared entry becomes private by moving into the vault "
        "(POST /api/v1/vault/items with replaces_entry = its id): `private` here answers 409 "
        "(its detail says so) and changes nothing. An entry private from before the vault may "
        "stay private with its words unchanged.",
    )
    version: JsonInt | None = Field(None, description="The version you edited; 409 if it changed.")


class EntryOut(Schema):
    id: int
    title: str
    body: str
    visibility: str
    mine: bool
    author_name: str
    created_at: datetime
    updated_at: datetime
    version: int


class EntrySaved(EntryOut):
    support: SupportOut | None = Field(None, description=SUPPORT_DESCRIPTION)


@contextmanager
def _vault_refusal(request: ApiRequest, text: str) -> Iterator[None]:
    """New private words from a person with a vault: 409, in words for an API client, with
    `support` when the refused words hold words of crisis (nothing stored, help all the same;
    its wording is the one for words that were not saved)."""
    try:
        yield
    except actions.KeepInVault as refusal:
        from reattune.care.support import support_for

        support = support_for(request.auth, text, request, context="draft")
        raise refusal.for_api(support) from None


def _saved(entry: Entry, user: User, request: ApiRequest) -> dict[str, Any]:
    from reattune.care.support import support_from
    from reattune.core.aftersave import saved_check

    out = _out(entry, user)
    # The action checked the words it saved; the lines follow this request's country.
    support = support_from(user, saved_check(entry), request)
    if support is not None:
        out["support"] = support
    return out


def _out(entry: Entry, user: User) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "title": entry.title,
        "body": entry.body,
        "visibility": entry.visibility,
        "mine": entry.author_id == user.pk,
        "author_name": entry.author.display_name,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "version": entry.version,
    }


@router.get("", response=list[EntryOut], summary="Entries I can read (mine and shared with me)")
def list_entries(
    request: ApiRequest,
    scope: Literal["all", "mine", "shared"] = "all",
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    user = request.auth
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    if scope == "mine":
        rows = access.owned_by(Entry.objects.all(), user)
    else:
        rows = access.visible_to(Entry.objects.all(), user)
        if scope == "shared":
            rows = rows.filter(visibility="shared", space_id=access.active_space_id(user))
    rows = rows.select_related("author")[offset : offset + limit]
    return [_out(e, user) for e in rows]


@router.post(
    "", response={201: EntrySaved, 200: EntrySaved}, summary="Write an entry", exclude_none=True
)
@may_refuse
def create_entry(request: ApiRequest, payload: EntryIn) -> tuple[int, dict[str, Any]]:
    user = request.auth
    with _vault_refusal(request, payload.body + "\n" + payload.title):
        entry, created = actions.do_create_entry(
            user,
            body=payload.body,
            title=payload.title,
            visibility=payload.visibility,
            submit_key=payload.submit_key,
        )
    return (201 if created else 200), _saved(entry, user, request)


@router.get(
    "/{int:entry_id}",
    response=EntrySaved,
    summary="Read one entry",
    description="A partner's shared entry with words of crisis comes with `support` "
    "(context `partner`): how to respond, and the lines of the reader's country.",
    exclude_none=True,
)
def get_entry(request: ApiRequest, entry_id: int) -> dict[str, Any]:
    from reattune.care.support import support_for

    user = request.auth
    entry = access.get_visible_or_404(Entry.objects.select_related("author"), user, pk=entry_id)
    out = _out(entry, user)
    if not out["mine"]:
        support = support_for(user, entry.body + "\n" + entry.title, request, context="partner")
        if support is not None:
            out["support"] = support
    return out


@router.put("/{int:entry_id}", response=EntrySaved, summary="Change my entry", exclude_none=True)
@may_refuse
def update_entry(request: ApiRequest, entry_id: int, payload: EntryUpdate) -> dict[str, Any]:
    user = request.auth
    entry = access.get_own_or_404(Entry.objects.select_related("author"), user, pk=entry_id)
    with _vault_refusal(request, payload.body + "\n" + payload.title):
        entry = actions.do_update_entry(
            entry,
            body=payload.body,
            title=payload.title,
            visibility=payload.visibility,
            expected_version=payload.version,
        )
    return _saved(entry, user, request)


@router.delete("/{int:entry_id}", response={204: None}, summary="Delete my entry")
def delete_entry(request: ApiRequest, entry_id: int) -> tuple[int, None]:
    user = request.auth
    entry = access.get_own_or_404(Entry.objects.all(), user, pk=entry_id)
    actions.do_delete_entry(entry)
    return 204, None
