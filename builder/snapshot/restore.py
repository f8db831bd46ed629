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

from builder.errors import UserError
from builder.postgres import binaries, clients, conninfo, databases, locks, rebase, work_databases
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


def restore(source: str, version: str | None, database_url: str, now: datetime | None = None,
            media_root: str | None = None, jobs: int | None = None, force: bool = False,
            echo: Callable[[str], None] = print) -> RestoreResult:
    started = time.monotonic()
    target = databases.check_name(conninfo.database_name(database_url))
    admin = databases.admin_url(database_url)
    if media_root:
        mediafiles.check_target(Path(media_root))
    store = open_store(source)
    version = store.resolve(version)
    workdir = Path(tempfile.mkdtemp(prefix="cpd-demo-restore-"))
    lock: locks.AdvisoryLock | None = None
    try:
        echo(f"→ fetch and verify {version} from {store}")
        local = store.fetch(version, workdir)  # a verified copy: the manifest and every checksum
        manifest = mf.read(local)
        dump_major = manifest["postgres"]["server_major"]
        databases.wait_until_ready(admin, timeout=10)
        # In the control database where the server has one: a demo login cannot take it there.
        lock = locks.AdvisoryLock(locks.place(admin), locks.database_key(target))
        if not lock.try_acquire():
            raise UserError(f"Another restore or reset of {target} is running on this server: try again when it "
                            "has finished.")
        databases.check_replaceable(database_url, force)
        work_databases.reap(admin, target)  # a restore killed midway left its work databases behind
        target_major = databases.server_major(admin)
        if dump_major > target_major:
            raise UserError(f"The snapshot was dumped from Postgres {dump_major} and cannot be restored into "
                            f"this Postgres {target_major} server: use a server of major {dump_major} or newer.")
        if binaries.find("pg_restore", dump_major) is None:
            raise UserError(f"Restoring needs pg_restore {dump_major} or newer, which is not installed.")

        staged_media: Path | None = None
        try:
            with work_databases.held(admin, "stage", target) as staging:  # dropped on any failure
                databases.create_database(admin, staging, template="template0")
                echo(f"→ pg_restore into staging database {staging}")
                staging_url = conninfo.with_database(database_url, staging)
                clients.restore(staging_url, local / mf.DUMP, jobs or os.cpu_count() or 2, dump_major)
                echo("→ rebase dates" + (f" to {now.isoformat()}" if now else " to now"))
                report = rebase.run(staging_url, now)
                echo(f"  {report}")
                echo("→ check row counts against the manifest")
                check_counts(staging_url, manifest["row_counts"])
                media_files = None
                if media_root:
                    staged_media, media_files = mediafiles.stage(local / mf.MEDIA, Path(media_root))
                kind = databases.check_replaceable(database_url, force)  # again: it may have changed meanwhile
                echo(f"→ swap into {target}")
                work_databases.swap(admin, staging, target)
        except BaseException:
            if staged_media is not None:
                shutil.rmtree(staged_media, ignore_errors=True)
            raise
        if staged_media is not None and media_root:
            echo(f"→ media into {media_root}")
            mediafiles.install(staged_media, Path(media_root))
        return RestoreResult(version, database_url, report, manifest, media_files,
                             round(time.monotonic() - started, 2), kind)
    finally:
        if lock is not None:
            lock.release()
        shutil.rmtree(workdir, ignore_errors=True)


def check_counts(url: str, expected: dict) -> None:
    """Every table holds the rows the manifest counted; one the rebase thins (a purge, a quiesce that
    deletes) holds at most as many."""
    actual = databases.table_row_counts(url)
    thinned = rebase.thinned(url)
    wrong = [f"{t} has {actual.get(t)} rows, expected {'at most ' if t in thinned else ''}{n}"
             for t, n in sorted(expected.items())
             if actual.get(t) != n and not (t in thinned and 0 <= actual.get(t, -1) <= n)]
    if wrong:
        raise UserError(f"The restored data does not match the manifest ({'; '.join(wrong[:3])}).")
