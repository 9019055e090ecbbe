"""reattune.server.warm(): what gunicorn's master builds once before it forks the workers."""

from django.db import connections
from django.template import engines
from django.urls import clear_url_caches, get_resolver
from django.utils.translation import get_language

from reattune import server


def test_warm_builds_the_reverse_table_and_the_frame_templates_without_a_connection(monkeypatch):
    # No django_db mark: pytest-django refuses any database connection in this test, so warm()
    # passing shows it opens none; the connections are closed at its end all the same.
    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))
    clear_url_caches()
    loader = engines["django"].engine.template_loaders[0]  # the cached loader (settings)
    loader.reset()
    server.warm()
    assert get_language() in get_resolver()._reverse_dict
    assert set(server.FRAME_TEMPLATES) <= set(loader.get_template_cache)
    assert closed == [True]


def test_the_served_application_is_warmed_before_it_is_handed_to_gunicorn(monkeypatch):
    calls = []
    monkeypatch.setattr(server, "warm", lambda: calls.append("warm"))
    application = server.Server({}).load()
    assert calls == ["warm"] and callable(application)
