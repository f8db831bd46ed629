"""Work databases: the staging copy a restore or a reset fills before it swaps it in, the retired
copy a swap renames aside, a build's scratch database.

Each is named `cpd_tmp_<purpose>_<hash of its target>_<run>` (a name no target may take, at most
37 bytes) and is made while its maker holds the advisory lock named after it, until the database is
gone or renamed into place. A work database whose lock is free therefore lost its maker (a kill -9,
a server restart) and any later command may drop it: `reap` does.
"""

import hashlib
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from builder import faults
from builder.errors import UserError
from builder.postgres import databases, locks
from builder.postgres.databases import WORK_PREFIX

PURPOSES = ("stage", "retired")  # the work databases of a target (a build's scratch has its own)
# A named demo's spare copy (builder/named/spares.py): made ahead of time with no maker holding its
# lock, it has a life of its own and is never reaped here.
SPARE = "spare"


def prefix(purpose: str) -> str:
    """The start of every work database name of this purpose."""
    return f"{WORK_PREFIX}{purpose}_"


def name(purpose: str, target: str, run: str | None = None) -> str:
    """A work database name for `target` that can never equal a target name (see databases.check_name)
    and fits in 63 bytes: cpd_tmp_<purpose>_<hash of target>[_<run>]."""
    digest = hashlib.sha256(target.encode()).hexdigest()[:12]
    return f"{prefix(purpose)}{digest}" + (f"_{run}" if run else "")


def run_token() -> str:
    return secrets.token_hex(4)


@contextmanager
def held(admin: str, purpose: str, target: str) -> Iterator[str]:
    """A work database name for this run, with its lock held until the block ends; whatever the
    block made under that name is dropped if the block fails (a stop signal included)."""
    database = name(purpose, target, run_token())
    with locks.AdvisoryLock(admin, locks.work_database_key(database)) as lock:
        if not lock.try_acquire():
            raise UserError(f"Could not take the lock of the work database {database}: try again.")
        try:
            yield database
        except BaseException:
            databases.drop_database(admin, database)
            raise


def reap(admin: str, target: str | None = None) -> list[str]:
    """Drop the work databases whose maker is gone (their lock is free), of `target` or of any
    (spares aside); returns their names."""
    names = [n for n in databases.databases_like(admin, WORK_PREFIX) if not n.startswith(prefix(SPARE))]
    if target is not None:
        names = [n for n in names if any(n.startswith(name(purpose, target) + "_") for purpose in PURPOSES)]
    dropped = []
    for database in names:
        if locks.is_free(admin, locks.work_database_key(database)):
            databases.drop_database(admin, database)
            dropped.append(database)
    return dropped


def swap(admin: str, staging: str, target: str, attempts: int = 20) -> None:
    """Rename target aside and staging into its place in one transaction, then drop the old copy.
    The caller holds the target's lock and the staging database's; the retired copy gets its own."""
    with held(admin, "retired", target) as retired:
        for attempt in range(attempts):
            with databases.connect(admin) as conn:
                # Sessions on the target would block the rename; it is the tool's (checked by the caller).
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
                        raise UserError(f"Database {target} stayed in use; could not swap the new copy in.") from None
                    time.sleep(0.1)
        databases.drop_database(admin, retired)
