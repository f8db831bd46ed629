"""The rule vocabulary, once: every kind a rule row may have, what it applies to, and whether the
rebase rewrites values with it. The rebase SQL reads the same names (a unit test holds the two
together); the compiler writes only these."""

import re
from dataclasses import dataclass

DATED_TYPES = ("date", "timestamp with time zone", "timestamp without time zone", "json", "jsonb")
TIME_TYPES = ("date", "timestamp with time zone", "timestamp without time zone")


@dataclass(frozen=True)
class Kind:
    scope: str      # "column": one column of a table; "table": a whole table; "row": rows and calendars
    rewrites: bool  # its UPDATE rewrites the column's values (the fillfactor step leaves room for it)
    label: str      # what a person reads in `snapshot.rules`


KINDS: dict[str, Kind] = {
    "weekly": Kind("column", True, "weeks"),
    "daily": Kind("column", True, "days"),
    "monthly": Kind("column", True, "months"),
    "yearly": Kind("column", True, "years"),
    "expire": Kind("column", True, "expire"),
    "null": Kind("column", True, "null"),
    "keep": Kind("column", False, "keep"),
    "json": Kind("column", True, "json"),
    "year_token": Kind("column", True, "year of"),
    "purge": Kind("table", False, "purge"),
    "bookkeeping": Kind("table", False, "bookkeeping"),
    "quiesce": Kind("table", False, "quiesce"),
    "live_root": Kind("row", False, "live"),
    "live_via": Kind("row", False, "live with"),
    "live_span": Kind("row", False, "live span"),
    "live_place": Kind("row", False, "live place"),
    "slot_root": Kind("row", False, "weekly slot"),
    "slot_via": Kind("row", False, "in a slot"),
    "holiday": Kind("row", False, "holiday"),
    "holiday_zone": Kind("row", False, "holiday zone"),
}

# The config's names for the column kinds.
SHIFTS = {"weeks": "weekly", "days": "daily", "months": "monthly", "years": "yearly"}
PLAIN = {**SHIFTS, "keep": "keep", "null": "null", "expire": "expire"}
TABLE_RULES = tuple(name for name, kind in KINDS.items() if kind.scope == "table")
REWRITING = tuple(name for name, kind in KINDS.items() if kind.rewrites)
# Shifts by whole weeks or days: the ones whose past and upcoming values move apart, so the columns
# of one span must move by the same shift.
WALL_CLOCK = ("weekly", "daily")

# A dated column whose name reads like an expiry, a one-time token or a lockout never falls to the
# config's `default`: moved by a shift it could make an expired link valid again, or lock a login out.
FAIL_CLOSED = re.compile(r"(^|_)(expir\w*|valid_(until|to|thru|till)|\w*reset\w*|last_login|lock\w*|unlock\w*|otp\w*|"
                         r"nonce\w*|tokens?|secret\w*|revok\w*|ban|banned|suspend\w*|magic\w*|passcode\w*)($|_)",
                         re.IGNORECASE)


def fails_closed(column_name: str) -> bool:
    return bool(FAIL_CLOSED.search(column_name))
