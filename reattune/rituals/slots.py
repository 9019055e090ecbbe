"""Places on the rituals pages that other features fill in.

- Plan card: the plan feature registers a function
  ``(request) -> (template name, context) | None`` with :func:`register_plan_card`; the
  rituals home shows the first card returned, above today's rituals.
- Progress sections (check-up areas across check-ups, from the assessments feature):
  ``(request, space) -> (template name, context) | None`` with
  :func:`register_progress_section`; the progress page shows them after the charts.
  The function should aggregate in the database like reattune/rituals/progress.py does.
"""

_PLAN_CARDS = []
_PROGRESS_SECTIONS = []


def register_plan_card(func):
    _PLAN_CARDS.append(func)
    return func


def register_progress_section(func):
    _PROGRESS_SECTIONS.append(func)
    return func


def plan_card(request):
    for func in _PLAN_CARDS:
        card = func(request)
        if card is not None:
            return card
    return None


def progress_sections(request, space):
    sections = []
    for func in _PROGRESS_SECTIONS:
        section = func(request, space)
        if section is not None:
            sections.append(section)
    return sections
