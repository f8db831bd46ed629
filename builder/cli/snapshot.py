"""`invoke snapshot.*`: build, restore, rebase, verify, list, prune, image, publish, rules."""

from invoke import Collection, task

from builder.cli import (
    CONFIG_HELP,
    FORCE_HELP,
    FROM_HELP,
    NOW_HELP,
    URL_HELP,
    VERSION_HELP,
    mib,
    print_status_and_logins,
    project,
    say,
    snapshots,
    tool,
)
from builder.errors import UserError

SNAPSHOTS = snapshots()
BUILD_HELP = {
    "provider": "Where Postgres runs: auto (default), compose, embedded or url.",
    "seed": "Random seed (default 20240501); same seed, scale and anchor give the same rows.",
    "scale": "Multiplier for generated volumes, 1 to 5000 (default 1 = the plan as written).",
    "anchor": "ISO instant the data is built around (default: now).",
    "password": "The demo password handed to the scenario (default: CPD_DEMO_PASSWORD, else the documented one).",
    "config": CONFIG_HELP,
    "build_port": "The build's own Postgres (embedded or compose) on this port of 127.0.0.1 (default: "
                  "CPD_DEMO_BUILD_PORT, else a free one).",
}
IMAGE_HELP = {
    "repository": "Image repository (default cpd-demo-db), e.g. 127.0.0.1:5000/cpd-demo-db.",
    "base_image": "Base image (default postgres:<major of the dump's server>).",
    "push": "Push <repository>:<version> and :latest to the registry.",
}


@task(auto_shortflags=False, help={**BUILD_HELP, "output": "Directory for versions (default: snapshots/).",
                                   "force": "Make a new version even if the content equals latest's."})
@tool
def build(c, provider="auto", seed=None, scale=None, anchor=None, password=None, output=SNAPSHOTS, force=False,
          config=None, build_port=None):
    """Build a snapshot: Postgres up, migrate, seed the scenario, pg_dump into snapshots/<version>/."""
    from builder.snapshot.build import BuildOptions
    from builder.snapshot.build import build as run_build

    options = BuildOptions.from_flags(provider, seed, scale, anchor, password, config, build_port)
    result = run_build(options, output=output, force=force, echo=say)
    if result.skipped:
        say(f"no new version: latest ({result.version}) has the same content")
        return result
    files = result.manifest["files"]
    say(f"built {result.version} in {result.stages.get('total')} s -> {result.path}")
    say(f"  rows {result.manifest['total_rows']:,} · dump {mib(files['cpd-demo.dump']['size'])} · "
        f"media {mib(files['media.tar.gz']['size'])} · Postgres {result.manifest['postgres']['server_major']}")
    say("  stages: " + ", ".join(f"{k} {v} s" for k, v in result.stages.items() if k != "total"))
    return result


@task(name="restore", auto_shortflags=False, help={
    "from_": FROM_HELP, "version": VERSION_HELP, "database_url": URL_HELP, "now": NOW_HELP,
    "media_root": "Also unpack the media files into this directory (new, empty, or one this tool made).",
    "jobs": "Parallel pg_restore jobs (default: number of CPUs).", "force": FORCE_HELP, "config": CONFIG_HELP,
})
@tool
def restore_(c, from_=SNAPSHOTS, version="latest", database_url=None, now=None, media_root=None, jobs=None,
             force=False, config=None):
    """Restore a snapshot into a database (created if missing), rebased to now.

    The target is only replaced once the restored copy is verified, and only if it is a demo
    database (a named demo is reset with `demo.reset --name`)."""
    from builder.clock import parse_instant, parse_int
    from builder.demo.local import target_url
    from builder.postgres import conninfo
    from builder.snapshot.restore import restore

    proj = project(config)
    when = parse_instant(now, zone=proj.timezone)
    workers = parse_int(jobs, "--jobs", 1, 64) if jobs is not None else None
    url = target_url(database_url, proj.database)
    result = restore(from_, version, url, now=when, media_root=media_root, jobs=workers, force=force, echo=say)
    say(f"restored {result.version} into {conninfo.display(url)} in {result.seconds} s")
    print_status_and_logins(proj, url, result.manifest.get("demo_password_is_default", True))
    return result


