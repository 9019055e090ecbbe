"""What happens after a person saves free text: hooks such as the crisis check.

Saving always happens first; a hook may only change where the person goes next.
"""

_HOOKS = []


def register_after_save(func):
    """func(request, text) -> HttpResponse | None"""
    _HOOKS.append(func)
    return func


def after_text_saved(request, text, default_response):
    for hook in _HOOKS:
        response = hook(request, text)
        if response is not None:
            return response
    return default_response
