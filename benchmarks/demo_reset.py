"""`invoke demo.reset` from a local snapshot at scale 1, start to printed logins (as a user runs it)."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import Row, build, median_of
from builder.postgres.embedded import free_port

PROJECT = Path(__file__).resolve().parent.parent


def measure(repeat: int = 3) -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="cpd-bench-demo-"))
    os.chmod(work, 0o755)
    env = {**os.environ, "CPD_DEMO_HOME": str(work / "home"), "CPD_DEMO_PORT": str(free_port()),
           "CPD_DEMO_SNAPSHOTS": str(work / "snaps")}
    env.pop("DATABASE_URL", None)
    def invoke(*args: str) -> None:
        subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, env=env, check=True, capture_output=True)

    try:
        build(provider="embedded", output=work / "snaps", echo=lambda m: None)
        (work / "home").mkdir(mode=0o755)
        cold = median_of(repeat, lambda: invoke("demo.down"), lambda: invoke("demo.reset"))
        warm = median_of(repeat, None, lambda: invoke("demo.reset"))
        return [Row("demo", "demo.reset, scale 1, server stopped (starts it)", cold, "–", None, goal="< 10 s"),
                Row("demo", "demo.reset, scale 1, server running", warm, "–", None, goal="< 10 s")]
    finally:
        subprocess.run([sys.executable, "-m", "invoke", "demo.down"], cwd=PROJECT, env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
