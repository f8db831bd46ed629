"""Named demos on one server, for a sales team: one database and one login per demo (per engineer
or per prospect call), cloned from a template database per snapshot version, reset in about a
second, tailored to the prospect, kept live through a day of calls.

Everything the tool makes here is registered in a control database (`cpd_demo_control`) and marked
with a database comment; `drop` and `gc` touch nothing that is not both registered and marked.
Work on one demo is serialised by the same advisory lock a restore into that database takes.
"""

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg import sql

from builder.clock import utc_now
from builder.errors import UserError
from builder.postgres import conninfo, server
from builder.postgres import rebase as rebase_sql
from builder.snapshot.restore import lock_key, restore, swap
from builder.store import open_store

CONTROL = "cpd_demo_control"
TEMPLATE_PREFIX = "cpd_template_"
DEMO_COMMENT = "cpd-demo-db named demo"
TEMPLATE_COMMENT = "cpd-demo-db template"
CONTROL_COMMENT = "cpd-demo-db registry of named demos and templates"
NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
SCHEMA = """
CREATE TABLE IF NOT EXISTS template (
  name text PRIMARY KEY, version text NOT NULL UNIQUE, source text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS demo (
  name text PRIMARY KEY, password text NOT NULL, prospect text NOT NULL DEFAULT '', color text NOT NULL DEFAULT '',
  template text NOT NULL REFERENCES template (name), version text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), reset_at timestamptz, expires_at timestamptz);
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
"""


@dataclass
class Demo:
    name: str
    prospect: str
    color: str
    version: str
    template: str
    created_at: datetime
    reset_at: datetime | None
    expires_at: datetime | None
    anchor_at: datetime | None = None
    size: int = 0
    connections: int = 0


def validate(name: str) -> str:
    """A demo name: a plain lowercase identifier Postgres keeps whole, not one the tool or the server keeps."""
    if not NAME.match(name or ""):
        raise UserError(f"Demo names are lowercase letters, digits and _, starting with a letter, at most 63 "
                        f"characters (got {name!r}).")
    server.check_name(name, "demo")
    if name.startswith(TEMPLATE_PREFIX) or name == CONTROL or name.startswith("pg_") or name == "public":
        raise UserError(f"{name} is a name the tool or Postgres keeps for itself: choose another demo name.")
    return name


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier Postgres stores: the plaintext never reaches the server or its logs."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = base64.b64encode
    return f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}${b64(stored_key).decode()}:{b64(server_key).decode()}"


