"""{% asset 'reattune/app.css' %}: the address {% static %} gives, worked out once per process.

With the manifest storage each {% static %} looks the file up in the manifest, splits and
joins the address and escapes it again (about a tenth of a millisecond each here, and a page
has five to nine of them). The address of a file is the same for every page and everyone
until the static files are collected again, which only happens when the server starts
(`reattune serve`), so it is kept per process, escaped as the template would escape it. A
change of the settings it depends on (tests change them) forgets what was kept.
"""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.templatetags.static import static
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

register = template.Library()

# What {% static %}'s address depends on besides the path.
_SETTINGS = frozenset({"STATIC_URL", "STATIC_ROOT", "STORAGES", "DEBUG", "FORCE_SCRIPT_NAME"})


@functools.lru_cache(maxsize=256)
def _address(path: str) -> SafeString:
    return conditional_escape(static(path))


@register.simple_tag
def asset(path: str) -> SafeString:
    """The same text as {% static path %} in an HTML template."""
    return _address(path)


def _forget(*, setting: str, **kwargs: Any) -> None:
    if setting in _SETTINGS:
        _address.cache_clear()


setting_changed.connect(_forget)
