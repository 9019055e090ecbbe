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
