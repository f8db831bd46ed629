"""Talking to a Postgres server: connections, databases, and which databases the tool may replace."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import psycopg
from psycopg import sql

from builder.errors import ServerFull, UserError
from builder.postgres import conninfo, marks

# The server's own databases: never a target, never dropped, even with --force.
RESERVED = frozenset({"postgres", "template0", "template1"})
ADMIN_DATABASE = "postgres"
# What Postgres says when every connection slot is taken.
FULL = ("too many clients already", "remaining connection slots are reserved", "too many connections for role")
MAX_NAME_BYTES = 63  # Postgres truncates longer identifiers (NAMEDATALEN - 1)
# Databases the tool makes for its own work carry this prefix; no target may.
WORK_PREFIX = "cpd_tmp_"


def admin_url(url: str) -> str:
    """The maintenance database on the same server (to create, drop and rename databases)."""
    return conninfo.with_database(url, ADMIN_DATABASE)


# The connections `kept_open` holds for this thread (or task): URL -> its connection, once opened.
_KEPT: ContextVar[dict[str, psycopg.Connection | None] | None] = ContextVar("kept", default=None)


@contextmanager
def kept_open(*urls: str) -> Iterator[None]:
    """Within the block, `connect` to one of `urls` (autocommit) hands back one connection, opened
    the first time and closed when the block ends, instead of a new one each time: a command's
    many short steps on the maintenance and control databases cost one connection each."""
    outer = _KEPT.get()
    kept = outer if outer is not None else {}
    added = [u for u in dict.fromkeys(urls) if u not in kept]
    kept.update(dict.fromkeys(added))
    token = _KEPT.set(kept)
    try:
        yield
    finally:
        _KEPT.reset(token)
        for url in added:
            conn = kept.pop(url)
            if conn is not None:
                conn.close()


@contextmanager
def connect(url: str, autocommit: bool = True, timeout: float = 10) -> Iterator[psycopg.Connection]:
    kept = _KEPT.get()
    if autocommit and kept is not None and url in kept:
        conn = kept[url]
        status = conn.info.transaction_status if conn is not None and not conn.closed else None
        if status is None or status == psycopg.pq.TransactionStatus.UNKNOWN:  # none yet, or broken
            if conn is not None:
                conn.close()
            kept[url] = conn = _open(url, autocommit, timeout)
            status = psycopg.pq.TransactionStatus.IDLE
        if conn is not None and status == psycopg.pq.TransactionStatus.IDLE:
            yield conn  # left open for the next step
            return
        # In use by an enclosing block (a transaction of its own): a connection for this step alone.
    conn = _open(url, autocommit, timeout)
    try:
        yield conn
    finally:
        conn.close()


def _open(url: str, autocommit: bool, timeout: float) -> psycopg.Connection:
    conninfo.params(url)  # one sentence for a malformed URL, before libpq sees it
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=max(1, int(timeout)))
    except psycopg.OperationalError as exc:
        raise connect_error(url, exc) from None


def scalar(conn: psycopg.Connection, query: str, params: tuple = ()) -> Any:
    """The first column of the query's one row (None when there is no row)."""
    row = conn.execute(query, params or None).fetchone()
    return row[0] if row else None


def connection_error_reason(exc: Exception) -> str:
    """libpq's reason in a few words ("Connection refused", "password authentication failed ...")."""
    text = conninfo.redact(str(exc).strip())
    first = text.splitlines()[0] if text else "no answer"
    return first.rsplit("failed: ", 1)[-1].strip().rstrip(".")


def connect_error(url: str, exc: Exception) -> UserError:
    """One sentence for a failed connection; a server with no connection left is ServerFull."""
    reason = connection_error_reason(exc)
    if any(full in reason for full in FULL):
        return ServerFull(f"The server {conninfo.display(url)} has no connection left ({reason}): "
                          "try again when some of its clients have gone.")
    return UserError(f"Cannot connect to {conninfo.display(url)}: {reason}.")


def wait_until_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with connect(url, timeout=2):
                return
        except ServerFull:
            raise
        except UserError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def server_major(url: str) -> int:
    with connect(url) as conn:
        return conn.info.server_version // 10000


def check_name(name: str, what: str = "database") -> str:
    """A name the tool may create or replace: not reserved, not truncated by Postgres, not a work database's."""
    if not name:
        raise UserError(f"The {what} name is empty.")
    if name in RESERVED:
        raise UserError(f"{name} is one of the server's own databases and is never replaced: choose another name.")
    if len(name.encode()) > MAX_NAME_BYTES:
        raise UserError(f"The {what} name {name[:20]}… is {len(name.encode())} bytes; Postgres would cut it to "
                        f"{MAX_NAME_BYTES}: choose a shorter name.")
    if name.startswith(WORK_PREFIX):
        raise UserError(f"{name} starts with {WORK_PREFIX}, which the tool keeps for its own work databases: "
                        "choose another name.")
    if name == marks.CONTROL:
        raise UserError(f"{name} is the registry of this server's named demos and is never replaced: "
                        "choose another name.")
    return name


