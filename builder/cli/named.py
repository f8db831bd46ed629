"""`invoke demo.new/url/list/drop/gc/repair/keep-live/extend/protect/log` (and `demo.reset --name`):
named demos on one server, a database and a login each; every action goes into the server's usage log."""

from invoke import task

from builder.cli import (
    BY_HELP,
    CONFIG_HELP,
    FROM_HELP,
    NAME_HELP,
    NOW_HELP,
    SERVER_HELP,
    VERSION_HELP,
    print_status_and_logins,
    project,
    say,
    snapshots,
    tool,
)
from builder.errors import UserError

SNAPSHOTS = snapshots()


def server_for(server_url: str | None, proj, by: str | None = None):
    """The named-demo server: --server, else the local demo server (started if need be)."""
    from builder import hooks
    from builder.named.demos import DemoServer
    from builder.named.names import check_person

    by = check_person(by) if by is not None else None
    tailoring, status = hooks.tailoring(proj), hooks.status(proj)
    if not server_url:  # the local server's modules (the restore's among them) only where it is used
        from builder.demo import local
        from builder.demo import server as demo_server

        local.ensure_local_server()
        return DemoServer(demo_server.server().url("postgres"), dedicated=True, by=by, tailoring=tailoring, status=status)
    return DemoServer(server_url, by=by, tailoring=tailoring, status=status)


def need_name(name: str | None, task_name: str) -> str:
    from builder.named.names import validate

    if not name:
        raise UserError(f"{task_name} needs --name NAME.")
    return validate(name)


def print_demo(proj, demos, demo) -> None:
    from builder.postgres import conninfo

    say(f"demo {demo.name}" + (f" for {demo.prospect}" if demo.prospect else "") + f" · {demo.version}")
    print_status_and_logins(proj, demos.at(demo.name), True)
    say(f"database: {conninfo.display(demos.demo_url(demo.name, demo))}"
        f"   (`invoke demo.url --name {demo.name}` prints it with the password)")


def reset(proj, name: str, server: str | None, from_: str | None, version: str | None, now, by: str | None) -> None:
    """`demo.reset --name`: back to pristine, or moved to another version with --version / --from."""
    demos = server_for(server, proj, by)
    moved = from_ is not None or version is not None
    with demos.steps():
        done = demos.reset(need_name(name, "demo.reset"), now=now, source=(from_ or SNAPSHOTS) if moved else None,
                           version=(version or "latest") if moved else None, echo=say)
        print_demo(proj, demos, done.demo)


@task(name="new", auto_shortflags=False, help={
    "name": NAME_HELP, "server": SERVER_HELP, "from_": FROM_HELP, "version": VERSION_HELP, "now": NOW_HELP,
    "prospect": 'The prospect\'s organisation, e.g. "Acme Health": the demo speaks its name.',
    "prospect_color": "The prospect's colour for certificates, e.g. #0f766e (with --prospect).",
    "ttl": "Drop the demo with demo.gc after this long: 30s, 15m, 8h, 2d, at most 365d (default: keep).",
    "by": BY_HELP, "config": CONFIG_HELP,
})
@tool
def demo_new(c, name=None, server=None, from_=SNAPSHOTS, version="latest", now=None, prospect=None,
             prospect_color=None, ttl=None, by=None, config=None):
    """Make a named demo on a server: its own database (a copy of the snapshot's template) and login."""
    from builder.clock import parse_duration, parse_instant
    from builder.named.names import check_prospect

    proj = project(config)
    name = need_name(name, "demo.new")
    check_prospect(prospect or "", prospect_color or "")
    when = parse_instant(now, zone=proj.timezone)
    life = parse_duration(ttl, "--ttl") if ttl else None
    demos = server_for(server, proj, by)
    print_demo(proj, demos, demos.new(name, from_, version, now=when, prospect=prospect or "",
                                      color=prospect_color or "", ttl=life, echo=say))


@task(name="url", auto_shortflags=False, help={"name": NAME_HELP, "server": SERVER_HELP, "config": CONFIG_HELP})
@tool
def demo_url(c, name=None, server=None, config=None):
    """Print a named demo's connection URL, with its login and password, as the last line (for scripts)."""
    say(server_for(server, project(config)).demo_url(need_name(name, "demo.url")))


@task(name="list", auto_shortflags=False, help={"server": SERVER_HELP, "config": CONFIG_HELP})
@tool
def demo_list(c, server=None, config=None):
    """One row per named demo (status, prospect, version, dates, size, connections, host), then the budget.

    The budget is the server's connections the demos' logins may hold between them, and what is free."""
    from builder.named import listing

    demos = server_for(server, project(config))
    for line in listing.lines(demos.demos(), demos.url):
        say(line)
    say(demos.connection_budget().line())


