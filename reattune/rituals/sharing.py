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
- A required answer left empty (a prompt resting for its author in safety mode) is left out of
  what the partner reads, exactly like an answer kept private.
"""

import hashlib
import json
from datetime import datetime

from django.utils.dateparse import parse_datetime

from reattune.domain.safety.check import check_text
from reattune.rituals.kinds import Kind

EMPTY = {"feelings": "[]"}


def private_prompt_ids(kind: Kind) -> list[str]:
    """Prompts whose answer may be kept private: the written ones (text, feelings)."""
    return [p["id"] for p in kind.answer_prompts() if p["kind"] in ("text", "feelings")]


def empty_value(pid: str) -> str:
    return EMPTY.get(pid, "")


def answer_text(kind: Kind, pid: str, value) -> str:
    """The words of one answer as the crisis check reads them."""
    prompt = next((p for p in kind.answer_prompts() if p["id"] == pid), None)
    if prompt is None or prompt["kind"] == "scale":
        return ""
    if prompt["kind"] == "feelings":
        from reattune.rituals.models import words_of

        return " ".join(words_of(value))
    return str(value or "")


def crisis_answers(kind: Kind, values: dict, among=None) -> list[str]:
    """Prompt ids (in prompt order) whose answer in `values` contains crisis language."""
    found = []
    for pid in private_prompt_ids(kind):
        if among is not None and pid not in among:
            continue
        text = answer_text(kind, pid, values.get(pid))
        if text.strip() and check_text(text) is not None:
            found.append(pid)
    return found


def joined(kind: Kind, values: dict, pids) -> str:
    return "\n".join(answer_text(kind, pid, values.get(pid)) for pid in pids)


# --- the author's view -----------------------------------------------------------------------


def own_values(kind: Kind, entry) -> dict:
    """{prompt id: stored value} of every answer, the private ones included (author only)."""
    return {p["id"]: entry.own_value(p["id"]) for p in kind.answer_prompts()}


def visible_values(kind: Kind, columns: dict, kept) -> dict:
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


def is_empty(prompt, value) -> bool:
    """Whether a stored written answer says nothing (scales always hold a number)."""
    if prompt["kind"] == "scale":
        return False
    if prompt["kind"] == "feelings":
        from reattune.rituals.models import words_of

        return not words_of(value)
    return not str(value or "").strip()


def shared_values(kind: Kind, entry) -> dict:
    """{prompt id: value} the partner may read (visible_values of the entry)."""
    columns = {p["id"]: getattr(entry, p["id"]) for p in kind.answer_prompts()}
    return visible_values(kind, columns, entry.kept_private())


def partner_version(entry) -> tuple[int, object]:
    """(version, updated_at) of `entry` as its partner sees them: they move only when an
    answer the partner may read changes."""
    return entry.shared_version, entry.shared_updated_at


# --- answer times: the "changed after you could read it" mark --------------------------------


def _when(raw) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return parse_datetime(raw)
    except ValueError:
        return None


def next_times(kind: Kind, current, values: dict, private: set, now: datetime) -> dict:
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


def digest(value) -> str:
    """A short digest of a shared value, kept only in the encrypted shared_history."""
    return hashlib.sha256(str(value).encode()).hexdigest()[:32]


MAX_HISTORY = 60  # changes kept per answer; beyond that the oldest go (see edited_after_reveal)


def next_history(kind: Kind, current, visible: dict, now: datetime) -> str:
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


def _first_readable(events: list, since: datetime):
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
    kind: Kind, entry, reader_since: datetime | None, visible: dict | None = None
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


def _edited_by_times(kind: Kind, entry, reader_since: datetime) -> list[str]:
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


def partner_support(kind: Kind, entry, reader, request=None, shared=None, memo=None):
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


def partner_support_context(kind: Kind, entry, reader, request=None):
    from reattune.care.support import support_context

    shared = shared_values(kind, entry)
    return support_context(reader, joined(kind, shared, shared), request, context="partner")


HELD_WHERE = (
    "Your partner has not seen these words: they are saved for you alone until you choose. "
    "You can share them as you wrote them, keep them just for you, or change them. This help "
    "is shown to you alone."
)
