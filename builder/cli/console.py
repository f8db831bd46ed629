"""`invoke console.serve`, `console.adduser/revoke/disable/enable/users`: the sales team's web console
for one demo server, and who may use it.

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
    # -P and the engine's own folder first: run from a project's directory, its own `builder` package
    # never stands in for ours.
    from builder.settings import ENGINE_ROOT

    env = {**env, "PYTHONPATH": os.pathsep.join([str(ENGINE_ROOT), *filter(None, [env.get("PYTHONPATH")])])}
    os.execvpe(sys.executable, [sys.executable, "-P", "-m", "builder.console", *args], env)


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


USERNAME_HELP = "The console user (letters, digits and @.+-_)."


@task(name="adduser", auto_shortflags=False, help={
    "username": "The console user to add (or whose password to change: its API tokens are revoked).",
    "server": SERVER_HELP, "token": "Also make an API token for it, printed as the last line.",
    "expires": "The token's lifetime, e.g. 30d or 8h (with --token; default: until revoked).",
    "config": CONFIG_HELP})
@tool
def console_adduser(c, username=None, server=None, token=False, expires=None, config=None):
    """Add a console login (password from CPD_DEMO_CONSOLE_PASSWORD, else asked), stored hashed; --token: an API token."""
    if not username:
        raise UserError("console.adduser needs --username NAME.")
    if expires:
        from builder.clock import parse_duration

        parse_duration(expires, "--expires")
        if not token:
            raise UserError("--expires is the API token's lifetime: give it with --token.")
    _become(["adduser", "--username", username] + (["--token"] if token else [])
            + (["--expires", expires] if expires else []), _environment(server, config))


@task(name="revoke", auto_shortflags=False, help={
    "username": USERNAME_HELP, "token": "Revoke only the token starting with these characters "
    "(`console.users` shows them; default: every token of the user).", "server": SERVER_HELP, "config": CONFIG_HELP})
@tool
def console_revoke(c, username=None, token=None, server=None, config=None):
    """Revoke a console user's API tokens (all, or the one named by its first characters): they answer 401 at once."""
    if not username:
        raise UserError("console.revoke needs --username NAME.")
    _become(["revoke", "--username", username] + (["--token", token] if token else []), _environment(server, config))


@task(name="disable", auto_shortflags=False, help={"username": USERNAME_HELP, "server": SERVER_HELP,
                                                   "config": CONFIG_HELP})
@tool
def console_disable(c, username=None, server=None, config=None):
    """Stop a console user: it cannot sign in, its sessions and API tokens are refused until console.enable."""
    if not username:
        raise UserError("console.disable needs --username NAME.")
    _become(["disable", "--username", username], _environment(server, config))


@task(name="enable", auto_shortflags=False, help={"username": USERNAME_HELP, "server": SERVER_HELP,
                                                  "config": CONFIG_HELP})
@tool
def console_enable(c, username=None, server=None, config=None):
    """Let a disabled console user in again (its password and API tokens as they were)."""
    if not username:
        raise UserError("console.enable needs --username NAME.")
    _become(["enable", "--username", username], _environment(server, config))


@task(name="users", auto_shortflags=False, help={"server": SERVER_HELP, "config": CONFIG_HELP})
@tool
def console_users(c, server=None, config=None):
    """The console's users: active or disabled, last login, and each API token by its first characters and last use."""
    _become(["users"], _environment(server, config))


collection = Collection("console", console_serve, console_adduser, console_revoke, console_disable, console_enable,
                        console_users)
