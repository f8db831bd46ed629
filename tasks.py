"""Invoke tasks of cpd-demo-db: the collections of `builder.cli`, one module each (the same as the
installed `cpd-demo` command's, builder/cli/program.py), and `bench`.

`invoke --list` shows them; `invoke --help TASK` shows a task's flags. Errors a user can cause end
with one sentence and exit code 1.
"""

import os
import sys

from invoke import task

from builder.cli import tool
from builder.cli.program import namespace


@task(name="bench", auto_shortflags=False, help={
    "repeat": "Runs per measurement (default 3); medians are reported.",
    "quick": "Scales 1 and 10 only: a smoke run.",
    "large": "Also scale 1000 (several minutes more).",
    "only": "Comma-separated subset: pipeline,image,s3,demo,named,console,scaling,profile."})
@tool
def bench(c, repeat="3", quick=False, large=False, only="pipeline,image,s3,demo,named,console,scaling,profile"):
    """Measure every step beside the bare tool doing the same work; writes docs/benchmarks/ and the docs' tables."""
    from builder.clock import parse_int

    args = [sys.executable, "-m", "benchmarks.run", "--repeat", str(parse_int(repeat, "--repeat", 1, 50)),
            "--only", only] + (["--quick"] if quick else []) + (["--large"] if large else [])
    os.execv(sys.executable, args)


# The engine's collections (the `cpd-demo` command's), and the benchmarks of this repository.
ns = namespace()
ns.add_task(bench)
