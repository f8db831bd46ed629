"""`snapshot.restore`: fetch -> verify -> pg_restore into staging -> rebase -> check -> swap (SPEC §7).

The target database is only touched by the final swap, a pair of renames in one transaction:
any failure before it drops the staging database and leaves the target exactly as it was.
"""

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import psycopg
from psycopg import sql

from builder import artifact, database, faults, pgtools, pgbin
from builder.errors import UserError

STAGING_SUFFIX = "__cpd_staging"
RETIRED_SUFFIX = "__cpd_retired"


@dataclass
class RestoreResult:
    version: str
    database_url: str
    rebase: str
    manifest: dict
    media_files: int | None
    seconds: float


def staging_name(target: str) -> str:
    return (target + STAGING_SUFFIX)[:63]


def retired_name(target: str) -> str:
    return (target + RETIRED_SUFFIX)[:63]


def restore(source: str, version: str | None, database_url: str, now: str | None = None,
            media_root: str | None = None, jobs: int | None = None,
            echo: Callable[[str], None] = print) -> RestoreResult:
    started = time.monotonic()
    database.check_url(database_url)
    target = database.database_name(database_url)
    admin = database.admin_url_for(database_url)
    store = artifact.open_store(source)
    version = store.resolve(version)
    workdir = Path(tempfile.mkdtemp(prefix="cpd-demo-restore-"))
    try:
        echo(f"→ fetch {version} from {store}")
        local = store.fetch(version, workdir)
        echo("→ verify manifest and checksums")
        manifest = artifact.verify(local)
        dump_major = int(manifest["postgres"]["server_major"])
        database.wait_until_ready(admin, timeout=10)
        server_major = database.server_major(admin)
        if dump_major > server_major:
            raise UserError(f"The snapshot was dumped from Postgres {dump_major} and cannot be restored into "
                            f"this Postgres {server_major} server: use a server of major {dump_major} or newer.")
        if pgbin.find("pg_restore", dump_major) is None:
            raise UserError(f"Restoring needs pg_restore {dump_major} or newer, which is not installed.")

        staging = staging_name(target)
        _drop_leftovers(admin, target)
        database.create_database(admin, staging, template="template0")
        try:
            echo(f"→ pg_restore into staging database {staging}")
            staging_url = database.with_database(database_url, staging)
            pgtools.restore(staging_url, local / artifact.DUMP, jobs or os.cpu_count() or 2, dump_major)
            echo("→ rebase dates" + (f" to {now}" if now else " to now"))
            report = pgtools.rebase(staging_url, now)
            echo(f"  {report}")
            echo("→ check row counts against the manifest")
            check_counts(staging_url, manifest["row_counts"])
            media_files = None
            if media_root:
                echo(f"→ media into {media_root}")
                media_files = artifact.unpack_media(local / artifact.MEDIA, Path(media_root))
            echo(f"→ swap into {target}")
            swap(admin, staging, target)
        except BaseException:
            database.drop_database(admin, staging)
            raise
        return RestoreResult(version, database_url, report, manifest, media_files,
                             round(time.monotonic() - started, 2))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def check_counts(url: str, expected: dict) -> None:
    actual = database.table_row_counts(url)
    wrong = [f"{t} has {actual.get(t)} rows, expected {n}" for t, n in sorted(expected.items()) if actual.get(t) != n]
    if wrong:
        raise UserError(f"The restored data does not match the manifest ({'; '.join(wrong[:3])}).")


def _drop_leftovers(admin: str, target: str) -> None:
    """A restore killed midway leaves its staging (or retired) database behind: clear them first."""
    for name in (staging_name(target), retired_name(target)):
        database.drop_database(admin, name)


def swap(admin: str, staging: str, target: str, attempts: int = 20) -> None:
    """Rename target aside and staging into its place in one transaction, then drop the old one."""
    retired = retired_name(target)
    for attempt in range(attempts):
        with database.connect(admin) as conn:
            # Sessions on the target would block the rename; the demo database belongs to us.
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
                    raise UserError(f"Database {target} stayed in use; could not swap the restored copy in.")
                time.sleep(0.1)
    database.drop_database(admin, retired)
