"""The usage log of a server's named demos: who did what, to which demo, when, how long it took and
whether it worked, from the console and the command line alike (table `usage` of the registry).

An action is logged by the engine itself (`DemoServer.logged`), so no caller can forget it; recording
never fails an action (a registry that cannot be written to loses the line, not the work).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from time import monotonic

import psycopg

from builder.errors import UserError
from builder.named.names import printable
from builder.named.registry import Registry
from builder.postgres import rebase

KEPT_DAYS = 366
ACTIONS = ("new", "reset", "extend", "protect", "unprotect", "drop", "gc", "repair", "keep-live")


@dataclass
class Entry:
    at: datetime
    by: str
    action: str
    demo: str | None
    seconds: float
    ok: bool
    detail: str = ""

    def as_json(self) -> dict:
        return {"at": self.at.isoformat(), "by": self.by, "action": self.action, "demo": self.demo,
                "seconds": round(self.seconds, 3), "ok": self.ok, "detail": self.detail}


@dataclass
class Notes:
    """What an action says of itself for the log ("ended 1 open session(s)"), joined with "; "."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)

    def text(self) -> str:
        return "; ".join(self.lines)


def record(reg: Registry, by: str, action: str, demo: str | None, seconds: float, ok: bool, detail: str = "") -> None:
    """One line of the log; a registry that is missing or cannot be written to loses the line."""
    try:
        if not reg.exists():
            return
        reg.write("INSERT INTO usage (by, action, demo, seconds, ok, detail) VALUES (%s, %s, %s, %s, %s, %s)",
                  (by, action, demo, seconds, ok, detail[:2000]))
        if action == "gc":  # the log keeps a year; gc is the daily moment to forget older lines
            reg.write("DELETE FROM usage WHERE at < now() - make_interval(days => %s)", (KEPT_DAYS,))
    except (UserError, psycopg.Error):
        pass


@contextmanager
def logged(reg: Registry, by: str, action: str, demo: str | None = None) -> Iterator[Notes]:
    """Time the block and record it: ok with its notes, or failed with the error's first line."""
    notes = Notes()
    started = monotonic()
    try:
        yield notes
    except BaseException as exc:
        reason = rebase.first_line(exc) if str(exc).strip() else ("interrupted" if isinstance(exc, KeyboardInterrupt)
                                                                   else type(exc).__name__)
        record(reg, by, action, demo, monotonic() - started, False, "; ".join([*notes.lines, reason]))
        raise
    record(reg, by, action, demo, monotonic() - started, True, notes.text())


def entries(reg: Registry, name: str | None = None, limit: int = 200) -> list[Entry]:
    """The newest entries first: all, or those of the demo `name` (gc and keep-live rounds naming it too)."""
    if not reg.exists():
        return []
    where = " WHERE demo = %(name)s OR (demo IS NULL AND detail ~ ('\\m' || %(name)s || '\\M'))" if name else ""
    rows = reg.query("SELECT at, by, action, demo, seconds, ok, detail FROM usage" + where +
                     " ORDER BY at DESC, id DESC LIMIT %(limit)s", {"name": name, "limit": limit})
    return [Entry(*row) for row in rows]


def lines(found: list[Entry]) -> list[str]:
    """`demo.log`'s table, oldest first (as a log reads), times in this machine's zone."""
    if not found:
        return ["nothing logged yet"]
    rows = [("WHEN", "WHO", "ACTION", "DEMO", "SECONDS", "RESULT")]
    # Escaped: a name written before names were checked, or a detail quoting one, steers no terminal.
    rows += [(e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"), printable(e.by), e.action, printable(e.demo or "–"),
              f"{e.seconds:.2f}", ("ok" if e.ok else "FAILED") + (f": {printable(e.detail)}" if e.detail else ""))
             for e in reversed(found)]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return ["  ".join([*(cell.ljust(w) for cell, w in zip(row[:5], widths, strict=True)), row[5]]).rstrip()
            for row in rows]
