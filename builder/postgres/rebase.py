"""The date rebase from the host: runs rebase_dates.sql, and prepares a database for it."""

from datetime import datetime

from psycopg import sql

from builder.postgres import tools
from builder.postgres.server import connect

REBASE_FILLFACTOR = 50


def run(url: str, now: datetime | None = None) -> str:
    """Rebase `url` so that it represents `now` (default: the server's now); returns the report line."""
    return tools.rebase(url, now)


def rebased_columns(url: str) -> dict[str, list[str]]:
    """Per table, the columns rebase_dates.sql rewrites: dates, timestamps and JSON, not generated."""
    with connect(url) as conn:
        rows = conn.execute("""
            SELECT c.table_name, c.column_name FROM information_schema.columns c
              JOIN information_schema.tables t USING (table_schema, table_name)
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'
               AND c.data_type IN ('timestamp with time zone', 'timestamp without time zone', 'date', 'json', 'jsonb')
               AND c.table_name NOT IN ('cpd_demo_snapshot', 'django_migrations', 'django_session')
             ORDER BY c.table_name, c.ordinal_position""").fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def leave_room(url: str) -> None:
    """Set fillfactor on every table the rebase rewrites. The dump carries the setting, so a
    restore loads half-empty pages and the rebase's UPDATEs stay on their page (HOT): no index
    entries to write, about twice as fast."""
    with connect(url) as conn:
        for table in rebased_columns(url):
            conn.execute(sql.SQL("ALTER TABLE {} SET (fillfactor = {})").format(
                sql.Identifier(table), sql.Literal(REBASE_FILLFACTOR)))
