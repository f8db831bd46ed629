"""Invoke tasks of cpd-demo-db: thin wrappers over the `builder` modules.

`invoke --list` shows them; `invoke --help TASK` shows a task's flags. Errors a user can
cause end with one sentence and exit code 1.
"""

import functools
import os
import sys

from invoke import Collection, Exit, task

from builder.defaults import DEFAULT_PASSWORD, DEFAULT_SEED
from builder.errors import UserError

SNAPSHOTS = os.environ.get("CPD_DEMO_SNAPSHOTS", "snapshots")
FROM_HELP = "Where snapshots live: a directory or s3://bucket/prefix (default: snapshots/)."
VERSION_HELP = "Snapshot version, or 'latest' (default)."
URL_HELP = "Target database URL (default: DATABASE_URL, else the local demo server)."
NOW_HELP = "Instant the dates should represent, ISO 8601 (default: now), e.g. 2027-03-01T14:00Z."


def say(message: str) -> None:
    print(message, flush=True)


def user_errors(fn):
    """Turn a UserError into one sentence on stderr and exit code 1, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            raise Exit(f"error: {exc}", code=1)
        except KeyboardInterrupt:
            raise Exit("interrupted", code=130)

    return wrapper


def _target_url(database_url: str | None) -> str:
    if database_url:
        return database_url
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from builder import demo_server

    return demo_server.default_url()


def _mb(n: int) -> str:
    return f"{n / 1_048_576:.2f} MiB"


# -- snapshot ---------------------------------------------------------------------------------

@task(help={
    "provider": "Where Postgres runs: auto (default), compose, embedded or url.",
    "seed": f"Random seed (default {DEFAULT_SEED}); same seed, scale and anchor give the same rows.",
    "scale": "Multiplier for generated volumes (default 1 = the plan as written).",
    "anchor": "ISO instant the data is built around (default: now).",
    "password": "Password of every persona (default: the documented demo password).",
    "output": "Directory for versions (default: snapshots/).",
    "force": "Make a new version even if the content equals latest's.",
})
@user_errors
def build(c, provider="auto", seed=DEFAULT_SEED, scale=1, anchor=None, password=None, output=SNAPSHOTS,
          force=False):
    """Build a snapshot: Postgres up, migrate, seed the scenario, pg_dump into snapshots/<version>/."""
    from builder.build import build as run_build

    if int(scale) < 1:
        raise UserError(f"--scale must be 1 or more (got {scale}).")
    password = password or os.environ.get("CPD_DEMO_PASSWORD") or DEFAULT_PASSWORD
    result = run_build(provider=provider, seed=int(seed), scale=int(scale), anchor=anchor, password=password,
                       output=output, force=force, echo=say)
    if result.skipped:
        say(f"no new version: latest ({result.version}) has the same content")
        return result
    files = result.manifest["files"]
    say(f"built {result.version} in {result.stages.get('total')} s -> {result.path}")
    say(f"  rows {result.manifest['total_rows']:,} · dump {_mb(files['cpd-demo.dump']['size'])} · "
        f"media {_mb(files['media.tar.gz']['size'])} · Postgres {result.manifest['postgres']['server_major']}")
    say("  stages: " + ", ".join(f"{k} {v} s" for k, v in result.stages.items() if k != "total"))
    return result


@task(name="restore", help={
    "from_": FROM_HELP, "version": VERSION_HELP, "database_url": URL_HELP, "now": NOW_HELP,
    "media_root": "Also unpack the media files into this directory.",
    "jobs": "Parallel pg_restore jobs (default: number of CPUs).",
})
@user_errors
def restore_(c, from_=SNAPSHOTS, version="latest", database_url=None, now=None, media_root=None, jobs=None):
    """Restore a snapshot into a database (created if missing), rebased to now; the target is only
    replaced once the restored copy is verified."""
    from builder import report
    from builder.database import redact
    from builder.restore import restore

    url = _target_url(database_url)
    result = restore(from_, version, url, now=now, media_root=media_root, jobs=int(jobs) if jobs else None,
                     echo=say)
    info = report.status(url)
    say(f"restored {result.version} into {redact(url)} in {result.seconds} s")
    for line in report.format_status(info)[1:]:
        say(line)
    say("logins:")
    for line in report.format_logins(result.manifest.get("demo_password_is_default", True)):
        say(line)
    return result


@task(help={"database_url": URL_HELP, "now": NOW_HELP})
@user_errors
def rebase(c, database_url=None, now=None):
    """Move every date of a demo database so that it represents `now` (runs rebase_dates.sql)."""
    from builder import pgtools

    say(pgtools.rebase(_target_url(database_url), now))


@task(help={"from_": FROM_HELP, "version": VERSION_HELP})
@user_errors
def verify(c, from_=SNAPSHOTS, version="latest"):
    """Check a snapshot's manifest, file sizes and sha256 checksums, and that the dump is readable."""
    import tempfile
    from pathlib import Path

    from builder import artifact, pgtools

    store = artifact.open_store(from_)
    version = store.resolve(version)
    with tempfile.TemporaryDirectory(prefix="cpd-demo-verify-") as tmp:
        local = store.fetch(version, Path(tmp))
        manifest = artifact.verify(local)
        header = pgtools.dump_header(local / artifact.DUMP)
    say(f"ok: {version} · {manifest['total_rows']:,} rows · Postgres {header['server_version']} · "
        f"digest {manifest['content_digest'][:12]}")


