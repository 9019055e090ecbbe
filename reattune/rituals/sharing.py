"""What of a ritual entry each person may read, and the crisis check on ritual answers.

- An author may keep any written answer (a text prompt, or the feelings with their own words)
  for themselves: it is stored in the entry's `private_answers` only, so the partner's page,
  API and export, which read the shared columns, cannot show it (models.RitualEntry).
- A page save never shares an answer with crisis language without asking first: such an answer
  is saved for the author alone and the author chooses to share it as written, keep it private
  or change it (views.ritual_form). The API keeps whatever `private_fields` says and tells the
  client which shared answers contain crisis language (`crisis_answers`, `support`).
- The partner who reads a revealed answer with crisis language gets guidance on how to respond
  and the help lines of their own country (care.support, context "partner"); nothing else of
  the author's care data.
- An answer changed after the partner could first read it is marked for the partner.
"""

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


def shared_values(kind: Kind, entry) -> dict:
    """{prompt id: value} the partner may read: the private answers are left out."""
    kept = entry.kept_private()
    return {p["id"]: getattr(entry, p["id"]) for p in kind.answer_prompts() if p["id"] not in kept}


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


def edited_after_reveal(kind: Kind, entry, reader_since: datetime | None) -> list[str]:
    """Shared answers of `entry` changed after its reader could first read them.

    `reader_since` is when the reader's own entry for the period was created (the reveal
    needs both); None means the reader cannot read the entry at all.
    """
    if reader_since is None:
        return []
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


def partner_support(kind: Kind, entry, reader, request=None):
    """`support` (context "partner") for a reader of the partner's revealed answers, or None."""
    from reattune.care.support import support_for

    shared = shared_values(kind, entry)
    return support_for(reader, joined(kind, shared, shared), request, context="partner")


def partner_support_context(kind: Kind, entry, reader, request=None):
    from reattune.care.support import support_context

    shared = shared_values(kind, entry)
    return support_context(reader, joined(kind, shared, shared), request, context="partner")


def author_support(kind: Kind, entry, request=None):
    """`support` for the author's own save: "shared" when a shared answer has crisis language,
    else "private" when an answer kept private has, else None."""
    from reattune.care.support import support_for

    shared = shared_values(kind, entry)
    found = support_for(entry.author, joined(kind, shared, shared), request, context="shared")
    if found is not None:
        return found
    kept = entry.kept_private()
    return support_for(entry.author, joined(kind, kept, kept), request, context="private")
