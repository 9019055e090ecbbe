"""Every page of the URL map without parameters, as both partners of the demo couple read it.

tests/test_page_text.py (placeholders and plurals) and tests/test_page_weight.py (bytes on the
wire) check different properties of the same GET answers, so the walk is made once per test
process and its answers kept: the first test that asks builds the demo couple (`reattune
demo`: twelve weeks of check-ins, a plan, journal entries) inside a savepoint, GETs every
page as each partner, and rolls the savepoint back. A GET writes nothing
(tests/test_no_get_changes.py), so the order of the requests does not change the answers.
"""

import io
from contextlib import redirect_stdout
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import transaction
from django.test import Client

from tests.access import matrix


@dataclass(frozen=True)
class Page:
    route: str  # as in the URL map, without the leading slash
    email: str  # the demo partner who read it
    status: int
    content_type: str
    html: str  # the body, decoded (pages that are not HTML keep it empty)

    @property
    def is_html_page(self) -> bool:
        return self.status == 200 and "html" in self.content_type


_pages: tuple[Page, ...] | None = None


def page_routes() -> list[str]:
    return [
        route
        for route in matrix.url_routes()
        if not matrix.is_api(route) and not matrix.route_params(route)
    ]


def demo_pages() -> tuple[Page, ...]:
    """Every page without parameters for each demo partner (call it from a database test)."""
    global _pages
    if _pages is None:
        from reattune import demo
        from reattune.accounts.models import User

        pages = []
        with transaction.atomic():
            with redirect_stdout(io.StringIO()):
                demo.run(SimpleNamespace(json=False, couples=0, days=0))
            routes = page_routes()
            for email, _ in demo.DEMO_PEOPLE:
                client = Client()
                client.force_login(User.objects.get(email=email))
                for route in routes:
                    response = client.get("/" + route)
                    content_type = response.get("Content-Type", "")
                    html = response.content.decode() if "html" in content_type else ""
                    pages.append(Page(route, email, response.status_code, content_type, html))
            transaction.set_rollback(True)
        _pages = tuple(pages)
    return _pages
