"""Runs the platform's Django management commands (migrate, create_demo_data) against a database,
in a child process: host code never imports Django."""

import os
import subprocess
import sys
from collections.abc import Callable

from builder import faults
from builder.errors import UserError
from builder.postgres import conninfo

SETTINGS = "cpd_platform.settings"


def command(args: list[str], database_url: str, media_root: str | None = None,
            env_extra: dict | None = None) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of `django-admin ARGS` on `database_url`. The URL and anything
    secret travel in the environment (env_extra), never on the command line, which `ps` shows all."""
    env = {**os.environ, "DATABASE_URL": database_url, **(env_extra or {})}
    env.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    if media_root:
        env["CPD_DEMO_MEDIA_ROOT"] = str(media_root)
    return [sys.executable, "-m", "django", *args], env


def manage(args: list[str], database_url: str, media_root: str | None = None,
           echo: Callable[[str], None] | None = None, env_extra: dict | None = None) -> None:
    """Run a management command, streaming its output lines to `echo`; one sentence if it fails."""
    argv, env = command(args, database_url, media_root, env_extra)
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    for line in proc.stdout:
        faults.checkpoint(f"manage:{args[0]}")
        if echo:
            echo(line.rstrip("\n"))
    err = proc.stderr.read()
    if proc.wait() != 0:
        lines = [ln for ln in err.strip().splitlines() if ln.strip()]
        detail = conninfo.redact(lines[-1]) if lines else f"exit code {proc.returncode}"
        raise UserError(f"`manage.py {args[0]}` failed: {detail.removeprefix('CommandError: ')}")
