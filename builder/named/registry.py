"""The registry of a server's named demos: the control database `cpd_demo_control`, which only
the tool's admin login (and superusers) may open. It lists what the tool made (templates and
demos, each with the state of the command making or dropping it) and is read, with what the server
says of each demo, in one query. The tool's locks on demos and templates live in it too, where
no demo login can take one.
"""

import getpass
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql

from builder.clock import utc_now
from builder.errors import UserError
from builder.postgres import conninfo, databases, locks, marks

CONTROL = marks.CONTROL
SCHEMA = """
CREATE TABLE IF NOT EXISTS template (
  name text PRIMARY KEY, version text NOT NULL UNIQUE, source text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now());
ALTER TABLE template ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'ready';
CREATE TABLE IF NOT EXISTS demo (
  name text PRIMARY KEY, password text NOT NULL, prospect text NOT NULL DEFAULT '', color text NOT NULL DEFAULT '',
  template text NOT NULL REFERENCES template (name), version text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), reset_at timestamptz, expires_at timestamptz);
ALTER TABLE demo ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'ready',
  ADD COLUMN IF NOT EXISTS verifier text NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS anchor_at timestamptz,
  ADD COLUMN IF NOT EXISTS created_by text NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS reset_by text NOT NULL DEFAULT '',
  ADD COLUMN IF NOT EXISTS protected boolean NOT NULL DEFAULT false,
  ADD COLUMN IF NOT EXISTS ttl interval,
  ADD COLUMN IF NOT EXISTS shows text[] NOT NULL DEFAULT '{}',
  ADD COLUMN IF NOT EXISTS pinned_at timestamptz;  -- prepared with --now: keep-live leaves it at that instant
-- Who did what, from the console and the command line: one row per action, kept for a year.
CREATE TABLE IF NOT EXISTS usage (
  id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), by text NOT NULL, action text NOT NULL,
  demo text, seconds double precision NOT NULL, ok boolean NOT NULL, detail text NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS usage_at ON usage (at DESC);
CREATE INDEX IF NOT EXISTS usage_demo ON usage (demo, at DESC);
-- A database dropped while the listing runs has no size: the listing goes on.
CREATE OR REPLACE FUNCTION database_size(db oid) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN RETURN pg_database_size(db); EXCEPTION WHEN OTHERS THEN RETURN NULL; END $$;
-- What the holder of each labelled lock is doing, recorded by that holder (its backend's pid).
CREATE TABLE IF NOT EXISTS lock_holder (
  pid integer PRIMARY KEY, key text NOT NULL, doing text NOT NULL, since timestamptz NOT NULL DEFAULT now());
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
"""
# Every demo with what the server says of it: its database, mark, size and sessions, its login,
# and what the command holding its lock (if any) said it is doing. One query, whatever the number of demos.
LISTING = """
SELECT d.name, d.state, d.prospect, d.color, d.version, d.template, d.created_at, d.created_by, d.reset_at,
       d.reset_by, d.expires_at, d.anchor_at, d.protected, d.shows, d.pinned_at,
       db.oid IS NOT NULL, shobj_description(db.oid, 'pg_database'), coalesce(database_size(db.oid), 0),
       (SELECT count(*) FROM pg_stat_activity a WHERE a.datid = db.oid),
       r.rolname IS NOT NULL, coalesce(d.verifier = '' OR {password_ok}, false),
       (SELECT coalesce(h.doing, '') FROM pg_locks l
                LEFT JOIN lock_holder h ON h.pid = l.pid AND h.key = %(key)s || d.name
         WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(%(key)s || d.name, 0) LIMIT 1)
  FROM demo d LEFT JOIN pg_database db ON db.datname = d.name LEFT JOIN {roles} r ON r.rolname = d.name
"""
# A superuser compares each login's verifier with the one the tool set; a login that may not read
# pg_authid (a managed server's admin) cannot, and `demo.repair` tries the password instead.
LISTING_SUPERUSER = LISTING.format(password_ok="r.rolpassword = d.verifier", roles="pg_authid")
LISTING_MANAGED = LISTING.format(password_ok="true", roles="pg_roles")
FIELDS = ("name", "state", "prospect", "color", "version", "template", "created_at", "created_by", "reset_at",
          "reset_by", "expires_at", "anchor_at", "protected", "shows", "pinned_at", "has_database", "mark", "size",
          "connections", "has_login", "login_ok", "busy_with")


