"""The date rebase from the host: runs the rebase SQL (builder/rebase/), and reads the rules the
build wrote into the database (cpd_demo_rule) for what the rebase rewrites; and a project's tailoring SQL.

The rebase is plain SQL: function files in pg_temp, one phase each, and an entry file that psql runs
(the image does). Here the same files run whole, in the same order, over one connection in the
caller's transaction, then the same call: that spares a psql process per rebase.
"""

from datetime import datetime
from functools import lru_cache

import psycopg
from psycopg import sql

from builder.clock import iso
from builder.errors import UserError
from builder.postgres import conninfo, meta
from builder.postgres.clients import REBASE_SQL
from builder.postgres.databases import connect, table_key
from builder.rules import REWRITING

REBASE_FILLFACTOR = 50
REBASE_DIR = REBASE_SQL.parent
# The function files, in the order they are made (the entry file \ir-includes the same, in this order).
FILES = ("helpers.sql", "json.sql", "slots.sql", "now.sql", "purge.sql", "triggers.sql", "live.sql", "slot_rows.sql",
         "columns.sql", "json_rules.sql", "year_of.sql", "tables.sql", "quiesce.sql", "rebase.sql")
CALL = "SELECT pg_temp.cpd_rebase()"
REPORT = "SELECT pg_temp.cpd_rebase_report() AS rebase"


@lru_cache(maxsize=1)
def functions_sql() -> str:
    """The rebase's function files, whole, in order: CREATE OR REPLACE FUNCTION pg_temp... statements."""
    # Their bodies are checked when they first run, a moment later: half the time to make them.
    return "\n".join(["SET LOCAL check_function_bodies = off;", *((REBASE_DIR / name).read_text() for name in FILES),
                      "SET LOCAL check_function_bodies = DEFAULT;"])


def sql_parts() -> tuple[str, str]:
    """(the rebase: its functions and the call, plain SQL reading cpd_demo.now; the report query)."""
    return f"{functions_sql()}\n{CALL};\n", REPORT


def tailor_in(conn: psycopg.Connection, tailoring: str, prospect: str, color: str = "") -> None:
    """A project's tailoring SQL (plain SQL: no transaction control, no psql commands), whole, inside
    the caller's transaction, the prospect and colour in the settings cpd_demo.prospect and
    cpd_demo.color: the demo speaks the prospect's name. The prospect is recorded in the snapshot row."""
    conn.execute("SELECT set_config('cpd_demo.prospect', %s, true), set_config('cpd_demo.color', %s, true)",
                 (prospect, color))
    conn.execute(tailoring)
    conn.execute(f"UPDATE {meta.SNAPSHOT_TABLE} SET prospect = %s", (prospect,))


def run_in(conn: psycopg.Connection, now: datetime | None = None) -> None:
    """The rebase inside the caller's transaction on `conn`."""
    conn.execute("SELECT set_config('cpd_demo.now', %s, true)", (iso(now) if now else "now",))
    conn.execute(functions_sql())
    conn.execute(CALL)


def report_in(conn: psycopg.Connection) -> str:
    """The report line of the last rebase on `conn` (after its transaction)."""
    row = conn.execute(REPORT).fetchone()
    return row[0] if row and row[0] else ""


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
    """Per table (schema-qualified, quoted), the columns the rebase rewrites, as the rules say."""
    columns: dict[str, list[str]] = {}
    for rule in meta.rules(url, REWRITING):
        table = sql_table(rule.schema_name, rule.table_name)
        if rule.column_name not in columns.setdefault(table, []):
            columns[table].append(rule.column_name)
    return columns


def not_content(url: str) -> list[tuple[str, str]]:
    """Tables that are not content (the engine's own, bookkeeping, purged ones): the digest leaves them out."""
    tables = [("public", t) for t in meta.TABLES]
    return tables + [(r.schema_name, r.table_name) for r in meta.rules(url, ("bookkeeping", "purge"))]


def thinned(url: str) -> set[str]:
    """Tables whose rows a rebase may remove (purged ones, quiesced ones that delete what fell due):
    after a restore they hold at most the rows the manifest counted."""
    return {table_key(r.schema_name, r.table_name) for r in meta.rules(url, ("purge", "quiesce"))
            if r.kind == "purge" or r.value == "delete"}


def sql_table(schema: str, table: str) -> str:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table)).as_string(None)


def leave_room(url: str) -> None:
    """Set fillfactor on every table the rebase rewrites. The dump carries the setting, so a
    restore loads half-empty pages and the rebase's UPDATEs stay on their page (HOT): no index
    entries to write, about twice as fast."""
    with connect(url) as conn:
        for table in rebased_columns(url):
            conn.execute(sql.SQL("ALTER TABLE {} SET (fillfactor = {})").format(
                sql.SQL(table), sql.Literal(REBASE_FILLFACTOR)))
