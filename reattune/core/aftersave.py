"""What happens after a person saves free text: hooks such as the crisis check.

Saving always happens first; a hook may only change where the person goes next.

``context`` says who can read the saved text (reattune.domain.safety.check.CONTEXTS):
"private" (the author only, in the app) or "shared" (the partner reads it now or once it is
revealed). Hooks that take a ``context`` argument receive it; older hooks get (request, text).
"""

import inspect

_HOOKS = []


def register_after_save(func):
    """func(request, text, context="private") -> HttpResponse | None (registered once)"""
    if func not in _HOOKS:
        _HOOKS.append(func)
    return func


def _takes_context(hook) -> bool:
    try:
        params = inspect.signature(hook).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "context" or p.kind is p.VAR_KEYWORD for p in params)


def after_text_saved(request, text, default_response, context="private"):
    for hook in _HOOKS:
        if _takes_context(hook):
            response = hook(request, text, context=context)
        else:
            response = hook(request, text)
        if response is not None:
            return response
    return default_response
