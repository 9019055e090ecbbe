"""One safety check for every piece of free text, whatever feature it comes from.

Plain Python, no Django. A feature calls :func:`check_text` with the text and the context it
was written or read in; on a hit it shows the support that fits that context (the wording and
the help lines live in ``reattune.care.support``). Nothing here stores, logs or sends the text.

Contexts (who can read the text, which decides what is TRUE to tell the person):

* ``private``: saved, and only its author can open it in the app (a private journal entry).
* ``shared``: saved, and the partner can read it now or will read it once it is revealed.
* ``draft``: coach text that is analysed in memory and not stored.
* ``partner``: a partner reading what the author wrote and revealed to them; the reader is
  shown how to respond, never anything about the author's care data.
"""

from __future__ import annotations

from dataclasses import dataclass

from .crisis import detect_crisis

CONTEXTS = ("private", "shared", "draft", "partner")

# The order kinds are shown in: being hurt or threatened comes first (emergency number and
# domestic-violence lines first), then suicide, self-harm and harm to others.
KIND_ORDER = ("harm_from_others", "suicide", "self_harm", "harm_to_others")


@dataclass(frozen=True)
class SafetyCheck:
    """A hit: which kinds were found, in display order, and the context it was found in."""

    kinds: tuple[str, ...]
    context: str
    message_key: str  # "<context>.<first kind>", e.g. "draft.suicide"

    @property
    def harm_from_others(self) -> bool:
        return "harm_from_others" in self.kinds


def ordered_kinds(kinds) -> tuple[str, ...]:
    return tuple(k for k in KIND_ORDER if k in kinds)


def check_text(text: object, context: str = "private") -> SafetyCheck | None:
    """None when the text has no crisis language; else a :class:`SafetyCheck`.

    Raises ValueError for an unknown context (a programming error, caught by the tests).
    Never raises because of the text itself: the detector treats its own errors as no hit.
    """
    if context not in CONTEXTS:
        raise ValueError(f"unknown safety context {context!r}; use one of {CONTEXTS}")
    result = detect_crisis(text)
    if not result:
        return None
    kinds = ordered_kinds(result.kinds)
    if not kinds:
        return None
    return SafetyCheck(kinds=kinds, context=context, message_key=f"{context}.{kinds[0]}")
