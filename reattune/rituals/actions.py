"""Ritual writes. Each do_* runs in a transaction; the database constraints make a double
submit or two partners pressing a button at the same moment safe.

Errors carry an HTTP status for the page and the API: 422 for answers or a period that cannot
be saved, 409 for a conflict with what is already there (a second check-in for the same day,
an edit made elsewhere in the meantime, a time-out already running).
"""

import functools
import json
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from reattune.accounts.models import User
from reattune.core.access import active_space
from reattune.core.aftersave import check_saved, check_saved_first, saves_text
from reattune.core.errors import ActionError
from reattune.core.prepared import Prepared
from reattune.core.request_context import changed, scoped_context
from reattune.couples.models import Space
from reattune.domain.plan.library import load_agreements, load_ladder
from reattune.rituals import sharing
from reattune.rituals.kinds import (
    KINDS,
    MAX_FEELING_CHARS,
    MAX_OWN_FEELINGS,
    Kind,
    all_feeling_words,
    prepared_per_kind,
    week_start,
)
from reattune.rituals.models import (
    AgreementAcceptance,
    CalendarFeed,
    LadderState,
    RitualEntry,
    Schedule,
    TimeOut,
    hash_feed_token,
)

MAX_NOTE_CHARS = 500


class RitualError(ActionError):
    """Why a ritual step cannot be done, in words fit to show the person."""


class EditConflict(RitualError):
    def __init__(self, what: str = "These answers") -> None:
        super().__init__(
            f"{what} changed in another window since you opened them. Your text is still in "
            "the form: copy it, reload, and add it again.",
            status=409,
            code="conflict",
        )


def space_of(user: User) -> Space:
    space = active_space(user)
    if space is None:
        raise RitualError("You are not in a couple space.", status=409, code="no_space")
    return space


def _locked_row(model: Any, pk: int, author_id: int) -> QuerySet[Any]:
    return model.objects.select_for_update().filter(pk=pk, author_id=author_id).order_by("pk")[:1]


def _own_locked_row(
    model: Any, period_field: str, space_id: int, author_id: int, period: date
) -> QuerySet[Any]:
    return (
        model.objects.select_for_update()
        .filter(space_id=space_id, author_id=author_id, **{period_field: period})
        .order_by("pk")[:2]
    )


# Built once per kind (core.prepared): the row an edit locks, by its id or as the author's own
# row of a period (the API's PUT finds and locks it in one read).
_LOCKED_ROW = {
    kind.key: Prepared(functools.partial(_locked_row, kind.model), pk=0, author_id=0)
    for kind in KINDS.values()
}
_OWN_LOCKED_ROW = prepared_per_kind(_own_locked_row, space_id=0, author_id=0)


def _space(space_id: int) -> QuerySet[Space]:
    return Space.objects.filter(pk=space_id)[:1]


_SPACE = Prepared(_space, space_id=0)


def space_by_id(space_id: int) -> Space:
    """Space.objects.get(pk=space_id), the query built once (core.prepared)."""
    space = _SPACE.first(space_id=space_id)
    if space is None:
        raise Space.DoesNotExist
    return space


# --- answers -------------------------------------------------------------------------------


def _clean_text(prompt: Mapping[str, Any], value: object) -> str:
    value = "" if value is None else value
    if not isinstance(value, str):
        raise RitualError(f"{prompt['label']}: please write this as text.")
    if "\x00" in value:
        raise RitualError("The text contains a null character, which cannot be saved.")
    limit = prompt.get("max_length", 2000)
    if len(value) > limit:
        raise RitualError(
            f"{prompt['label']}: this answer is {len(value):,} characters long; the limit is "
            f"{limit:,}. Nothing was saved yet: shorten it a little.",
            status=422,
            code="too_long",
        )
    if prompt.get("required") and not value.strip():
        raise RitualError(f"{prompt['label']}: a few words are enough, but please add some.")
    return value


def _clean_scale(prompt: Mapping[str, Any], value: Any) -> int:
    low, high = prompt["min"], prompt["max"]
    if isinstance(value, bool) or value in (None, ""):
        raise RitualError(f"Choose a number from {low} to {high}.", code="rating")
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise RitualError(f"Choose a number from {low} to {high}.", code="rating") from error
    if number != value and str(number) != str(value).strip():
        raise RitualError(f"Choose a whole number from {low} to {high}.", code="rating")
    if not low <= number <= high:
        raise RitualError(
            f"The rating goes from {low} to {high}; {number} is outside it.", code="rating"
        )
    return number


