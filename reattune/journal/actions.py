"""Journal writes. Text is stored exactly as written; limits are checked before saving."""

import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from reattune.accounts.models import User
from reattune.core.access import active_space_id
from reattune.core.aftersave import check_saved, saves_text
from reattune.core.errors import ActionError
from reattune.core.request_context import has_vault, has_vault_item
from reattune.core.visibility import Visibility
from reattune.journal.models import MAX_ENTRY_CHARS, Entry


class EntryError(ActionError):
    """Why an entry cannot be saved, in words fit to show the person."""


class EditConflict(EntryError):
    def __init__(self) -> None:
        super().__init__(
            "This entry changed in another window since you opened it. "
            "Your text is still in the form: copy it, reload, and apply it again.",
            status=409,
        )


#: Where private words go for a person with a vault (the page, and the API's items).
VAULT_PAGE = "/vault/journal/"
VAULT_API = "/api/v1/vault/items"


class KeepInVault(EntryError):
    """A person with a vault writes private words there, never where the server can read them.
    Pages show the message (or lead to the vault's page); the API answers 409 with API_DETAIL."""

    API_DETAIL = (
        "This person has a vault, so private entries go there: encrypt the entry in the client "
        f"and send it to {VAULT_API} (the page is {VAULT_PAGE}). Nothing was saved. Shared "
        "entries save here as before."
    )

    def __init__(self) -> None:
        super().__init__(
            "You have a vault, so new private words go there, where only you can read them. "
            "Nothing was saved here, and your words are still below: copy them into your "
            "vault, or choose shared to keep them here for both of you.",
            status=409,
            code="vault",
        )

    def for_api(self, support: dict | None = None) -> EntryError:
        """The API's 409; ``support`` (care.support.support_for of the refused words, or None)
        rides along so that words of crisis get help even when they are not stored."""
        refusal = EntryError(self.API_DETAIL, status=409, code=self.code)
        refusal.support = support  # type: ignore[attr-defined]
        return refusal


class MoveIntoVault(KeepInVault):
    """A person with a vault makes one of their entries private: it moves into the vault (the
    browser encrypts its words, the server deletes its readable copy in the same step), never
    "private" here, where whoever runs the server could read it. Nothing is changed."""

    API_DETAIL = (
        "This person has a vault, so an entry becomes private by moving into it: encrypt its "
        f"title and body in the client and send them to POST {VAULT_API} with replaces_entry "
        "set to this entry's id; the entry is deleted in the same step. Nothing was changed "
        f"(the page is {VAULT_PAGE}?move=<entry id>)."
    )

    def __init__(self, entry_id: int) -> None:
        EntryError.__init__(
            self,
            "You have a vault, so an entry just for you is kept there, where only you can read "
            "it. Nothing was changed here yet. To make this entry private, use “Make private: "
            "move into my vault” on this page: your browser locks it, and the server deletes its own copy in the "
            "same step. It moves as it was last saved, so copy any new words first; you can "
            "edit it in your vault.",
            status=409,
            code="vault_move",
        )
        self.entry_id = entry_id


def refuse_readable_switch(entry: Entry, visibility: str) -> None:
    """The one rule for making an existing entry private, for every path: a person with a
    vault does it by moving the entry into the vault (MoveIntoVault), so a shared entry never
    becomes a private one the server could read."""
    if (
        visibility == Visibility.PRIVATE
        and entry.visibility != Visibility.PRIVATE
        and has_vault(entry.author)
    ):
        raise MoveIntoVault(entry.pk)


def refuse_readable_private(
    author: User, visibility: str, submit_key: uuid.UUID | None = None
) -> None:
    """The one rule for every path: no new private words the server can read from a person
    with a vault (set up, locked or not). Raises KeepInVault. The one exception is an entry
    the person moves out of their vault: its submit_key is the id of one of their vault items
    (what the vault's page sends)."""
    if visibility != Visibility.PRIVATE or not has_vault(author):
        return
    if submit_key is not None and has_vault_item(author, submit_key):
        return
    raise KeepInVault()


def check_text(body: str, title: str = "") -> None:
    if not body or not body.strip():
        raise EntryError("Write something before saving.")
    if len(body) > MAX_ENTRY_CHARS:
        raise EntryError(
            f"This entry is {len(body):,} characters long; the limit is {MAX_ENTRY_CHARS:,}. "
            "Nothing was saved: shorten it or split it into two entries.",
            status=413,
        )
    if len(title) > 200:
        raise EntryError("Please keep the title under 200 characters.")
    if "\x00" in body or "\x00" in title:
        raise EntryError("The text contains a null character, which cannot be saved.")


def _checked(entry: Entry) -> Entry:
    """The one crisis check on the words just saved (core.aftersave.saved_check reads it)."""
    context = "shared" if entry.visibility == Visibility.SHARED else "private"
    return check_saved(entry, entry.body + "\n" + entry.title, context)


@saves_text
def do_create_entry(
    author: User,
    body: str,
    visibility: str = Visibility.PRIVATE,
    title: str = "",
    submit_key: uuid.UUID | None = None,
) -> tuple[Entry, bool]:
    """Create an entry; returns (entry, created). A repeated submit_key returns the first.
    A private entry from a person with a vault is refused (KeepInVault): it goes there."""
    check_text(body, title)
    if visibility not in Visibility.values:
        raise EntryError(
            "Choose who can see this entry: you alone (private), or both of you (shared)."
        )
    space_id = active_space_id(author)
    if space_id is None:
        raise EntryError("You are not in a couple space.", status=409)
    existing = None
    if submit_key is not None:
        existing = Entry.objects.filter(author=author, submit_key=submit_key).first()
    if existing:
        return _checked(existing), False  # a retry: nothing new is stored
    refuse_readable_private(author, visibility, submit_key)
    submit_key = submit_key or uuid.uuid4()
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                author=author,
                space_id=space_id,
                visibility=visibility,
                title=title,
                body=body,
                submit_key=submit_key,
            )
    except IntegrityError:
        return _checked(Entry.objects.get(author=author, submit_key=submit_key)), False
    return _checked(entry), True


def _words(body: str, title: str) -> tuple[str, str]:
    """An entry's words, line ends aside (a browser's form sends them as CR LF)."""
    return body.replace("\r\n", "\n"), title


@saves_text
@transaction.atomic
def do_update_entry(
    entry: Entry, body: str, visibility: str, title: str = "", expected_version: int | None = None
) -> Entry:
    """Change an entry. A person with a vault writes no new private words here (KeepInVault)
    and makes a shared entry private only by moving it into the vault (MoveIntoVault); an
    entry private from before the vault may stay private with its words unchanged."""
    check_text(body, title)
    if visibility not in Visibility.values:
        raise EntryError(
            "Choose who can see this entry: you alone (private), or both of you (shared)."
        )
    refuse_readable_switch(entry, visibility)
    if _words(body, title) != _words(entry.body, entry.title):
        refuse_readable_private(entry.author, visibility)
    now = timezone.now()
    rows = Entry.objects.filter(pk=entry.pk, author=entry.author)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    # update() passes plain values through the encrypted field's get_prep_value.
    updated = rows.update(
        body=body, title=title, visibility=visibility, updated_at=now, version=F("version") + 1
    )
    if not updated:
        raise EditConflict()
    entry.refresh_from_db()
    return _checked(entry)


@transaction.atomic
def do_delete_entry(entry: Entry) -> None:
    entry.delete()
