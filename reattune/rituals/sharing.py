"""What of a ritual entry each person may read, and the crisis check on ritual answers.

- An author may keep any written answer (a text prompt, or the feelings with their own words)
  for themselves: it is stored in the entry's `private_answers` only, so the partner's page,
  API and export, which read the shared columns, cannot show it (models.RitualEntry).
- No save shares an answer with crisis language the author has not confirmed: such an answer
  is held, saved for the author alone, until the author chooses to share it as written, keep
  it private or change it (actions.held_answers, the one rule). The page asks at once
  (views.ritual_form); the API lists the held answers (`held_answers`, with `support`) and the
  client confirms with `share_anyway` and the entry's `version`, or keeps them in
  `private_fields`.
- The partner who reads a revealed answer with crisis language gets guidance on how to respond
  and the help lines of their own country (care.support, context "partner"); nothing else of
  the author's care data.
- An answer whose value differs from the one the partner could first read is marked for the
  partner. The partner's version and updated time of an entry move only when something they
  may read changes (shared_version, shared_updated_at).
- An answer left empty (an optional prompt skipped, or one resting for its author in safety
  mode) is left out of what the partner reads, exactly like an answer kept private.
- What the author is shown after a save about crisis language in their answers (the answers
  held, the shared ones with crisis language, the help) comes from one place, saved_answers,
  for the page and the API alike.
"""

import hashlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.utils.dateparse import parse_datetime

from reattune.accounts.models import User
from reattune.core.aftersave import saved_check
from reattune.domain.safety.check import SafetyCheck, check_text
from reattune.rituals.kinds import Kind
from reattune.rituals.models import RitualEntry, words_of

EMPTY = {"feelings": "[]"}


def private_prompt_ids(kind: Kind) -> list[str]:
    """Prompts whose answer may be kept private: the written ones (text, feelings)."""
    return [p["id"] for p in kind.answer_prompts() if p["kind"] in ("text", "feelings")]


def empty_value(pid: str) -> str:
    return EMPTY.get(pid, "")


def answer_text(kind: Kind, pid: str, value: object) -> str:
    """The words of one answer as the crisis check reads them."""
    prompt = next((p for p in kind.answer_prompts() if p["id"] == pid), None)
    if prompt is None or prompt["kind"] == "scale":
        return ""
    if prompt["kind"] == "feelings":
        return " ".join(words_of(value))
    return str(value or "")


def crisis_answers(
    kind: Kind,
    values: Mapping[str, Any],
    among: Collection[str] | None = None,
    memo: dict[str, bool] | None = None,
) -> list[str]:
    """Prompt ids (in prompt order) whose answer in `values` contains crisis language.

    `memo` (one dict for one save: the action's, then the answers shown after it) keeps what
    the check said of each text, so a text checked once in that save is not checked again:
    the same words always get the same answer.
    """
    found = []
    for pid in private_prompt_ids(kind):
        if among is not None and pid not in among:
            continue
        text = answer_text(kind, pid, values.get(pid))
        if not text.strip():
            continue
        hit = memo.get(text) if memo is not None else None
        if hit is None:
            hit = check_text(text) is not None
            if memo is not None:
                memo[text] = hit
        if hit:
            found.append(pid)
    return found


def joined(kind: Kind, values: Mapping[str, Any], pids: Iterable[str]) -> str:
    return "\n".join(answer_text(kind, pid, values.get(pid)) for pid in pids)


# --- the author's view -----------------------------------------------------------------------


def own_values(kind: Kind, entry: RitualEntry) -> dict[str, Any]:
    """{prompt id: stored value} of every answer, the private ones included (author only)."""
    return {p["id"]: entry.own_value(p["id"]) for p in kind.answer_prompts()}


def visible_values(kind: Kind, columns: Mapping[str, Any], kept: Collection[str]) -> dict[str, Any]:
    """{prompt id: value} the partner may read of an entry whose shared columns hold
    `columns`, with the answers in `kept` kept private.

    Left out, the same way: the answers kept private, and a required answer that is empty,
    which only a prompt resting for its author (safety mode, actions.resting_prompt_ids) can
    leave so. The partner cannot tell one from the other, nor either from an answer that was
    never asked.
    """
    shown = {}
    for prompt in kind.answer_prompts():
        pid = prompt["id"]
        if pid in kept:
            continue
        value = columns.get(pid)
        if prompt.get("required") and is_empty(prompt, value):
            continue
        shown[pid] = value
    return shown


def is_empty(prompt: Mapping[str, Any], value: object) -> bool:
    """Whether a stored written answer says nothing (scales always hold a number)."""
    if prompt["kind"] == "scale":
        return False
    if prompt["kind"] == "feelings":
        return not words_of(value)
    return not str(value or "").strip()


