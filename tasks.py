"""Invoke tasks of cpd-demo-db: thin wrappers over the `builder` packages.

`invoke --list` shows them; `invoke --help TASK` shows a task's flags. Errors a user can
cause end with one sentence and exit code 1. Flags have no short forms, so none can drift.
"""

import functools
import os
import signal
import sys

from invoke import Collection, Exit, task

from builder.config import snapshots_dir
from builder.errors import UserError

SNAPSHOTS = snapshots_dir()
FROM_HELP = "Where snapshots live: a directory or s3://bucket/prefix (default: snapshots/)."
VERSION_HELP = "Snapshot version, or 'latest' (default)."
URL_HELP = "Target database URL (default: DATABASE_URL, else the local demo server)."
NOW_HELP = ("Instant the dates should represent, ISO 8601 (default: now), e.g. 2027-03-01T14:00Z; "
            "without an offset it is read in the platform timezone.")
NAME_HELP = "The named demo: lowercase letters, digits and _ (its database and its login)."
SERVER_HELP = "Superuser URL of the server holding named demos (default: the local demo server)."
BY_HELP = "Who runs this, for the registry of named demos (default: the OS user)."
FORCE_HELP = "Replace the target even if it is not a demo database (never the server's own databases)."
BUILD_HELP = {
    "provider": "Where Postgres runs: auto (default), compose, embedded or url.",
    "seed": "Random seed (default 20240501); same seed, scale and anchor give the same rows.",
    "scale": "Multiplier for generated volumes, 1 to 5000 (default 1 = the plan as written).",
    "anchor": "ISO instant the data is built around (default: now).",
    "password": "Password of every persona (default: CPD_DEMO_PASSWORD, else the documented demo password).",
}


class Terminated(Exception):
    """SIGTERM, turned into an exception so that every cleanup (`finally`) runs."""


def _terminate(signum, frame):
    raise Terminated()


def say(message: str) -> None:
    try:
        print(message, flush=True)
    except BrokenPipeError:
        # The reader went away (`| head -1`): the work goes on (a restore is not abandoned), its
        # output goes nowhere, and nothing flushes into the closed pipe at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def tool(fn):
    """One sentence on stderr and exit code 1 for a UserError, never a traceback; SIGTERM runs cleanups."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        signal.signal(signal.SIGTERM, _terminate)
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            raise Exit(f"error: {exc}", code=1) from None
        except KeyboardInterrupt:
            raise Exit("interrupted", code=130) from None
        except Terminated:
            raise Exit("terminated", code=143) from None

    return wrapper


def _mb(n: int) -> str:
    return f"{n / 1_048_576:.2f} MiB"


# -- snapshot ---------------------------------------------------------------------------------

@task(auto_shortflags=False, help={**BUILD_HELP, "output": "Directory for versions (default: snapshots/).",
                                   "force": "Make a new version even if the content equals latest's."})
@tool
def build(c, provider="auto", seed=None, scale=None, anchor=None, password=None, output=SNAPSHOTS, force=False):
    """Build a snapshot: Postgres up, migrate, seed the scenario, pg_dump into snapshots/<version>/."""
    from builder.snapshot.build import BuildOptions
    from builder.snapshot.build import build as run_build

    options = BuildOptions.from_flags(provider, seed, scale, anchor, password)
    result = run_build(options, output=output, force=force, echo=say)
    if result.skipped:
        say(f"no new version: latest ({result.version}) has the same content")
        return result
    files = result.manifest["files"]
    say(f"built {result.version} in {result.stages.get('total')} s -> {result.path}")
    say(f"  rows {result.manifest['total_rows']:,} · dump {_mb(files['cpd-demo.dump']['size'])} · "
        f"media {_mb(files['media.tar.gz']['size'])} · Postgres {result.manifest['postgres']['server_major']}")
    say("  stages: " + ", ".join(f"{k} {v} s" for k, v in result.stages.items() if k != "total"))
    return result


def _print_status_and_logins(url: str, password_is_default: bool) -> None:
    from builder.demo import report

    for line in report.format_status(report.status(url))[1:]:
        say(line)
    say("logins:")
    for line in report.format_logins(password_is_default):
        say(line)


def _print_restored(result, url: str) -> None:
    from builder.postgres import conninfo

    say(f"restored {result.version} into {conninfo.display(url)} in {result.seconds} s")
    _print_status_and_logins(url, result.manifest.get("demo_password_is_default", True))


@task(name="restore", auto_shortflags=False, help={
    "from_": FROM_HELP, "version": VERSION_HELP, "database_url": URL_HELP, "now": NOW_HELP,
    "media_root": "Also unpack the media files into this directory (new, empty, or one this tool made).",
    "jobs": "Parallel pg_restore jobs (default: number of CPUs).", "force": FORCE_HELP,
})
@tool
def restore_(c, from_=SNAPSHOTS, version="latest", database_url=None, now=None, media_root=None, jobs=None,
             force=False):
    """Restore a snapshot into a database (created if missing), rebased to now.

    The target is only replaced once the restored copy is verified, and only if it is a demo
    database (a named demo is reset with `demo.reset --name`)."""
    from builder.clock import parse_instant, parse_int
    from builder.demo.local import target_url
    from builder.snapshot.restore import restore

    when = parse_instant(now)
    workers = parse_int(jobs, "--jobs", 1, 64) if jobs is not None else None
    url = target_url(database_url)
    result = restore(from_, version, url, now=when, media_root=media_root, jobs=workers, force=force, echo=say)
    _print_restored(result, url)
    return result


@task(auto_shortflags=False, help={"database_url": URL_HELP, "now": NOW_HELP})
@tool
def rebase(c, database_url=None, now=None):
    """Move every date of a demo database so that it represents `now` (runs rebase_dates.sql)."""
    from builder.clock import parse_instant
    from builder.demo.local import target_url
    from builder.postgres import rebase as rebase_sql
    from builder.postgres import server

    url = target_url(database_url)
    when = parse_instant(now)
    if server.what_is(url) != "demo":
        raise UserError(f"{server.conninfo.display(url)} is not a CPD demo database (no cpd_demo_snapshot row).")
    say(rebase_sql.run(url, when))


@task(auto_shortflags=False, help={"from_": FROM_HELP, "version": VERSION_HELP})
@tool
def verify(c, from_=SNAPSHOTS, version="latest"):
    """Check a snapshot's manifest, file sizes and sha256 checksums, and that the dump is readable."""
    import tempfile
    from pathlib import Path

    from builder.postgres import tools
    from builder.store import manifest as mf
    from builder.store import open_store

    store = open_store(from_)
    name = store.resolve(version)
    with tempfile.TemporaryDirectory(prefix="cpd-demo-verify-") as tmp:
        local = store.fetch(name, Path(tmp))
        manifest = mf.verify(local, name)
        header = tools.dump_header(local / mf.DUMP)
    say(f"ok: {name} · {manifest['total_rows']:,} rows · Postgres {header['server_version']} · "
        f"digest {manifest['content_digest'][:12]}")


