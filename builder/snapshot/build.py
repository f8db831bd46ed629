"""`snapshot.build`, stage by stage: postgres -> migrate -> rules -> seed -> digest -> rebase -> dump
-> publish, for the project its config names.

Each stage reads the previous stage's output. The provider owns the server, the scratch
database and the dump; the project's own Django migrates and runs its scenario; the build owns
the artifact. The version's time comes from an injectable clock. A schema with a dated column no
rule covers is refused before the scenario runs. Nothing reaches the snapshots directory before
the artifact is complete.
"""

import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from builder import faults
from builder import project as projects
from builder.clock import iso, parse_instant, parse_int, utc_now
from builder.errors import UserError
from builder.postgres import databases, meta, providers, rebase, schema
from builder.project import Project
from builder.rules import Compiler, Rule
from builder.settings import DEFAULT_PASSWORD, DEFAULT_SEED, MAX_SCALE, SETTINGS
from builder.snapshot import django_side, mediafiles, rules_report
from builder.snapshot.digest import content_digest
from builder.store import manifest as mf
from builder.store.local import LocalStore
from builder.store.versions import new_version


@dataclass(frozen=True)
class BuildOptions:
    provider: str = "auto"
    seed: int = DEFAULT_SEED
    scale: int = 1
    anchor: datetime | None = None  # None: the clock's now
    password: str = DEFAULT_PASSWORD
    config: str | None = None  # the project config file (None: the usual places, see builder.project)
    port: int = 0  # the build server's port on 127.0.0.1 (embedded or compose; 0: a free one)

    @classmethod
    def from_flags(cls, provider: str = "auto", seed: object = None, scale: object = None, anchor: str | None = None,
                   password: str | None = None, config: str | None = None,
                   port: object = None) -> "BuildOptions":
        """Validated options from command-line strings: one sentence for any bad value."""
        if provider not in providers.PROVIDERS:
            raise UserError(f"Unknown provider {provider!r}: choose one of {', '.join(providers.PROVIDERS)}.")
        zone = projects.load(config).timezone
        return cls(provider=provider,
                   seed=DEFAULT_SEED if seed is None else parse_int(seed, "--seed", 0, 2**63 - 1),
                   scale=1 if scale is None else parse_int(scale, "--scale", 1, MAX_SCALE),
                   anchor=parse_instant(anchor, "--anchor", zone=zone), password=password or SETTINGS.password,
                   config=config,
                   port=SETTINGS.build_port if port is None else parse_int(port, "--build-port", 0, 65535))

    def project(self) -> Project:
        return projects.load(self.config)


@dataclass
class BuildResult:
    version: str
    path: Path | None
    digest: str
    skipped: bool = False
    manifest: dict = field(default_factory=dict)
    stages: dict = field(default_factory=dict)


class Stages:
    """Times each stage and reports it as it starts."""

    def __init__(self, echo: Callable[[str], None]):
        self.echo = echo
        self.times: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        self.echo(f"→ {name}")
        start = time.monotonic()
        yield
        self.times[name] = round(time.monotonic() - start, 2)


def git_revision() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True, text=True)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def output_store(output: str | Path) -> LocalStore:
    """The snapshots directory, checked writable before any work starts."""
    store = LocalStore(output)
    try:
        store.staging_dir().rmdir()
    except OSError as exc:
        raise UserError(f"--output {output} is not a writable directory ({exc.strerror}).") from None
    return store


