"""`snapshot.build`, stage by stage: postgres -> migrate -> seed -> digest -> rebase -> dump -> publish.

Each stage reads the previous stage's output. The provider owns the server, the scratch
database and the dump; the build owns the artifact. The version's time comes from an
injectable clock. Nothing reaches the snapshots directory before the artifact is complete.
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
from builder.clock import iso, parse_instant, parse_int, utc_now
from builder.config import DEFAULT_PASSWORD, DEFAULT_SEED, MAX_SCALE, persona_password
from builder.errors import UserError
from builder.postgres import providers, rebase, server
from builder.snapshot import mediafiles, platform
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

    @classmethod
    def from_flags(cls, provider: str = "auto", seed: object = None, scale: object = None, anchor: str | None = None,
                   password: str | None = None) -> "BuildOptions":
        """Validated options from command-line strings: one sentence for any bad value."""
        if provider not in providers.PROVIDERS:
            raise UserError(f"Unknown provider {provider!r}: choose one of {', '.join(providers.PROVIDERS)}.")
        return cls(provider=provider,
                   seed=DEFAULT_SEED if seed is None else parse_int(seed, "--seed", 0, 2**63 - 1),
                   scale=1 if scale is None else parse_int(scale, "--scale", 1, MAX_SCALE),
                   anchor=parse_instant(anchor, "--anchor"), password=persona_password(password))


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
    anchor = options.anchor or clock()
    store = output_store(output)
    store.clean_staging()
    stage = Stages(echo)
    artifact = store.staging_dir()
    try:
        with ExitStack() as stack:
            with stage("postgres"):
                db = stack.enter_context(providers.provide(options.provider, echo=lambda m: echo(f"  {m}")))
                url = stack.enter_context(db.scratch_database())
            with stage("migrate"):
                platform.manage(["migrate", "--no-input", "-v", "0"], url)
            with stage("seed"):
                seed(url, options, None, artifact / "media", echo)
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
            "format_version": mf.FORMAT_VERSION, "version": version,
            "created_at": iso(clock()), "anchor_at": iso(anchor), "seed": options.seed, "scale": options.scale,
            "demo_password_is_default": options.password == DEFAULT_PASSWORD, "database": providers.BUILD_DATABASE,
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


def seed(url: str, options: BuildOptions, anchor: datetime | None, media_root: Path,
         echo: Callable[[str], None]) -> None:
    """create_demo_data: at `anchor`, or with None at the scenario's own anchor (unrebased)."""
    when = ["--anchor", iso(anchor)] if anchor else ["--canonical"]
    platform.manage(["create_demo_data", "--seed", str(options.seed), "--scale", str(options.scale), *when],
                    url, media_root=str(media_root), env_extra={"CPD_DEMO_PASSWORD": options.password},
                    echo=lambda line: echo(f"  {line.strip()}") if ": " in line else None)


def prepare_for_dump(url: str, version: str) -> dict[str, Any]:
    """Record the version in the snapshot row, leave room for the rebase; the facts the manifest keeps."""
    rebase.leave_room(url)
    with server.connect(url) as conn:
        # The dump represents its anchor as built: the rebase that put it there is part of the build.
        conn.execute("UPDATE cpd_demo_snapshot SET version = %s, rebased_at = NULL", (version,))
        heads = dict(conn.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app"))
        server_version = server.scalar(conn, "SHOW server_version")
    counts = server.table_row_counts(url)
    return {"postgres": {"server_version": server_version}, "migrations": heads, "row_counts": counts,
            "total_rows": sum(counts.values())}
