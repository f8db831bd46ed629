"""The image's build context and the files it is made of, without a Docker engine: Python owns the
contract values the entrypoint reads, the tailoring SQL comes from one argument, and no example
serves the demo superuser beyond loopback."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from benchmarks.image_weight import start_period
from builder import clock, settings
from builder.errors import UserError
from builder.snapshot.image import build_context, constants_env
from builder.store import manifest as mf

PROJECT = Path(__file__).resolve().parents[2]
ENTRYPOINT = PROJECT / "container" / "entrypoint.sh"


@pytest.fixture
def snapshot_dir(tmp_path):
    snap = tmp_path / "snap"
    snap.mkdir()
    for name in mf.ALL_FILES:
        (snap / name).write_text(name)
    return snap


@pytest.mark.parametrize("tailoring", ["-- a product's tailoring SQL\nUPDATE t SET x = 1;\n", None])
def test_the_context_carries_the_tailoring_sql_it_is_given_and_the_constants(tmp_path, snapshot_dir, tailoring):
    (tmp_path / "ctx").mkdir()
    context = build_context(snapshot_dir, tmp_path / "ctx", tailoring)
    share = context / "share"
    assert (share / "tailor.sql").exists() == (tailoring is not None)
    if tailoring is not None:
        assert (share / "tailor.sql").read_text() == tailoring
    assert not (context / "prospect.sql").exists()
    assert (share / "constants.env").read_text() == constants_env()
    assert (context / "container" / "entrypoint.sh").stat().st_mode & 0o111


def sourced(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """`script` run by bash after sourcing the entrypoint (its _main guard keeps it from starting),
    with the generated constants where the image has them."""
    (tmp_path / "constants.env").write_text(constants_env())
    (tmp_path / "setup.sh").write_text((PROJECT / "container" / "setup.sh").read_text())
    entrypoint = tmp_path / "entrypoint.sh"
    entrypoint.write_text(ENTRYPOINT.read_text().replace("SHARE=/usr/local/share/cpd-demo", f"SHARE={tmp_path}"))
    return subprocess.run(["bash", "-c", f". {entrypoint}; {script}"], capture_output=True, text=True)


def test_the_entrypoint_reads_the_constants_python_owns(tmp_path):
    out = sourced('printf "%s\\n" "$CPD_DEMO_DEFAULT_PASSWORD" "$CPD_DEMO_DURATION_MAX" "$CPD_DEMO_DURATION_RULE"',
                  tmp_path)
    assert out.stdout.splitlines() == [settings.DEFAULT_PASSWORD, str(int(clock.MAX_DURATION.total_seconds())),
                                       clock.duration_rule()]
    # None of them is written again in the image's scripts.
    for script in (PROJECT / "container").glob("*.sh"):
        text = script.read_text()
        assert settings.DEFAULT_PASSWORD not in text and "86400" not in text and "604800" not in text, script.name


@pytest.mark.parametrize("value", ["30s", "15m", " 8h ", "2D", "1w", "90", "365d", "52w", "0s", "366d", "53w",
                                   "999999999999999d", "99999999999999999999999", "1.5h", "-5m", "fortnight",
                                   "", "5 m", "0031536000", "31536001"])
def test_bash_and_python_read_a_duration_alike(tmp_path, value):
    bash = sourced(f"cpd_seconds {json.dumps(value)}", tmp_path)
    try:
        expected = str(int(clock.parse_duration(value, "--every").total_seconds()))
    except UserError:
        expected = None
    assert (bash.stdout.strip() if bash.returncode == 0 else None) == expected, bash.stderr


def test_the_healthcheck_start_period_covers_the_measured_first_start():
    rows = json.loads((PROJECT / "docs" / "benchmarks" / "results.json").read_text())
    first = [r for r in rows if r["measured"].startswith("first start making 200 demos")]
    assert first, "invoke bench --only image records the 200-demo first start"
    assert start_period() >= first[0]["ours"]


def test_no_example_serves_the_superuser_beyond_loopback():
    """Every `docker run` in the docs publishes on 127.0.0.1 only, or listens on it with host networking."""
    texts = {p.name: p.read_text() for p in [PROJECT / "README.md", *(PROJECT / "docs").glob("*.md")]}
    runs = [(name, line) for name, text in texts.items() for line in text.splitlines() if "docker run" in line]
    assert runs
    for name, line in runs:
        if "--network host" in line:
            assert "listen_addresses=127.0.0.1" in line, (name, line)
        for published in re.findall(r"-p (\S+:\d+)(?=\s)", line):
            assert published.startswith("127.0.0.1:"), (name, line)
    compose = (PROJECT / "compose.yaml").read_text()
    assert re.findall(r'- "([^"]+)"', compose) and all(
        p.startswith("127.0.0.1:") for p in re.findall(r'- "([^"]+:5432)"', compose))