@task(name="list", help={"from_": FROM_HELP})
@user_errors
def list_(c, from_=SNAPSHOTS):
    """List snapshot versions, newest last, marking latest."""
    from builder import artifact

    store = artifact.open_store(from_)
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


@task(help={"from_": FROM_HELP, "keep": "How many of the newest versions to keep (default 5)."})
@user_errors
def prune(c, from_=SNAPSHOTS, keep=5):
    """Delete old snapshot versions, keeping the newest N and always the one latest points to."""
    from builder import artifact

    removed = artifact.open_store(from_).prune(int(keep))
    say(f"removed {len(removed)} version(s)" + (": " + ", ".join(removed) if removed else ""))
    return removed


@task(help={
    "from_": FROM_HELP, "version": VERSION_HELP,
    "repository": "Image repository (default cpd-demo-db), e.g. 127.0.0.1:5000/cpd-demo-db.",
    "base_image": "Base image (default postgres:<major of the dump's server>).",
    "push": "Push <repository>:<version> and :latest to the registry.",
})
@user_errors
def image(c, from_=SNAPSHOTS, version="latest", repository="cpd-demo-db", base_image=None, push=False):
    """Build the Postgres image of a snapshot (data baked in, rebased at start), tag :<version> and :latest."""
    import tempfile
    from pathlib import Path

    from builder import artifact
    from builder.image import build_image

    store = artifact.open_store(from_)
    version = store.resolve(version)
    with tempfile.TemporaryDirectory(prefix="cpd-demo-fetch-") as tmp:
        tags = build_image(store.fetch(version, Path(tmp)), repository=repository, base_image=base_image,
                           push=push, echo=say)
    say(f"image {' '.join(tags)}" + (" (pushed)" if push else ""))
    return tags


@task(iterable=["to"], help={
    "to": "Destination, repeatable: a directory, s3://bucket/prefix, or image.",
    "version": "Publish this existing build instead of building a new one.",
    "from_": "Directory of local builds (default: snapshots/).",
    "provider": "Build flag: auto, compose, embedded or url.",
    "seed": "Build flag: random seed.", "scale": "Build flag: volume multiplier.",
    "anchor": "Build flag: ISO anchor (default now).", "password": "Build flag: persona password.",
    "force": "Build and publish even if the content equals the destination's latest.",
    "repository": "Image repository for --to image (default cpd-demo-db).",
    "push": "Push the image to its registry (with --to image).",
    "base_image": "Base image for --to image (default postgres:<major>).",
})
@user_errors
def publish(c, to=None, version=None, from_=SNAPSHOTS, provider="auto", seed=DEFAULT_SEED, scale=1, anchor=None,
            password=None, force=False, repository="cpd-demo-db", push=False, base_image=None):
    """Build a snapshot (or take --version) and publish it to each --to destination; skips unchanged content."""
    from builder.publish import publish as run_publish

    build_options = {"provider": provider, "seed": int(seed), "scale": int(scale), "anchor": anchor,
                     "password": password or os.environ.get("CPD_DEMO_PASSWORD") or DEFAULT_PASSWORD}
    published, outcomes = run_publish(list(to or []), version, from_, build_options, force,
                                      image_options={"repository": repository, "push": push, "base_image": base_image}, echo=say)
    say(f"published {published}:")
    for o in outcomes:
        say(f"  {o.destination:<40} {o.status:<10} {o.detail}")
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        raise UserError(f"{len(failed)} of {len(outcomes)} destinations failed (see above).")
    return outcomes


