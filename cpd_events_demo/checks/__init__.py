"""The CPD Events demo's checks (the `checks` hook of cpd-demo.toml, run by `demo.check`): does a
database hold the plan, and does it look like a real platform at `now`?

One result per check, with its evidence. Plain SQL over the data contract's tables: it runs on any
demo database (a restore, a container, a named demo), and the tests run it at many instants. No
Django: the engine's host calls `run` with a connection.

The registry is the list below: a module's checks are its CHECKS, and a new module of checks is
added here. Imports go one way: this package's modules import only `context` (and the product's
data modules), never this registry.
"""

from datetime import datetime

import psycopg

from cpd_events_demo.checks import believable, looks_real, planned
from cpd_events_demo.checks.context import Check, Context

# The plan's checks, then what makes it look real, then what a buyer notices.
CHECKS: tuple[tuple[str, Check], ...] = planned.CHECKS + looks_real.CHECKS + believable.CHECKS


def run(conn: psycopg.Connection, now: datetime, facts: dict) -> list[tuple[str, bool, str]]:
    """Every check at `now`: (name, passed, evidence). A query that fails is a failed check."""
    ctx = Context(conn, now, facts["timezone"], facts["scale"], facts.get("prospect") or "")
    results = []
    for name, fn in CHECKS:
        try:
            with conn.transaction():
                ok, evidence = fn(ctx)
        except psycopg.Error as exc:
            ok, evidence = False, f"query failed: {str(exc).splitlines()[0]}"
        results.append((name, ok, evidence))
    return results
