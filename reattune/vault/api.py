"""The vault's API: opaque objects the browser encrypted (docs/vault.md).

Only the owner ever gets anything: everyone else (the partner, a therapist, another couple)
gets 404, an anonymous request 401. Nothing here is free text the server could read, so
there is no crisis check on the server: the browser runs it before encrypting.
"""

import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import Http404, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import NinjaJSONEncoder

from reattune.accounts.http import ApiRequest
from reattune.accounts.models import User
from reattune.api.base import may_refuse, partner_auth
from reattune.api.types import JsonInt, NumberNotFlag
from reattune.vault import actions, queries
from reattune.vault import format as vault_format
from reattune.vault.models import VaultItem, VaultKeyring

router = Router(tags=["vault"], auth=partner_auth())

B64U = vault_format.B64U_PATTERN
UUID4 = vault_format.UUID4_PATTERN
SALT = Field(
    ...,
    pattern=B64U,
    min_length=22,
    max_length=86,
    description="base64url (no padding) of 16 to 64 random bytes",
)
WRAPPED = Field(
    ...,
    pattern=vault_format.WRAPPED_KEY_PATTERN,
    description="base64url (no padding) of nonce (12 bytes) || AES-GCM(KEK, vault key, aad)",
)


class Argon2idKdf(Schema):
    name: Literal["argon2id"]
    memory_kib: JsonInt = Field(
        ...,
        ge=vault_format.ARGON2_MIN_MEMORY_KIB,
        le=vault_format.ARGON2_MAX_MEMORY_KIB,
        description="memory in KiB; at least 65536 (64 MiB)",
    )
    iterations: JsonInt = Field(
        ..., ge=vault_format.ARGON2_MIN_ITERATIONS, le=vault_format.ARGON2_MAX_ITERATIONS
    )
    parallelism: JsonInt = Field(1, ge=1, le=vault_format.ARGON2_MAX_PARALLELISM)
    salt: str = SALT


class Pbkdf2Kdf(Schema):
    name: Literal["pbkdf2-sha256"]
    iterations: JsonInt = Field(
        ..., ge=vault_format.PBKDF2_MIN_ITERATIONS, le=vault_format.PBKDF2_MAX_ITERATIONS
    )
    salt: str = SALT


Kdf = Annotated[Argon2idKdf | Pbkdf2Kdf, Field(discriminator="name")]


class KeyringIn(Schema):
    vault_id: str = Field(..., pattern=UUID4, description="a random UUID4, lower case")
    format: Annotated[Literal[1], NumberNotFlag] = 1
    kdf: Kdf
    wrapped_key_passphrase: str = WRAPPED
    wrapped_key_recovery: str = WRAPPED


class KeysIn(Schema):
    key_version: JsonInt = Field(
        ..., ge=1, description="The current key_version; 409 if it changed."
    )
    kdf: Kdf
    wrapped_key_passphrase: str = WRAPPED
    wrapped_key_recovery: str = WRAPPED


class KeyringOut(Schema):
    vault_id: str
    format: int
    kdf: Kdf
    wrapped_key_passphrase: str
    wrapped_key_recovery: str
    key_version: int
    created_at: datetime


class DeleteVaultIn(Schema):
    confirm: str = Field(
        ...,
        pattern=r"^delete my vault$",
        description='Type "delete my vault": everything in it goes, for good.',
    )


class VaultItemIn(Schema):
    item_id: str = Field(..., pattern=UUID4, description="a random UUID4, lower case")
    kind: Literal["journal", "safety"]
    ciphertext: str = Field(
        ...,
        pattern=vault_format.CIPHERTEXT_PATTERN,
        min_length=vault_format.MIN_CIPHERTEXT_CHARS,
        max_length=vault_format.MAX_CIPHERTEXT_CHARS,
        description='the item format ("2." in front; none: format 1), then base64url (no '
        "padding) of nonce (12 bytes) || AES-GCM(vault key, UTF-8 JSON, aad naming that format)",
    )
    replaces_entry: JsonInt | None = Field(
        None,
        ge=1,
        description="The id of your own journal entry this item now holds: it is deleted in "
        "the same step (moving an entry into the vault). A shared entry moved in becomes "
        "private: your partner no longer sees it. For a person with a vault this is the only "
        "way to make a shared entry private.",
    )
    replaces_version: JsonInt | None = Field(
        None,
        ge=1,
        description="With replaces_entry: the entry's version these words were read from; 409 "
        "if it has changed since (an edit in another tab), and nothing is moved.",
    )


class VaultItemUpdate(Schema):
    ciphertext: str = Field(
        ...,
        pattern=vault_format.CIPHERTEXT_PATTERN,
        min_length=vault_format.MIN_CIPHERTEXT_CHARS,
        max_length=vault_format.MAX_CIPHERTEXT_CHARS,
    )
    version: JsonInt = Field(..., ge=1, description="The version you edited; 409 if it changed.")


class VaultItemOut(Schema):
    item_id: str
    kind: str
    ciphertext: str
    version: int
    created_at: datetime
    updated_at: datetime


class ItemJSON(NinjaJSONEncoder):
    """As the API's own answers: UUIDs as text, times as ISO 8601."""

    def default(self, o: Any) -> Any:
        if isinstance(o, uuid.UUID):
            return str(o)
        return super().default(o)


def _keyring_out(keyring: VaultKeyring) -> dict[str, Any]:
    return {
        "vault_id": str(keyring.vault_id),
        "format": keyring.format,
        "kdf": keyring.kdf,
        "wrapped_key_passphrase": keyring.wrapped_key_passphrase,
        "wrapped_key_recovery": keyring.wrapped_key_recovery,
        "key_version": keyring.key_version,
        "created_at": keyring.created_at,
    }


