"""Home page (Today) cards contributed by feature apps.

Each feature registers a function (request) -> (template name, context) | None, so the home
view stays thin and features stay independent. The cards show in the order of FIRST (a card
naming its template there comes before the others, which keep the order they registered in):
help when it is needed, then what is due today, then this week's practice.
"""

_PANELS = []

FIRST = (
    "care/home_panel.html",
    "rituals/home_panel.html",
    "plans/home_panel.html",
)


def register_panel(func):
    _PANELS.append(func)
    return func


def _rank(panel) -> int:
    template = panel[0]
    return FIRST.index(template) if template in FIRST else len(FIRST)


def home_panels(request):
    panels = []
    for func in _PANELS:
        panel = func(request)
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=_rank)  # stable: the rest keep their registration order