@task(name="list", auto_shortflags=False, help={"from_": FROM_HELP})
@tool
def list_(c, from_=SNAPSHOTS):
    """List snapshot versions, newest last, marking latest."""
    from builder.store import open_store

    store = open_store(from_)
    latest = store.latest()
    versions = store.versions()
    if not versions:
        say(f"no snapshots in {store}")
    for v in versions:
        m = store.manifest(v)
        size = sum(f["size"] for f in m["files"].values())
        say(f"{'*' if v == latest else ' '} {v}  scale {m['scale']:<4} rows {m['total_rows']:>9,}  "
            f"{_mb(size):>10}  anchor {m['anchor_at']}")
    return versions


@task(auto_shortflags=False, help={"from_": FROM_HELP, "keep": "How many of the newest versions to keep (default 5)."})
@tool
def prune(c, from_=SNAPSHOTS, keep="5"):
    """Delete old snapshot versions, keeping the newest N and always the one latest points to."""
    from builder.clock import parse_int
    from builder.store import open_store

    removed = open_store(from_).prune(parse_int(keep, "--keep", 1))
    say(f"removed {len(removed)} version(s)" + (": " + ", ".join(removed) if removed else ""))
    return removed


IMAGE_HELP = {
    "repository": "Image repository (default cpd-demo-db), e.g. 127.0.0.1:5000/cpd-demo-db.",
    "base_image": "Base image (default postgres:<major of the dump's server>).",
    "push": "Push <repository>:<version> and :latest to the registry.",
}


@task(auto_shortflags=False, help={"from_": FROM_HELP, "version": VERSION_HELP, **IMAGE_HELP})
@tool
def image(c, from_=SNAPSHOTS, version="latest", repository="cpd-demo-db", base_image=None, push=False):
    """Build the Postgres image of a snapshot (data baked in, rebased at start), tag :<version> and :latest."""
    import tempfile
    from pathlib import Path

    from builder.snapshot.image import build_image
    from builder.store import open_store

    store = open_store(from_)
    name = store.resolve(version)
    with tempfile.TemporaryDirectory(prefix="cpd-demo-fetch-") as tmp:
        tags = build_image(store.fetch(name, Path(tmp)), repository=repository, base_image=base_image,
                           push=push, echo=say)
    say(f"image {' '.join(tags)}" + (" (pushed)" if push else ""))
    return tags


