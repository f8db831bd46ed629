"""The README and docs/ name only what exists: every `invoke X` and `cpd-demo X` is a task (with the
flags it is given there), every repository path a file or folder, every link a page; and the README
stays short enough to read (at most ~250 lines)."""

import re
from pathlib import Path

import pytest

from builder.cli.program import namespace

PROJECT = Path(__file__).resolve().parents[2]
PAGES = [PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md"))]
# Top-level folders and files of the repository: a path in the docs starting with one must exist.
ROOTS = ("builder/", "cpd_events_demo/", "cpd_platform/", "container/", "deploy/", "docs/", "examples/", "scripts/",
         "benchmarks/", "tests/", ".github/", ".ci/")
FILES = ("cpd-demo.toml", "compose.yaml", "Dockerfile", "pyproject.toml", "tasks.py", "setup.py", "manage.py")
# Made by using the tool, not kept in the repository: the benchmarks' output, pretix's virtualenv and data.
MADE_BY_USE = ("docs/benchmarks/results.md", "docs/benchmarks/chart.png", "docs/benchmarks/profile.md",
               "examples/pretix/.venv", "examples/pretix/data/")


def tasks() -> dict[str, set[str]]:
    """Every task name with its flags, as `invoke --list` and `cpd-demo --list` show them (and bench)."""
    out = {"bench": {"repeat", "quick", "large", "only"}}
    ns = namespace()
    for collection in ns.collections.values():
        for name, found in collection.tasks.items():
            params = {a.lstrip("_").rstrip("_").replace("_", "-") for a in found.get_arguments() for a in a.names}
            out[f"{collection.name}.{name}"] = params
    return out


def commands(text: str) -> list[tuple[str, list[str]]]:
    """(task, flags) of every `invoke X …` and `cpd-demo X …` in a page's code and prose."""
    found = []
    for match in re.finditer(r"(?:^|[\s`(])(?:python3? -m )?(?:invoke|cpd-demo) ([a-z][a-z-]*(?:\.[a-z-]+)?)([^\n`|;#&$]*)",
                             text):
        name, rest = match.group(1), match.group(2)
        if name in ("x", "task"):  # "invoke X", "cpd-demo TASK": the words, not a task
            continue
        found.append((name, re.findall(r"(?<![\w-])--([a-z][a-z-]*)", rest)))
    return found


def paths(text: str) -> set[str]:
    """Repository paths a page names: in backticks or as a link target."""
    named = set()
    for token in re.findall(r"`([^`\s]+)`", text) + re.findall(r"\]\(([^)#\s]+)", text):
        token = token.split("::")[0].rstrip(".,:;")
        token = re.sub(r"(\.py):\w+$", r"\1", token)  # builder/store/__init__.py:open_store
        if token.startswith(("http", "s3:", "/", "<")) or any(c in token for c in "*<>{}…$=") or "..." in token:
            continue
        if token.startswith(ROOTS) or token in FILES:
            named.add(token)
    return named


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_in_the_docs_is_a_task_with_those_flags(page):
    known = tasks()
    wrong = []
    for name, flags in commands(page.read_text()):
        if name.startswith("-"):
            continue
        if name not in known:
            wrong.append(f"{name}: no such task")
            continue
        wrong += [f"{name} --{flag}: no such flag" for flag in flags
                  if flag not in known[name] and flag not in ("help", "list", "version")]
    assert not wrong, f"{page.name}: {wrong}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_path_in_the_docs_exists(page):
    base = PROJECT if page.name == "README.md" else page.parent
    missing = []
    for token in sorted(paths(page.read_text())):
        where = [PROJECT / token, base / token]
        if token in MADE_BY_USE or any(p.exists() for p in where):
            continue
        missing.append(token)
    assert not missing, f"{page.name} names what does not exist: {missing}"


def test_links_between_pages_resolve():
    for page in PAGES:
        for target in re.findall(r"\]\(([^)#\s]+\.(?:md|png))", page.read_text()):
            if target.startswith("http"):
                continue
            assert (page.parent / target).exists(), (page.name, target)


def test_the_readme_is_short_and_names_the_platforms_timezone_and_the_suites_needs():
    text = (PROJECT / "README.md").read_text()
    assert len(text.splitlines()) <= 250
    assert "America/New_York" in text and "python3 -m venv" in text
    for need in ("about 20 minutes on 2 cores", "Docker engine", "registry", "pretix", "Chromium"):
        assert need in text, need
    for port in ("CPD_DEMO_PORT", "--port", "CPD_DEMO_BUILD_PORT", "CPD_DEMO_CONSOLE_PORT"):
        assert port in text, port
