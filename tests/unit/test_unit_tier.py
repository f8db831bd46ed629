"""The unit tier stays a unit tier: no module under tests/unit imports what starts a server (an
embedded cluster, Docker, moto, a browser, the tool run as a command) or asks for a fixture that
does. A new fixture in conftest counts as one until it is named harmless here."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
# What a unit test may not import: each starts (or runs through) a server, a cluster, a container or a browser.
STARTS_SERVERS = ("builder.postgres.embedded", "docker", "moto", "playwright", "boto3", "invoke",
                  "tests.support.builds", "tests.support.commands", "tests.support.console",
                  "tests.support.images", "tests.support.postgres", "tests.support.pretix", "tests.conftest")
HARMLESS_FIXTURES = {"workdir"}  # conftest's fixtures that start nothing


def conftest_fixtures() -> set[str]:
    tree = ast.parse((TESTS / "conftest.py").read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)
            and any("fixture" in ast.unparse(d) for d in node.decorator_list)}


def imports(tree: ast.Module) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def asked_fixtures(tree: ast.Module) -> set[str]:
    """Every argument a function of the module takes (tests and the module's own fixtures)."""
    return {arg.arg for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) for arg in node.args.args}


def test_unit_modules_import_nothing_that_starts_a_server():
    found = []
    for path in sorted((TESTS / "unit").glob("*.py")):
        for module in imports(ast.parse(path.read_text())):
            if any(module == bad or module.startswith(bad + ".") for bad in STARTS_SERVERS):
                found.append(f"{path.name}: {module}")
    assert found == []


def test_unit_tests_ask_for_no_fixture_that_starts_a_server():
    starting = conftest_fixtures() - HARMLESS_FIXTURES
    assert {"pg", "managed", "docker_client", "console", "browser", "built"} <= starting
    found = [f"{path.name}: {name}" for path in sorted((TESTS / "unit").glob("*.py"))
             for name in sorted(asked_fixtures(ast.parse(path.read_text())) & starting)]
    assert found == []


def test_the_check_sees_a_unit_module_that_would_start_one():
    sample = ast.parse("from tests.support.postgres import query\nimport docker\ndef test_x(pg):\n    pass\n")
    assert {"tests.support.postgres", "docker"} <= imports(sample) and "pg" in asked_fixtures(sample)


def test_no_test_imports_from_conftest():
    """conftest holds fixtures; what tests share as plain code lives in tests/support."""
    found = [str(path.relative_to(TESTS)) for path in sorted(TESTS.rglob("*.py")) if path.name != "conftest.py"
             and any(m == "tests.conftest" or m.startswith("tests.conftest.") for m in imports(ast.parse(path.read_text())))]
    assert found == []
