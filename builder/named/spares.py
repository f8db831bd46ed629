"""A demo's spare: a copy of its current template made ahead of time, so a reset renames it into
place instead of copying while a person waits.

A spare is a work database named `cpd_tmp_spare_<hash of the demo>_<hash of the template>` that
nobody can connect to (ALLOW_CONNECTIONS false: no login can open or hold it, so renaming it never
waits). It is ordered right after a demo.new or a reset, under the demo's lock, on a connection of
its own that is closed without waiting: the server finishes the CREATE DATABASE after its client
has gone (or cancels it, leaving nothing). A CREATE DATABASE is atomic, so a spare that is visible
is complete. A reset takes its demo's spare under its staging lock (a rename that fails while the
spare is absent or still being made: then it copies as before). Spares are never reaped as
orphaned work databases; gc drops those whose demo is gone or has moved to another template.
"""

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterable

import psycopg
from psycopg import sql

from builder.errors import UserError
from builder.postgres import databases, work_databases
from builder.settings import SETTINGS

MIB = 1_048_576
# From this size on, a template is copied file by file (two checkpoints, no WAL): quicker than
# writing the whole database to WAL again (measured: 1.55 s against 1.8-3.6 s at scale 1000, 594 MiB;
# equal at scale 100, slower below, where the checkpoints cost more than the WAL).
FILE_COPY_FROM = 256 * MIB
# A spare being made, as pg_stat_activity shows its maker's statement.
MAKING = re.compile(r'CREATE DATABASE "(' + work_databases.prefix(work_databases.SPARE) + r'[0-9a-f_]+)"')


def copy_strategy(conn: psycopg.Connection, template: str, size: int | None = None) -> sql.Composable:
    """The STRATEGY clause for a copy of `template` of `size` bytes (read when not given; none before
    Postgres 15, which always copies files)."""
    if conn.info.server_version < 150000:
        return sql.SQL("")
    if size is None:
        size = databases.scalar(conn, "SELECT pg_database_size(%s)", (template,)) or 0
    return sql.SQL(" STRATEGY FILE_COPY" if size >= FILE_COPY_FROM else " STRATEGY WAL_LOG")


def name(demo: str, template: str) -> str:
    """The spare of `demo` copied from `template`."""
    return work_databases.name(work_databases.SPARE, demo, hashlib.sha256(template.encode()).hexdigest()[:8])


def of(demo: str) -> str:
    """The prefix of every spare of `demo`, whatever its template."""
    return work_databases.name(work_databases.SPARE, demo) + "_"


def take(admin: str, demo: str, template: str, staging: str) -> bool:
    """Rename the demo's spare of `template` to `staging` (whose lock the caller holds); False when
    there is none ready (absent, or still being made: the caller copies instead)."""
    with databases.connect(admin) as conn:
        try:
            conn.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(name(demo, template)), sql.Identifier(staging)))
        except psycopg.Error:
            return False
    return True


def fill(admin: str, demo: str, template: str, staging: str, close: Callable[[], None]) -> None:
    """Make `staging` (whose lock the caller holds) a pristine copy of `template`: the demo's spare
    renamed if one is ready, else a copy made now; `close` closes it to PUBLIC before anyone may connect."""
    taken = take(admin, demo, template, staging)
    if not taken:
        with databases.connect(admin) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}{}").format(
                sql.Identifier(staging), sql.Identifier(template), copy_strategy(conn, template)))
    close()
    if taken:  # closed to PUBLIC first: only then may the demo's login connect
        with databases.connect(admin) as conn:
            conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(staging)))


def renew(admin: str, demo: str, template: str) -> None:
    """After a reset: the demo's spares of other templates dropped (else gc drops them), the next ordered."""
    with contextlib.suppress(UserError, psycopg.Error):
        drop_others(admin, demo, template)
    order(admin, demo, template)


def order(admin: str, demo: str, template: str) -> str | None:
    """Start making the demo's spare of `template` and return without waiting for it (its name),
    unless spares are off, the template is larger than CPD_DEMO_SPARE_MAX_MB, or it exists. A spare
    that cannot be ordered is no failure of the command: the next reset copies."""
    try:
        return _order(admin, demo, template, SETTINGS.spare_max_mb)
    except (psycopg.Error, UserError):
        return None


def _order(admin: str, demo: str, template: str, limit: int) -> str | None:
    if not limit:
        return None
    spare = name(demo, template)
    with databases.connect(admin) as conn:
        size = databases.scalar(conn, "SELECT pg_database_size(%s)", (template,))
        if size is None or size > limit * MIB or databases.scalar(
                conn, "SELECT 1 FROM pg_database WHERE datname = %s", (spare,)):
            return None
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE {} ALLOW_CONNECTIONS false{}").format(
            sql.Identifier(spare), sql.Identifier(template), copy_strategy(conn, template, size))
        text = statement.as_string(conn).encode()
    maker = psycopg.connect(admin, autocommit=True, connect_timeout=10)
    try:
        # The admin URL's own timeouts must not cut the copy short once its client has gone.
        maker.execute("SET statement_timeout = 0")
        maker.execute("SET lock_timeout = 0")
        maker.pgconn.send_query(text)
        while maker.pgconn.flush():
            pass
    finally:
        maker.close()  # not waiting for the answer: the server goes on
    return spare


def drop_others(admin: str, demo: str, template: str | None = None) -> list[str]:
    """Drop the demo's spares (those still being made are stopped), but for the one of `template`;
    returns the names of those that were there."""
    keep = name(demo, template) if template else None
    return _discard(admin, lambda spare: spare.startswith(of(demo)) and spare != keep)


def drop_stale(admin: str, current: dict[str, str], busy: Iterable[str]) -> list[str]:
    """Drop every spare but those of the demos' current templates (`current`: demo -> template)
    and those of demos a command holds now; returns the names of those that were there."""
    keep = {name(demo, template) for demo, template in current.items()}
    skip = tuple(of(demo) for demo in busy)
    return _discard(admin, lambda spare: spare not in keep and not spare.startswith(skip))


def _discard(admin: str, unwanted: Callable[[str], bool]) -> list[str]:
    """Stop the makers of unwanted spares (a stopped CREATE DATABASE leaves nothing), then drop
    those already made: none appears later."""
    with databases.connect(admin) as conn:
        terminate = ("SELECT pg_terminate_backend(%s, 5000)" if conn.info.server_version >= 140000
                     else "SELECT pg_terminate_backend(%s)")
        for pid, statement in conn.execute("SELECT pid, query FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                                           "AND query LIKE 'CREATE DATABASE %%'").fetchall():
            making = MAKING.match(statement or "")
            if making and unwanted(making[1]):
                conn.execute(terminate, (pid,))
    dropped = [d for d in databases.databases_like(admin, work_databases.prefix(work_databases.SPARE)) if unwanted(d)]
    for database in dropped:
        databases.drop_database(admin, database)
    return dropped
