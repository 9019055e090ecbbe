"""Free text saved by an action, and what happens after: the one crisis check.

Every ``do_*`` action that saves free text runs the domain check itself
(:func:`reattune.domain.safety.check.check_text`) on the text it saved, through
:func:`check_saved`, and the result travels with the object it returns. Adapters (pages, API,
CLI) read it back with :func:`saved_check` and only decide how to show support: they never run
the detector on saved text themselves, so none of them can forget it. Saving always happens
first; a hook may only change where the person goes next.

``context`` says who can read the saved text (reattune.domain.safety.check.CONTEXTS):
"private" (the author only, in the app) or "shared" (the partner reads it now or once it is
revealed).

Pages call :func:`after_save` with the action's result; hooks that accept a ``check`` keyword
receive it (and only on a hit); hooks that read the text themselves get the saved words
passed to :func:`after_save` (with ``context`` if they take it, else (request, text)).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from reattune.domain.safety.check import SafetyCheck, check_text

_HOOKS: list[Callable[..., Any]] = []

#: Every action that saves free text, by dotted path (filled by :func:`saves_text`); the guard
#: test tests/test_save_actions_check_text.py calls each one with words of crisis.
TEXT_ACTIONS: list[str] = []

_ATTR = "safety_check"

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def saves_text(func: F) -> F:
    """Mark a ``do_*`` action as one that saves free text (and so must call check_saved)."""
    name = f"{func.__module__}.{func.__qualname__}"
    if name not in TEXT_ACTIONS:
        TEXT_ACTIONS.append(name)
    return func


def check_saved(obj: T, text: str, context: str) -> T:
    """Run the one crisis check on text an action just saved; the result rides on ``obj``."""
    setattr(obj, _ATTR, check_text(text, context))
    return obj


def check_saved_first(obj: T, texts: Iterable[tuple[str, str]]) -> T:
    """As :func:`check_saved` for text saved in parts read by different people: each
    (text, context) in order, the first hit riding on ``obj`` (None when none hits)."""
    found = None
    for text, context in texts:
        found = check_text(text, context)
        if found is not None:
            break
    setattr(obj, _ATTR, found)
    return obj


def saved_check(obj: object) -> SafetyCheck | None:
    """The check the saving action ran (None: no crisis language).

    Raises AttributeError when the object did not come from an action that checked its text:
    a programming error the tests catch, never a silent "no hit".
    """
    if not hasattr(obj, _ATTR):
        raise AttributeError(
            f"{type(obj).__name__} was not returned by an action that ran check_saved()"
        )
    found = getattr(obj, _ATTR)
    if found is not None and not isinstance(found, SafetyCheck):
        raise TypeError(f"{type(obj).__name__}.{_ATTR} is not a SafetyCheck")
    return found


def register_after_save(func):
    """func(request, text, context="private", *, check=None) -> HttpResponse | None (once)"""
    if func not in _HOOKS:
        _HOOKS.append(func)
    return func


def _params(hook) -> list[inspect.Parameter]:
    try:
        return list(inspect.signature(hook).parameters.values())
    except (TypeError, ValueError):
        return []


def _takes(hook, name: str) -> bool:
    return any(p.name == name or p.kind is p.VAR_KEYWORD for p in _params(hook))


def after_save(
    request,
    found: SafetyCheck | None,
    default_response,
    texts: Iterable[tuple[str, str]] = (),
):
    """After an action saved text: the check it ran decides the next page.

    On a hit, hooks that accept a ``check`` keyword (the crisis page) get the result; they
    never run the detector again. ``texts``: the saved words as (text, context) pairs, in
    order, for hooks that read the text themselves (``(request, text[, context])``).
    """
    if found is not None:
        for hook in _HOOKS:
            if _takes(hook, "check"):
                response = hook(request, None, context=found.context, check=found)
                if response is not None:
                    return response
    for text, context in texts:
        for hook in _HOOKS:
            if _takes(hook, "check"):
                continue
            if _takes(hook, "context"):
                response = hook(request, text, context=context)
            else:
                response = hook(request, text)
            if response is not None:
                return response
    return default_response
