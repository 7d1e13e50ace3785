"""No module imports another in a loop, directly or through others (function-level imports
included). The layers between apps are checked by import-linter (.ci/run: lint-imports); this
catches loops inside an app too."""

import sys
from pathlib import Path

import grimp
from django.conf import settings


def _project_packages() -> list[str]:
    base = Path(settings.BASE_DIR)
    return sorted(app for app in settings.INSTALLED_APPS if (base / app / "__init__.py").exists())


def import_cycles(graph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(graph.modules):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return groups


def test_no_module_imports_another_in_a_loop():
    sys.path.insert(0, str(settings.BASE_DIR))
    graph = grimp.build_graph(*_project_packages(), include_external_packages=False)
    assert import_cycles(graph) == []


def test_the_cycle_finder_finds_a_loop():
    graph = grimp.ImportGraph()
    for m in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(m)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert import_cycles(graph) == [["a.x", "a.y"]]