def clean_feelings(
    prompt: Mapping[str, Any], picked: Iterable[object] | None, own: Iterable[object] | None = ()
) -> list[str]:
    """Words from the vocabulary plus up to three of one's own, in the order given."""
    vocabulary = all_feeling_words()
    words: list[str] = []
    for word in picked or ():
        if not isinstance(word, str) or word not in vocabulary:
            raise RitualError("Pick feelings from the list, or add your own words below.")
        if word not in words:
            words.append(word)
    own_words = [w.strip() for w in own or () if isinstance(w, str) and w.strip()]
    if len(own_words) > MAX_OWN_FEELINGS:
        raise RitualError(f"Add up to {MAX_OWN_FEELINGS} words of your own.")
    for word in own_words:
        if len(word) > MAX_FEELING_CHARS or "\x00" in word:
            raise RitualError(f"Keep each word of your own under {MAX_FEELING_CHARS} characters.")
        if word not in words:
            words.append(word)
    if prompt.get("required") and not words:
        raise RitualError("Pick at least one feeling, or add a word of your own.")
    return words


def resting_prompt_ids(kind: Kind, user: User | None) -> frozenset[str]:
    """Prompts that ask to raise a problem or a need (`raises_issues` in rituals.yaml). While
    the person's own safety check is positive (care.safety) they rest: not asked, never
    required. Only that person's form changes."""
    from reattune.care.safety import rests

    if user is None or not rests(user, "ritual_prompts"):
        return frozenset()
    return frozenset(p["id"] for p in kind.prompts() if p.get("raises_issues"))