@task(iterable=["to"], auto_shortflags=False, help={
    "to": "Destination, repeatable: a directory, s3://bucket/prefix, or image.",
    "version": "Publish this existing build instead of building a new one.",
    "from_": "Directory of local builds (default: snapshots/).",
    **{k: "Build flag: " + v for k, v in BUILD_HELP.items()},
    "force": "Build and publish even if the content equals the destination's latest.",
    **{k: "With --to image: " + v for k, v in IMAGE_HELP.items()},
})
@tool
def publish(c, to=None, version=None, from_=SNAPSHOTS, provider="auto", seed=None, scale=None, anchor=None,
            password=None, force=False, repository="cpd-demo-db", push=False, base_image=None):
    """Build a snapshot (or take --version) and publish it to each --to destination; skips unchanged content."""
    from builder.snapshot.build import BuildOptions
    from builder.snapshot.publish import ImageOptions, PublishRequest
    from builder.snapshot.publish import publish as run_publish

    request = PublishRequest(destinations=list(to or []), version=version, source=from_,
                             build=BuildOptions.from_flags(provider, seed, scale, anchor, password),
                             image=ImageOptions(repository, push, base_image), force=force)
    published, outcomes = run_publish(request, echo=say)
    say(f"published {published}:")
    for o in outcomes:
        say(f"  {o.destination:<40} {o.status:<10} {o.detail}")
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        raise UserError(f"{len(failed)} of {len(outcomes)} destinations failed (see above).")
    return outcomes


# -- db: the platform's own commands on any database ---------------------------------------------

@task(auto_shortflags=False, help={"database_url": URL_HELP})
@tool
def migrate(c, database_url=None):
    """Apply the platform's migrations to a database."""
    from builder.demo.local import target_url
    from builder.snapshot import platform

    platform.manage(["migrate", "--no-input"], target_url(database_url), echo=say)


@task(auto_shortflags=False, help={"database_url": URL_HELP, "reset": "Replace existing data.",
                                   **{k: v for k, v in BUILD_HELP.items() if k != "provider"}})
@tool
def seed(c, database_url=None, seed=None, scale=None, anchor=None, password=None, reset=False):
    """Run create_demo_data on a migrated database (no dump, no artifact)."""
    from builder.demo.local import target_url
    from builder.snapshot import platform
    from builder.snapshot.build import BuildOptions

    options = BuildOptions.from_flags("auto", seed, scale, anchor, password)
    args = ["create_demo_data", "--seed", str(options.seed), "--scale", str(options.scale)]
    args += (["--anchor", options.anchor.isoformat()] if options.anchor else []) + (["--reset"] if reset else [])
    platform.manage(args, target_url(database_url), echo=say, env_extra={"CPD_DEMO_PASSWORD": options.password})


# -- demo: a local demo database for sales engineers ------------------------------------------------

@task(name="up", auto_shortflags=False)
@tool
def demo_up(c):
    """Start the local demo Postgres (in CPD_DEMO_HOME, default .demo/; port CPD_DEMO_PORT, default 55433)."""
    from builder.demo import local
    from builder.demo import server as demo_server
    from builder.postgres import conninfo

    started = local.ensure_local_server()
    pg = demo_server.server()
    say(f"demo Postgres {'up' if started else 'already running'}: {conninfo.display(demo_server.default_url())}")
    say(f"  its superuser's password is in {pg.password_file} (readable by you alone)")


@task(name="reset", auto_shortflags=False, help={
    "from_": FROM_HELP, "version": VERSION_HELP + " With --name: move the demo to this version.",
    "database_url": URL_HELP, "now": NOW_HELP, "force": FORCE_HELP, "name": NAME_HELP, "server": SERVER_HELP,
    "by": BY_HELP})
