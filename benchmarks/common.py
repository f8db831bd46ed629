"""What every benchmark shares: repeated timings, medians, and one result row per comparison."""

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from builder.clock import parse_instant
from builder.snapshot import build as snapshot_build

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    group: str          # which issue's figure: seed, restore, rebase, image, s3, demo, build, scale
    measured: str
    ours: float
    baseline_name: str
    baseline: float | None
    unit: str = "s"
    goal: str = ""

    @property
    def ratio(self) -> float | None:
        return self.ours / self.baseline if self.baseline else None


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_of(repeat: int, setup, fn) -> float:
    samples = []
    for _ in range(repeat):
        if setup:
            setup()
        samples.append(timed(fn))
    return statistics.median(samples)


def markdown(rows: list[Row], header: str) -> str:
    lines = [header, "", "| measured | ours | baseline | baseline value | ratio | goal |", "|---|---:|---|---:|---:|---|"]
    for r in rows:
        base = f"{r.baseline:.2f} {r.unit}" if r.baseline is not None else "–"
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "–"
        lines.append(f"| {r.measured} | {r.ours:.2f} {r.unit} | {r.baseline_name} | {base} | {ratio} | {r.goal} |")
    return "\n".join(lines) + "\n"


def build(provider="embedded", seed=None, scale=1, anchor=None, output="snapshots", force=False, echo=print):
    """A snapshot build with the benchmarks' usual arguments."""
    options = snapshot_build.BuildOptions(provider=provider, scale=scale, anchor=parse_instant(anchor, zone="UTC"),
                                          **({"seed": seed} if seed is not None else {}))
    return snapshot_build.build(options, output=output, force=force, echo=echo)


def run_child(cmd: list[str], **kwargs) -> None:
    """A child process that must succeed; its own last words are the error when it does not."""
    import subprocess

    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError(f"{Path(cmd[0]).name} failed: {proc.stderr.strip()[-500:]}")


def whole_command(*args: str) -> None:
    """`invoke ARGS` as a person runs it: a new process, its imports, its connections (DATABASE_URL
    unset, as at a terminal). Fails loudly: a benchmark of a failing command measures nothing."""
    import os
    import subprocess
    import sys

    # As at a terminal: no DATABASE_URL, and Python's compiled modules kept (a machine that sets
    # PYTHONDONTWRITEBYTECODE, like this one, would otherwise compile every module on every run).
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONDONTWRITEBYTECODE")}
    proc = subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"invoke {args[0]} failed: {proc.stderr.strip()[-300:]}")
