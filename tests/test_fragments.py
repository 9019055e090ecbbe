"""The tab bar, rendered once per process (core.fragments): each page
gets the same HTML as rendering the template itself, with its own CSRF token, never another
request's."""

from types import SimpleNamespace

from django.template import Context, Template
from django.template.loader import get_template
from django.test import RequestFactory

from reattune.core.templatetags.shell import PARTNER_MORE, PARTNER_TABS, _url

NAV = Template("{% load shell %}{% main_nav as nav %}{{ nav.html }}")


def _render(template, path, role, token):
    request = RequestFactory().get(path)
    request.user = SimpleNamespace(is_authenticated=True, role=role)
    return template.render(Context({"request": request, "csrf_token": token}))


def _nav_paths():
    names = [name for _key, _label, name in PARTNER_TABS] + [name for _l, name in PARTNER_MORE]
    return ["/", "/results/us/", "/learn/", "/invite/"] + [_url(n, "/") for n in names]


def test_tab_bar_is_the_template_with_each_pages_own_token():
    for role in ("partner", "therapist"):
        for path in _nav_paths():
            first = _render(NAV, path, role, "tokenA1")
            second = _render(NAV, path, role, "tokenB2")
            assert 'value="tokenA1"' in first and "tokenB2" not in first
            assert 'value="tokenB2"' in second and "tokenA1" not in second
            # the same as rendering the template for this page and token
            assert first == get_template("includes/main_nav.html").render(
                {"nav": _nav_of(path, role), "csrf_token": "tokenA1"}
            )


def _nav_of(path, role):
    from reattune.core.templatetags import shell

    therapist = role == "therapist"
    current = shell._current(path, shell._candidates(therapist, "/"))
    return shell._nav(therapist, "/", current)


def test_current_tab_is_the_longest_matching_address():
    assert _nav_of("/invite/", "partner")["tabs"][3]["current"]  # Us
    report = _render(NAV, _url("report", "/"), "partner", "t1")
    assert f'<a href="{_url("report", "/")}" aria-current="page">Report</a>' in report
    assert 'href="#more" aria-current="true"' in report


def test_the_shared_tab_bar_cannot_be_changed_by_a_page():
    nav = _nav_of(_url("report", "/"), "partner")
    assert nav is _nav_of(_url("report", "/"), "partner")  # one object for every request
    for attempt in (
        lambda: nav.__setitem__("more_current", False),
        lambda: nav["tabs"][0].__setitem__("current", True),
        lambda: nav["more"].append({}),
    ):
        try:
            attempt()
        except (TypeError, AttributeError):
            continue
        raise AssertionError("the shared tab bar was changed")


def test_asset_is_the_static_address_and_follows_the_settings():
    from django.test import override_settings

    page = Template("{% load static %}{% static 'reattune/app.css' %}|{% static 'a b&c.js' %}")
    cached = Template("{% load assets %}{% asset 'reattune/app.css' %}|{% asset 'a b&c.js' %}")
    assert cached.render(Context()) == page.render(Context())
    with override_settings(STATIC_URL="/elsewhere/"):
        moved = cached.render(Context())
        assert moved.startswith("/elsewhere/") and moved == page.render(Context())
    assert cached.render(Context()) == page.render(Context())


def test_first_on_page_is_per_request():
    from reattune.core.request_context import CoupleContext

    tag = Template('{% load vault_tags %}{% first_on_page "x" as first %}{{ first }}')

    def page():
        request = RequestFactory().get("/")
        request.couple = CoupleContext(user=SimpleNamespace(pk=1, is_authenticated=True))
        return [tag.render(Context({"request": request})) for _ in range(3)]

    assert page() == ["True", "False", "False"]
    assert page() == ["True", "False", "False"]  # a new request draws it again
    assert tag.render(Context({})) == "True"  # no request: always drawn
