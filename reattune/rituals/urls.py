from datetime import date

from django.urls import path, register_converter

from reattune.rituals import views
from reattune.rituals.kinds import KINDS


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(value) from error  # the resolver answers 404

    def to_url(self, value) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)


register_converter(IsoDateConverter, "isodate")

urlpatterns = [
    path("rituals/", views.home, name="rituals"),
    path("rituals/timer/", views.timer, name="rituals-timer"),
    path("rituals/ladder/", views.ladder, name="rituals-ladder"),
    path("rituals/agreements/", views.agreements, name="rituals-agreements"),
    path("rituals/timeout/", views.timeout, name="rituals-timeout"),
    path("rituals/timeout/<int:timeout_id>/end/", views.timeout_end, name="rituals-timeout-end"),
    path("rituals/calendar/", views.calendar, name="rituals-calendar"),
    path("rituals/calendar/new/", views.feed_create, name="rituals-feed-create"),
    path("rituals/calendar/revoke/", views.feed_revoke, name="rituals-feed-revoke"),
    path("rituals/calendar/<str:token>.ics", views.feed, name="rituals-feed"),
    path("rituals/progress/", views.progress_page, name="rituals-progress"),
    path("rituals/react/", views.react, name="rituals-react"),
]
for _key in KINDS:
    urlpatterns += [
        path(f"rituals/{_key}/", views.ritual_form, {"kind": _key}, name=f"rituals-{_key}"),
        path(
            f"rituals/{_key}/<isodate:period>/",
            views.ritual_period,
            {"kind": _key},
            name=f"rituals-{_key}-period",
        ),
    ]
