"""How build cost grows: time and peak memory of `invoke snapshot.build` at several scales.

Peak memory is the largest resident set of the build's own processes (the task and the seeding
command), read from getrusage of the finished children; the Postgres server is not counted.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import Row

PROJECT = Path(__file__).resolve().parent.parent
PROBE = """
import resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def build_cost(scale: int, out: Path) -> tuple[float, float]:
    """(seconds, peak MiB) of one `invoke snapshot.build --scale N`, in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    cmd = [sys.executable, "-c", PROBE, sys.executable, "-m", "invoke", "snapshot.build", "--provider", "embedded",
           "--scale", str(scale), "--output", str(out), "--force"]
    result = subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, text=True, check=True)
    seconds, kib = result.stdout.split()
    return float(seconds), int(kib) / 1024


def measure(scales=(1, 10, 100, 1000)) -> list[Row]:
    rows = []
    work = Path(tempfile.mkdtemp(prefix="cpd-bench-scale-"))
    try:
        previous: tuple[int, float] | None = None
        for scale in scales:
            seconds, peak = build_cost(scale, work / f"s{scale}")
            name, linear = "–", None
            if previous:
                name, linear = f"scale {previous[0]} time × {scale // previous[0]}", previous[1] * scale / previous[0]
            rows.append(Row("scale", f"snapshot.build, scale {scale}: time", seconds, name, linear,
                            goal="at most linear (ratio ≤ 1)"))
            previous = (scale, seconds)
            rows.append(Row("scale", f"snapshot.build, scale {scale}: peak memory", peak, "1 GiB", 1024.0,
                            unit="MiB", goal="< 1 GiB at scale 1000"))
            shutil.rmtree(work / f"s{scale}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows
