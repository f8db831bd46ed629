"""Logins the tool makes for others (a named demo's login): made with a SCRAM verifier and a
connection limit, marked as the tool's, and removed from every database of the server, whatever
their holder left behind in it.

The admin login needs no superuser: CREATEROLE makes and drops them; it makes itself a member of
each login it makes (what DROP OWNED asks of a non-superuser, and what lets it end that login's
sessions), and ends sessions through pg_signal_backend otherwise."""

import psycopg
from psycopg import sql

from builder.errors import UserError
from builder.postgres import conninfo, databases, marks

# What a demo login may never do, restated on every reset: a demo's holder cannot change them.
_LIMITED = "LOGIN NOCREATEDB NOCREATEROLE CONNECTION LIMIT {} PASSWORD {}"
# Only a superuser may name these (even to say no); a login without them cannot grant them to itself.
_SUPER_ONLY = " NOSUPERUSER NOREPLICATION NOBYPASSRLS"


def exists(admin: str, role: str) -> bool:
    with databases.connect(admin) as conn:
        return databases.scalar(conn, "SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)) is not None


def comment(admin: str, role: str) -> str | None:
    with databases.connect(admin) as conn:
        return databases.scalar(conn, "SELECT shobj_description(oid, 'pg_authid') FROM pg_roles WHERE rolname = %s",
                             (role,))


def make_or_restore(admin: str, role: str, verifier: str, connection_limit: int) -> None:
    """The login as the tool makes it: its password (a SCRAM verifier, kept out of the log), its
    connection limit, no session defaults of its own, and the tool's mark."""
    ident = sql.Identifier(role)
    with databases.connect(admin) as conn, conn.transaction():
        databases.quiet(conn)
        superuser = databases.is_superuser(conn)
        limited = sql.SQL(_LIMITED + (_SUPER_ONLY if superuser else "")).format(
            sql.Literal(connection_limit), sql.Literal(verifier))
        if databases.scalar(conn, "SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)):
            conn.execute(sql.SQL("ALTER ROLE {} WITH {}").format(ident, limited))
            conn.execute(sql.SQL("ALTER ROLE {} RESET ALL").format(ident))
        else:
            conn.execute(sql.SQL("CREATE ROLE {} WITH {}").format(ident, limited))
        conn.execute(sql.SQL("COMMENT ON ROLE {} IS {}").format(ident, sql.Literal(marks.ROLE)))
        if not superuser:
            _join(conn, role)


def _join(conn: psycopg.Connection, role: str) -> None:
    """The admin login a member of `role` (with its privileges), unless it is already."""
    if not databases.scalar(conn, "SELECT pg_has_role(current_user, %s, 'USAGE')", (role,)):
        conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(role)))


def end_sessions(admin: str, role: str) -> int:
    """End every session of `role` on the server (waiting for each to go); how many there were."""
    with databases.connect(admin) as conn:
        ended = conn.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                             "WHERE usename = %s AND pid <> pg_backend_pid()", (role,)).fetchall()
    return len(ended)


def drop_everywhere(admin: str, role: str) -> list[str]:
    """Drop `role` and everything it owns or was granted, in every database of the server; returns
    the databases where something stayed (they accept no connections, or not this login), and
    keeps the role then."""
    end_sessions(admin, role)
    with databases.connect(admin) as conn:
        oid = databases.scalar(conn, "SELECT oid FROM pg_roles WHERE rolname = %s", (role,))
        if oid is None:
            return []
        if not databases.is_superuser(conn):
            _join(conn, role)
        places = conn.execute("""
            SELECT DISTINCT d.datname, d.datallowconn AND has_database_privilege(d.oid, 'CONNECT')
              FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid
             WHERE s.refclassid = 'pg_authid'::regclass AND s.refobjid = %s ORDER BY 1""", (oid,)).fetchall()
    left = [name for name, allowed in places if not allowed]
    # The admin database too: DROP OWNED there also revokes what the role holds on shared objects.
    for name in dict.fromkeys([conninfo.database_name(admin), *(n for n, allowed in places if allowed)]):
        with databases.connect(conninfo.with_database(admin, name)) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
    if left:
        return left
    with databases.connect(admin) as conn:
        try:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        except psycopg.Error as exc:  # something appeared meanwhile: say what, keep the role
            raise UserError(f"The login {role} could not be dropped: {str(exc).strip().splitlines()[0]}") from None
    return []
