"""fieldwork's packages import each other one way only: no cycle between them, not even hidden in a function.

Each package (`fieldwork/<pkg>/`) is one node and each top-level module (`fieldwork/<mod>.py`) another;
`fieldwork/__init__.py` (the app factory, which imports every blueprint) is the node `fieldwork`. An import
inside a function counts: it only postpones the cycle to the first call.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "fieldwork"
ROOT = "fieldwork"

#: (importer node, imported node) edges left out of the check, each with its reason. Keep it empty.
ALLOWED: dict[tuple[str, str], str] = {}


def _nodes() -> set[str]:
    return {p.stem for p in PACKAGE.glob("*.py") if p.name != "__init__.py"} | {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()
    }


def _node_of_file(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    if len(parts) > 1:
        return parts[0]
    return ROOT if parts[0] == "__init__.py" else path.stem


def _imported_nodes(node: ast.AST, nodes: set[str]) -> list[str]:
    """The graph nodes an `import` or `from … import` statement reaches ([] for anything outside fieldwork)."""
    if isinstance(node, ast.Import):
        modules = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        if node.module == ROOT:  # `from fieldwork import audit` is the module; `import PROJECT_ROOT` the root
            return [alias.name if alias.name in nodes else ROOT for alias in node.names]
        modules = [node.module]
    else:
        assert not isinstance(node, ast.ImportFrom), "fieldwork imports absolutely (`from fieldwork.x import y`)"
        return []
    parts = [m.split(".") for m in modules]
    return [p[1] if len(p) > 1 else ROOT for p in parts if p[0] == ROOT]


def import_graph() -> dict[str, dict[str, list[str]]]:
    """{importer: {imported: ["fieldwork/file.py:line", …]}} over every module of fieldwork."""
    nodes, graph = _nodes(), {}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _node_of_file(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            for target in _imported_nodes(node, nodes):
                if target != source and (source, target) not in ALLOWED:
                    where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
                    graph.setdefault(source, {}).setdefault(target, []).append(where)
    return graph


def cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while (w := stack.pop()) != v:
                component.append(w)
            if component:
                found.append(sorted([v, *component]))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_fieldwork_packages_import_each_other_one_way_only():
    graph = import_graph()
    report = []
    for component in cycles(graph):
        report.append(" <-> ".join(component))
        report += [f"    {a} -> {b}: {', '.join(graph[a][b])}"
                   for a in component for b in sorted(graph.get(a, {})) if b in component]
    assert not report, "import cycles between fieldwork's packages:\n" + "\n".join(report)


def test_the_check_sees_a_cycle_hidden_in_a_function():
    graph = {"a": {"b": ["a.py:1"]}, "b": {"c": ["b.py:1"]}, "c": {"a": ["c.py:9 (inside a function)"]}, "d": {}}
    assert cycles(graph) == [["a", "b", "c"]]
    tree = ast.parse("def f():\n    from fieldwork.supervision.charts import line\n")
    assert [n for s in ast.walk(tree) for n in _imported_nodes(s, {"supervision"})] == ["supervision"]
