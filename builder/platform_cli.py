"""Runs the platform's Django management commands (migrate, create_demo_data) against a database."""

import os
import subprocess
import sys
from typing import Callable

from builder import faults
from builder.database import redact
from builder.errors import UserError


def manage(args: list[str], database_url: str, media_root: str | None = None,
           echo: Callable[[str], None] | None = None, env_extra: dict | None = None) -> str:
    """Run `django-admin ARGS` on `database_url`; values that must stay off the command line
    (visible to every user in `ps`) go in env_extra."""
    env = {**os.environ, "DATABASE_URL": database_url, **(env_extra or {})}
    env.setdefault("DJANGO_SETTINGS_MODULE", "cpd_platform.settings")
    if media_root:
        env["CPD_DEMO_MEDIA_ROOT"] = str(media_root)
    proc = subprocess.Popen([sys.executable, "-m", "django", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out_lines = []
    for line in proc.stdout:
        out_lines.append(line.rstrip("\n"))
        faults.checkpoint(f"manage:{args[0]}")
        if echo:
            echo(line.rstrip("\n"))
    err = proc.stderr.read()
    if proc.wait() != 0:
        lines = [ln for ln in err.strip().splitlines() if ln.strip()]
        detail = redact(lines[-1]) if lines else f"exit code {proc.returncode}"
        raise UserError(f"`manage.py {args[0]}` failed: {detail.removeprefix('CommandError: ')}")
    return "\n".join(out_lines)