@tool
def demo_reset(c, from_=None, version=None, database_url=None, now=None, force=False, name=None, server=None,
               by=None):
    """Restore the latest snapshot into the demo database, rebased to now, and print the logins.

    With --name, put that named demo back to pristine from its template in about a second (with
    --version or --from, move it to that version)."""
    from builder.clock import parse_instant
    from builder.demo import local

    when = parse_instant(now)
    if name:
        if database_url or force:
            raise UserError("demo.reset --name works on the named demo's server (--server): --database-url and "
                            "--force are for the local demo database and cannot be combined with --name.")
        demos = _named(server, by)
        moved = from_ is not None or version is not None
        demo = demos.reset(_need_name(name, "demo.reset"), now=when, source=(from_ or SNAPSHOTS) if moved else None,
                           version=(version or "latest") if moved else None, echo=say)
        _print_demo(demos, demo)
        return
    if server:
        raise UserError("--server is for named demos: add --name NAME.")
    result = local.reset(from_ or SNAPSHOTS, version or "latest", database_url, when, force=force, echo=say)
    _print_restored(result, local.target_url(database_url))


@task(name="status", auto_shortflags=False, help={"database_url": URL_HELP})
@tool
def demo_status(c, database_url=None):
    """Show the demo database's version, anchor, last rebase, and what is live and upcoming."""
    from builder.demo import report
    from builder.demo.local import target_url

    for line in report.format_status(report.status(target_url(database_url))):
        say(line)


@task(name="check", auto_shortflags=False, help={
    "database_url": URL_HELP,
    "now": "Instant to check the data against (default: the instant it represents); ISO 8601."})
@tool
def demo_check(c, database_url=None, now=None):
    """Check a demo database against the plan and for realism, one line per check; exit 1 on any failure."""
    from builder.clock import parse_instant
    from builder.demo import check
    from builder.demo.local import target_url

    when, results = check.run(target_url(database_url), parse_instant(now))
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


@task(name="admin", auto_shortflags=False, help={"database_url": URL_HELP,
                                                 "port": "Port on 127.0.0.1 (default 8000).",
                                                 "name": "A named demo instead (served with its own login).",
                                                 "server": SERVER_HELP})
@tool
def demo_admin(c, database_url=None, port="8000", name=None, server=None):
    """Serve the platform's Django admin on http://127.0.0.1:PORT/admin/ against the demo database."""
    from builder.clock import parse_int
    from builder.demo import server as demo_server
    from builder.demo.local import target_url

    number = parse_int(port, "--port", 1, 65535)
    if name and database_url:
        raise UserError("Give --name or --database-url, not both.")
    url = _named(server).demo_url(_need_name(name, "demo.admin")) if name else target_url(database_url)
    env = {**os.environ, "DATABASE_URL": url, "CPD_DEMO_DEBUG": "1",
           "CPD_DEMO_MEDIA_ROOT": str(demo_server.media_root()), "DJANGO_SETTINGS_MODULE": "cpd_platform.settings"}
    say(f"admin on http://127.0.0.1:{number}/admin/ (log in as admin@cpdevents.com)")
    # exec: the server is this process, so it ends with the task (a kill, Ctrl-C) and leaves nothing behind.
    os.execvpe(sys.executable, [sys.executable, "-m", "django", "runserver", "--noreload",
                                f"127.0.0.1:{number}"], env)


# -- named demos: one server, one database and login per demo ------------------------------------


def _named(server_url: str | None, by: str | None = None):
    from builder.demo import local
    from builder.demo import server as demo_server
    from builder.named.demos import Server

    if not server_url:
        local.ensure_local_server()
        return Server(demo_server.server().url("postgres"), dedicated=True, by=by)
    return Server(server_url, by=by)


def _print_demo(demos, demo) -> None:
    from builder.postgres import conninfo

    say(f"demo {demo.name}" + (f" for {demo.prospect}" if demo.prospect else "") + f" · {demo.version}")
    _print_status_and_logins(demos.at(demo.name), True)
    say(f"database: {conninfo.display(demos.demo_url(demo.name))}"
        f"   (`invoke demo.url --name {demo.name}` prints it with the password)")


def _need_name(name: str | None, task_name: str) -> str:
    from builder.named.names import validate

    if not name:
        raise UserError(f"{task_name} needs --name NAME.")
    return validate(name)


@task(name="new", auto_shortflags=False, help={
    "name": NAME_HELP, "server": SERVER_HELP, "from_": FROM_HELP, "version": VERSION_HELP, "now": NOW_HELP,
    "prospect": 'The prospect\'s organisation, e.g. "Acme Health": the demo speaks its name.',
    "prospect_color": "The prospect's colour for certificates, e.g. #0f766e (with --prospect).",
    "ttl": "Drop the demo with demo.gc after this long: 30s, 15m, 8h, 2d, at most 366d (default: keep).",
    "by": BY_HELP,
})
@tool
def demo_new(c, name=None, server=None, from_=SNAPSHOTS, version="latest", now=None, prospect=None,
             prospect_color=None, ttl=None, by=None):
    """Make a named demo on a server: its own database (a copy of the snapshot's template) and login."""
    from builder.clock import parse_duration, parse_instant
    from builder.named.names import check_prospect

    name = _need_name(name, "demo.new")
    check_prospect(prospect or "", prospect_color or "")
    when = parse_instant(now)
    life = parse_duration(ttl, "--ttl") if ttl else None
    demos = _named(server, by)
    _print_demo(demos, demos.new(name, from_, version, now=when, prospect=prospect or "", color=prospect_color or "",
                                 ttl=life, echo=say))