@task(auto_shortflags=False, help={"database_url": URL_HELP, "now": NOW_HELP, "config": CONFIG_HELP})
@tool
def rebase(c, database_url=None, now=None, config=None):
    """Move every date of a demo database so that it represents `now` (runs rebase_dates.sql)."""
    from builder.clock import parse_instant
    from builder.demo.local import target_url
    from builder.postgres import conninfo, databases
    from builder.postgres import rebase as rebase_sql

    proj = project(config)
    url = target_url(database_url, proj.database)
    when = parse_instant(now, zone=proj.timezone)
    if databases.what_is(url) not in ("demo", "named"):
        raise UserError(f"{conninfo.display(url)} is not a demo database (no cpd_demo_snapshot row).")
    say(rebase_sql.run(url, when))


@task(auto_shortflags=False, help={"from_": FROM_HELP, "version": VERSION_HELP})
@tool
def verify(c, from_=SNAPSHOTS, version="latest"):
    """Check a snapshot's manifest, file sizes and sha256 checksums, and that the dump is readable."""
    import tempfile
    from pathlib import Path

    from builder.postgres import clients
    from builder.store import manifest as mf
    from builder.store import open_store

    store = open_store(from_)
    name = store.resolve(version)
    with tempfile.TemporaryDirectory(prefix="cpd-demo-verify-") as tmp:
        local = store.fetch(name, Path(tmp))
        manifest = mf.verify(local, name)
        header = clients.dump_header(local / mf.DUMP)
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
            f"{mib(size):>10}  anchor {m['anchor_at']}")
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


@task(auto_shortflags=False, help={"from_": FROM_HELP, "version": VERSION_HELP, **IMAGE_HELP, "config": CONFIG_HELP})
@tool
def image(c, from_=SNAPSHOTS, version="latest", repository="cpd-demo-db", base_image=None, push=False, config=None):
    """Build the Postgres image of a snapshot (data baked in, rebased at start), tag :<version> and :latest."""
    import tempfile
    from pathlib import Path

    from builder import hooks
    from builder.snapshot.image import build_image
    from builder.store import open_store

    tailoring = hooks.tailoring(project(config))
    store = open_store(from_)
    name = store.resolve(version)
    with tempfile.TemporaryDirectory(prefix="cpd-demo-fetch-") as tmp:
        tags = build_image(store.fetch(name, Path(tmp)), repository=repository, base_image=base_image,
                           push=push, echo=say, tailoring=tailoring)
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
            password=None, force=False, repository="cpd-demo-db", push=False, base_image=None, config=None,
            build_port=None):
    """Build a snapshot (or take --version) and publish it to each --to destination; skips unchanged content."""
    from builder import hooks
    from builder.snapshot.build import BuildOptions
    from builder.snapshot.publish import ImageOptions, PublishRequest
    from builder.snapshot.publish import publish as run_publish

    options = BuildOptions.from_flags(provider, seed, scale, anchor, password, config, build_port)
    request = PublishRequest(destinations=list(to or []), version=version, source=from_, build=options,
                             image=ImageOptions(repository, push, base_image, hooks.tailoring(options.project())),
                             force=force)
    published, outcomes = run_publish(request, echo=say)
    say(f"published {published}:")
    for o in outcomes:
        say(f"  {o.destination:<40} {o.status:<10} {o.detail}")
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        raise UserError(f"{len(failed)} of {len(outcomes)} destinations failed (see above).")
    return outcomes


@task(auto_shortflags=False, help={
    "config": CONFIG_HELP,
    "database_url": "A migrated or restored database to read the schema from (default: migrate a throwaway one).",
    "check": "Exit 1, one line per dated column, when any has no declared rule (an expiry-like one never takes the default).",
    "strict": "With --check: a column the default covers counts as having no rule (for CI)."})
@tool
def rules(c, config=None, database_url=None, check=False, strict=False):
    """List every dated column of the project's schema with its rule, span and group, and where each comes from."""
    from builder.snapshot import rules_report

    proj = project(config)
    lines, undeclared = rules_report.report(proj, database_url, echo=say, strict=strict)
    for line in lines:
        say(line)
    if (check or strict) and undeclared:
        for column in undeclared:
            say(f"no rule: {column}")
        raise UserError(f"{len(undeclared)} dated column(s) have no {'rule of their own' if strict else 'declared rule'}: "
                        f"declare each in {rules_report.where(proj)} (docs/plug-in.md).")


collection = Collection("snapshot")
for t in (restore_, rebase, verify, list_, prune, image, publish, rules):
    collection.add_task(t)
collection.add_task(build, default=True)
