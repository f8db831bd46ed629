"""`demo.check`: the project's checks (its checks hook) run against a demo database at an instant,
one line each with its evidence. A check that fails to run is a failed check, never a traceback."""

from dataclasses import dataclass
from datetime import datetime

import psycopg

from builder import hooks
from builder.errors import UserError
from builder.hooks import facts
from builder.postgres import meta
from builder.postgres.databases import connect
from builder.project import Project


@dataclass
class Result:
    name: str
    ok: bool
    evidence: str

    def line(self) -> str:
        return f"{'PASS' if self.ok else 'FAIL'}  {self.name:<24} {self.evidence}"


def run(project: Project, url: str, now: datetime | None = None) -> tuple[datetime, list[Result]]:
    """Every check against the database at `now` (default: the instant the data represents)."""
    hook = hooks.checks(project)
    if hook is None:
        raise UserError(f"{project.file} names no checks ([demo] checks): there is nothing to check.")
    with connect(url) as conn:
        snap = meta.read(conn, url)
        when = now or snap.anchor_at
        try:
            found = hook(conn, when, facts(snap))
        except psycopg.Error as exc:
            found = [("checks", False, f"query failed: {str(exc).strip().splitlines()[0]}")]
    return when, [Result(str(name), bool(ok), str(evidence)) for name, ok, evidence in found]