def _item_out(item: VaultItem) -> dict[str, Any]:
    return {
        "item_id": str(item.item_id),
        "kind": item.kind,
        "ciphertext": item.ciphertext,
        "version": item.version,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def _own_keyring_or_404(user: User) -> VaultKeyring:
    keyring = queries.keyring_of(user)
    if keyring is None:
        raise Http404
    return keyring


def _own_item_or_404(user: User, item_id: uuid.UUID) -> VaultItem:
    item = VaultItem.objects.filter(owner=user, item_id=item_id).first()
    if item is None:
        raise Http404
    return item


@router.get("", response=KeyringOut, summary="My vault's key material (404 when I have none)")
def get_keyring(request: ApiRequest) -> dict[str, Any]:
    user = request.auth
    return _keyring_out(_own_keyring_or_404(user))


@router.post(
    "",
    response={201: KeyringOut, 200: KeyringOut},
    summary="Set up my vault",
    description="Stores the wrapped keys as they are. The same keyring sent again answers "
    "200 (a retry); a different one while a vault exists answers 409.",
)
@may_refuse
def create_keyring(request: ApiRequest, payload: KeyringIn) -> tuple[int, dict[str, Any]]:
    user = request.auth
    keyring, created = actions.do_create_keyring(
        user,
        vault_id=payload.vault_id,
        format=payload.format,
        kdf=payload.kdf.model_dump(),
        wrapped_key_passphrase=payload.wrapped_key_passphrase,
        wrapped_key_recovery=payload.wrapped_key_recovery,
    )
    return (201 if created else 200), _keyring_out(keyring)


@router.put(
    "/keys",
    response=KeyringOut,
    summary="Wrap the vault key again (new passphrase or recovery key)",
    description="Items are not touched. 409 when key_version is not the current one.",
)
@may_refuse
def rewrap_keys(request: ApiRequest, payload: KeysIn) -> dict[str, Any]:
    user = request.auth
    keyring = _own_keyring_or_404(user)
    keyring = actions.do_rewrap(
        keyring,
        key_version=payload.key_version,
        kdf=payload.kdf.model_dump(),
        wrapped_key_passphrase=payload.wrapped_key_passphrase,
        wrapped_key_recovery=payload.wrapped_key_recovery,
    )
    return _keyring_out(keyring)


@router.delete("", response={204: None}, summary="Delete my vault and everything in it")
def delete_vault(request: ApiRequest, payload: DeleteVaultIn) -> tuple[int, None]:
    user = request.auth
    actions.do_delete_vault(_own_keyring_or_404(user))
    return 204, None


@router.get(
    "/items",
    response=list[VaultItemOut],
    summary="My vault items, newest first, a page at a time",
    description=f"At most `limit` items (1 to {queries.PAGE_MAX}; default {queries.PAGE_MAX}). "
    "A full page may be followed by more: ask again with `after` = the page's last item_id. "
    "An `after` that is not one of your items (of that kind) answers 404.",
)
def list_items(
    request: ApiRequest,
    kind: Literal["journal", "safety"] | None = None,
    limit: Annotated[int, Query(ge=1, le=queries.PAGE_MAX)] = queries.PAGE_MAX,
    after: Annotated[uuid.UUID | None, Query(description="the page before's last item_id")] = None,
) -> HttpResponse:
    user = request.auth
    rows = queries.item_page(user, kind, limit, after)
    if rows is None:
        raise Http404
    # Written out here (the same JSON as VaultItemOut, tests/test_vault_api.py compares them):
    # building and checking a model per item was most of a long list's time on the server.
    return HttpResponse(
        json.dumps(
            [dict(zip(queries.LIST_FIELDS, row, strict=True)) for row in rows], cls=ItemJSON
        ),
        content_type="application/json; charset=utf-8",
    )


@router.post(
    "/items",
    response={201: VaultItemOut, 200: VaultItemOut},
    summary="Put an encrypted item in my vault",
    description="The same item_id with the same ciphertext again answers 200 (a double "
    "submit); with another ciphertext, 409. 409 too when there is no vault yet.",
)
@may_refuse
def create_item(request: ApiRequest, payload: VaultItemIn) -> tuple[int, dict[str, Any]]:
    user = request.auth
    item, created = actions.do_create_item(
        user,
        item_id=payload.item_id,
        kind=payload.kind,
        ciphertext=payload.ciphertext,
        replaces_entry=payload.replaces_entry,
        replaces_version=payload.replaces_version,
    )
    return (201 if created else 200), _item_out(item)


@router.get("/items/{uuid:item_id}", response=VaultItemOut, summary="One of my vault items")
def get_item(request: ApiRequest, item_id: uuid.UUID) -> dict[str, Any]:
    user = request.auth
    return _item_out(_own_item_or_404(user, item_id))


@router.put(
    "/items/{uuid:item_id}",
    response=VaultItemOut,
    summary="Replace an item's ciphertext",
    description="Send the version you edited; 409 if it changed meanwhile.",
)
@may_refuse
def update_item(
    request: ApiRequest, item_id: uuid.UUID, payload: VaultItemUpdate
) -> dict[str, Any]:
    user = request.auth
    item = _own_item_or_404(user, item_id)
    return _item_out(actions.do_update_item(item, payload.ciphertext, payload.version))


@router.delete("/items/{uuid:item_id}", response={204: None}, summary="Delete a vault item")
def delete_item(request: ApiRequest, item_id: uuid.UUID) -> tuple[int, None]:
    user = request.auth
    actions.do_delete_item(_own_item_or_404(user, item_id))
    return 204, None
