"""The date rebase from the host: runs rebase_dates.sql, and reads the rules the scenario wrote
into the database (cpd_demo_rule) for what the rebase rewrites.

The file is plain SQL that psql runs as it is (the image does); here its body (between its
markers) runs over one connection in one transaction, which spares a psql process per rebase.
"""

from datetime import datetime
from functools import lru_cache

import psycopg
from psycopg import sql

from builder.clock import iso
from builder.errors import UserError
from builder.postgres import conninfo
from builder.postgres.server import connect
from builder.postgres.tools import PROSPECT_SQL, REBASE_SQL

REBASE_FILLFACTOR = 50
# The rebase's own tables, written into every demo by its build: what the data represents, and how
# each column moves. Demo logins may read them, never write them.
SNAPSHOT_TABLE = "cpd_demo_snapshot"
RULE_TABLE = "cpd_demo_rule"
ENGINE_TABLES = (SNAPSHOT_TABLE, RULE_TABLE)
REWRITING = ("weekly", "monthly", "yearly", "json", "year_token")


@lru_cache(maxsize=1)
def sql_parts() -> tuple[str, str]:
    """(the body: plain SQL reading cpd_demo.now, the report query) of rebase_dates.sql."""
    text = REBASE_SQL.read_text()
    body = _between(text, "-- cpd-demo: rebase body begins", "-- cpd-demo: rebase body ends")
    report = text[text.index("\n", text.index("-- cpd-demo: report")) + 1:]
    return body, report


def _between(text: str, begins: str, ends: str) -> str:
    return text[text.index("\n", text.index(begins)) + 1:text.index(ends)]


@lru_cache(maxsize=1)
def prospect_body() -> str:
    return _between(PROSPECT_SQL.read_text(), "-- cpd-demo: prospect body begins", "-- cpd-demo: prospect body ends")


def tailor_in(conn: psycopg.Connection, prospect: str, color: str = "") -> None:
    """prospect.sql's body inside the caller's transaction: the demo speaks the prospect's name."""
    conn.execute("SELECT set_config('cpd_demo.prospect', %s, true), set_config('cpd_demo.color', %s, true)",
                 (prospect, color))
    conn.execute(prospect_body())


def run_in(conn: psycopg.Connection, now: datetime | None = None) -> None:
    """The rebase inside the caller's transaction on `conn`."""
    conn.execute("SELECT set_config('cpd_demo.now', %s, true)", (iso(now) if now else "now",))
    conn.execute(sql_parts()[0])


def report_in(conn: psycopg.Connection) -> str:
    """The report line of the last rebase on `conn` (after its transaction)."""
    row = conn.execute(sql_parts()[1]).fetchone()
    return row[0] if row else ""


def run(url: str, now: datetime | None = None) -> str:
    """Rebase `url` so that it represents `now` (default: the transaction's now), in one transaction;
    returns the report line."""
    with connect(url) as conn:
        try:
            with conn.transaction():
                run_in(conn, now)
            return report_in(conn)
        except psycopg.Error as exc:
            raise UserError(f"The date rebase failed: {first_line(exc)}") from None


def first_line(exc: BaseException) -> str:
    """An error's first line, passwords redacted: what a one-sentence report quotes."""
    text = str(exc).strip()
    return conninfo.redact(text.splitlines()[0] if text else type(exc).__name__)


def rebased_columns(url: str) -> dict[str, list[str]]:
    """Per table, the columns rebase_dates.sql rewrites, as the rules say."""
    with connect(url) as conn:
        rows = conn.execute("SELECT table_name, column_name FROM cpd_demo_rule WHERE kind = ANY(%s) "
                            "GROUP BY 1, 2 ORDER BY 1, 2", (list(REWRITING),)).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def not_content(url: str) -> list[str]:
    """Tables the rules mark as bookkeeping: the digest leaves them out."""
    with connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT table_name FROM cpd_demo_rule WHERE kind = 'not_content' "
                                           "ORDER BY 1")]


def leave_room(url: str) -> None:
    """Set fillfactor on every table the rebase rewrites. The dump carries the setting, so a
    restore loads half-empty pages and the rebase's UPDATEs stay on their page (HOT): no index
    entries to write, about twice as fast."""
    with connect(url) as conn:
        for table in rebased_columns(url):
            conn.execute(sql.SQL("ALTER TABLE {} SET (fillfactor = {})").format(
                sql.Identifier(table), sql.Literal(REBASE_FILLFACTOR)))
