"""`invoke console.serve` and `console.adduser`: the sales team's web console for one demo server.

Host code never imports the console (a Django project of its own): these tasks hand the server's
URL to it through the environment and become `python -m builder.console`."""

import os
import sys
from pathlib import Path

from invoke import Collection, task

from builder.cli import CONFIG_HELP, FROM_HELP, SERVER_HELP, project, snapshots, tool
from builder.errors import UserError

SNAPSHOTS = snapshots()


def _environment(server: str | None, config: str | None, from_: str | None = None) -> dict[str, str]:
    """The console's environment: its demo server (the local one by default), project and snapshots."""
    from builder.demo import local
    from builder.demo import server as demo_server
    from builder.postgres import conninfo

    proj = project(config)
    env = dict(os.environ)
    if server:
        conninfo.params(server)
        env["CPD_DEMO_CONSOLE_SERVER"], env["CPD_DEMO_CONSOLE_DEDICATED"] = server, "0"
    else:
        local.ensure_local_server()
        env["CPD_DEMO_CONSOLE_SERVER"], env["CPD_DEMO_CONSOLE_DEDICATED"] = demo_server.server().url("postgres"), "1"
    env["CPD_DEMO_CONFIG"] = str(proj.file)
    source = from_ or SNAPSHOTS
    env["CPD_DEMO_SNAPSHOTS"] = source if "://" in source else str(Path(source).resolve())
    return env


def _become(args: list[str], env: dict[str, str]) -> None:
    # exec: the console is this process, so a kill or Ctrl-C ends it and nothing is left behind.
    sys.stdout.flush()
    os.execvpe(sys.executable, [sys.executable, "-m", "builder.console", *args], env)


@task(name="serve", auto_shortflags=False, help={
    "server": SERVER_HELP, "host": "Address to listen on (default 127.0.0.1: this machine only).",
    "port": "Port to listen on (default 8765).", "config": CONFIG_HELP, "from_": FROM_HELP})
@tool
def console_serve(c, server=None, host="127.0.0.1", port="8765", config=None, from_=None):
    """Serve the console: every named demo of the server on one page, its actions and usage log, a JSON API."""
    from builder.clock import parse_int

    number = parse_int(port, "--port", 1, 65535)
    if not host or any(ch.isspace() for ch in host):
        raise UserError(f"--host {host!r} is not an address to listen on.")
    _become(["serve", "--host", host, "--port", str(number)], _environment(server, config, from_))


@task(name="adduser", auto_shortflags=False, help={
    "username": "The console user to add (or whose password to change).", "server": SERVER_HELP,
    "token": "Also make an API token for it, printed as the last line.", "config": CONFIG_HELP})
@tool
def console_adduser(c, username=None, server=None, token=False, config=None):
    """Add a console login (password from CPD_DEMO_CONSOLE_PASSWORD, else asked), stored hashed; --token: an API token."""
    if not username:
        raise UserError("console.adduser needs --username NAME.")
    _become(["adduser", "--username", username] + (["--token"] if token else []), _environment(server, config))


collection = Collection("console", console_serve, console_adduser)
