"""Advisory locks: who works on what. A session-level lock lives on its own admin connection and is
released when the holder closes it or dies (a kill -9 included), so a free lock means its owner is
gone. `try_acquire` never waits: the loser gets a sentence, not a queue."""

import time

import psycopg

from builder.errors import UserError
from builder.postgres import conninfo
from builder.postgres.server import connection_error_reason, scalar


def database_key(name: str) -> str:
    """The lock of everything that replaces, resets or drops the database `name`."""
    return f"cpd-demo:database:{name}"


def helper_key(name: str) -> str:
    """The lock held by whoever made the work database `name`, for as long as it exists."""
    return f"cpd-demo:helper:{name}"


class AdvisoryLock:
    """An advisory lock on `key`; `shared` ones coexist with each other, not with an exclusive one."""

    def __init__(self, admin: str, key: str, shared: bool = False):
        self.admin, self.key, self.shared = admin, key, shared
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
            conn = psycopg.connect(self.admin, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise UserError(f"Cannot connect to {conninfo.display(self.admin)}: "
                            f"{connection_error_reason(exc)}.") from None
        function = "pg_try_advisory_lock_shared" if self.shared else "pg_try_advisory_lock"
        if scalar(conn, f"SELECT {function}(hashtextextended(%s, 0))", (self.key,)):
            self.conn = conn
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


def take_or_refuse(admin: str, name: str, what: str = "") -> AdvisoryLock:
    """The database lock of `name`, or one sentence: another command is working on it."""
    lock = AdvisoryLock(admin, database_key(name))
    if not lock.try_acquire():
        raise UserError(f"Another command is working on {what or name}: try again when it has finished.")
    return lock
