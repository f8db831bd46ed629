"""`invoke demo.*`: the sales engineer's local demo database (and, through `builder.cli.named`, the
named demos that share the collection)."""

import os

from invoke import Collection, task

from builder.cli import (
    BY_HELP,
    CONFIG_HELP,
    FORCE_HELP,
    FROM_HELP,
    NAME_HELP,
    NOW_HELP,
    SERVER_HELP,
    URL_HELP,
    VERSION_HELP,
    named,
    print_status_and_logins,
    project,
    say,
    snapshots,
    tool,
)
from builder.errors import UserError


@task(name="up", auto_shortflags=False)
@tool
def demo_up(c):
    """Start the local demo Postgres (in CPD_DEMO_HOME, default .demo/; port CPD_DEMO_PORT, default 55433)."""
    from builder.demo import local
    from builder.demo import server as demo_server
    from builder.postgres import conninfo

    started = local.ensure_local_server()
    pg = demo_server.server()
    say(f"demo Postgres {'up' if started else 'already running'}: {conninfo.display(pg.url())}")
    say(f"  its superuser's password is in {pg.password_file} (readable by you alone)")


@task(name="reset", auto_shortflags=False, help={
    "from_": FROM_HELP, "version": VERSION_HELP + " With --name: move the demo to this version.",
    "database_url": URL_HELP, "now": NOW_HELP, "force": FORCE_HELP, "name": NAME_HELP, "server": SERVER_HELP,
    "by": BY_HELP, "config": CONFIG_HELP})
@tool
def demo_reset(c, from_=None, version=None, database_url=None, now=None, force=False, name=None, server=None,
               by=None, config=None):
    """Restore the latest snapshot into the demo database, rebased to now, and print the logins.

    With --name, put that named demo back to pristine from its template in about a second (with
    --version or --from, move it to that version)."""
    from builder.clock import parse_instant

    proj = project(config)
    when = parse_instant(now, zone=proj.timezone)
    if name:
        if database_url or force:
            raise UserError("demo.reset --name works on the named demo's server (--server): --database-url and "
                            "--force are for the local demo database and cannot be combined with --name.")
        named.reset(proj, name, server, from_, version, when, by)
        return
    if server:
        raise UserError("--server is for named demos: add --name NAME.")
    from builder.demo import local  # the restore's modules: not for a named demo's reset
    from builder.postgres import conninfo

    result = local.reset(from_ or snapshots(), version or "latest", database_url, proj.database, when, force=force,
                         echo=say)
    url = local.target_url(database_url, proj.database)
    say(f"restored {result.version} into {conninfo.display(url)} in {result.seconds} s")
    print_status_and_logins(proj, url, result.manifest.get("demo_password_is_default", True))


@task(name="status", auto_shortflags=False, help={"database_url": URL_HELP, "config": CONFIG_HELP})
@tool
def demo_status(c, database_url=None, config=None):
    """Show the demo database's version, anchor, last rebase, and what is live and upcoming."""
    from builder.demo import report
    from builder.demo.local import target_url

    proj = project(config)
    for line in report.status_lines(proj, target_url(database_url, proj.database)):
        say(line)


@task(name="check", auto_shortflags=False, help={
    "database_url": URL_HELP, "config": CONFIG_HELP,
    "now": "Instant to check the data against (default: the instant it represents); ISO 8601."})
@tool
def demo_check(c, database_url=None, now=None, config=None):
    """Check a demo database with the project's checks, one line each; exit 1 on any failure."""
    from builder.clock import parse_instant
    from builder.demo import check
    from builder.demo.local import target_url

    proj = project(config)
    when, results = check.run(proj, target_url(database_url, proj.database), parse_instant(now, zone=proj.timezone))
    say(f"checking the demo as of {when:%Y-%m-%d %H:%M %Z}")
    for result in results:
        say(result.line())
    failed = [r.name for r in results if not r.ok]
    if failed:
        raise UserError(f"{len(failed)} of {len(results)} checks failed: {', '.join(failed)}.")
    say(f"all {len(results)} checks passed")


