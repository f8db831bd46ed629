"""The project's own Django, run by the host: migrate, the scenario, its pages. A child process
with the project's interpreter runs builder/django_runner.py (host code never imports Django); the request,
the database password included, goes on its stdin, never on a command line."""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from builder import faults
from builder.errors import UserError
from builder.postgres import conninfo
from builder.project import Project

RUNNER = Path(__file__).resolve().parent.parent / "django_runner.py"


def request(project: Project, action: str, database_url: str, **fields: Any) -> tuple[list[str], dict, str]:
    """(argv, environment, stdin) of the runner for `action` on `database_url`: one file run by its
    path, told everything it needs of the project (it reads no config and imports nothing of ours)."""
    values = conninfo.params(database_url)
    database = {"NAME": values.get("dbname", ""), "USER": values.get("user", ""),
                "PASSWORD": values.get("password", ""), "HOST": values.get("host", ""), "PORT": values.get("port", "")}
    scenario = project.scenario
    described = {"settings": project.settings, "path": [str(p) for p in project.path], "overrides": project.overrides,
                 "database": project.database_settings, "host": project.host, "home": project.home,
                 "timezone": project.timezone,
                 "scenario": {"command": list(scenario.command), "callable": scenario.callable, "env": scenario.env}}
    body = json.dumps({"action": action, "project": described, "database": database, **fields})
    env = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "DATABASE_URL")}
    return [project.python, str(RUNNER)], env, body


def run(project: Project, action: str, database_url: str, echo: Callable[[str], None] | None = None,
        **fields: Any) -> None:
    """Run `action` in the project's Django, streaming its output lines to `echo`; one sentence if it fails."""
    argv, env, body = request(project, action, database_url, **fields)
    proc = subprocess.Popen(argv, env=env, cwd=project.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        proc.stdin.write(body)
        proc.stdin.close()
        for line in proc.stdout:
            faults.checkpoint(f"django:{action}")
            if echo:
                echo(line.rstrip("\n"))
    except BaseException:  # stopped (a signal, Ctrl-C): the project's process ends with us
        proc.kill()
        proc.wait()
        raise
    err = proc.stderr.read()
    if proc.wait() != 0:
        lines = [ln for ln in err.strip().splitlines() if ln.strip()]
        detail = conninfo.redact(lines[-1]) if lines else f"exit code {proc.returncode}"
        raise UserError(f"The project's {action} failed: {detail.removeprefix('CommandError: ')}")


def exec_serve(project: Project, database_url: str, port: int, media_root: str | None, now: str | None = None) -> None:
    """Become the project's development server on 127.0.0.1:`port` (a kill of this process ends it);
    with `now` (ISO), its clock starts at that instant."""
    argv, env, body = request(project, "serve", database_url, port=port, media_root=media_root, now=now)
    read, write = os.pipe()
    os.write(write, body.encode())  # small: it fits the pipe, so the write never waits
    os.close(write)
    os.dup2(read, sys.stdin.fileno())
    os.chdir(project.root)
    os.execvpe(argv[0], argv, env)


def start_serve(project: Project, database_url: str, port: int, media_root: str | None, now: str | None,
                prefix: str, cookies: str, log: Any) -> subprocess.Popen:
    """Start the project's development server on 127.0.0.1:`port` as a child that ends with this
    process, its pages under `prefix` (a reverse proxy takes the prefix off), its output to `log`."""
    argv, env, body = request(project, "serve", database_url, port=port, media_root=media_root, now=now,
                              prefix=prefix, cookies=cookies, watch_parent=True)
    proc = subprocess.Popen(argv, env=env, cwd=project.root, stdin=subprocess.PIPE, stdout=log,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    assert proc.stdin is not None
    proc.stdin.write(body)
    proc.stdin.close()
    return proc
