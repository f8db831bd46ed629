"""Rooms people can live in: no module of the project over 500 lines, no class over 300."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("builder", "cpd_events_demo", "cpd_platform", "benchmarks", "tests", "tasks.py", "setup.py")
MODULE_LINES, CLASS_LINES = 500, 300


def modules() -> list[Path]:
    found = []
    for name in SOURCES:
        path = ROOT / name
        found += [path] if path.is_file() else sorted(p for p in path.rglob("*.py") if "migrations" not in p.parts)
    return found


def test_no_module_over_500_lines():
    assert len(modules()) > 100
    too_long = [f"{p.relative_to(ROOT)}: {n}" for p in modules() if (n := len(p.read_text().splitlines())) > MODULE_LINES]
    assert too_long == []


def test_no_class_over_300_lines():
    too_long = [f"{p.relative_to(ROOT)}: {node.name} {node.end_lineno - node.lineno + 1}"
                for p in modules() for node in ast.walk(ast.parse(p.read_text()))
                if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > CLASS_LINES]
    assert too_long == []
