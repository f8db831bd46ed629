"""`snapshot.build`: provider up -> migrate -> create_demo_data -> pg_dump -> snapshots/<version>/."""

import shutil
import subprocess
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from builder import artifact, database, faults, pgtools, platform_cli, providers
from builder.digest import content_digest
from builder.errors import UserError
from builder.defaults import DEFAULT_PASSWORD, DEFAULT_SEED, parse_anchor

DATABASE = "cpd_demo"


@dataclass
class BuildResult:
    version: str
    path: Path | None
    digest: str
    skipped: bool = False
    manifest: dict = field(default_factory=dict)
    stages: dict = field(default_factory=dict)


class Stages:
    """Times each stage and reports it as it starts and ends."""

    def __init__(self, echo):
        self.echo, self.times = echo, {}

    @contextmanager
    def __call__(self, name: str):
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


def build(provider: str = "auto", seed: int = DEFAULT_SEED, scale: int = 1, anchor: str | None = None,
          password: str = DEFAULT_PASSWORD, output: str | Path = "snapshots", force: bool = False,
          echo: Callable[[str], None] = print) -> BuildResult:
    started = time.monotonic()
    try:
        anchor_at = parse_anchor(anchor)
    except ValueError:
        raise UserError(f"--anchor {anchor!r} is not an ISO 8601 instant (e.g. 2027-03-01T14:00Z).") from None
    store = artifact.LocalStore(output)
    store.clean_staging()
    stage = Stages(echo)
    workdir = Path(tempfile.mkdtemp(prefix="cpd-demo-build-"))
    media_root = workdir / "media"
    try:
        with ExitStack() as stack:
            with stage("postgres"):
                server = stack.enter_context(providers.provide(provider, echo=lambda m: echo(f"  {m}")))
            url = server.url(DATABASE)
            if server.kind == "url":
                # Never touch the user's own database: build in a scratch database beside it.
                url = server.url(f"{DATABASE}_build")
                database.drop_database(server.admin_url, database.database_name(url))
            database.create_database(server.admin_url, database.database_name(url))
            try:
                with stage("migrate"):
                    platform_cli.manage(["migrate", "--no-input", "-v", "0"], url)
                with stage("seed"):
                    platform_cli.manage(
                        ["create_demo_data", "--seed", str(seed), "--scale", str(scale), "--anchor",
                         anchor_at.isoformat()],
                        url, media_root=str(media_root), env_extra={"CPD_DEMO_PASSWORD": password},
                        echo=lambda line: echo(f"  {line.strip()}") if ": " in line else None)
                staging = store.staging_dir()
                with stage("digest"):
                    artifact.pack_media(media_root, staging / artifact.MEDIA)
                    digest = content_digest(url, artifact.sha256_file(staging / artifact.MEDIA))
                if not force and store.latest_digest() == digest:
                    shutil.rmtree(staging, ignore_errors=True)
                    latest = store.latest()
                    echo(f"unchanged: content digest {digest[:12]} equals latest ({latest}); nothing new (use --force)")
                    return BuildResult(latest, store.path(latest), digest, skipped=True, stages=stage.times)
                version = artifact.new_version(digest)
                database.leave_room_for_rebase(url)
                with database.connect(url) as conn:
                    conn.execute("UPDATE cpd_demo_snapshot SET version = %s", (version,))
                    heads = dict(conn.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app"))
                with stage("dump"):
                    if server.dump:
                        dump_version = server.dump(url, staging / artifact.DUMP)
                    else:
                        dump_version = pgtools.dump(url, staging / artifact.DUMP, server.major)
                    faults.checkpoint("build:after-dump")
                counts = database.table_row_counts(url)
                with database.connect(url) as conn:
                    server_version = conn.execute("SHOW server_version").fetchone()[0]
            finally:
                if server.kind == "url":
                    database.drop_database(server.admin_url, database.database_name(url))
        manifest = {
            "format_version": artifact.FORMAT_VERSION,
            "version": version,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "anchor_at": anchor_at.isoformat(),
            "seed": seed,
            "scale": scale,
            "demo_password_is_default": password == DEFAULT_PASSWORD,
            "database": DATABASE,
            "postgres": {"server_version": server_version, "server_major": server.major,
                         "pg_dump_version": dump_version},
            "migrations": heads,
            "row_counts": counts,
            "total_rows": sum(counts.values()),
            "files": artifact.file_entries(staging),
            "content_digest": digest,
            "builder_revision": git_revision(),
            "provider": server.kind,
        }
        artifact.write_manifest(staging, manifest)
        final = store.commit(staging, version)
        store.set_latest(version)  # last, once the version is complete
        stage.times["total"] = round(time.monotonic() - started, 2)
        return BuildResult(version, final, digest, manifest=manifest, stages=stage.times)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        store.clean_staging()