def shared_values(kind: Kind, entry: RitualEntry) -> dict[str, Any]:
    """{prompt id: value} the partner may read (visible_values of the entry)."""
    columns = {p["id"]: getattr(entry, p["id"]) for p in kind.answer_prompts()}
    return visible_values(kind, columns, entry.kept_private())


def partner_version(entry: RitualEntry) -> tuple[int, datetime]:
    """(version, updated_at) of `entry` as its partner sees them: they move only when an
    answer the partner may read changes."""
    return entry.shared_version, entry.shared_updated_at


# --- answer times: the "changed after you could read it" mark --------------------------------


def _when(raw: object) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return parse_datetime(raw)
    except ValueError:
        return None


def next_times(
    kind: Kind,
    current: RitualEntry | None,
    values: Mapping[str, Any],
    private: Collection[str],
    now: datetime,
) -> dict[str, dict[str, str]]:
    """The entry's new answer_times after saving `values` with `private` kept for the author.

    "shown" is when the partner could first read an answer (set once); "changed" is the last
    time its value changed after the entry was created.
    """
    pids = [p["id"] for p in kind.answer_prompts()]
    if current is None:
        return {pid: {"shown": now.isoformat()} for pid in pids if pid not in private}
    times = {pid: dict(t) for pid, t in (current.answer_times or {}).items() if pid in pids}
    kept_before = current.kept_private()
    for pid in pids:
        entry_times = times.setdefault(pid, {})
        # An answer shared since creation in a row older than these times: shown at creation.
        if pid not in kept_before and "shown" not in entry_times:
            entry_times["shown"] = current.created_at.isoformat()
        if pid in values and values[pid] != current.own_value(pid):
            entry_times["changed"] = now.isoformat()
        if pid not in private and "shown" not in entry_times:
            entry_times["shown"] = now.isoformat()
        if not entry_times:
            del times[pid]
    return times


def digest(value: object) -> str:
    """A short digest of a shared value, kept only in the encrypted shared_history."""
    return hashlib.sha256(str(value).encode()).hexdigest()[:32]


MAX_HISTORY = 60  # changes kept per answer; beyond that the oldest go (see edited_after_reveal)


def next_history(
    kind: Kind, current: RitualEntry | None, visible: Mapping[str, Any], now: datetime
) -> str:
    """The entry's new shared_history (JSON) once the partner may read `visible`.

    A row made before shared_history existed keeps "{}": its marks come from answer_times.
    """
    if current is not None:
        history = current.history()
        if not history:
            return "{}"
    else:
        history = {}
    for prompt in kind.answer_prompts():
        pid = prompt["id"]
        events = [e for e in history.get(pid, []) if isinstance(e, list) and len(e) == 2]
        state = digest(visible[pid]) if pid in visible else None
        if not events or events[-1][1] != state:
            events.append([now.isoformat(), state])
        history[pid] = events[-MAX_HISTORY:]
    return json.dumps(history, separators=(",", ":"))


def _first_readable(events: list[Any], since: datetime) -> str | None:
    """The digest of the first value the reader could read from `since` on ("unknown" when
    the history no longer reaches back that far), or None if they could read none."""
    first_at = _when(events[0][0]) if events else None
    if first_at is None or first_at > since:
        return "unknown"
    at_since, later = None, []
    for at, value in events:
        when = _when(at)
        if when is None:
            return "unknown"
        if when <= since:
            at_since = value
        else:
            later.append(value)
    if at_since is not None:
        return at_since
    return next((value for value in later if value is not None), None)


def edited_after_reveal(
    kind: Kind,
    entry: RitualEntry,
    reader_since: datetime | None,
    visible: Mapping[str, Any] | None = None,
) -> list[str]:
    """Shared answers of `entry` whose value now differs from the one its reader could first
    read (an answer first readable now, or changed and changed back, is not marked; nor is
    anything done while an answer was kept private, unless it changed what the reader reads).

    `reader_since` is when the reader's own entry for the period was created (the reveal
    needs both); None means the reader cannot read the entry at all.
    """
    if reader_since is None:
        return []
    history = entry.history()
    if not history:
        return _edited_by_times(kind, entry, reader_since)
    revealed = max(entry.created_at, reader_since)
    if visible is None:
        visible = shared_values(kind, entry)
    marked = []
    for p in kind.answer_prompts():
        pid = p["id"]
        if pid not in visible:
            continue
        events = history.get(pid) or []
        first = _first_readable(events, revealed)
        if first is None:
            continue  # nothing of it was readable before: it is new, not edited
        if first != digest(visible[pid]):
            marked.append(pid)
    return marked