@dataclass
class Demo:
    """A registered demo and what the server says of it."""

    name: str
    state: str = "ready"
    prospect: str = ""
    color: str = ""
    version: str = ""
    template: str = ""
    created_at: datetime | None = None
    created_by: str = ""
    reset_at: datetime | None = None
    reset_by: str = ""
    expires_at: datetime | None = None
    anchor_at: datetime | None = None
    protected: bool = False
    shows: list[str] = field(default_factory=list)  # the project's status lines at the latest rebase
    pinned_at: datetime | None = None  # prepared with --now: the instant it stays at until a reset without it
    has_database: bool = False
    mark: str | None = None
    size: int = 0
    connections: int = 0
    has_login: bool = False
    login_ok: bool = False
    busy: bool = False
    busy_with: str = ""  # what the command holding its lock said it is doing ("resetting by alice")
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: tuple) -> "Demo":
        values = dict(zip(FIELDS, row, strict=True))
        holder = values.pop("busy_with")
        return cls(**values, busy=holder is not None, busy_with=holder or "")

    @property
    def problem(self) -> str:
        """Why the demo is broken, in a few words ("" when it is not)."""
        if self.state == "making" and not self.busy:
            return "a demo.new of it was stopped midway"
        if self.state == "dropping" and not self.busy:
            return "a demo.drop of it was stopped midway"
        if self.state != "ready":
            return ""
        if not self.has_database:
            return "its database is gone"
        if self.mark != marks.DEMO:
            return "its database no longer carries the demo mark (replaced by something else?)"
        if not self.has_login:
            return "its login is gone"
        if not self.login_ok:
            return "its login's password was changed from inside the demo"
        return ""

    def status(self, now: datetime | None = None) -> str:
        """ready, busy (a command is at work on it), making, dropping, expiring (the last tenth of its
        life), expired or broken."""
        now = now or utc_now()
        if self.problem:
            return "broken"
        if self.state != "ready":
            return self.state
        if self.busy:
            return "busy"
        if self.expires_at is not None:
            if self.expires_at <= now:
                return "expired"
            since = self.reset_at or self.created_at or now
            if self.expires_at - now <= max(timedelta(0), self.expires_at - since) / 10:
                return "expiring"
        return "ready"