# -- db: the platform's own commands on any database ---------------------------------------------

@task(help={"database_url": URL_HELP})
@user_errors
def migrate(c, database_url=None):
    """Apply the platform's migrations to a database."""
    from builder import platform_cli

    platform_cli.manage(["migrate", "--no-input"], _target_url(database_url), echo=say)


@task(help={"database_url": URL_HELP, "seed": "Random seed.", "scale": "Volume multiplier.",
            "anchor": "ISO anchor instant (default now).", "reset": "Replace existing data."})
@user_errors
def seed(c, database_url=None, seed=DEFAULT_SEED, scale=1, anchor=None, reset=False):
    """Run create_demo_data on a migrated database (no dump, no artifact)."""
    from builder import platform_cli

    args = ["create_demo_data", "--seed", str(seed), "--scale", str(scale)]
    args += (["--anchor", anchor] if anchor else []) + (["--reset"] if reset else [])
    platform_cli.manage(args, _target_url(database_url), echo=say)


# -- demo: a local demo database for sales engineers ------------------------------------------------

@task(name="up")
@user_errors
def demo_up(c):
    """Start the local demo Postgres (kept in .demo/, port 55433)."""
    from builder import demo_server

    server = demo_server.server()
    if server.running():
        say(f"demo Postgres already running: {demo_server.default_url()}")
        return
    server.start()
    say(f"demo Postgres up: {demo_server.default_url()}")


@task(name="reset", help={"from_": FROM_HELP, "version": VERSION_HELP, "database_url": URL_HELP, "now": NOW_HELP})
@user_errors
def demo_reset(c, from_=SNAPSHOTS, version="latest", database_url=None, now=None):
    """Restore the latest snapshot into the demo database, rebased to now (or --now), and print the logins."""
    from builder import demo_server

    if not database_url and not os.environ.get("DATABASE_URL"):
        server = demo_server.server()
        if not server.running():
            server.start()
    restore_(c, from_=from_, version=version, database_url=database_url, now=now,
             media_root=str(demo_server.media_root()))


@task(name="status", help={"database_url": URL_HELP})
@user_errors
def demo_status(c, database_url=None):
    """Show the demo database's version, anchor, last rebase, and what is live and upcoming."""
    from builder import report

    for line in report.format_status(report.status(_target_url(database_url))):
        say(line)


@task(name="down")
@user_errors
def demo_down(c):
    """Stop the local demo Postgres (its data stays in .demo/)."""
    from builder import demo_server

    demo_server.server().stop()
    say("demo Postgres stopped")


@task(name="admin", help={"database_url": URL_HELP, "port": "Port on 127.0.0.1 (default 8000)."})
@user_errors
def demo_admin(c, database_url=None, port=8000):
    """Serve the platform's Django admin on http://127.0.0.1:PORT/admin/ against the demo database."""
    from builder import demo_server

    env = {"DATABASE_URL": _target_url(database_url), "CPD_DEMO_MEDIA_ROOT": str(demo_server.media_root()),
           "CPD_DEMO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "cpd_platform.settings"}
    say(f"admin on http://127.0.0.1:{port}/admin/ (log in as admin@cpdevents.com)")
    c.run(f"{sys.executable} -m django runserver --noreload 127.0.0.1:{int(port)}", env=env, pty=False)


@task(name="bench", help={"repeat": "Runs per measurement (default 3); medians are reported.",
                          "quick": "Scales 1 and 10 only: a smoke run.",
                          "only": "Comma-separated subset: pipeline,image,s3,demo,scaling."})
def bench(c, repeat=3, quick=False, only="pipeline,image,s3,demo,scaling"):
    """Measure every step beside the bare tool doing the same work; writes docs/benchmarks/{results.md,chart.png}."""
    args = f"--repeat {int(repeat)} --only {only}" + (" --quick" if quick else "")
    c.run(f"{sys.executable} -m benchmarks.run {args}", pty=False)


snapshot = Collection("snapshot")
for t in (build, restore_, rebase, verify, list_, prune, image, publish):
    snapshot.add_task(t)
snapshot.add_task(build, default=True)
db = Collection("db", migrate, seed)
demo = Collection("demo", demo_up, demo_reset, demo_status, demo_down, demo_admin)
ns = Collection(snapshot, db, demo, bench)
