"""The optional parts a project plugs in through its config's [demo] table, resolved by name, never
imported by the engine's code: checks for `demo.check`, status lines, logins to print, tailoring SQL.

A hook is either a SQL file (`….sql`, relative to the config) or a Python callable named
`package.module:function`, imported from the project's path by the engine's interpreter; such a
module must not need Django (the host never imports it).

    checks   function(conn, now, facts) -> [(name, ok, evidence), ...]   facts: timezone, scale, seed, anchor_at
             or SQL: blocks headed `-- check: NAME`, each one query returning one row (ok boolean, evidence
             text); current_setting('cpd_demo.now') is the instant checked
    status   function(conn, facts) -> [line, ...]      or SQL: one query, each row a line (columns joined)
    logins   function() -> [(login, role, shows), ...] or a list of tables {login, role, shows} in the config
    tailor   a SQL file run after each copy with --prospect (see builder/postgres/rebase.py)
"""

import importlib
import re
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from builder.errors import UserError
from builder.postgres import meta
from builder.project import Project

# What only psql reads, or a transaction of a tailoring file's own: the engine wraps the file in its.
TAILOR_REFUSED = re.compile(r"^\s*(\\|(BEGIN|COMMIT|START\s+TRANSACTION)\s*;)", re.IGNORECASE | re.MULTILINE)

Facts = dict[str, Any]
StatusHook = Callable[[psycopg.Connection, Facts], list[str]]


def facts(snapshot: meta.Snapshot) -> Facts:
    """What the engine tells a project's hooks about the data."""
    return {"timezone": snapshot.timezone, "scale": snapshot.scale, "seed": snapshot.seed,
            "anchor_at": snapshot.anchor_at, "version": snapshot.version, "prospect": snapshot.prospect}


def status_now(hook: StatusHook | None, conn: psycopg.Connection) -> list[str]:
    """The project's status lines for the demo database on `conn` ([] without a hook). A hook that
    fails gives one line saying so: what a buyer sees is information, never a reason to fail a reset."""
    if hook is None:
        return []
    try:
        return [line.strip() for line in hook(conn, facts(meta.read(conn, "the demo"))) if line.strip()]
    except Exception as exc:  # the project's own code: anything it raises is reported, not raised
        if not conn.autocommit and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            conn.rollback()
        text = str(exc).strip()
        return [f"(the project's status hook failed: {text.splitlines()[0] if text else type(exc).__name__})"]


def _callable(project: Project, spec: str, what: str) -> Callable:
    module, _, attr = spec.partition(":")
    if not module or not attr:
        raise UserError(f"{project.file}: [demo] {what} {spec!r} must be package.module:function or a .sql file.")
    for path in reversed(project.path):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    try:
        found: Any = importlib.import_module(module)
        for part in attr.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as exc:
        raise UserError(f"{project.file}: [demo] {what} {spec!r} cannot be loaded: {exc}.") from None
    return found


def _sql(project: Project, spec: str, what: str) -> str:
    path = (project.root / spec).resolve()
    try:
        return path.read_text()
    except OSError as exc:
        raise UserError(f"{project.file}: [demo] {what} file {spec} cannot be read ({exc.strerror}).") from None


def checks(project: Project) -> Callable[[psycopg.Connection, datetime, Facts], list[tuple[str, bool, str]]] | None:
    if not project.checks:
        return None
    if not project.checks.endswith(".sql"):
        return _callable(project, project.checks, "checks")
    blocks = re.split(r"^--\s*check:\s*(.+)$", _sql(project, project.checks, "checks"), flags=re.MULTILINE)[1:]

    def run_sql(conn: psycopg.Connection, now: datetime, facts: Facts) -> list[tuple[str, bool, str]]:
        conn.execute("SELECT set_config('cpd_demo.now', %s, false)", (now.isoformat(),))
        out = []
        for name, query in zip(blocks[::2], blocks[1::2], strict=True):
            row = conn.execute(query).fetchone()
            out.append((name.strip(), bool(row and row[0]), str(row[1]) if row and len(row) > 1 else ""))
        return out

    return run_sql


def status(project: Project) -> StatusHook | None:
    if not project.status:
        return None
    if not project.status.endswith(".sql"):
        return _callable(project, project.status, "status")
    query = _sql(project, project.status, "status")
    return lambda conn, facts: ["  ".join("" if v is None else str(v) for v in row)
                                for row in conn.execute(query).fetchall()]


def logins(project: Project) -> list[tuple[str, str, str]]:
    if not project.logins:
        return []
    if isinstance(project.logins, str):
        return [(str(a), str(b), str(c)) for a, b, c in _callable(project, project.logins, "logins")()]
    try:
        return [(str(r["login"]), str(r.get("role", "")), str(r.get("shows", ""))) for r in project.logins]
    except (TypeError, KeyError, AttributeError):
        raise UserError(f"{project.file}: [demo] logins must be package.module:function or a list of tables "
                        "with login, role and shows.") from None


def tailoring(project: Project) -> str | None:
    """The project's tailoring SQL, or None when it has none (then --prospect is refused). Plain SQL
    that the engine runs whole in its own transaction (the host, and psql in the image): a psql
    command or a transaction of its own is refused here, in one sentence."""
    if project.tailor is None:
        return None
    try:
        text = Path(project.tailor).read_text()
    except OSError as exc:
        raise UserError(f"{project.file}: [demo] tailor file {project.tailor} cannot be read ({exc.strerror}).") \
            from None
    if TAILOR_REFUSED.search(text):
        raise UserError(f"{project.file}: [demo] tailor file {project.tailor} must be plain SQL, which the engine "
                        "runs in its own transaction: no psql commands (\\set, \\if) and no BEGIN or COMMIT.")
    return text
