"""The import graph of our four packages: no cycles, and each layer imports only those below it.

Layers (DESIGN.md): sec (pure, imports nothing of ours) < storage < jobs < bot. The graph is
grimp's, built from the source: imports inside functions count (they run), imports under
``if TYPE_CHECKING:`` do not (they never run, and typing-only references are allowed to loop).
"""

from __future__ import annotations

from collections.abc import Iterator

import grimp
import pytest

PACKAGES = ("bot", "jobs", "storage", "sec")
LAYERS = ("bot", "jobs", "storage", "sec")  # highest first: a layer may import those after it


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None, exclude_type_checking_imports=True)


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = []
        _visit(graph, root, index, low, stack, on_stack, work)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    component = _pop_component(module, stack, on_stack)
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                _visit(graph, child, index, low, stack, on_stack, work)
            elif child in on_stack:
                low[module] = min(low[module], index[child])
    return found


def _visit(
    graph: grimp.ImportGraph,
    module: str,
    index: dict[str, int],
    low: dict[str, int],
    stack: list[str],
    on_stack: set[str],
    work: list[tuple[str, Iterator[str]]],
) -> None:
    index[module] = low[module] = len(index)
    stack.append(module)
    on_stack.add(module)
    work.append((module, iter(sorted(graph.find_modules_directly_imported_by(module)))))


def _pop_component(module: str, stack: list[str], on_stack: set[str]) -> list[str]:
    component: list[str] = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        component.append(member)
        if member == module:
            return component


def test_the_graph_covers_every_package(graph: grimp.ImportGraph) -> None:
    for package in PACKAGES:
        assert f"{package}.__init__" in graph.modules or package in graph.modules
    assert "jobs.worker" in graph.modules and "bot.settings" in graph.modules


def test_there_is_no_import_cycle(graph: grimp.ImportGraph) -> None:
    found = cycles(graph)
    described = [
        " -> ".join(graph.find_shortest_chain(importer=c[1], imported=c[0]) or c) + f" -> {c[1]}"
        for c in found
    ]
    assert not found, "import cycles:\n" + "\n".join(described)


def test_each_layer_imports_only_those_below_it(graph: grimp.ImportGraph) -> None:
    illegal = graph.find_illegal_dependencies_for_layers(layers=LAYERS)
    lines = [
        f"{dep.importer} -> {dep.imported}, e.g. "
        + " -> ".join([min(route.heads), *route.middle, min(route.tails)])
        for dep in sorted(illegal, key=lambda d: (d.importer, d.imported))
        for route in list(dep.routes)[:1]
    ]
    assert not illegal, "layer violations:\n" + "\n".join(lines)


def test_a_cycle_is_found_when_there_is_one() -> None:
    """The checker itself: a made-up loop a -> b -> c -> a is one component."""
    graph = grimp.ImportGraph()
    for importer, imported in (("x.a", "x.b"), ("x.b", "x.c"), ("x.c", "x.a"), ("x.c", "x.d")):
        graph.add_import(importer=importer, imported=imported)
    assert cycles(graph) == [["x.a", "x.b", "x.c"]]
