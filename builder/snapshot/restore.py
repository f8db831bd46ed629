"""`snapshot.restore`: fetch -> verify -> pg_restore into staging -> rebase -> check -> swap -> media.

Only what the tool made is replaced: a target that exists and is not a demo database (or empty)
is refused unless forced, and the server's own databases never. Restores into one target are
serialised by an advisory lock held for the whole run. The target is touched only by the final
swap, two renames in one transaction; any failure before it drops the staging database and
leaves the target, and the media directory, exactly as they were.
"""

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg
from psycopg import sql

from builder import faults
from builder.errors import UserError
from builder.postgres import binaries, conninfo, rebase, server, tools
from builder.snapshot import mediafiles
from builder.store import manifest as mf
from builder.store import open_store


@dataclass
class RestoreResult:
    version: str
    database_url: str
    rebase: str
    manifest: dict
    media_files: int | None
    seconds: float
    replaced: str  # what the target was: missing, empty, demo or other (forced)


def lock_key(target: str) -> str:
    return f"cpd-demo:database:{target}"


def restore(source: str, version: str | None, database_url: str, now: datetime | None = None,
            media_root: str | None = None, jobs: int | None = None, force: bool = False,
            echo: Callable[[str], None] = print) -> RestoreResult:
    started = time.monotonic()
    target = server.check_name(conninfo.database_name(database_url))
    admin = server.admin_url(database_url)
    if media_root:
        mediafiles.check_target(Path(media_root))
    store = open_store(source)
    version = store.resolve(version)
    workdir = Path(tempfile.mkdtemp(prefix="cpd-demo-restore-"))
    lock = server.AdvisoryLock(admin, lock_key(target))
    try:
        echo(f"→ fetch and verify {version} from {store}")
        local = store.fetch(version, workdir)  # a verified copy: the manifest and every checksum
        manifest = mf.read(local)
        dump_major = manifest["postgres"]["server_major"]
        server.wait_until_ready(admin, timeout=10)
        if not lock.try_acquire():
            raise UserError(f"Another restore or reset of {target} is running on this server: try again when it "
                            "has finished.")
        server.check_replaceable(database_url, force)
        _drop_leftovers(admin, target)
        target_major = server.server_major(admin)
        if dump_major > target_major:
            raise UserError(f"The snapshot was dumped from Postgres {dump_major} and cannot be restored into "
                            f"this Postgres {target_major} server: use a server of major {dump_major} or newer.")
        if binaries.find("pg_restore", dump_major) is None:
            raise UserError(f"Restoring needs pg_restore {dump_major} or newer, which is not installed.")

        run = server.run_token()
        staging = server.helper_name("stage", target, run)
        staged_media: Path | None = None
        try:  # created inside: a stop signal during the creation still drops it
            server.create_database(admin, staging, template="template0")
            echo(f"→ pg_restore into staging database {staging}")
            staging_url = conninfo.with_database(database_url, staging)
            tools.restore(staging_url, local / mf.DUMP, jobs or os.cpu_count() or 2, dump_major)
            echo("→ rebase dates" + (f" to {now.isoformat()}" if now else " to now"))
            report = rebase.run(staging_url, now)
            echo(f"  {report}")
            echo("→ check row counts against the manifest")
            check_counts(staging_url, manifest["row_counts"])
            media_files = None
            if media_root:
                staged_media, media_files = mediafiles.stage(local / mf.MEDIA, Path(media_root))
            kind = server.check_replaceable(database_url, force)  # again: it may have changed meanwhile
            echo(f"→ swap into {target}")
            swap(admin, staging, target, server.helper_name("retired", target, run))
        except BaseException:
            server.drop_database(admin, staging)
            if staged_media is not None:
                shutil.rmtree(staged_media, ignore_errors=True)
            raise
        if staged_media is not None and media_root:
            echo(f"→ media into {media_root}")
            mediafiles.install(staged_media, Path(media_root))
        return RestoreResult(version, database_url, report, manifest, media_files,
                             round(time.monotonic() - started, 2), kind)
    finally:
        lock.release()
        shutil.rmtree(workdir, ignore_errors=True)


def check_counts(url: str, expected: dict) -> None:
    actual = server.table_row_counts(url)
    wrong = [f"{t} has {actual.get(t)} rows, expected {n}" for t, n in sorted(expected.items()) if actual.get(t) != n]
    if wrong:
        raise UserError(f"The restored data does not match the manifest ({'; '.join(wrong[:3])}).")


def _drop_leftovers(admin: str, target: str) -> None:
    """A restore killed midway leaves its staging (or retired) database behind. Whoever holds the
    target's lock is the only one working on it, so those are safe to drop."""
    for purpose in ("stage", "retired"):
        for name in server.databases_like(admin, server.helper_name(purpose, target) + "_"):
            server.drop_database(admin, name)


def swap(admin: str, staging: str, target: str, retired: str, attempts: int = 20) -> None:
    """Rename target aside and staging into its place in one transaction, then drop the old one."""
    for attempt in range(attempts):
        with server.connect(admin) as conn:
            # Sessions on the target would block the rename; it is a demo database (checked).
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE datname IN (%s, %s) AND pid <> pg_backend_pid()", (target, staging))
            try:
                with conn.transaction():
                    exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target,)).fetchone()
                    if exists:
                        conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                            sql.Identifier(target), sql.Identifier(retired)))
                    faults.checkpoint("restore:mid-swap")
                    conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                        sql.Identifier(staging), sql.Identifier(target)))
                break
            except psycopg.errors.ObjectInUse:
                if attempt == attempts - 1:
                    raise UserError(f"Database {target} stayed in use; could not swap the restored copy in.") from None
                time.sleep(0.1)
    server.drop_database(admin, retired)