@task(name="down", auto_shortflags=False)
@tool
def demo_down(c):
    """Stop the local demo Postgres (its data stays in .demo/)."""
    from builder.demo import server as demo_server

    demo_server.server().stop()
    say("demo Postgres stopped")


@task(name="admin", auto_shortflags=False, help={
    "database_url": URL_HELP, "port": "Port on 127.0.0.1 (default 8000).",
    "name": "A named demo instead (served with its own login, its media, its clock at its pin).", "server": SERVER_HELP,
    "config": CONFIG_HELP,
    "now": "Show the pages as at this instant (ISO 8601): the project's clock starts there and runs on. With "
           "`demo.reset --now` the same: what a buyer sees at that hour. A demo prepared with --now starts there."})
@tool
def demo_admin(c, database_url=None, port="8000", name=None, server=None, config=None, now=None):
    """Serve the project's own pages (its Django admin) on http://127.0.0.1:PORT/ against the demo database."""
    from builder.clock import parse_instant, parse_int
    from builder.demo import server as demo_server
    from builder.demo.local import target_url

    proj = project(config)
    number = parse_int(port, "--port", 1, 65535)
    if name and database_url:
        raise UserError("Give --name or --database-url, not both.")
    clock = parse_instant(now, zone=proj.timezone)
    if name:
        _serve_named(proj, named.need_name(name, "demo.admin"), server, number, clock)
        return
    from builder.demo import report

    url = target_url(database_url, proj.database)
    media = str(demo_server.media_root()) if not database_url and not os.environ.get("DATABASE_URL") else None
    prepared = None if clock else report.prepared_for(url)  # reset with --now: its pages start at that instant
    _serve(proj, url, number, media, clock or prepared, pinned=prepared is not None)


@task(name="open", auto_shortflags=False, help={
    "name": NAME_HELP, "server": SERVER_HELP, "config": CONFIG_HELP,
    "port": "Port on 127.0.0.1 where the pages are served here (default 8000).",
    "now": "Show the pages as at this instant (ISO 8601; default: the demo's pin, else now)."})
@tool
def demo_open(c, name=None, server=None, port="8000", config=None, now=None):
    """Open a named demo's pages: its [demo] open_url, else served here (its media, its clock at its pin).

    Where the project's config names `[demo] open_url`, print that address; else serve the project's
    own pages for the demo on http://127.0.0.1:PORT/ until Ctrl-C."""
    from builder.clock import parse_instant, parse_int
    from builder.named import pages

    proj = project(config)
    name = named.need_name(name, "demo.open")
    number = parse_int(port, "--port", 1, 65535)
    clock = parse_instant(now, zone=proj.timezone)
    link = pages.link(proj, name)
    if link:
        named.server_for(server, proj).show(name)  # a demo that does not exist is said so, not linked
        say(f"{name}: {link}")
        return
    _serve_named(proj, name, server, number, clock)


def _serve_named(proj, name: str, server, port: int, clock) -> None:
    """A named demo's pages: its own login, its snapshot's media, its clock at `clock` or its pin."""
    from builder.named import pages

    demos = named.server_for(server, proj)
    demo = demos.show(name)
    url = demos.demo_url(name, demo)
    media = pages.media_of(demos, demo, snapshots())
    if media is None:
        say(f"  (the snapshot {demo.version} is not in {snapshots()}: its pictures will be missing)")
    _serve(proj, url, port, str(media) if media else None, pages.clock(demo, clock),
           pinned=demo.pinned_at is not None and clock is None)


def _serve(proj, url: str, port: int, media: str | None, clock, pinned: bool = False) -> None:
    from builder.snapshot import django_side

    at = f", its clock at {clock.isoformat()}" + (" (the instant the demo was prepared for)" if pinned else "") \
        if clock else ""
    say(f"the project's pages on http://127.0.0.1:{port}/{at} (Ctrl-C to stop)")
    # exec: the server is this process, so it ends with the task (a kill, Ctrl-C) and leaves nothing behind.
    django_side.exec_serve(proj, url, port, media, clock.isoformat() if clock else None)


collection = Collection("demo", demo_up, demo_reset, demo_status, demo_check, demo_down, demo_admin, demo_open,
                        *named.TASKS)
