"""`demo.keep-live`: every named demo rebased to now, round after round, through a day of calls; a
demo prepared with --now (pinned) stays at its instant until it is reset without --now.

Each demo is rebased under its own lock, with a lock and statement timeout: a demo whose client
holds its rows in an idle transaction has that session ended (as a reset would) and is tried once
more; a demo that is busy, broken or still stuck is skipped with one line naming it, and the round
goes on. A round that cannot reach the server says so and the next round tries again.
"""

import time
from collections.abc import Callable
from datetime import datetime, timedelta

import psycopg

from builder import hooks
from builder.errors import UserError
from builder.named.demos import DemoServer
from builder.named.registry import Demo
from builder.postgres import databases, locks, meta
from builder.postgres import rebase as rebase_sql

Echo = Callable[[str], None]
LOCK_TIMEOUT = "5s"          # a demo's rows held longer than this by a client: that client is in the way
STATEMENT_TIMEOUT = "10min"  # far above a rebase at scale 1000; a rebase never hangs a round


def rebase_one(srv: DemoServer, demo: Demo, now: datetime | None = None) -> str:
    """Rebase one demo to `now`; its line of the round."""
    with locks.AdvisoryLock(srv.registry.locks, locks.database_key(demo.name), label=f"rebasing by {srv.by}") as lock:
        if not lock.try_acquire():
            return "busy (a reset or a drop?): next round"
        if demo.state != "ready" or demo.problem:
            return f"skipped: broken, {demo.problem or 'not ready'} (`invoke demo.repair --name {demo.name}`)"
        if demo.pinned_at is not None:
            return (f"pinned at {demo.pinned_at:%Y-%m-%d %H:%M %Z}: left at that instant "
                    f"(`invoke demo.reset --name {demo.name}` without --now follows now again)")
        ended = 0
        for attempt in (1, 2):
            try:
                report, anchor, shows = _rebase(srv.at(demo.name), now, srv.status)
            except (psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled):
                if attempt == 2:
                    return "skipped: a client still holds its rows after its idle sessions were ended"
                ended = _end_writers(srv.admin, demo.name)
                continue
            except psycopg.Error as exc:
                return f"skipped: the rebase failed: {rebase_sql.first_line(exc)}"
            srv.registry.write("UPDATE demo SET anchor_at = %s, shows = %s WHERE name = %s", (anchor, shows, demo.name))
            return report + (f"; ended {ended} session(s) whose open transaction held its rows" if ended else "")
    return "skipped"


def _rebase(url: str, now: datetime | None, status: hooks.StatusHook | None) -> tuple[str, datetime, list[str]]:
    with databases.connect(url) as conn:
        conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        conn.execute(f"SET statement_timeout = '{STATEMENT_TIMEOUT}'")
        with conn.transaction():
            rebase_sql.run_in(conn, now)
        return (rebase_sql.report_in(conn), databases.scalar(conn, f"SELECT anchor_at FROM {meta.SNAPSHOT_TABLE}"),
                hooks.status_now(status, conn))


def _end_writers(admin: str, database: str) -> int:
    """End the sessions on `database` whose open transaction holds a write or row lock (what a
    rebase waits for); readers and idle clients stay connected."""
    with databases.connect(admin) as conn:
        ended = conn.execute("""
            SELECT pg_terminate_backend(a.pid, 5000) FROM pg_stat_activity a
             WHERE a.datname = %s AND a.pid <> pg_backend_pid() AND a.xact_start IS NOT NULL
               AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'relation'
                                                      AND l.mode <> 'AccessShareLock')""", (database,)).fetchall()
    return len(ended)


def run(srv: DemoServer, every: timedelta, rounds: int | None = None, echo: Echo = print,
        sleep: Callable[[float], None] = time.sleep) -> int:
    """Rebase every demo to now, every `every`; returns the rounds run."""
    done = 0
    while rounds is None or done < rounds:
        started = time.monotonic()
        _round(srv, done + 1, echo)
        done += 1
        if rounds is not None and done >= rounds:
            break
        sleep(max(0.0, every.total_seconds() - (time.monotonic() - started)))
    return done


def _round(srv: DemoServer, number: int, echo: Echo) -> None:
    """One round, one line of the usage log: how many demos were rebased, and what happened to the others."""
    try:
        demos = srv.demos()
    except UserError as exc:
        echo(f"round {number}: {exc} Trying again next round.")
        return
    rebased, others = 0, []
    with srv.logged("keep-live") as notes:
        for demo in demos:
            try:
                line = rebase_one(srv, demo)
            except UserError as exc:  # the server went away mid-round
                line = f"skipped: {exc}"
            echo(f"  {demo.name}: {line}")
            head, _, ended = line.partition("; ended ")
            if "rebased by" in head:
                rebased += 1
                if ended:  # a client's session was ended: the log says whose demo
                    others.append(f"{demo.name}: ended {ended}")
            else:
                others.append(f"{demo.name}: {line}")
        notes.add(f"round {number}: rebased {rebased} of {len(demos)} demo(s)" + "".join(f"; {o}" for o in others))
