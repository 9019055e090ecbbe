"""Every page stays light on a phone: its HTML plus every same-origin stylesheet and script it
loads weigh at most 60 KB compressed.

Pages are rendered for both partners of the demo couple (twelve weeks of check-ins, a plan,
journal entries: a couple with some history, so lists and charts are full). Each page's HTML
and each `<link rel="stylesheet">` and `<script src>` under STATIC_URL (read from the static
files themselves, as `serve` collects them) are compressed the way WhiteNoise serves them to a
browser: Brotli when it is installed (the static storage then writes .br files, and every
browser we support asks for them), gzip otherwise. Scripts a page fetches only on demand (the
password-strength bundle the vault loads when a passphrase is typed) are not part of the first
load and are not counted; the test names them so the figure is honest.
"""

import gzip
from html.parser import HTMLParser

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import TestCase

from tests.access.demo_pages import demo_pages

LIMIT = 60 * 1024

try:  # the same test WhiteNoise makes before it writes .br files
    import brotli
except ImportError:  # pragma: no cover - brotli is installed with the app's dependencies
    brotli = None


def compressed_size(data: bytes) -> int:
    """Bytes on the wire, as WhiteNoise would send them (it keeps the smaller file)."""
    sizes = [len(gzip.compress(data, compresslevel=9))]
    if brotli is not None:
        sizes.append(len(brotli.compress(data, quality=8)))  # static_storage.BROTLI_QUALITY
    return min(sizes)


class Assets(HTMLParser):
    """The stylesheets and scripts a page loads, and those it only names for later."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []
        self.on_demand: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.loaded.append(attrs.get("href") or "")
        elif tag == "script" and attrs.get("src"):
            self.loaded.append(attrs["src"])
        for name, value in attrs.items():
            if name.startswith("data-") and name.endswith("-src") and value:
                self.on_demand.append(value)


def static_file(url: str) -> bytes | None:
    """The bytes of a same-origin static file, or None for anything else."""
    if not url.startswith(settings.STATIC_URL):
        return None
    path = finders.find(url[len(settings.STATIC_URL) :].split("?")[0])
    assert path, f"{url} is referenced but no static file has that name"
    with open(path, "rb") as handle:
        return handle.read()


def page_weight(html: str) -> tuple[int, list[tuple[int, str]], list[str]]:
    """(total compressed bytes, [(bytes, what)] biggest first, on-demand scripts)."""
    parser = Assets()
    parser.feed(html)
    parts = [(compressed_size(html.encode()), "the HTML")]
    for url in dict.fromkeys(parser.loaded):  # a file named twice loads once
        data = static_file(url)
        if data is not None:
            parts.append((compressed_size(data), url))
    parts.sort(reverse=True)
    return sum(size for size, _ in parts), parts, parser.on_demand


class PageWeightTests(TestCase):
    def test_compression_is_measured_as_served(self):
        """The measure is real: repeated text shrinks, and never to nothing."""
        text = b"reattune " * 1000
        self.assertLess(compressed_size(text), len(text) // 20)
        self.assertGreater(compressed_size(text), 0)

    def test_every_page_weighs_at_most_60_kb_compressed(self):
        # The demo couple's pages, fetched once for this test and tests/test_page_text.py.
        over, measured, on_demand = [], {}, set()
        for page in demo_pages():
            if not page.is_html_page:
                continue
            total, parts, later = page_weight(page.html)
            on_demand.update(later)
            measured[f"/{page.route}"] = max(total, measured.get(f"/{page.route}", 0))
            if total > LIMIT:
                biggest = ", ".join(f"{what} {size / 1024:.1f} KB" for size, what in parts[:4])
                over.append(f"/{page.route} ({page.email}): {total / 1024:.1f} KB: {biggest}")
        heaviest = sorted(measured.items(), key=lambda item: -item[1])[:5]
        print("heaviest pages:", ", ".join(f"{p} {s / 1024:.1f} KB" for p, s in heaviest))
        print("fetched only on demand (not counted):", ", ".join(sorted(on_demand)) or "none")
        self.assertGreater(len(measured), 25)
        self.assertEqual(over, [], "pages over 60 KB compressed:\n" + "\n".join(over))
