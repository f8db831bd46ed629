"""New, reset and drop of a named demo: its own database (a copy of a template) and its own login.

Every command on a demo holds that demo's lock, so two never work on one demo at once. Each step
is recorded before it is taken (the registry row's state, the tool's mark on what it makes), so a
command killed at any step leaves only what the next command on that name, `demo.gc` or
`demo.repair` recognises as the tool's and finishes or clears. Nothing without the mark is dropped.
"""

import contextlib
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg
from psycopg import sql

from builder import faults, hooks
from builder.clock import format_duration, utc_now
from builder.errors import NotFound, UserError
from builder.named import budget, spares, templates, usage
from builder.named.names import check_prospect, validate
from builder.named.registry import Demo, Registry, who
from builder.postgres import conninfo, databases, locks, marks, meta, roles, scram, work_databases
from builder.postgres import rebase as rebase_sql
from builder.settings import SETTINGS

Echo = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class ResetResult:
    """What a reset did: the demo as it is now, the open sessions it ended (their clients must
    reconnect), the version it was on before, and its notes for the usage log."""

    demo: Demo
    ended_sessions: int
    version_before: str
    notes: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        """Whether it now holds another snapshot version than before."""
        return self.demo.version != self.version_before


class DemoServer:
    """A Postgres server holding named demos, reached with a superuser's URL or a managed server's
    admin login (CREATEDB, CREATEROLE, pg_signal_backend). `dedicated`: the tool's own server (the
    local demo server), whose maintenance databases are closed to demo logins whoever owns them."""

    def __init__(self, url: str, dedicated: bool = False, by: str | None = None, tailoring: str | None = None,
                 status: hooks.StatusHook | None = None, registry: Registry | None = None):
        """`tailoring`: the project's tailoring SQL (its config's [demo] tailor), for --prospect;
        `status`: its status hook, whose lines (what a buyer sees) are stored at every rebase;
        `registry`: one already made ready (a long-lived caller's, shared by its requests)."""
        self.registry = registry or Registry(url, dedicated)
        self.url, self.admin = self.registry.url, self.registry.admin
        self.by = by or who()
        self.tailoring = tailoring
        self.status = status
        self._acting = 0

    @contextlib.contextmanager
    def logged(self, action: str, demo: str | None = None) -> Iterator[usage.Notes]:
        """The usage log's line for this action; an action inside another (a drop inside gc) is the outer one's."""
        if self._acting:
            yield usage.Notes()
            return
        self._acting += 1
        try:
            with usage.logged(self.registry, self.by, action, demo) as notes:
                yield notes
        finally:
            self._acting -= 1

    def steps(self) -> contextlib.AbstractContextManager[None]:
        """One connection to the maintenance database and one to the registry for a command's many
        short steps (a lock keeps its own: closing it is what releases the lock)."""
        return databases.kept_open(self.admin, self.registry.locks)

    def lock(self, name: str, doing: str) -> locks.AdvisoryLock:
        """The demo's lock, labelled with what this command does and for whom, or one sentence (Busy)."""
        if not self.registry.exists():
            raise NotFound(f"There is no demo named {name} on this server (`invoke demo.list` shows them).")
        return locks.take_or_refuse(self.registry.locks, name, doing=f"{doing} by {self.by}")

    def at(self, database: str) -> str:
        return self.registry.at(database)

    # -- reading -------------------------------------------------------------------------------
    def demos(self) -> list[Demo]:
        return self.registry.demos()

    def show(self, name: str) -> Demo:
        validate(name)
        demo = self.registry.demo(name)
        if demo is None:
            raise NotFound(f"There is no demo named {name} on this server (`invoke demo.list` shows them).")
        return demo

    def demo_url(self, name: str, demo: Demo | None = None) -> str:
        """The demo's own connection URL, with its login and password: only one that works."""
        demo = demo or self.show(name)
        if demo.status() in ("making", "dropping") or demo.problem:
            why = demo.problem or f"it is being {'made' if demo.state == 'making' else 'dropped'}"
            raise UserError(f"The demo {name} cannot be reached now: {why} "
                            f"(`invoke demo.repair --name {name}` repairs it).")
        values = {k: v for k, v in conninfo.params(self.url).items() if k not in conninfo.SECRET_KEYS}
        password = self.registry.password(name) or ""
        return conninfo.make_url({**values, "user": name, "password": password, "dbname": name})

    # -- new -------------------------------------------------------------------------------------
    def new(self, name: str, source: str, version: str | None = None, now: datetime | None = None,
            prospect: str = "", color: str = "", ttl: timedelta | None = None, echo: Echo = print) -> Demo:
        validate(name)
        check_prospect(prospect, color)
        if prospect and self.tailoring is None:
            raise UserError("This project has no tailoring SQL ([demo] tailor in its config): --prospect cannot be used.")
        self.registry.ensure()
        for note in self.registry.notes:
            echo(f"note: {note}")
        self.registry.notes = []
        budget.check_room(self.admin, name, SETTINGS.connection_limit)  # before a template is made for nothing
        with self.logged("new", name) as notes, self.lock(name, "making"):
            if prospect:
                notes.add(f"for {prospect}")
            if ttl:
                notes.add(f"expires in {format_duration(ttl)}")
            self._clear_leftovers(name, echo)
            template, version, use = templates.take(self.registry, source, version, echo)
            with use:
                password = secrets.token_urlsafe(18)
                verifier = scram.verifier(password)
                self.registry.write(
                    "INSERT INTO demo (name, password, verifier, prospect, color, template, version, state, "
                    "created_by) VALUES (%s, %s, %s, %s, %s, %s, %s, 'making', %s)",
                    (name, password, verifier, prospect, color, template, version, self.by), secret=True)
                faults.checkpoint("named:new:registered")
                try:
                    self.login(name, verifier, new=True)
                    faults.checkpoint("named:new:login")
                    anchor, _, shows = self._copy_in(name, template, now, prospect, color, echo)
                    faults.checkpoint("named:new:swapped")
                    self.registry.write("UPDATE demo SET state = 'ready', created_at = now(), anchor_at = %s, "
                                        "expires_at = %s, ttl = %s, shows = %s, pinned_at = %s WHERE name = %s",
                                        (anchor, utc_now() + ttl if ttl else None, ttl, shows, now, name))
                    spares.order(self.admin, name, template)  # made after this command, for its first reset
                except BaseException:
                    self._undo_new(name)
                    raise
        return self.show(name)

    def login(self, name: str, verifier: str, new: bool = False) -> None:
        """The demo's login made (or made again) within the server's connection budget: a new one
        is refused when it does not fit (ServerFull), one made again gets what is left."""
        wanted = SETTINGS.connection_limit
        with locks.AdvisoryLock(self.registry.locks, budget.KEY) as lock:
            lock.acquire(timeout=60)
            if new:
                budget.check_room(self.admin, name, wanted)
            else:
                wanted = budget.fitting(self.admin, name, wanted)
            roles.make_or_restore(self.admin, name, verifier, wanted)

    def connection_budget(self) -> budget.Budget:
        """Where the server's connection budget stands (demo.list's last line)."""
        return budget.read(self.admin)

    def _clear_leftovers(self, name: str, echo: Echo) -> None:
        """Under the name's lock, before a demo.new: what a stopped command left under this name is
        cleared; anything not the tool's is refused, untouched."""
        demo = self.registry.demo(name)
        if demo is not None and demo.state == "ready":
            raise UserError(f"The demo {name} exists already: reset it with `invoke demo.reset --name {name}`.")
        if demo is not None:
            echo(f"  clearing what a stopped demo.{'new' if demo.state == 'making' else 'drop'} left of {name}")
            if demo.state == "making":
                self._undo_new(name)
            else:
                self.drop(name, echo=_quiet, locked=True)
        if databases.database_exists(self.admin, name):
            if databases.database_comment(self.admin, name) != marks.DEMO:
                raise UserError(f"A database named {name} exists on this server and was not made by demo.new: "
                                "it is left alone; choose another name.")
            databases.drop_database(self.admin, name)  # marked, unregistered: a stopped command's copy
        if roles.exists(self.admin, name):
            if roles.comment(self.admin, name) != marks.ROLE:
                raise UserError(f"A login named {name} exists on this server already and was not made by demo.new: "
                                "choose another name.")
            roles.drop_everywhere(self.admin, name)
        work_databases.reap(self.admin, name)
        spares.drop_others(self.admin, name)  # a former demo's of that name

    def _undo_new(self, name: str) -> None:
        """Undo what a demo.new of `name` made (its row says `making`); a failure here is left to
        the next command, which recognises the same leftovers."""
        try:
            if databases.database_comment(self.admin, name) == marks.DEMO:
                databases.drop_database(self.admin, name)
            if roles.comment(self.admin, name) == marks.ROLE:
                roles.drop_everywhere(self.admin, name)
            self.registry.write("DELETE FROM demo WHERE name = %s AND state = 'making'", (name,))
        except (UserError, psycopg.Error):
            pass

    # -- the copy ------------------------------------------------------------------------------
    def _copy_in(self, name: str, template: str, now: datetime | None, prospect: str, color: str,
                 echo: Echo) -> tuple[datetime, int, list[str]]:
        """A pristine copy of the template, rebased, tailored and granted to the demo's login in one
        transaction, swapped in for the demo's database; (the instant it represents, the sessions
        the swap ended, the project's status lines: what a buyer sees now)."""
        started = time.monotonic()
        with work_databases.held(self.admin, "stage", name) as staging:
            spares.fill(self.admin, name, template, staging, lambda: self.registry.close_to_public(staging, name, marks.DEMO))
            with databases.connect(self.at(staging)) as conn:
                try:
                    with conn.transaction():
                        rebase_sql.run_in(conn, now)
                        if prospect and self.tailoring is not None:
                            rebase_sql.tailor_in(conn, self.tailoring, prospect, color)
                        grant(conn, name)
                except psycopg.Error as exc:
                    raise UserError(f"Making the copy of {name} failed: {rebase_sql.first_line(exc)}") from None
                report = rebase_sql.report_in(conn)
                anchor = databases.scalar(conn, f"SELECT anchor_at FROM {meta.SNAPSHOT_TABLE}")
                shows = hooks.status_now(self.status, conn)
            faults.checkpoint("named:copied")
            with databases.connect(self.admin) as conn:
                sessions = databases.scalar(conn, "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,))
            work_databases.swap(self.admin, staging, name)
        echo(f"  {report}")
        echo(f"  copied, rebased{' and tailored' if prospect else ''} in {time.monotonic() - started:.2f} s")
        return anchor, sessions, shows

    # -- reset -----------------------------------------------------------------------------------
    def reset(self, name: str, now: datetime | None = None, source: str | None = None, version: str | None = None,
              echo: Echo = print, locked: bool = False) -> ResetResult:
        """Back to pristine from its template (or moved to `version` from `source`), rebased and
        tailored again, its login as it was made; sessions on it are ended (how many: the result's
        `ended_sessions`)."""
        validate(name)
        with self.steps():
            sessions, version_before, said = self._reset(name, now, source, version, echo, locked)
            # Shown once its lock is released: ready, not busy.
            return ResetResult(self.show(name), sessions, version_before, said)

    def _reset(self, name: str, now: datetime | None, source: str | None, version: str | None, echo: Echo,
               locked: bool) -> tuple[int, str, tuple[str, ...]]:
        """(the sessions it ended, the version before, its notes)."""
        with self.logged("reset", name) as notes, \
                (contextlib.nullcontext() if locked else self.lock(name, "resetting")):
            demo = self.show(name)
            if demo.state != "ready":
                raise UserError(f"A demo.{'new' if demo.state == 'making' else 'drop'} of {name} was stopped midway: "
                                f"`invoke demo.repair --name {name}` finishes it.")
            if demo.has_database and demo.mark != marks.DEMO:
                raise UserError(f"The database {name} is not the demo the registry knows (its mark is missing): it is "
                                f"left alone (`invoke demo.repair --name {name}` forgets the demo).")
            work_databases.reap(self.admin, name)
            template, use = demo.template, None
            if source is None and version is None:
                use = templates.hold(self.registry, template)
                if use is None:  # its template was lost: made again from where it came from
                    source, version = self.registry.template_source(template) or ("", demo.version)
            if use is None:
                template, _, use = templates.take(self.registry, source or "", version, echo)
            with use:
                verifier = self.registry.verifier(name) or scram.verifier(self.registry.password(name) or "")
                self.login(name, verifier)
                anchor, sessions, shows = self._copy_in(name, template, now, demo.prospect, demo.color, echo)
                version_now = self.registry.query("SELECT version FROM template WHERE name = %s", (template,))[0][0]
            if sessions:
                echo(f"  ended {sessions} open session(s) on {name}: its clients must reconnect")
                notes.add(f"ended {sessions} open session(s): its clients must reconnect")
            if version_now != demo.version:
                notes.add(f"moved from {demo.version} to {version_now}")
            # A reset restarts the expiry timer (never shortening an extended one).
            # Reset with --now it is pinned at that instant; without, it follows now again.
            self.registry.write("UPDATE demo SET reset_at = now(), reset_by = %s, anchor_at = %s, template = %s, "
                                "version = %s, verifier = %s, shows = %s, pinned_at = %s, expires_at = "
                                "greatest(expires_at, now() + coalesce(ttl, expires_at - created_at)) WHERE name = %s",
                                (self.by, anchor, template, version_now, verifier, shows, now, name), secret=True)
            spares.renew(self.admin, name, template)  # for the next reset; the old version's dropped
            said = tuple(notes.lines)
        return sessions, demo.version, said

    # -- drop --------------------------------------------------------------------------------------
    def drop(self, name: str, echo: Echo = print, locked: bool = False) -> None:
        """Drop the demo's database (only if it carries the demo mark) and its login with everything
        it owns or was granted in any database; say exactly what was left, if anything."""
        validate(name)
        with self.logged("drop", name):
            self._drop(name, echo, locked)

    def _drop(self, name: str, echo: Echo, locked: bool) -> None:
        lock = None if locked else self.lock(name, "dropping")
        notes = []
        try:
            demo = self.registry.demo(name)
            if demo is None:
                raise NotFound(f"There is no demo named {name} on this server (`invoke demo.list` shows them).")
            if demo.state == "making":
                self._undo_new(name)
                echo(f"cleared what a stopped demo.new left of {name}")
                return
            self.registry.write("UPDATE demo SET state = 'dropping' WHERE name = %s", (name,))
            faults.checkpoint("named:drop:marked")
            roles.end_sessions(self.admin, name)
            if databases.database_comment(self.admin, name) == marks.DEMO:
                databases.drop_database(self.admin, name)
            elif databases.database_exists(self.admin, name):
                notes.append(f"left the database {name} alone: it no longer carries the demo mark")
            spares.drop_others(self.admin, name)
            faults.checkpoint("named:drop:database")
            left = roles.drop_everywhere(self.admin, name)
            if left:
                raise UserError(f"Dropped the demo {name}, but its login still owns objects in {', '.join(left)}, "
                                f"which accept no connections: allow them, then `invoke demo.drop --name {name}`.")
            faults.checkpoint("named:drop:login")
            self.registry.write("DELETE FROM demo WHERE name = %s", (name,))
        finally:
            if lock is not None:
                lock.release()
        for note in notes:
            echo(note)
        echo(f"dropped the demo {name} and its login")

    # -- extend and protect ------------------------------------------------------------------------
    def extend(self, name: str, ttl: timedelta) -> Demo:
        """Push the demo's expiry `ttl` further (from now if it has expired already)."""
        if self.show(name).expires_at is None:
            raise UserError(f"The demo {name} never expires: there is nothing to extend.")
        with self.logged("extend", name) as notes:
            self.registry.write("UPDATE demo SET expires_at = greatest(expires_at, now()) + %s WHERE name = %s",
                                (ttl, name))
            demo = self.show(name)
            notes.add(f"by {format_duration(ttl)}, to {demo.expires_at:%Y-%m-%d %H:%M %Z}")
        return demo

    def protect(self, name: str, protected: bool = True) -> Demo:
        """Keep the demo from gc whatever its expiry (or let gc have it again)."""
        self.show(name)
        with self.logged("protect" if protected else "unprotect", name):
            self.registry.write("UPDATE demo SET protected = %s WHERE name = %s", (protected, name))
        return self.show(name)


def grant(conn: psycopg.Connection, role: str) -> None:
    """What a demo's login may do in its demo: read and write the platform's data, read (never
    write) the rebase's own tables."""
    login = sql.Identifier(role)
    for statement in ("GRANT USAGE ON SCHEMA public TO {}",
                      "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}",
                      "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}"):
        conn.execute(sql.SQL(statement).format(login))
    for table in meta.TABLES:
        if databases.scalar(conn, "SELECT to_regclass(%s)", (f"public.{table}",)):
            conn.execute(sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                sql.Identifier(table), login))