def clean_answers(
    kind: Kind, answers: Mapping[str, Any], resting: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Validated field values for the kind's model, from {prompt id: value}.

    For the feelings prompt, `answers["feelings"]` is the list picked from the vocabulary and
    `answers["own_feelings"]` an optional list of free words. Prompts in `resting`
    (resting_prompt_ids) are never required.
    """
    values: dict[str, Any] = {}
    for prompt in kind.answer_prompts():
        pid = prompt["id"]
        if pid in resting:
            prompt = {**prompt, "required": False}
        if prompt["kind"] == "scale":
            values[pid] = _clean_scale(prompt, answers.get(pid))
        elif prompt["kind"] == "feelings":
            words = clean_feelings(prompt, answers.get(pid), answers.get("own_feelings"))
            values[pid] = json.dumps(words, ensure_ascii=False)
        else:
            values[pid] = _clean_text(prompt, answers.get(pid))
    return values


# --- periods -------------------------------------------------------------------------------


def check_open(kind: Kind, space: Space, period: date) -> date:
    """The period normalised; 422 unless it is the space's current period."""
    period = kind.period_of(period)
    current = kind.period_of(space.today())
    if period > current:
        raise RitualError(
            f"That {kind.noun} has not started yet where you live. You can fill this in once "
            "it has.",
            code="future",
        )
    if period < current:
        raise RitualError(
            f"That {kind.noun} has ended, so its answers can no longer be added or changed. "
            "Everything you shared then is still there to read.",
            code="closed",
        )
    return period


def editable(kind: Kind, space: Space, period: date) -> bool:
    return kind.period_of(space.today()) == period


def clean_private(kind: Kind, private: Iterable[str] | None) -> set[str]:
    """The prompt ids an author keeps for themselves; 422 for any that cannot be kept."""
    if private is None:
        return set()
    allowed = sharing.private_prompt_ids(kind)
    chosen = set()
    for pid in private:
        if pid not in allowed:
            names = ", ".join(allowed)
            raise RitualError(
                f"Only written answers can be kept just for you ({names}); "
                f"'{str(pid)[:40]}' is not one of them.",
                code="private_fields",
            )
        chosen.add(pid)
    return chosen


def _stored_values(
    kind: Kind,
    current: RitualEntry | None,
    values: dict[str, Any],
    private: set[str],
    now: datetime,
) -> dict[str, Any]:
    """Column values for saving `values`: answers in `private` go to private_answers only."""
    stored = dict(values)
    kept = {}
    for pid in sharing.private_prompt_ids(kind):
        if pid in private:
            kept[pid] = values[pid]
            stored[pid] = sharing.empty_value(pid)
    stored["private_answers"] = json.dumps(kept, ensure_ascii=False)
    stored["answer_times"] = sharing.next_times(kind, current, values, private, now)
    # What the partner may read after this save: its history, and the partner-facing version
    # and time, which move only when that changes (a change to a private answer alone leaves
    # them as they were).
    visible = sharing.visible_values(kind, stored, private)
    stored["shared_history"] = sharing.next_history(kind, current, visible, now)
    if current is None:
        stored["shared_version"], stored["shared_updated_at"] = 1, now
    elif sharing.shared_values(kind, current) != visible:
        stored["shared_version"], stored["shared_updated_at"] = current.shared_version + 1, now
    return stored


def _keep_resting(
    kind: Kind,
    current: RitualEntry,
    values: dict[str, Any],
    private: set[str],
    resting: frozenset[str],
) -> set[str]:
    """A prompt resting for its author is not in their form: sent empty, its stored answer
    stays as it was, kept private or shared as before (nothing is lost or shared by it)."""
    kept = current.kept_private()
    private = set(private)
    for prompt in kind.answer_prompts():
        pid = prompt["id"]
        if pid not in resting or not sharing.is_empty(prompt, values.get(pid)):
            continue
        values[pid] = current.own_value(pid)
        if pid in kept:
            private.add(pid)
        else:
            private.discard(pid)
    return private


# --- the hold: crisis language is not shared without the author's say-so --------------------


def clean_confirmed(
    kind: Kind, share_anyway: Iterable[str] | None, private: Iterable[str] | None
) -> set[str]:
    """The prompt ids the author confirmed to share as written (`share_anyway`); 422 for an id
    that is not a written answer or that is also in `private`."""
    if not share_anyway:
        return set()
    allowed = sharing.private_prompt_ids(kind)
    confirmed = set()
    for pid in share_anyway:
        if pid not in allowed:
            raise RitualError(
                f"Only written answers can be shared as written ({', '.join(allowed)}); "
                f"'{str(pid)[:40]}' is not one of them.",
                code="share_anyway",
            )
        confirmed.add(pid)
    both = sorted(confirmed & set(private or ()))
    if both:
        raise RitualError(
            f"{', '.join(both)}: asked both to share and to keep for you. Choose one; nothing "
            "was saved yet.",
            code="share_anyway",
        )
    return confirmed


def held_answers(
    kind: Kind,
    current: RitualEntry | None,
    values: dict[str, Any],
    private: set[str],
    confirmed: Collection[str] = (),
    memo: dict[str, bool] | None = None,
) -> list[str]:
    """THE HOLD RULE (every adapter goes through it: do_submit, do_update).

    Answers (prompt ids, in prompt order) with crisis language that this save would make
    readable to the partner and that the author has not confirmed: not kept private, not in
    `confirmed`, and not already shared with exactly these words. The save keeps them for the
    author alone until the author chooses (share as written, keep private, or change them).
    """
    shared_before = sharing.shared_values(kind, current) if current is not None else {}
    held = []
    for pid in sharing.crisis_answers(kind, values, memo=memo):
        if pid in private or pid in confirmed:
            continue
        if pid in shared_before and shared_before[pid] == values.get(pid):
            continue  # shared as written already: nothing new for the partner
        held.append(pid)
    return held


class StaleConfirm(RitualError):
    def __init__(self) -> None:
        super().__init__(
            "Nothing was saved or shared: to share an answer as written, send the version of "
            "your answers you read it in; they have changed since (or no version was sent). "
            "Read them again and confirm with the current version.",
            status=409,
            code="conflict",
        )


def new_row_values(
    kind: Kind,
    values: dict[str, Any],
    private: Iterable[str] | None = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    """Column values for a new row of `kind` from validated answer values, keeping the
    answers in `private` for the author alone (for importers that create rows directly)."""
    return _stored_values(kind, None, values, clean_private(kind, private), now or timezone.now())


def _checked(kind: Kind, entry: Any) -> Any:
    """The one crisis check on the answers just saved, in the context true for each part:
    answers held back (the question is whether to share them: "shared"), then the shared
    answers ("shared"), then those kept for the author alone ("private"); the first hit rides
    on the entry (core.aftersave.saved_check)."""
    held = list(getattr(entry, "held_answers", None) or ())
    own = sharing.own_values(kind, entry)
    shared = sharing.shared_values(kind, entry)
    kept = entry.kept_private()
    return check_saved_first(
        entry,
        [
            (sharing.joined(kind, own, held), "shared"),
            (sharing.joined(kind, shared, shared), "shared"),
            (sharing.joined(kind, kept, kept), "private"),
        ],
    )


@saves_text
def do_submit(
    kind: Kind,
    author: User,
    answers: Mapping[str, Any],
    period: date | None = None,
    submit_key: uuid.UUID | None = None,
    private: Iterable[str] | None = None,
    share_anyway: Iterable[str] | None = None,
) -> tuple[Any, bool]:
    """Save one's answers for the current period; returns (entry, created).

    `private`: prompt ids of answers kept for the author alone (never shown to the partner).
    `share_anyway`: answers the author confirmed to share as written in this same request.
    Any other answer with crisis language is held (held_answers): kept for the author alone;
    `entry.held_answers` lists them (empty on a retry, which saves nothing new).
    A retry with the same submit_key returns the first row (created False). Any other second
    submit for the same period answers 409: change the answers you gave instead.
    """
    space = space_of(author)
    period = check_open(kind, space, period or space.today())
    values = clean_answers(kind, answers, resting_prompt_ids(kind, author))
    private = clean_private(kind, private)
    confirmed = clean_confirmed(kind, share_anyway, private)
    memo: dict[str, bool] = {}
    held = held_answers(kind, None, values, private, confirmed, memo)
    private = private | set(held)
    submit_key = submit_key or uuid.uuid4()
    lookup = {"author": author, "space": space, kind.period_field: period}
    model = kind.model

    def existing_or_conflict() -> tuple[Any, bool]:
        row = model.objects.filter(**lookup).first()
        if row is not None and row.submit_key == submit_key:
            row.held_answers = []
            return _checked(kind, row), False
        raise RitualError(
            f"You have already shared your answers for this {kind.noun}. You can change them "
            f"until the {kind.noun} ends.",
            status=409,
            code="duplicate",
        )

    if model.objects.filter(**lookup).exists():
        return existing_or_conflict()
    extra = {"day_index": period.toordinal()} if kind.key == "daily" else {}
    now = timezone.now()
    stored = _stored_values(kind, None, values, private, now)
    try:
        with transaction.atomic():
            entry = model.objects.create(
                **lookup, **stored, **extra, submit_key=submit_key, created_at=now, updated_at=now
            )
    except IntegrityError:
        return existing_or_conflict()
    entry.held_answers = held
    entry.crisis_memo = memo
    return _checked(kind, entry), True


class NoEntry(RitualError):
    """The author has no entry for that period (the API answers 404)."""

    def __init__(self) -> None:
        super().__init__("There are no answers of yours for that period.", status=404)


def _space_of_entry(entry: Any) -> Space:
    """The entry's space: the one the caller joined to it (it read the entry in that space),
    else read (built once, core.prepared)."""
    if type(entry).space.is_cached(entry):
        space: Space = entry.space
        return space
    return space_by_id(entry.space_id)


@saves_text
@transaction.atomic
def do_update(
    kind: Kind,
    entry: Any,
    answers: Mapping[str, Any],
    expected_version: int | None = None,
    private: Iterable[str] | None = None,
    share_anyway: Iterable[str] | None = None,
) -> Any:
    """Change one's answers. `private`: the complete set of answers kept for the author
    alone (None keeps the set as it is, less the answers in `share_anyway`).

    `share_anyway`: answers the author confirmed to share as written; it needs
    `expected_version`, the version they were read in (StaleConfirm, 409, nothing saved, if
    it is missing or the entry changed since). Any other answer with crisis language that
    this save would newly share is held (held_answers); `entry.held_answers` lists them.
    """
    check_open(kind, _space_of_entry(entry), getattr(entry, kind.period_field))
    edit = _Edit.clean(kind, entry.author, answers, expected_version, private, share_anyway)
    current = _LOCKED_ROW[kind.key].first(pk=entry.pk, author_id=entry.author_id)
    if current is None:
        raise EditConflict()
    return _save_update(kind, entry, current, edit)


@saves_text
@transaction.atomic
def do_update_own(
    kind: Kind,
    author: User,
    space: Space,
    period: date,
    answers: Mapping[str, Any],
    expected_version: int | None = None,
    private: Iterable[str] | None = None,
    share_anyway: Iterable[str] | None = None,
) -> Any:
    """do_update of the author's own entry for the period of `period` in `space` (their
    current space), found and locked in one read: NoEntry (404) when they have none there.
    The same rules as do_update (the hold, the version, resting prompts), one read fewer."""
    found = _OWN_LOCKED_ROW[kind.key].rows(
        space_id=space.pk, author_id=author.pk, period=kind.period_of(period)
    )
    if len(found) != 1:
        raise NoEntry()
    current = found[0]
    current.author, current.space = author, space  # their own row, in their space
    check_open(kind, space, getattr(current, kind.period_field))
    edit = _Edit.clean(kind, author, answers, expected_version, private, share_anyway)
    return _save_update(kind, current, current, edit)


@dataclass(frozen=True)
class _Edit:
    """An edit's answers and choices, checked (before the row is locked, or once it is)."""

    values: dict[str, Any]
    resting: frozenset[str]
    expected_version: int | None
    private: set[str] | None
    confirmed: set[str]

    @classmethod
    def clean(
        cls,
        kind: Kind,
        author: User,
        answers: Mapping[str, Any],
        expected_version: int | None,
        private: Iterable[str] | None,
        share_anyway: Iterable[str] | None,
    ) -> "_Edit":
        resting = resting_prompt_ids(kind, author)
        values = clean_answers(kind, answers, resting)
        chosen = None if private is None else clean_private(kind, private)
        confirmed = clean_confirmed(kind, share_anyway, chosen)
        return cls(values, resting, expected_version, chosen, confirmed)


def _save_update(kind: Kind, entry: Any, current: Any, edit: _Edit) -> Any:
    """The write of do_update and do_update_own, inside their transaction: `current` is the
    row as locked; `entry` (the same row, maybe read earlier) is returned as saved."""
    values, expected_version, confirmed = edit.values, edit.expected_version, edit.confirmed
    if confirmed and (expected_version is None or current.version != expected_version):
        raise StaleConfirm()
    if expected_version is not None and current.version != expected_version:
        raise EditConflict()
    private = set(current.kept_private()) - confirmed if edit.private is None else edit.private
    private = _keep_resting(kind, current, values, private, edit.resting)
    memo: dict[str, bool] = {}
    held = held_answers(kind, current, values, private, confirmed, memo)
    private = private | set(held)
    now = timezone.now()
    stored = _stored_values(kind, current, values, private, now)
    # The version read above must still be the row's: a concurrent edit answers 409.
    rows = kind.model.objects.filter(pk=current.pk, version=current.version)
    # update() passes plain values through the encrypted fields' get_prep_value.
    if not rows.update(**stored, updated_at=now, version=F("version") + 1):
        raise EditConflict()
    # The row as saved: the locked row with what this update wrote (the lock and the version
    # in the UPDATE's filter make it exactly the stored row; tests/test_rituals_actions.py
    # compares it with the row read again, on both databases). The author and space stay.
    if entry is not current:
        for column in kind.model._meta.concrete_fields:
            setattr(entry, column.attname, getattr(current, column.attname))
    for name, value in stored.items():
        setattr(entry, name, value)
    entry.updated_at, entry.version = now, current.version + 1
    entry.held_answers = held
    entry.crisis_memo = memo
    return _checked(kind, entry)


class StaleChoice(RitualError):
    def __init__(self) -> None:
        super().__init__(
            "Nothing was shared: your answers changed in another window after this page was "
            "opened. Here they are as they are saved now; look them over and save again.",
            status=409,
            code="conflict",
        )


@transaction.atomic
def do_share_answers(
    kind: Kind, entry: RitualEntry, pids: Collection[str], expected_version: int | None
) -> list[str]:
    """Share answers the author kept private, as they are written; returns the ids shared.

    `expected_version` is the entry's version when the author was shown the answers: if the
    entry changed since (another window), nothing is shared and StaleChoice (409) is raised,
    so a page left open never shares words the author did not see there. None: 409 too.
    """
    space = space_by_id(entry.space_id)
    check_open(kind, space, getattr(entry, kind.period_field))
    current = _LOCKED_ROW[kind.key].first(pk=entry.pk, author_id=entry.author_id)
    if current is None:
        raise EditConflict()
    if expected_version is None or current.version != expected_version:
        raise StaleChoice()
    kept = current.kept_private()
    shared = [pid for pid in sharing.private_prompt_ids(kind) if pid in kept and pid in pids]
    if not shared:
        return []
    values = sharing.own_values(kind, current)
    now = timezone.now()
    stored = _stored_values(kind, current, values, set(kept) - set(shared), now)
    rows = kind.model.objects.filter(pk=current.pk, version=current.version)
    if not rows.update(**stored, updated_at=now, version=F("version") + 1):
        raise EditConflict()
    entry.refresh_from_db()
    return shared


# --- time-out ------------------------------------------------------------------------------


def open_timeout(space_id: int) -> TimeOut | None:
    return TimeOut.objects.filter(space_id=space_id, ended_at__isnull=True).first()


def _open_timeout(space_id: int) -> QuerySet[TimeOut]:
    return TimeOut.objects.filter(space_id=space_id, ended_at__isnull=True).select_related(
        "author", "space"
    )[:1]  # the newest first (TimeOut.Meta.ordering), as .first() takes it


_OPEN_TIMEOUT = Prepared(_open_timeout, space_id=0)


def open_timeout_for_page(user: User, space_id: int) -> TimeOut | None:
    """open_timeout for displaying a page: asked once per request (the home card and the
    time-out bar on every page both show it), kept in the request's couple context.

    Only for reading: the do_* actions below use open_timeout and mark the context changed.
    """

    def lookup() -> TimeOut | None:
        return _OPEN_TIMEOUT.first(space_id=space_id)

    couple = scoped_context(user)
    return couple.once(f"open_timeout:{space_id}", lookup) if couple else lookup()


@saves_text
@transaction.atomic
def do_start_timeout(author: User, minutes: int, note: str = "") -> TimeOut:
    changed(author, "open_timeout")  # the request reads the open time-out again
    space = space_of(author)
    if minutes not in TimeOut.LENGTHS:
        lengths = ", ".join(str(n) for n in TimeOut.LENGTHS)
        raise RitualError(f"Choose one of these lengths: {lengths} minutes.")
    note = note or ""
    if len(note) > MAX_NOTE_CHARS or "\x00" in note:
        raise RitualError(f"Keep the note under {MAX_NOTE_CHARS} characters.")
    # Lock the space row so two partners starting one at the same moment queue up here.
    Space.objects.select_for_update().filter(pk=space.pk).first()
    now = timezone.now()
    current = open_timeout(space.pk)
    if current is not None:
        if current.ends_at > now:
            raise RitualError(
                "A time-out is already running. It ends at the time shown; you can end it "
                "early together if you are both ready.",
                status=409,
                code="running",
            )
        # The earlier one ran its course: close it as it ended.
        TimeOut.objects.filter(pk=current.pk).update(ended_at=current.ends_at)
    try:
        with transaction.atomic():
            started = TimeOut.objects.create(
                author=author,
                space=space,
                started_at=now,
                minutes=minutes,
                ends_at=now + timedelta(minutes=minutes),
                note=note,
            )
    except IntegrityError as error:
        raise RitualError("A time-out is already running.", status=409, code="running") from error
    # The partner reads the note: the one crisis check in the context "shared".
    return check_saved(started, note, "shared")


@transaction.atomic
def do_end_timeout(user: User, timeout: TimeOut) -> TimeOut:
    """Either partner ends it (early, or says 'we are back' after it ran out)."""
    changed(user, "open_timeout")  # the request reads the open time-out again
    now = timezone.now()
    updated = TimeOut.objects.filter(pk=timeout.pk, ended_at__isnull=True).update(
        ended_at=now, ended_by=user
    )
    timeout.refresh_from_db()
    if not updated and timeout.ended_at is None:
        raise RitualError("This time-out could not be ended.", status=409, code="conflict")
    return timeout


# --- agreements ----------------------------------------------------------------------------


def agreement_ids() -> list[str]:
    return [a.id for a in load_agreements()]


def do_accept_agreement(author: User, agreement_id: str) -> tuple[AgreementAcceptance, bool]:
    if agreement_id not in agreement_ids():
        raise RitualError("There is no agreement with that name.", status=404, code="unknown")
    space = space_of(author)
    lookup = {
        "author": author,
        "space": space,
        "agreement_id": agreement_id,
        "withdrawn_at__isnull": True,
    }
    existing = AgreementAcceptance.objects.filter(**lookup).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return (
                AgreementAcceptance.objects.create(
                    author=author, space=space, agreement_id=agreement_id
                ),
                True,
            )
    except IntegrityError:
        return AgreementAcceptance.objects.get(**lookup), False


@transaction.atomic
def do_withdraw_agreement(author: User, agreement_id: str) -> int:
    if agreement_id not in agreement_ids():
        raise RitualError("There is no agreement with that name.", status=404, code="unknown")
    space = space_of(author)
    return AgreementAcceptance.objects.filter(
        author=author, space=space, agreement_id=agreement_id, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())


# --- ladder --------------------------------------------------------------------------------

LADDER_ACTIONS = ("stay", "resume", "deeper", "lighter")


@transaction.atomic
def do_ladder(user: User, action: str) -> LadderState:
    if action not in LADDER_ACTIONS:
        raise RitualError("Choose to stay, go on, go a step deeper or a step lighter.")
    space = space_of(user)
    top = len(load_ladder())
    this_week = week_start(space.today())
    state, _ = LadderState.objects.select_for_update().get_or_create(
        author=user, space=space, defaults={"since_week": this_week}
    )
    current = state.current_step(this_week, top)
    if action == "stay":
        state.step, state.staying = current, True
    elif action == "resume":
        state.step, state.staying = current, False
    elif action == "deeper":
        state.step, state.staying = min(current + 1, top), True
    else:
        state.step, state.staying = max(current - 1, 1), True
    state.since_week = this_week
    state.updated_at = timezone.now()
    state.save()
    return state


# --- schedule and calendar feed ------------------------------------------------------------


def _schedule(space_id: int) -> QuerySet[Schedule]:
    return Schedule.objects.filter(space_id=space_id).order_by("pk")[:1]  # as .first()


_SCHEDULE = Prepared(_schedule, space_id=0)


def schedule_for(space: Space) -> Schedule:
    schedule = _SCHEDULE.first(space_id=space.pk)
    return schedule or Schedule(space=space)


SCHEDULE_FIELDS = (
    "daily_on",
    "daily_time",
    "weekly_on",
    "weekly_day",
    "weekly_time",
    "monthly_on",
    "monthly_ordinal",
    "monthly_day",
    "monthly_time",
)


@transaction.atomic
def do_update_schedule(
    user: User, values: dict[str, Any], expected_version: int | None = None
) -> Schedule:
    space = space_of(user)
    values = {k: v for k, v in values.items() if k in SCHEDULE_FIELDS}
    for key in ("weekly_day", "monthly_day"):
        if not 0 <= int(values.get(key, 0)) <= 6:
            raise RitualError("Choose a day of the week.")
    if int(values.get("monthly_ordinal", 1)) not in (1, 2, 3, 4, -1):
        raise RitualError("Choose which week of the month.")
    # An unsaved schedule shows the defaults as version 1, so the first save makes version 2.
    schedule, _ = Schedule.objects.select_for_update().get_or_create(space=space)
    if expected_version is not None and schedule.version != expected_version:
        raise EditConflict("The ritual times")
    for key, value in values.items():
        setattr(schedule, key, value)
    schedule.version += 1
    schedule.updated_at = timezone.now()
    schedule.save()
    return schedule


@transaction.atomic
def do_create_feed(user: User) -> str:
    """A new private calendar address; any earlier one stops working. Returns the raw token."""
    now = timezone.now()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    raw = CalendarFeed.new_raw()
    CalendarFeed.objects.create(user=user, token_hash=hash_feed_token(raw), created_at=now)
    return raw


@transaction.atomic
def do_revoke_feeds(user: User) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def feed_for_token(raw: str) -> CalendarFeed | None:
    if not raw or not raw.startswith(CalendarFeed.PREFIX) or len(raw) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_feed_token(raw), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    # No "last fetched" stamp: reading the feed (a GET) changes nothing.
    return feed


def local_time(space: Space, moment: datetime) -> datetime:
    return moment.astimezone(space.tzinfo())