class Server:
    """A Postgres server holding named demos, reached with a superuser URL."""

    def __init__(self, url: str, dedicated: bool = False):
        """`dedicated`: the server is the tool's own (the local demo server), so its maintenance
        databases are closed to demo logins too; on a shared server they keep their privileges."""
        conninfo.params(url)
        self.url = url
        self.admin = server.admin_url(url)
        self.dedicated = dedicated

    def at(self, database: str) -> str:
        return conninfo.with_database(self.url, database)

    # -- the registry ------------------------------------------------------------------------
    def ensure_control(self) -> None:
        server.wait_until_ready(self.admin, timeout=10)
        with server.AdvisoryLock(self.admin, "cpd-demo:control") as lock:
            lock.acquire()
            if not server.database_exists(self.admin, CONTROL):
                server.create_database(self.admin, CONTROL, comment=CONTROL_COMMENT)
                self._private(CONTROL)
                if self.dedicated:
                    for database in ("postgres", "template1"):
                        self._private(database)
            with server.connect(self.at(CONTROL)) as conn:
                conn.execute(SCHEMA)

    def _private(self, database: str, owner_role: str | None = None, comment: str | None = None) -> None:
        """Only superusers (and the demo's own login) may connect; the tool's mark, if given."""
        db = sql.Identifier(database)
        with server.connect(self.admin) as conn:
            conn.execute(sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(db))
            if owner_role:
                conn.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
                    db, sql.Identifier(owner_role)))
            if comment:
                conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(db, sql.Literal(comment)))

    def registry(self, query: str, params: tuple = ()) -> list[tuple]:
        with server.connect(self.at(CONTROL)) as conn:
            return conn.execute(query, params).fetchall()

    def demo_row(self, name: str) -> dict[str, Any] | None:
        rows = self.registry("SELECT name, password, prospect, color, template, version, created_at, reset_at, "
                             "expires_at FROM demo WHERE name = %s", (name,))
        if not rows:
            return None
        keys = ("name", "password", "prospect", "color", "template", "version", "created_at", "reset_at", "expires_at")
        return dict(zip(keys, rows[0], strict=True))

    def require(self, name: str) -> dict[str, Any]:
        validate(name)
        if not server.database_exists(self.admin, CONTROL):
            raise UserError(f"There is no demo named {name} on this server (no demo was made here yet).")
        row = self.demo_row(name)
        if row is None:
            raise UserError(f"There is no demo named {name} on this server (`invoke demo.list` shows them).")
        if server.database_comment(self.admin, name) != DEMO_COMMENT:
            raise UserError(f"The database {name} is not the demo the registry knows (its mark is missing): "
                            "it is left alone.")
        return row

    # -- templates ---------------------------------------------------------------------------
    def template(self, source: str, version: str | None, echo: Callable[[str], None]) -> tuple[str, str]:
        """The template database of a snapshot version, restored and verified once."""
        self.ensure_control()
        store = open_store(source)
        version = store.resolve(version)
        name = TEMPLATE_PREFIX + version.lower().replace("-", "_")
        with server.AdvisoryLock(self.admin, f"cpd-demo:template:{name}") as lock:
            lock.acquire()
            registered = self.registry("SELECT 1 FROM template WHERE name = %s", (name,))
            if registered and server.database_comment(self.admin, name) == TEMPLATE_COMMENT:
                return name, version
            echo(f"→ template {name}: restored once, then every demo of {version} is a copy of it")
            anchor = datetime.fromisoformat(store.manifest(version)["anchor_at"])
            restore(source, version, self.at(name), now=anchor, echo=lambda m: echo("  " + m))
            # Frozen and analysed now, so autovacuum never visits it: a worker connected to a
            # template makes every CREATE DATABASE from it wait.
            with server.connect(self.at(name)) as conn:
                conn.execute("VACUUM (FREEZE, ANALYZE)")
            with server.connect(self.admin) as conn:
                conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name)))
            self._private(name, comment=TEMPLATE_COMMENT)
            self.registry("INSERT INTO template (name, version, source) VALUES (%s, %s, %s) "
                          "ON CONFLICT (name) DO NOTHING RETURNING name", (name, version, str(source)))
            return name, version

    # -- demos ---------------------------------------------------------------------------------
    def _clone(self, name: str, template: str, role: str, now: datetime | None, prospect: str, color: str,
               echo: Callable[[str], None]) -> str:
        """A pristine copy of the template in a staging database, rebased, tailored and granted to the
        demo's login in one transaction; returns the staging database's name (dropped on any failure)."""
        staging = server.helper_name("stage", name, server.run_token())
        started = time.monotonic()
        try:  # created inside: a stop signal during the creation still drops it
            with server.connect(self.admin) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                    sql.Identifier(staging), sql.Identifier(template)))
            self._private(staging, owner_role=role, comment=DEMO_COMMENT)
            login = sql.Identifier(role)
            with server.connect(self.at(staging)) as conn:
                with conn.transaction():
                    rebase_sql.run_in(conn, now)
                    if prospect:
                        rebase_sql.tailor_in(conn, prospect, color)
                    for stmt in ("GRANT USAGE ON SCHEMA public TO {}",
                                 "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}",
                                 "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}"):
                        conn.execute(sql.SQL(stmt).format(login))
                report = server.scalar(conn, rebase_sql.sql_parts()[1])
        except BaseException:
            server.drop_database(self.admin, staging)
            raise
        echo(f"  {report}")
        echo(f"  copied, rebased{' and tailored' if prospect else ''} in {time.monotonic() - started:.2f} s")
        return staging

    def new(self, name: str, source: str, version: str | None = None, now: datetime | None = None,
            prospect: str = "", color: str = "", ttl: timedelta | None = None,
            echo: Callable[[str], None] = print) -> Demo:
        validate(name)
        check_prospect(prospect, color)
        self.ensure_control()
        with server.AdvisoryLock(self.admin, lock_key(name)) as lock:
            if not lock.try_acquire():
                raise UserError(f"Another command is working on {name}: try again when it has finished.")
            if self.demo_row(name) is not None:
                raise UserError(f"The demo {name} exists already: reset it with `invoke demo.reset --name {name}`.")
            if server.database_exists(self.admin, name):
                raise UserError(f"A database named {name} exists on this server and was not made by demo.new: "
                                "it is left alone; choose another name.")
            with server.connect(self.admin) as conn:
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
                    raise UserError(f"A login named {name} exists on this server already: choose another name.")
            template, version = self.template(source, version, echo)
            password = secrets.token_urlsafe(18)
            with server.connect(self.admin) as conn:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(name), sql.Literal(scram_verifier(password))))
            try:
                staging = self._clone(name, template, name, now, prospect, color, echo)
                swap(self.admin, staging, name, server.helper_name("retired", name, server.run_token()))
                expires = utc_now() + ttl if ttl else None
                self.registry("INSERT INTO demo (name, password, prospect, color, template, version, expires_at) "
                              "VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING name",
                              (name, password, prospect, color, template, version, expires))
            except BaseException:
                # Undo what this run made (nothing else is named like it: checked above).
                if self.demo_row(name) is None and server.database_comment(self.admin, name) == DEMO_COMMENT:
                    server.drop_database(self.admin, name)
                with server.connect(self.admin) as conn:
                    conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
                raise
        return self.show(name)

    def reset(self, name: str, now: datetime | None = None, echo: Callable[[str], None] = print) -> None:
        """Back to pristine from the template, rebased and tailored again; sessions on it are ended."""
        row = self.require(name)
        with server.AdvisoryLock(self.admin, lock_key(name)) as lock:
            if not lock.try_acquire():
                raise UserError(f"Another command is working on {name}: try again when it has finished.")
            staging = self._clone(name, row["template"], name, now, row["prospect"], row["color"], echo)
            with server.connect(self.admin) as conn:
                sessions = server.scalar(conn, "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,))
            swap(self.admin, staging, name, server.helper_name("retired", name, server.run_token()))
            if sessions:
                echo(f"  ended {sessions} open session(s) on {name}: its clients must reconnect")
            self.registry("UPDATE demo SET reset_at = now() WHERE name = %s RETURNING name", (name,))

    def drop(self, name: str, echo: Callable[[str], None] = print) -> None:
        self.require(name)
        with server.AdvisoryLock(self.admin, lock_key(name)) as lock:
            if not lock.try_acquire():
                raise UserError(f"Another command is working on {name}: try again when it has finished.")
            server.drop_database(self.admin, name)
            with server.connect(self.admin) as conn:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
            self.registry("DELETE FROM demo WHERE name = %s RETURNING name", (name,))
        echo(f"dropped the demo {name} and its login")

    def gc(self, echo: Callable[[str], None] = print) -> list[str]:
        """Drop demos past their ttl, then templates no demo uses; nothing the registry does not list."""
        if not server.database_exists(self.admin, CONTROL):
            return []
        dropped = []
        for (name,) in self.registry("SELECT name FROM demo WHERE expires_at < now() ORDER BY name"):
            if not server.database_exists(self.admin, name):
                self.registry("DELETE FROM demo WHERE name = %s RETURNING name", (name,))
            elif server.database_comment(self.admin, name) != DEMO_COMMENT:
                echo(f"left {name} alone: it is registered but no longer carries the demo mark")
                continue
            else:
                self.drop(name, echo=echo)
            dropped.append(name)
        for (name,) in self.registry("SELECT t.name FROM template t WHERE NOT EXISTS "
                                     "(SELECT 1 FROM demo d WHERE d.template = t.name) ORDER BY t.name"):
            if server.database_exists(self.admin, name) and \
                    server.database_comment(self.admin, name) != TEMPLATE_COMMENT:
                echo(f"left {name} alone: it is registered but no longer carries the template mark")
                continue
            if server.database_exists(self.admin, name):
                with server.connect(self.admin) as conn:
                    conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(name)))
                server.drop_database(self.admin, name)
                self.registry("DELETE FROM template WHERE name = %s RETURNING name", (name,))
                echo(f"dropped the unused template {name}")
                dropped.append(name)
        return dropped

    # -- reading ---------------------------------------------------------------------------------
    def demos(self) -> list[Demo]:
        if not server.database_exists(self.admin, CONTROL):
            return []
        return [self.show(name) for (name,) in self.registry("SELECT name FROM demo ORDER BY name")]

    def show(self, name: str) -> Demo:
        row = self.require(name)
        with server.connect(self.admin) as conn:
            size = server.scalar(conn, "SELECT pg_database_size(%s)", (name,))
            connections = server.scalar(conn, "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,))
        with server.connect(self.at(name)) as conn:
            anchor = server.scalar(conn, "SELECT anchor_at FROM cpd_demo_snapshot")
        return Demo(name, row["prospect"], row["color"], row["version"], row["template"], row["created_at"],
                    row["reset_at"], row["expires_at"], anchor, size, connections)

    def demo_url(self, name: str) -> str:
        """The demo's own connection URL, with its login and password."""
        row = self.require(name)
        values = {k: v for k, v in conninfo.params(self.url).items() if k not in conninfo.SECRET_KEYS}
        return conninfo.make_url({**values, "user": name, "password": row["password"], "dbname": name})

    def keep_live(self, every: timedelta, rounds: int | None = None, echo: Callable[[str], None] = print) -> int:
        """Rebase every demo to now, every `every` (one short transaction each); returns the rounds run."""
        done = 0
        while rounds is None or done < rounds:
            started = time.monotonic()
            for demo in self.demos():
                with server.AdvisoryLock(self.admin, lock_key(demo.name)) as lock:
                    if not lock.try_acquire():
                        echo(f"  {demo.name}: busy (a reset?), next round")
                        continue
                    echo(f"  {demo.name}: {rebase_sql.run(self.at(demo.name))}")
            done += 1
            if rounds is not None and done >= rounds:
                break
            time.sleep(max(0.0, every.total_seconds() - (time.monotonic() - started)))
        return done


def check_prospect(prospect: str, color: str) -> None:
    if prospect and (len(prospect) > 80 or not prospect.strip()):
        raise UserError("--prospect must be 1 to 80 characters.")
    if color and not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        raise UserError(f"--prospect-color must look like #1d4ed8 (got {color!r}).")
    if color and not prospect:
        raise UserError("--prospect-color needs --prospect.")