@task(name="url", auto_shortflags=False, help={"name": NAME_HELP, "server": SERVER_HELP})
@tool
def demo_url(c, name=None, server=None):
    """Print a named demo's connection URL, with its login and password, as the last line (for scripts)."""
    say(_named(server).demo_url(_need_name(name, "demo.url")))


@task(name="list", auto_shortflags=False, help={"server": SERVER_HELP})
@tool
def demo_list(c, server=None):
    """One row per named demo: its status, prospect, version, dates, size, connections and host."""
    from builder.named import listing

    demos = _named(server)
    for line in listing.lines(demos.demos(), demos.url):
        say(line)


@task(name="drop", auto_shortflags=False, help={"name": NAME_HELP, "server": SERVER_HELP})
@tool
def demo_drop(c, name=None, server=None):
    """Drop a named demo and its login, with whatever the login left in any database (only what this tool made)."""
    _named(server).drop(_need_name(name, "demo.drop"), echo=say)


@task(name="gc", auto_shortflags=False, help={"server": SERVER_HELP})
@tool
def demo_gc(c, server=None):
    """Drop named demos past their --ttl, unused templates and what stopped commands left."""
    from builder.named import upkeep

    say(upkeep.gc(_named(server), echo=say).summary())


@task(name="repair", auto_shortflags=False, help={"name": "Repair only this demo (default: all).",
                                                  "server": SERVER_HELP})
@tool
def demo_repair(c, name=None, server=None):
    """Bring the registry and the server back into agreement: broken demos made whole or forgotten."""
    from builder.named import upkeep
    from builder.named.names import validate

    say(upkeep.repair(_named(server), validate(name) if name else None, echo=say).summary("removed"))


@task(name="keep-live", auto_shortflags=False, help={
    "server": SERVER_HELP, "every": "How often to rebase every demo to now: 30s, 15m (default), 8h; at most 7d.",
    "rounds": "Stop after this many rounds (default: run until stopped)."})
@tool
def demo_keep_live(c, server=None, every="15m", rounds=None):
    """Keep every named demo live all day: rebase each to now at an interval (connections stay open)."""
    from datetime import timedelta

    from builder.clock import format_duration, parse_duration, parse_int
    from builder.named import keep_live

    interval = parse_duration(every, "--every", longest=timedelta(days=7))
    count = parse_int(rounds, "--rounds", 1, 1_000_000) if rounds is not None else None
    say(f"rebasing every demo every {format_duration(interval)}" + (f", {count} round(s)" if count else
                                                                   " (Ctrl-C to stop)"))
    done = keep_live.run(_named(server), interval, rounds=count, echo=say)
    say(f"{done} round(s) done")


@task(name="bench", auto_shortflags=False, help={
    "repeat": "Runs per measurement (default 3); medians are reported.",
    "quick": "Scales 1 and 10 only: a smoke run.",
    "large": "Also scale 1000 (several minutes more).",
    "only": "Comma-separated subset: pipeline,image,s3,demo,named,scaling,profile."})
@tool
def bench(c, repeat="3", quick=False, large=False, only="pipeline,image,s3,demo,named,scaling,profile"):
    """Measure every step beside the bare tool doing the same work; writes docs/benchmarks/ and the README table."""
    from builder.clock import parse_int

    args = [sys.executable, "-m", "benchmarks.run", "--repeat", str(parse_int(repeat, "--repeat", 1, 50)),
            "--only", only] + (["--quick"] if quick else []) + (["--large"] if large else [])
    os.execv(sys.executable, args)


snapshot = Collection("snapshot")
for t in (restore_, rebase, verify, list_, prune, image, publish):
    snapshot.add_task(t)
snapshot.add_task(build, default=True)
db = Collection("db", migrate, seed)
demo = Collection("demo", demo_up, demo_reset, demo_status, demo_check, demo_down, demo_admin, demo_new, demo_url,
                  demo_list, demo_drop, demo_gc, demo_repair, demo_keep_live)
ns = Collection(snapshot, db, demo, bench)
