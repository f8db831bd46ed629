"""Advisory locks: who works on what. A session-level lock lives on its own admin connection and is
released when the holder closes it or dies (a kill -9 included), so a free lock means its owner is
gone. `try_acquire` never waits: the loser gets a sentence, not a queue.

The named demos' locks are taken in the control database, which no demo login can open, so no
client can hold one. A lock there may carry a label (what its holder is doing, and for whom),
recorded by its holder in the registry's `lock_holder` table against its backend: the loser is
told who is in the way from that record, never from what a client calls itself. The label is the
connection's application_name too, for a DBA reading pg_stat_activity."""

import time
from typing import Any

import psycopg

from builder.errors import Busy, UserError
from builder.postgres import conninfo, marks
from builder.postgres.databases import connect, connect_error, scalar


def database_key(name: str) -> str:
    """The lock of everything that replaces, resets or drops the database `name`."""
    return f"cpd-demo:database:{name}"


def place(admin: str) -> str:
    """Where a lock outside the named demos' own (a restore's on its target) is taken: the server's
    control database, which no demo login may open, where it has one this login may open; else the
    maintenance database at `admin` (a server without named demos has no demo logins)."""
    control = conninfo.with_database(admin, marks.CONTROL)
    try:
        with connect(admin) as conn:
            mark = scalar(conn, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                          (marks.CONTROL,))
        if mark != marks.CONTROL_COMMENT:
            return admin
        with connect(control, timeout=5):
            return control
    except UserError:  # the registry is not this login's to open: the maintenance database, as before
        return admin


LABEL = "cpd-demo: "  # the application_name prefix of a labelled lock's connection
# The holder of an advisory lock on the current database: its recorded label and how long it has held it.
HOLDER = """
SELECT h.doing, extract(epoch FROM now() - h.since)
  FROM pg_locks l JOIN lock_holder h ON h.pid = l.pid AND h.key = %(key)s
 WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted AND l.mode = 'ExclusiveLock'
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(%(key)s, 0)
 LIMIT 1"""
# What a labelled lock's holder records of itself (rows of backends gone are cleared on the way).
RECORD = """
WITH gone AS (DELETE FROM lock_holder WHERE pid NOT IN (SELECT pid FROM pg_stat_activity))
INSERT INTO lock_holder (pid, key, doing) VALUES (pg_backend_pid(), %s, %s)
    ON CONFLICT (pid) DO UPDATE SET key = excluded.key, doing = excluded.doing, since = now()"""


def work_database_key(name: str) -> str:
    """The lock held by whoever made the work database `name`, for as long as it exists."""
    return f"cpd-demo:helper:{name}"


class AdvisoryLock:
    """An advisory lock on `key`; `shared` ones coexist with each other, not with an exclusive one."""

    def __init__(self, admin: str, key: str, shared: bool = False, label: str = ""):
        """`label`: what the holder does, e.g. "resetting by alice" (at most 63 bytes are kept)."""
        self.admin, self.key, self.shared, self.label = admin, key, shared, label
        self.conn: psycopg.Connection | None = None

    def acquire(self, timeout: float | None = None) -> None:
        """Wait for the lock (for short work others must not do twice, like making a template)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.try_acquire():
            if deadline is not None and time.monotonic() > deadline:
                raise UserError(f"Waited {timeout:.0f} s for another command to finish ({self.key}): try again.")
            time.sleep(0.2)

    def try_acquire(self) -> bool:
        if self.conn is not None:
            return True
        try:
            conninfo.params(self.admin)
            extra: dict[str, Any] = {"application_name": label_of(self.label)} if self.label else {}
            conn = psycopg.connect(self.admin, autocommit=True, connect_timeout=10, **extra)
        except psycopg.OperationalError as exc:
            raise connect_error(self.admin, exc) from None
        function = "pg_try_advisory_lock_shared" if self.shared else "pg_try_advisory_lock"
        if scalar(conn, f"SELECT {function}(hashtextextended(%s, 0))", (self.key,)):
            self.conn = conn
            if self.label and not self.shared:
                _record(conn, self.key, self.label)
            return True
        conn.close()
        return False

    def release(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def __enter__(self) -> "AdvisoryLock":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def is_free(admin: str, key: str) -> bool:
    """Whether nobody holds the advisory lock `key` (checked by taking it for an instant)."""
    lock = AdvisoryLock(admin, key)
    if lock.try_acquire():
        lock.release()
        return True
    return False


def label_of(doing: str) -> str:
    """The application_name of a lock doing `doing`: printable ASCII (what Postgres keeps), 63 bytes."""
    text = "".join(ch if " " <= ch <= "~" else "?" for ch in LABEL + doing)
    return text[:63]


def _record(conn: psycopg.Connection, key: str, doing: str) -> None:
    """The holder's own record of what it does (where the registry keeps one: the control database)."""
    try:
        conn.execute(RECORD, (key, doing[:200]))
    except psycopg.Error:  # outside the control database, or a clash: the loser is told "another command"
        pass


def holder(admin: str, key: str) -> tuple[str, float] | None:
    """What the holder of the exclusive lock `key` recorded it is doing, and for how many seconds;
    None when nobody holds it or its holder recorded nothing."""
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            row = conn.execute(HOLDER, {"key": key}).fetchone()
    except psycopg.Error:
        return None
    if row is None:
        return None
    return str(row[0]), float(row[1] or 0)


def take_or_refuse(admin: str, name: str, what: str = "", doing: str = "") -> AdvisoryLock:
    """The database lock of `name` (labelled `doing`, e.g. "resetting by alice"), or one sentence
    naming who is working on it (Busy)."""
    lock = AdvisoryLock(admin, database_key(name), label=doing)
    if not lock.try_acquire():
        found = holder(admin, database_key(name))
        if found is None:
            raise Busy(f"Another command is working on {what or name}: try again when it has finished.")
        activity, seconds = found
        verb, _, by = activity.partition(" by ")
        raise Busy(f"{by or 'someone'} is {verb} {what or name} (for {seconds:.0f} s): "
                   f"try again when it has finished.", holder=activity)
    return lock
