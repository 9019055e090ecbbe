"""No module uses a views module as a library: only URL maps import views.

A page's view renders; what other modules need from it (a read, page shaping, a helper) lives
in the app's queries.py, present.py or a module named for it. The import-linter contract in
pyproject.toml forbids one app importing another app's views; this test also covers an app's
own modules (vault/rest.py once imported vault.views for the session tag), counting imports
inside functions too.
"""

import grimp


def _views_importers() -> dict[str, set[str]]:
    graph = grimp.build_graph("reattune", cache_dir=None)
    views = {m for m in graph.modules if m.rsplit(".", 1)[-1] == "views"}
    found: dict[str, set[str]] = {}
    for module in views:
        for importer in graph.find_modules_that_directly_import(module):
            if importer.rsplit(".", 1)[-1] == "urls":
                continue
            found.setdefault(module, set()).add(importer)
    return found


def test_the_finder_sees_the_url_maps_import_views():
    graph = grimp.build_graph("reattune", cache_dir=None)
    assert "reattune.rituals.urls" in graph.find_modules_that_directly_import(
        "reattune.rituals.views"
    )


def test_only_url_maps_import_views():
    assert _views_importers() == {}, "a views module imported as a library"
