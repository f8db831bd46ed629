"""No import circle among the project's modules: each module's imports (deferred ones inside
functions included, read from the source with ast) go one way. A circle hidden by a deferred import
still makes two modules one, and whichever is imported first sees the other half-made."""

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PACKAGES = ("builder", "cpd_platform", "cpd_events_demo")
# No circle is allowed (the rules became a package whose modules import downwards only).
ALLOWED: set[frozenset[str]] = set()


def module_names() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (PROJECT / package).rglob("*.py"):
            parts = path.relative_to(PROJECT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project's modules `name` imports, anywhere in it. An import names the module itself (the
    packages Python runs first on the way are not counted: a package's __init__ may gather its modules)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from package import module` imports the module; `from module import name`, the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # `import builder.x.y` of a module; a name inside one
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def project_graph() -> dict[str, set[str]]:
    modules = module_names()
    return {name: imports(name, path, modules) for name, path in modules.items()}


def test_the_reader_sees_every_kind_of_import():
    """The reader is not blind: top-level, deferred, relative and `from package import module` imports
    all count, and a circle through a deferred import is found."""
    graph = project_graph()
    assert "cpd_events_demo.plan" in graph["cpd_events_demo.checks.planned"]
    assert "cpd_events_demo.checks.believable" in graph["cpd_events_demo.checks"]  # from package import module
    assert "builder.named.names" in graph["builder.cli.named"]  # imported inside a task's function
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_no_import_circle_among_the_projects_modules():
    found = [c for c in circles(project_graph()) if frozenset(c) not in ALLOWED]
    assert not found, f"import circles: {[sorted(c) for c in found]}"
