"""`demo.gc` and `demo.repair`: the registry and the server brought back into agreement.

gc drops what is no longer wanted: demos past their ttl (unless protected), templates no demo uses
and no command is copying from, and what stopped commands left (their lock is free). repair makes
each demo whole again where it can (its database made again from its template, its login as it
was made) and forgets it where it cannot (a database without the demo mark is left alone). Both go
on past a demo they cannot handle, and say which and why. Only what carries the tool's mark, or
what the registry records the tool making, is ever dropped.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import psycopg

from builder.clock import utc_now
from builder.errors import UserError
from builder.named import spares, templates
from builder.named.demos import DemoServer, grant
from builder.named.registry import Demo
from builder.postgres import databases, locks, marks, roles, work_databases

Echo = Callable[[str], None]


@dataclass
class Report:
    demos: list[str] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    work_databases: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self, verb: str = "removed") -> str:
        def part(items: list[str], noun: str) -> str:
            return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}" + (f" ({', '.join(items)})" if items else "")

        text = (f"{verb} " + ", ".join([part(self.demos, "demo"), part(self.templates, "template"),
                                        part(self.logins, "login"), part(self.work_databases, "work database")]))
        if self.repaired:
            text = f"repaired {', '.join(self.repaired)}; " + text
        if self.problems:
            text += f"; {len(self.problems)} left as they are (see above)"
        return text


def _attempt(report: Report, what: str, echo: Echo, action: Callable[[], None]) -> bool:
    """Run one step; a failure is reported (one line naming `what`) and the rest goes on."""
    try:
        action()
        return True
    except (UserError, psycopg.Error) as exc:
        line = f"{what}: {str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
        report.problems.append(line)
        echo(f"could not handle {line}")
        return False


def gc(srv: DemoServer, echo: Echo = print) -> Report:
    """Drop expired demos, unused templates, and what stopped commands left behind."""
    with srv.logged("gc") as notes:
        report = _gc(srv, echo)
        notes.add(report.summary())
    return report


def _gc(srv: DemoServer, echo: Echo) -> Report:
    report = Report()
    if srv.registry.exists():
        now = utc_now()
        for demo in srv.demos():
            if demo.state != "ready" and not demo.busy:  # a stopped demo.new or demo.drop
                if _attempt(report, demo.name, echo, partial(srv.drop, demo.name, echo=echo)):
                    report.demos.append(demo.name)
                    report.logins.append(demo.name)
            elif demo.problem:
                report.problems.append(f"{demo.name}: broken, {demo.problem}")
                echo(f"left {demo.name} alone: {demo.problem} (`invoke demo.repair --name {demo.name}`)")
            elif demo.expires_at is not None and demo.expires_at <= now and not demo.protected:
                if _attempt(report, demo.name, echo, partial(srv.drop, demo.name, echo=echo)):
                    report.demos.append(demo.name)
                    report.logins.append(demo.name)
        dropped, kept = templates.drop_unused(srv.registry, echo)
        report.templates += dropped
        for line in kept:
            echo(f"kept the template {line}")
    _orphans(srv, report, echo)
    return report


def repair(srv: DemoServer, name: str | None = None, echo: Echo = print) -> Report:
    """Each registered demo (or the one named) made whole where it can be, forgotten where it cannot;
    then what stopped commands left behind."""
    report = Report()
    demos = [srv.show(name)] if name else srv.demos()
    with srv.logged("repair", name) as notes:
        for demo in demos:
            _attempt(report, demo.name, echo, partial(_repair_one, srv, demo, report, echo))
        if not name:
            _orphans(srv, report, echo)
            dropped, _ = templates.drop_unused(srv.registry, echo)
            report.templates += dropped
        notes.add(report.summary("removed"))
    return report


def _repair_one(srv: DemoServer, demo: Demo, report: Report, echo: Echo) -> None:
    with locks.take_or_refuse(srv.registry.locks, demo.name, f"the demo {demo.name}", doing=f"repairing by {srv.by}"):
        demo = srv.show(demo.name)
        if demo.state != "ready":
            srv.drop(demo.name, echo=echo, locked=True)
            report.demos.append(demo.name)
            report.logins.append(demo.name)
        elif demo.has_database and demo.mark != marks.DEMO:
            if roles.comment(srv.admin, demo.name) == marks.ROLE:
                roles.drop_everywhere(srv.admin, demo.name)
            srv.registry.write("DELETE FROM demo WHERE name = %s", (demo.name,))
            echo(f"{demo.name}: its database no longer carries the demo mark: left it alone, and forgot the demo "
                 "(its login and registry entry are gone)")
            report.demos.append(demo.name)
        elif not demo.has_database:
            echo(f"{demo.name}: its database was gone: making it again from its template")
            srv.reset(demo.name, echo=lambda m: echo("  " + m), locked=True)
            report.repaired.append(demo.name)
        elif not demo.has_login or not demo.login_ok or not _password_works(srv, demo):
            srv.login(demo.name, srv.registry.verifier(demo.name))
            with databases.connect(srv.at(demo.name)) as conn:
                grant(conn, demo.name)
            echo(f"{demo.name}: its login is back as it was made")
            report.repaired.append(demo.name)
        else:
            echo(f"{demo.name}: ok")


def _password_works(srv: DemoServer, demo: Demo) -> bool:
    """Whether the demo's login still takes the password the tool gave it. A superuser reads the
    verifier in the listing; a login that may not (a managed server's admin) tries it."""
    if srv.registry.reads_verifiers():
        return True
    try:
        psycopg.connect(srv.demo_url(demo.name, demo), connect_timeout=10).close()
    except psycopg.OperationalError as exc:
        return "password authentication failed" not in str(exc)
    return True


def _orphans(srv: DemoServer, report: Report, echo: Echo) -> None:
    """Logins and databases marked as the tool's that no registered demo owns, and work databases
    whose maker is gone; each only when no command holds its name."""
    registered = {d.name for d in srv.demos()} if srv.registry.exists() else set()
    with databases.connect(srv.admin) as conn:
        logins = [r[0] for r in conn.execute(
            "SELECT rolname FROM pg_roles WHERE shobj_description(oid, 'pg_authid') = %s ORDER BY 1", (marks.ROLE,))]
        marked_databases = [r[0] for r in conn.execute(
            "SELECT datname FROM pg_database WHERE shobj_description(oid, 'pg_database') = %s "
            "AND datname NOT LIKE 'cpd\\_tmp\\_%%' ORDER BY 1", (marks.DEMO,))]
    for name in sorted({*logins, *marked_databases} - registered):
        if srv.registry.exists() and not locks.is_free(srv.registry.locks, locks.database_key(name)):
            continue

        def clear(name: str = name) -> None:
            if name in marked_databases:
                databases.drop_database(srv.admin, name)
            if name in logins:
                roles.drop_everywhere(srv.admin, name)

        if _attempt(report, name, echo, clear):
            echo(f"removed {name}, left by a stopped command")
            report.logins += [name] if name in logins else []
            report.demos += [name] if name in marked_databases else []
    work = work_databases.reap(srv.admin)
    report.work_databases += work
    for name in work:
        echo(f"dropped the work database {name}, left by a stopped command")
    demos = srv.demos() if srv.registry.exists() else []  # spares whose demo is gone or moved to another template
    stale = spares.drop_stale(srv.admin, {d.name: d.template for d in demos if d.state == "ready"},
                              [d.name for d in demos if d.busy])
    report.work_databases += stale
    for name in stale:
        echo(f"dropped the spare copy {name}: its demo is gone or on another version")
