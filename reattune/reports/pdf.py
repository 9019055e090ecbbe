"""The report as a PDF, made with WeasyPrint, without ever touching the network.

WeasyPrint fetches stylesheets, images and fonts through a URL fetcher. Ours answers only
for our own static files (read from disk through Django's static storage and finders) and
refuses everything else: http(s) elsewhere, file:, data:, ftp:. The document's base URL is
a made-up origin, so a relative link can only ever resolve to it.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

BASE_URL = "https://report.reattune.invalid/"
# WeasyPrint logs every layout step at INFO; keep its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class RefusedURL(ValueError):
    """A resource the report may not load."""


def static_file(url: str) -> Path:
    """The file on disk for one of our static URLs; RefusedURL for anything else."""
    parts = urlsplit(url)
    origin = urlsplit(BASE_URL)
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
        raise RefusedURL(f"not one of our static files: {url}")
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL) or "\x00" in path:
        raise RefusedURL(f"not one of our static files: {url}")
    name = path[len(settings.STATIC_URL) :]
    if not name or any(part in ("", ".", "..") for part in name.split("/")):
        raise RefusedURL(f"not one of our static files: {url}")
    found = None
    try:
        if staticfiles_storage.exists(name):
            found = staticfiles_storage.path(name)
    except NotImplementedError:
        found = None
    if found is None:
        found = finders.find(name)
    if not found:
        raise RefusedURL(f"no such static file: {url}")
    return Path(found)


def url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("https",), allow_redirects=False)

        def fetch(self, url, headers=None):
            path = static_file(url)
            mime, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
            )

        def open(self, url, data=None, timeout=None):  # never the urllib opener
            return self.fetch(getattr(url, "full_url", url))

    return StaticOnlyFetcher()


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher()).write_pdf()
