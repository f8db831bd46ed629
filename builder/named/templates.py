"""A template database per snapshot version: restored once, frozen, closed to connections; every
demo of that version is a file copy of it.

Who copies from a template holds its lock shared; who makes or drops one holds it alone. So gc
never drops a template a command in flight is copying from, and two commands never make one twice.
A template is registered (state `making`) before it is made, so a command killed midway leaves
something the next command recognises as its own and finishes or clears.
"""

from collections.abc import Callable
from datetime import datetime

from psycopg import sql

from builder import faults
from builder.errors import UserError
from builder.named.names import template_name
from builder.named.registry import Registry
from builder.postgres import databases, locks, marks

WAIT = 900  # seconds a command waits for another to finish making the same template


def key(name: str) -> str:
    return f"cpd-demo:template:{name}"


def ready(reg: Registry, name: str) -> bool:
    return reg.template_state(name) == "ready" and databases.database_comment(reg.admin, name) == marks.TEMPLATE


def hold(reg: Registry, name: str) -> locks.AdvisoryLock | None:
    """The template `name`'s lock held shared if it is ready (checked under the lock), else None."""
    use = locks.AdvisoryLock(reg.locks, key(name), shared=True)
    use.acquire(timeout=WAIT)
    if ready(reg, name):
        return use
    use.release()
    return None


def take(reg: Registry, source: str, version: str | None, echo: Callable[[str], None]
         ) -> tuple[str, str, locks.AdvisoryLock]:
    """The template of `version` from `source` (made if need be), its version, and its lock held
    shared: the caller releases it once its copy is made."""
    from builder.store import open_store  # a store only where a template is looked up (not a plain reset)

    store = open_store(source)
    version = store.resolve(version)
    name = template_name(version)
    for _ in range(3):
        use = hold(reg, name)
        if use is not None:
            return name, version, use
        with locks.AdvisoryLock(reg.locks, key(name)) as making:
            making.acquire(timeout=WAIT)
            if not ready(reg, name):
                _make(reg, str(source), version, name, echo)
    raise UserError(f"The template {name} was dropped three times while this command waited for it: try again.")


def _make(reg: Registry, source: str, version: str, name: str, echo: Callable[[str], None]) -> None:
    from builder.snapshot.restore import restore
    from builder.store import open_store

    state = reg.template_state(name)
    if state is None:
        reg.write("INSERT INTO template (name, version, source, state) VALUES (%s, %s, %s, 'making')",
                  (name, version, source))
    else:  # its database was lost, or a command making it was stopped: made (again) from its source
        reg.write("UPDATE template SET state = 'making', source = %s WHERE name = %s", (source, name))
    faults.checkpoint("named:template:registered")
    if databases.database_comment(reg.admin, name) != marks.TEMPLATE:
        echo(f"→ template {name}: restored once, then every demo of {version} is a copy of it")
        _allow_connections(reg, name, True)  # a command stopped after freezing it left it closed
        anchor = datetime.fromisoformat(open_store(source).manifest(version)["anchor_at"])
        restore(source, version, reg.at(name), now=anchor, echo=lambda m: echo("  " + m))
        faults.checkpoint("named:template:restored")
        # Frozen and analysed now, so autovacuum never visits it: a worker connected to a
        # template makes every CREATE DATABASE from it wait.
        with databases.connect(reg.at(name)) as conn:
            conn.execute("VACUUM (FREEZE, ANALYZE)")
        _allow_connections(reg, name, False)
        reg.close_to_public(name, comment=marks.TEMPLATE)
    reg.write("UPDATE template SET state = 'ready' WHERE name = %s", (name,))


def _allow_connections(reg: Registry, name: str, allow: bool) -> None:
    with databases.connect(reg.admin) as conn:
        if databases.scalar(conn, "SELECT 1 FROM pg_database WHERE datname = %s", (name,)):
            conn.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                sql.Identifier(name), sql.SQL("true" if allow else "false")))


def drop_unused(reg: Registry, echo: Callable[[str], None]) -> tuple[list[str], list[str]]:
    """Drop the templates no demo uses and no command is copying from; (dropped, why others stayed)."""
    unused = "SELECT t.name, t.state FROM template t WHERE NOT EXISTS (SELECT 1 FROM demo d WHERE d.template = t.name)"
    dropped, kept = [], []
    for name, _ in reg.query(unused + " ORDER BY t.name"):
        with locks.AdvisoryLock(reg.locks, key(name)) as lock:
            if not lock.try_acquire():
                kept.append(f"{name}: a command is copying from it or making it")
                continue
            found = reg.query(unused + " AND t.name = %s", (name,))  # again, under its lock
            if not found:
                continue
            why = _why_not_ours(reg, name, found[0][1])
            if why:
                kept.append(f"{name}: left alone, {why}")
                continue
            _allow_connections(reg, name, True)
            databases.drop_database(reg.admin, name)
            reg.write("DELETE FROM template WHERE name = %s", (name,))
            echo(f"dropped the unused template {name}")
            dropped.append(name)
    return dropped, kept


def _why_not_ours(reg: Registry, name: str, state: str) -> str:
    """Why the database `name` may not be ours to drop ("" when it is ours, or gone)."""
    with databases.connect(reg.admin) as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database'), datallowconn FROM pg_database "
                           "WHERE datname = %s", (name,)).fetchone()
    if row is None or row[0] == marks.TEMPLATE:
        return ""
    # Registered as being made, and frozen (by us) or holding a restored snapshot: our unfinished copy.
    if state == "making" and (not row[1] or databases.what_is(reg.at(name)) == "demo"):
        return ""
    return "it does not carry the template mark"
