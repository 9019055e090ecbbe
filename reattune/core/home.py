"""Home page cards contributed by feature apps.

Each feature registers a function (request) -> (template name, context) | None, so the home
view stays thin and features stay independent.
"""

_PANELS = []


def register_panel(func):
    _PANELS.append(func)
    return func


def home_panels(request):
    panels = []
    for func in _PANELS:
        panel = func(request)
        if panel is not None:
            panels.append(panel)
    return panels
