"""The date rebase from the host: runs rebase_dates.sql, and reads the rules the scenario wrote
into the database (cpd_demo_rule) for what the rebase rewrites."""

from datetime import datetime

from psycopg import sql

from builder.postgres import tools
from builder.postgres.server import connect

REBASE_FILLFACTOR = 50
REWRITING = ("weekly", "monthly", "yearly", "json", "year_token")


def run(url: str, now: datetime | None = None) -> str:
    """Rebase `url` so that it represents `now` (default: the server's now); returns the report line."""
    return tools.rebase(url, now)


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