def build(options: BuildOptions, output: str | Path = "snapshots", force: bool = False,
          echo: Callable[[str], None] = print, clock: Callable[[], datetime] = utc_now) -> BuildResult:
    started = time.monotonic()
    project = options.project()
    anchor = options.anchor or clock()
    store = output_store(output)
    store.clean_staging()
    stage = Stages(echo)
    artifact = store.staging_dir()
    try:
        with ExitStack() as stack:
            with stage("postgres"):
                db = stack.enter_context(providers.provide(options.provider, echo=lambda m: echo(f"  {m}"),
                                                           port=options.port))
                url = stack.enter_context(db.scratch_database(project.database))
            with stage("migrate"):
                django_side.run(project, "migrate", url)
            with stage("rules"):
                rules = compile_rules(project, url)
            with stage("seed"):
                seed(project, url, options, anchor, artifact / "media", rules, echo, clock)
            with stage("digest"):
                mediafiles.pack(artifact / "media", artifact / mf.MEDIA)
                digest = content_digest(url, mf.sha256_file(artifact / mf.MEDIA))
            latest = store.latest()
            if not force and latest and store.latest_digest() == digest:
                echo(f"unchanged: content digest {digest[:12]} equals latest ({latest}); nothing new (use --force)")
                return BuildResult(latest, store.path(latest), digest, skipped=True, stages=stage.times)
            version = new_version(digest, clock())
            with stage("rebase"):
                rebase.run(url, anchor)
            facts = prepare_for_dump(url, version)
            with stage("dump"):
                dump_version = db.dump(url, artifact / mf.DUMP)
                faults.checkpoint("build:after-dump")
            facts["postgres"].update(server_major=db.major, pg_dump_version=dump_version)
            provider = db.kind
        manifest = {
            "format_version": mf.FORMAT_VERSION, "version": version, "project": project.name,
            "created_at": iso(clock()), "anchor_at": iso(anchor), "seed": options.seed, "scale": options.scale,
            "demo_password_is_default": options.password == DEFAULT_PASSWORD, "database": project.database,
            **facts, "files": mf.file_entries(artifact), "content_digest": digest,
            "builder_revision": git_revision(), "provider": provider,
        }
        mf.write(artifact, manifest)
        store.publish(artifact, version)
        store.set_latest(version)  # last, once the version is complete
        stage.times["total"] = round(time.monotonic() - started, 2)
        return BuildResult(version, store.path(version), digest, manifest=manifest, stages=stage.times)
    finally:
        shutil.rmtree(artifact, ignore_errors=True)
        store.clean_staging()


def compile_rules(project: Project, url: str) -> list[Rule]:
    """The project's rules for the migrated schema at `url`; one sentence naming every dated column
    no rule covers (unless the rules name a default), before any data is made."""
    where = rules_report.where(project)
    rules, undeclared = Compiler(project.rules, schema.read(url), where).compile(skip_tables=meta.TABLES)
    if undeclared:
        names = ", ".join(c.key for c in undeclared[:8]) + (f" and {len(undeclared) - 8} more" if len(undeclared) > 8
                                                              else "")
        closed = " (a default never covers a column that reads like an expiry, a one-time token or a lockout)" \
            if "default" in project.rules else " (or name a default there)"
        raise UserError(f"{len(undeclared)} dated column(s) have no rule: {names}. Declare each in {where}{closed}; "
                        "`snapshot.rules` lists them all.")
    return rules


def seed(project: Project, url: str, options: BuildOptions, anchor: datetime, media_root: Path | None, rules: list[Rule],
         echo: Callable[[str], None], clock: Callable[[], datetime] = utc_now) -> datetime:
    """The project's scenario, then the engine's tables (what the data represents, the rules).
    Returns the instant the scenario was generated around: its fixed anchor, the build's anchor
    (passed to it), or the instant it ran (a scenario that reads the clock itself)."""
    scenario = project.scenario
    made_at = scenario.fixed_anchor() or (anchor if scenario.anchor == "now" else clock())
    django_side.run(project, "seed", url, echo=lambda line: echo(f"  {line.strip()}") if line.strip() else None,
                    seed=options.seed, scale=options.scale, anchor=iso(made_at),
                    media_root=str(media_root) if scenario.media and media_root else None, password=options.password)
    meta.write(url, meta.Snapshot(version="", project=project.name, seed=options.seed, scale=options.scale,
                                  built_at=clock(), anchor_at=made_at, scenario_anchor_at=made_at, rebased_at=None,
                                  timezone=project.timezone, prospect=""), rules)
    return made_at


def prepare_for_dump(url: str, version: str) -> dict[str, Any]:
    """Record the version in the snapshot row, leave room for the rebase; the facts the manifest keeps."""
    rebase.leave_room(url)
    with databases.connect(url) as conn:
        # The dump represents its anchor as built: the rebase that put it there is part of the build.
        conn.execute(f"UPDATE {meta.SNAPSHOT_TABLE} SET version = %s, rebased_at = NULL", (version,))
        heads = dict(conn.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app"))
        server_version = databases.scalar(conn, "SHOW server_version")
    counts = databases.table_row_counts(url)
    return {"postgres": {"server_version": server_version}, "migrations": heads, "row_counts": counts,
            "total_rows": sum(counts.values())}
