"""Time zones in words: `{{ name|zone_label }}` ("Amsterdam, Netherlands") wherever a zone is
shown to a person, and `{% zone_options current %}`: the picker's options, drawn once per
process with `current` chosen (couples.present)."""

import functools

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from reattune.couples import present

register = template.Library()


@register.filter
def zone_label(name: str | None) -> str:
    return present.zone_label(name)


@functools.cache
def _options() -> tuple[str, frozenset[str]]:
    choices = present.zone_choices()
    html = format_html_join("", '<option value="{}">{}</option>', choices)
    return str(html), frozenset(value for value, _ in choices)


@register.simple_tag
def zone_options(current: str | None) -> SafeString:
    html, listed = _options()
    if current and current not in listed:  # an older name still shows, and stays chosen
        extra = format_html('<option value="{}">{}</option>', current, present.zone_label(current))
        html = extra + html
    if current:
        chosen = str(format_html('<option value="{}"', current))
        html = html.replace(chosen + ">", chosen + " selected>", 1)
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - every part went through format_html
