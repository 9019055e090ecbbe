"""No import cycles in reattune, counted with every import (those inside functions too).

Between modules there is none: no module ends up importing itself through others. Between
apps (the packages right under reattune/, each top-level module counted on its own) the pairs
that still import each other are listed below and may only shrink: a new pair fails here.
Break one with a read module (<app>/queries.py, <app>/present.py, couples/membership.py) or a
registration from AppConfig.ready() (docs/decisions/0004-read-side-and-layers.md).
"""

import grimp

# Pairs of apps that still import each other, directly, in both directions.
KNOWN_MUTUAL_APPS = {
    # api/urls.py mounts each app's router, and each router uses api/base.py.
    ("accounts", "api"), ("api", "assessments"), ("api", "care"), ("api", "coach"),
    ("api", "couples"), ("api", "journal"), ("api", "plans"), ("api", "reports"),
    ("api", "rituals"), ("api", "vault"),
    # Joining needs the invite read; sign-up/leaving/deleting create, leave and clean up.
    ("accounts", "couples"), ("accounts", "exports"), ("couples", "exports"),
    # The help card and therapist pages read journal, rituals and plans; they ask care.safety.
    ("care", "journal"), ("care", "plans"), ("care", "rituals"),
}  # fmt: skip


def _components(nodes, edges) -> list[set]:
    """Strongly connected components of more than one node (Tarjan, without recursion)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    for root in sorted(nodes):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(edges.get(root, ()))))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def _graph():
    graph = grimp.build_graph("reattune", cache_dir=None)
    modules = set(graph.modules)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) & modules for m in modules}
    return modules, edges


def _app_edges(modules, edges) -> dict[str, set[str]]:
    packages = {
        m for m in modules if m.count(".") == 1 and any(n.startswith(m + ".") for n in modules)
    }

    def app(module: str) -> str:
        top = ".".join(module.split(".")[:2])
        return top.split(".")[1] if top in packages else module

    result: dict[str, set[str]] = {}
    for module, imported in edges.items():
        for other in imported:
            if app(module) != app(other):
                result.setdefault(app(module), set()).add(app(other))
    return result


def test_the_cycle_finder_finds_a_cycle_and_nothing_else():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert _components({"a", "b", "c", "d", "e"}, edges) == [{"a", "b", "c"}]


def test_the_cycles_this_refactor_broke_stay_broken():
    modules, edges = _graph()
    app_edges = _app_edges(modules, edges)
    assert not edges["reattune.core.access"] & {
        m for m in modules if m.startswith("reattune.couples")
    }
    assert "plans" not in app_edges.get("assessments", set())
    assert "care" not in app_edges.get("core", set())


def test_no_module_imports_itself_through_others():
    modules, edges = _graph()
    cycles = _components(modules, edges)
    assert cycles == [], f"import cycle between modules: {cycles}"


def test_no_new_pair_of_apps_imports_each_other():
    modules, edges = _graph()
    app_edges = _app_edges(modules, edges)
    mutual = {
        tuple(sorted((a, b))) for a, targets in app_edges.items() for b in targets
        if a in app_edges.get(b, set())
    }  # fmt: skip
    assert mutual - KNOWN_MUTUAL_APPS == set(), "new pair of apps importing each other"
    assert KNOWN_MUTUAL_APPS - mutual == set(), "a pair is gone: take it off KNOWN_MUTUAL_APPS"
