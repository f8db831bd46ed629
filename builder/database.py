"""Talking to a Postgres server: connections, databases, and the URL forms libpq tools take."""

import time
from contextlib import contextmanager
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from builder.errors import UserError


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(name)))


def database_name(url: str) -> str:
    name = unquote(urlsplit(url).path.lstrip("/"))
    if not name:
        raise UserError(f"The database URL {redact(url)} names no database (expected postgresql://HOST/NAME).")
    return name


def redact(url: str) -> str:
    """The URL with any password replaced, safe to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise UserError(f"{redact(url)} is not a PostgreSQL URL (expected postgresql://USER@HOST:PORT/NAME).")
    database_name(url)


@contextmanager
def connect(url: str, autocommit: bool = True, timeout: float = 10):
    check_url(url)
    try:
        conn = psycopg.connect(url, autocommit=autocommit, connect_timeout=max(1, int(timeout)))
    except psycopg.OperationalError as exc:
        raise UserError(f"Cannot connect to {redact(url)}: {connection_error_reason(exc)}.") from None
    try:
        yield conn
    finally:
        conn.close()


def connection_error_reason(exc: Exception) -> str:
    """libpq's reason in a few words ("Connection refused", "password authentication failed ...")."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no answer"
    return first.rsplit("failed: ", 1)[-1].strip().rstrip(".")


def wait_until_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with connect(url, timeout=2):
                return
        except UserError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def server_major(url: str) -> int:
    with connect(url) as conn:
        return conn.info.server_version // 10000


def database_exists(admin_url: str, name: str) -> bool:
    with connect(admin_url) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def create_database(admin_url: str, name: str, template: str | None = None) -> None:
    with connect(admin_url) as conn:
        stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            stmt = sql.SQL("{} TEMPLATE {}").format(stmt, sql.Identifier(template))
        conn.execute(stmt)


def drop_database(admin_url: str, name: str) -> None:
    with connect(admin_url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def admin_url_for(url: str) -> str:
    """URL of the maintenance database on the same server (to create, drop and rename databases)."""
    return with_database(url, "postgres")


def table_row_counts(url: str) -> dict[str, int]:
    """Exact row count of every table in the public schema."""
    with connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]
        return {
            t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0]
            for t in tables
        }


REBASE_FILLFACTOR = 50


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


def leave_room_for_rebase(url: str) -> list[str]:
    """Set fillfactor on every table the date rebase rewrites. The dump carries the setting, so a
    restore loads half-empty pages and the rebase's UPDATEs stay on their page (HOT): no index
    entries to write, about twice as fast. Returns the tables changed."""
    tables = list(rebased_columns(url))
    with connect(url) as conn:
        for table in tables:
            conn.execute(sql.SQL("ALTER TABLE {} SET (fillfactor = {})").format(
                sql.Identifier(table), sql.Literal(REBASE_FILLFACTOR)))
    return tables