def database_exists(admin: str, name: str) -> bool:
    with connect(admin) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def databases_like(admin: str, prefix: str) -> list[str]:
    with connect(admin) as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s) ORDER BY 1", (prefix,))
        return [r[0] for r in rows]


def create_database(admin: str, name: str, template: str | None = None, comment: str | None = None,
                    strategy: str | None = None) -> None:
    with connect(admin) as conn:
        stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            stmt = sql.SQL("{} TEMPLATE {}").format(stmt, sql.Identifier(template))
        if strategy:
            stmt = sql.SQL("{} STRATEGY {}").format(stmt, sql.SQL(strategy))
        conn.execute(stmt)
        if comment:
            conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(comment)))


def drop_database(admin: str, name: str) -> None:
    if name in RESERVED:
        raise UserError(f"Refusing to drop {name}, one of the server's own databases.")
    with connect(admin) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def database_comment(admin: str, name: str) -> str | None:
    with connect(admin) as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           (name,)).fetchone()
    return row[0] if row else None


def what_is(url: str) -> str:
    """'missing', 'empty' (no tables), 'demo' (holds the cpd_demo_snapshot row), 'named' (a named
    demo, template or registry: only the named-demo commands touch those) or 'other'."""
    name = conninfo.database_name(url)
    if not database_exists(admin_url(url), name):
        return "missing"
    if database_comment(admin_url(url), name) in marks.NAMED:
        return "named"
    with connect(url) as conn:
        if scalar(conn, "SELECT to_regclass('public.cpd_demo_snapshot')"):
            if scalar(conn, "SELECT count(*) FROM cpd_demo_snapshot") == 1:
                return "demo"
            return "other"
        objects = scalar(conn, """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%%'
               AND n.nspname NOT LIKE 'pg\\_temp\\_%%'""")
    return "empty" if objects == 0 else "other"


def check_replaceable(url: str, force: bool = False) -> str:
    """Refuse (one sentence) to replace a database this tool did not make; returns what it is."""
    name = check_name(conninfo.database_name(url))
    kind = what_is(url)
    if kind == "named":
        raise UserError(f"The database {name} is a named demo (or its template): it is left alone; "
                        f"use `invoke demo.reset --name {name}` to put a named demo back to pristine.")
    if kind == "other" and not force:
        raise UserError(f"The database {name} exists and is not a demo database (no cpd_demo_snapshot row): "
                        "it is left alone; choose another target, or pass --force to replace it.")
    return kind


# A project's tables: ordinary and partitioned ones (a partition is counted through its parent),
# outside the system schemas. Keys are "table" in public, "schema.table" elsewhere.
USER_TABLES = """
    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
     ORDER BY 1, 2"""


def table_key(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def user_tables(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in conn.execute(USER_TABLES)]


def table_row_counts(url: str) -> dict[str, int]:
    """Exact row count of every table of the project."""
    with connect(url) as conn:
        return {table_key(schema, table): scalar(conn, sql.SQL("SELECT count(*) FROM {}.{}").format(
                    sql.Identifier(schema), sql.Identifier(table)).as_string(conn))
                for schema, table in user_tables(conn)}


# Settings that keep this transaction's statements, their parameters and their errors out of the
# server log, whatever log_statement, sampling or auto-logging a server runs with (superuser only).
_QUIET = ("log_statement = 'none'", "log_min_duration_statement = -1", "log_min_duration_sample = -1",
          "log_transaction_sample_rate = 0", "log_min_error_statement = 'panic'", "log_duration = off",
          "log_parameter_max_length = 0", "log_parameter_max_length_on_error = 0")


def quiet(conn: psycopg.Connection) -> None:
    """Inside a transaction on `conn`: nothing it runs from here on reaches the server log (for
    statements that carry a secret, such as a password or its verifier), as far as this login may
    say so: a login without superuser sets those it may (a managed server's admin: none but the
    last; its log_statement is the provider's, `none` by default)."""
    names = [setting.split(" = ")[0] for setting in _QUIET]
    granted = " OR has_parameter_privilege(name, 'SET')" if conn.info.server_version >= 150000 else ""
    allowed = {r[0] for r in conn.execute(
        "SELECT name FROM pg_settings WHERE name = ANY(%s) AND (context = 'user' OR "
        f"current_setting('is_superuser')::boolean{granted})", (names,))}
    for setting, name in zip(_QUIET, names, strict=True):
        if name in allowed:
            conn.execute(f"SET LOCAL {setting}")


def is_superuser(conn: psycopg.Connection) -> bool:
    """Whether the login of `conn` is a superuser (a managed server's admin login never is)."""
    return bool(scalar(conn, "SELECT current_setting('is_superuser')::boolean"))