def _edited_by_times(kind: Kind, entry: RitualEntry, reader_since: datetime) -> list[str]:
    """edited_after_reveal for rows made before shared_history: by answer_times alone."""
    kept = entry.kept_private()
    revealed = max(entry.created_at, reader_since)
    marked = []
    for p in kind.answer_prompts():
        pid = p["id"]
        if pid in kept:
            continue
        times = (entry.answer_times or {}).get(pid) or {}
        changed = _when(times.get("changed"))
        shown = _when(times.get("shown")) or entry.created_at
        if changed is not None and changed > max(revealed, shown):
            marked.append(pid)
    return marked


# --- support -------------------------------------------------------------------------------


def partner_support(
    kind: Kind,
    entry: RitualEntry,
    reader: User,
    request: HttpRequest | None = None,
    shared: Mapping[str, Any] | None = None,
    memo: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """`support` (context "partner") for a reader of the partner's revealed answers, or None.

    `shared`: the entry's shared_values when already computed. `memo`: a dict kept across
    the entries of one response, so each distinct shared text is checked and its support
    built once (the same text gives the same support for the same reader).
    """
    from reattune.care.support import support_for

    if shared is None:
        shared = shared_values(kind, entry)
    text = joined(kind, shared, shared)
    if memo is None:
        return support_for(reader, text, request, context="partner")
    if text not in memo:
        memo[text] = support_for(reader, text, request, context="partner")
    return memo[text]


def partner_support_context(
    kind: Kind, entry: RitualEntry, reader: User, request: HttpRequest | None = None
) -> dict[str, Any] | None:
    from reattune.care.support import support_context

    shared = shared_values(kind, entry)
    return support_context(reader, joined(kind, shared, shared), request, context="partner")


HELD_WHERE = (
    "Your partner has not seen these words: they are saved, and kept from them until you choose. "
    "You can share them as you wrote them, keep them just for you, or change them. This help "
    "is shown to you alone."
)


# --- after a save: what the author is shown about crisis language ----------------------------


@dataclass
class SavedAnswers:
    """What the author of a ritual entry is shown about crisis language after a save: the one
    reading of it for the page and the API (saved_answers).

    `held`: the answers this save held, saved for the author alone until they choose
    (actions.held_answers; empty on a retried submit, which saved nothing new). `found`: the
    one check the action ran on what it saved (held answers, then shared, then kept private;
    core.aftersave.saved_check). `crisis`: the shared answers with crisis language (confirmed
    with share_anyway, or shared so before), read only when asked for.
    """

    kind: Kind
    entry: RitualEntry = field(repr=False)
    held: list[str]
    found: SafetyCheck | None
    # What the action's hold rule found for each text it checked (crisis_answers' memo).
    memo: dict[str, bool] = field(default_factory=dict, repr=False)

    @cached_property
    def crisis(self) -> list[str]:
        """Prompt ids (in prompt order) of the shared answers with crisis language: the
        partner reads them once both have shared."""
        return crisis_answers(self.kind, shared_values(self.kind, self.entry), memo=self.memo)

    def held_shown(self) -> list[dict[str, str]]:
        """[{id, label, text}] of the held answers, in the order held, as the author wrote
        them (for the question before sharing)."""
        values = own_values(self.kind, self.entry)
        labels = {p["id"]: p["label"] for p in self.kind.answer_prompts()}
        return [
            {"id": pid, "label": labels[pid], "text": answer_text(self.kind, pid, values[pid])}
            for pid in self.held
        ]

    def support(self, request: HttpRequest | None = None) -> dict[str, Any] | None:
        """`support` for the author from the action's check, with the help lines of their
        country: when answers were held, its words say truthfully that the partner has not
        seen them (HELD_WHERE)."""
        from reattune.care.support import HELP, LEADS, support_from

        support = support_from(self.entry.author, self.found, request)
        if support is not None and self.held:
            first = support["kinds"][0]
            support["message"] = f"{LEADS[first]} {HELD_WHERE} {HELP[first]}"
        return support


def saved_answers(kind: Kind, saved: RitualEntry, entry: RitualEntry | None = None) -> SavedAnswers:
    """What the author is shown after do_submit or do_update saved their answers.

    `saved`: the entry as the action returned it (the held answers and the action's check
    ride on it). `entry`: the same row read again for showing (its author joined), when the
    adapter read it again; the answers are read from it.
    """
    return SavedAnswers(
        kind=kind,
        entry=saved if entry is None else entry,
        held=list(getattr(saved, "held_answers", None) or ()),
        found=saved_check(saved),
        memo=dict(getattr(saved, "crisis_memo", None) or {}),
    )
