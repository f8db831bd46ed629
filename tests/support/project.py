"""The CPD Events demo as the tests reach it: through its config file like any project, its anchor
and seed, its own `manage.py`, its checks and a named-demo server made as the CLI makes one."""

import os
import subprocess
import sys
from pathlib import Path

from builder import project as projects
from builder.clock import parse_instant
from builder.demo import check

PROJECT = Path(__file__).resolve().parent.parent.parent
# The CPD Events demo, through its config file like any project.
CPD = projects.load(str(PROJECT / "cpd-demo.toml"))
# Chosen so the scenario straddles the US DST change of 2026-03-08 (platform: America/New_York).
ANCHOR = "2026-03-15T14:30:00+00:00"
ANCHOR_AT = parse_instant(ANCHOR, zone="UTC")
SEED = 4242


def manage(url: str, *args: str, media_root: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """The platform stand-in's own `manage.py ARGS` on `url`, as its developers run it (no engine)."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": CPD.settings}
    if media_root:
        env["MEDIA_ROOT"] = media_root
    proc = subprocess.run([sys.executable, "-m", "django", *args], env=env, capture_output=True, text=True,
                          cwd=PROJECT)
    if check and proc.returncode != 0:
        raise AssertionError(f"manage {args} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def named_server(url: str, **kwargs):
    """A named-demo server for the CPD demo (its tailoring SQL for --prospect), as the CLI makes one."""
    from builder import hooks
    from builder.named.demos import DemoServer

    return DemoServer(url, tailoring=hooks.tailoring(CPD), **kwargs)


def checks(url: str, now=None):
    """demo.check's (instant, results) for the CPD demo."""
    return check.run(CPD, url, now)