@task(name="drop", auto_shortflags=False, help={"name": NAME_HELP, "server": SERVER_HELP, "by": BY_HELP,
                                                "config": CONFIG_HELP})
@tool
def demo_drop(c, name=None, server=None, by=None, config=None):
    """Drop a named demo and its login, with whatever the login left in any database (only what this tool made)."""
    server_for(server, project(config), by).drop(need_name(name, "demo.drop"), echo=say)


@task(name="gc", auto_shortflags=False, help={"server": SERVER_HELP, "by": BY_HELP, "config": CONFIG_HELP})
@tool
def demo_gc(c, server=None, by=None, config=None):
    """Drop named demos past their --ttl (unless protected), unused templates and what stopped commands left."""
    from builder.named import upkeep

    say(upkeep.gc(server_for(server, project(config), by), echo=say).summary())


@task(name="repair", auto_shortflags=False, help={"name": "Repair only this demo (default: all).",
                                                  "server": SERVER_HELP, "by": BY_HELP, "config": CONFIG_HELP})
@tool
def demo_repair(c, name=None, server=None, by=None, config=None):
    """Bring the registry and the server back into agreement: broken demos made whole or forgotten."""
    from builder.named import upkeep
    from builder.named.names import validate

    say(upkeep.repair(server_for(server, project(config), by), validate(name) if name else None, echo=say)
        .summary("removed"))


@task(name="extend", auto_shortflags=False, help={
    "name": NAME_HELP, "ttl": "How much longer to keep it: 1h, 1d (default), 7d; at most 366d.",
    "server": SERVER_HELP, "by": BY_HELP, "config": CONFIG_HELP})
@tool
def demo_extend(c, name=None, ttl="1d", server=None, by=None, config=None):
    """Push a named demo's expiry further (from now if it has expired already)."""
    from builder.clock import parse_duration

    life = parse_duration(ttl, "--ttl")
    demo = server_for(server, project(config), by).extend(need_name(name, "demo.extend"), life)
    say(f"{demo.name} now expires {demo.expires_at.astimezone():%Y-%m-%d %H:%M %Z}")


@task(name="protect", auto_shortflags=False, help={
    "name": NAME_HELP, "off": "Let demo.gc drop it again once it has expired.", "server": SERVER_HELP, "by": BY_HELP,
    "config": CONFIG_HELP})
@tool
def demo_protect(c, name=None, off=False, server=None, by=None, config=None):
    """Keep a named demo from demo.gc whatever its expiry (--off: let gc have it again)."""
    demo = server_for(server, project(config), by).protect(need_name(name, "demo.protect"), not off)
    say(f"{demo.name} is {'protected from' if demo.protected else 'no longer protected from'} demo.gc")


@task(name="log", auto_shortflags=False, help={
    "name": "Only this demo's entries (gc and keep-live rounds that name it too).", "server": SERVER_HELP,
    "limit": "How many of the newest entries (default 50).", "config": CONFIG_HELP})
@tool
def demo_log(c, name=None, server=None, limit="50", config=None):
    """The usage log: who did what to which demo, when, how long it took, and whether it worked."""
    from builder.clock import parse_int
    from builder.named import usage
    from builder.named.names import validate

    demos = server_for(server, project(config))
    for line in usage.lines(usage.entries(demos.registry, validate(name) if name else None,
                                          parse_int(limit, "--limit", 1, 100_000))):
        say(line)


@task(name="keep-live", auto_shortflags=False, help={
    "server": SERVER_HELP, "every": "How often to rebase every demo to now: 30s, 15m (default), 8h; at most 7d.",
    "rounds": "Stop after this many rounds (default: run until stopped).", "by": BY_HELP, "config": CONFIG_HELP})
@tool
def demo_keep_live(c, server=None, every="15m", rounds=None, by=None, config=None):
    """Keep every named demo live all day: rebase each to now at an interval (connections stay open)."""
    from datetime import timedelta

    from builder.clock import format_duration, parse_duration, parse_int
    from builder.named import keep_live

    interval = parse_duration(every, "--every", longest=timedelta(days=7))
    count = parse_int(rounds, "--rounds", 1, 1_000_000) if rounds is not None else None
    say(f"rebasing every demo every {format_duration(interval)}" + (f", {count} round(s)" if count else
                                                                   " (Ctrl-C to stop)"))
    done = keep_live.run(server_for(server, project(config), by), interval, rounds=count, echo=say)
    say(f"{done} round(s) done")


TASKS = (demo_new, demo_url, demo_list, demo_drop, demo_gc, demo_repair, demo_keep_live, demo_extend, demo_protect,
         demo_log)