def who() -> str:
    """Who runs this command: --by, else the OS user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


class Registry:
    """The control database of the server at `url` (a superuser's URL, or a managed server's admin:
    CREATEDB and CREATEROLE)."""

    def __init__(self, url: str, dedicated: bool = False):
        conninfo.params(url)
        self.url = url
        self.admin = databases.admin_url(url)
        self.locks = self.at(CONTROL)  # where the tool's locks on demos and templates are taken
        self.dedicated = dedicated
        self.notes: list[str] = []  # what making the registry could not do (said once, by demo.new)
        self._reads_verifiers: bool | None = None
        self._exists = False  # once seen, for the life of this command (it is never dropped under one)
        self.known = False  # made ready by this process (a long-lived one, the console, asks once)

    def at(self, database: str) -> str:
        return conninfo.with_database(self.url, database)

    def exists(self) -> bool:
        """Whether this server has a registry of the tool's (one sentence if the name is taken by another)."""
        if self._exists or self.known:
            return True
        with databases.connect(self.admin) as conn:
            row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                               (CONTROL,)).fetchone()
        if row is None:
            return False
        if row[0] != marks.CONTROL_COMMENT:
            raise UserError(f"The database {CONTROL} on this server was not made by this tool: it is left alone, "
                            "and named demos cannot be kept here until it is renamed or dropped.")
        self._exists = True
        return True

    def ensure(self) -> None:
        """The registry made if need be (closed to every other login), its tables up to date."""
        databases.wait_until_ready(self.admin, timeout=10)
        made = False
        if not self.exists():
            # Made once: the lock of its making lives where the registry is not yet.
            with locks.AdvisoryLock(self.admin, "cpd-demo:control") as lock:
                lock.acquire(timeout=60)
                if not self.exists():
                    databases.create_database(self.admin, CONTROL)
                    self.close_to_public(CONTROL, comment=marks.CONTROL_COMMENT)
                    made = True
        with locks.AdvisoryLock(self.locks, "cpd-demo:control") as lock:
            lock.acquire(timeout=60)
            with databases.connect(self.at(CONTROL)) as conn:
                conn.execute(SCHEMA)
            notes = self.close_server_databases()  # again each time: a registry made before did not
        self.notes = notes if made else []
        self.known = True

    def close_server_databases(self) -> list[str]:
        """CONNECT revoked from PUBLIC on the server's own `postgres` and `template1` where this
        login owns them (or the server is the tool's own): a demo login opens its own database and nothing else.
        Where it may not, one line each says so."""
        notes = []
        with databases.connect(self.admin) as conn:
            rows = conn.execute("""
                SELECT datname, datdba = (SELECT oid FROM pg_roles WHERE rolname = current_user)
                  FROM pg_database WHERE datname IN ('postgres', 'template1') ORDER BY 1""").fetchall()
        for database, ours in rows:
            if ours or self.dedicated:
                self.close_to_public(database)
            else:
                notes.append(f"{database} is not this login's: every login of the server may still open it "
                             "(nothing of the tool's is kept there)")
        return notes

    def reads_verifiers(self) -> bool:
        """Whether this login may read the logins' verifiers (pg_authid: a superuser)."""
        if self._reads_verifiers is None:
            with databases.connect(self.admin) as conn:
                self._reads_verifiers = bool(databases.scalar(conn, "SELECT has_table_privilege('pg_authid', 'SELECT')"))
        return self._reads_verifiers

    def close_to_public(self, database: str, owner_role: str | None = None, comment: str | None = None) -> None:
        """Only the tool's admin login, superusers (and the demo's own login) may connect; the tool's mark, if given."""
        db = sql.Identifier(database)
        with databases.connect(self.admin) as conn:
            conn.execute(sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(db))
            if owner_role:
                conn.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                    db, sql.Identifier(owner_role)))
            if comment:
                conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(db, sql.Literal(comment)))

    # -- reading ---------------------------------------------------------------------------------
    def query(self, statement: str, params: tuple | dict = ()) -> list[tuple]:
        with databases.connect(self.at(CONTROL)) as conn:
            try:
                return conn.execute(statement, params or None).fetchall()
            except psycopg.errors.UndefinedTable:
                raise self._damaged() from None

    def _damaged(self) -> UserError:
        return UserError(f"The registry {CONTROL} on this server has lost its tables (replaced by something else?): "
                         f"nothing was changed; rename or drop it to start a new registry.")

    def demos(self, name: str | None = None) -> list[Demo]:
        """Every demo (or the one named), with what the server says of it: one query."""
        if not self.exists():
            return []
        where = " WHERE d.name = %(name)s" if name else ""
        listing = LISTING_SUPERUSER if self.reads_verifiers() else LISTING_MANAGED
        rows = self.query(listing + where + " ORDER BY d.name", {"key": locks.database_key(""), "name": name})
        return [Demo.from_row(row) for row in rows]

    def demo(self, name: str) -> Demo | None:
        found = self.demos(name)
        return found[0] if found else None

    def password(self, name: str) -> str | None:
        rows = self.query("SELECT password FROM demo WHERE name = %s", (name,))
        return rows[0][0] if rows else None

    def verifier(self, name: str) -> str:
        rows = self.query("SELECT verifier FROM demo WHERE name = %s", (name,))
        return rows[0][0] if rows else ""

    def template_state(self, name: str) -> str | None:
        rows = self.query("SELECT state FROM template WHERE name = %s", (name,))
        return rows[0][0] if rows else None

    def template_source(self, name: str) -> tuple[str, str] | None:
        rows = self.query("SELECT source, version FROM template WHERE name = %s", (name,))
        return (rows[0][0], rows[0][1]) if rows else None

    # -- writing ---------------------------------------------------------------------------------
    def write(self, statement: str, params: tuple, secret: bool = False) -> int:
        """One statement in its own transaction; `secret` keeps it (and its parameters) out of the log."""
        with databases.connect(self.at(CONTROL)) as conn, conn.transaction():
            if secret:
                databases.quiet(conn)
            try:
                return conn.execute(statement, params).rowcount
            except psycopg.errors.UndefinedTable:
                raise self._damaged() from None
