"""No import circle between Python modules, nor between features (DESIGN.md rule 4)."""

from __future__ import annotations

import functools

import grimp

PACKAGES = ("sar_coord", "ais_ingest", "alerts")
# The composition root and the CLI assemble everything; every other sar_coord module belongs to
# a feature (sar_coord.<feature>.*) or is a top-level helper module of its own.
ROOTS = {"sar_coord.main", "sar_coord.cli"}


@functools.cache
def _graph() -> grimp.ImportGraph:
    # Imports under `if TYPE_CHECKING:` and inside functions count: a circle is a circle.
    return grimp.build_graph(*PACKAGES, include_external_packages=False, cache_dir=None)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (or a self-loop), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        # Iterative Tarjan: (node, iterator over its successors).
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(edges.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    found.append(sorted(component))
    return found


def feature_of(module: str) -> str:
    """sar_coord.<feature> for feature modules, the module itself for sar_coord's top-level
    modules, else the top-level package (ais_ingest, alerts)."""
    parts = module.split(".")
    if parts[0] != "sar_coord":
        return parts[0]
    if len(parts) == 1 or module in ROOTS:
        return module
    return ".".join(parts[:2])


def module_edges(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    """Module -> the modules it imports directly (our packages only)."""
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def test_cycle_finder_finds_a_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert _cycles(edges) == [["a", "b", "c"], ["e"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_between_modules() -> None:
    cycles = _cycles(module_edges(_graph()))
    assert cycles == [], f"import circles between modules: {cycles}"


def test_no_import_cycle_between_features() -> None:
    features: dict[str, set[str]] = {}
    for module, imported in module_edges(_graph()).items():
        mine = feature_of(module)
        targets = features.setdefault(mine, set())
        # A package's __init__ (sar_coord) is not a feature: importing __version__ is no circle.
        targets |= {feature_of(i) for i in imported if feature_of(i) not in (mine, "sar_coord")}
    cycles = _cycles(features)
    assert cycles == [], f"import circles between features: {cycles}"
