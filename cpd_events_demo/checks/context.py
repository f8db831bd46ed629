"""What every check of the CPD Events demo is given: a connection to the demo database, the instant
it is checked at, the snapshot's zone and scale, and the prospect a tailored demo speaks of."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import psycopg


@dataclass
class Context:
    conn: psycopg.Connection
    now: datetime
    zone: str
    scale: int
    prospect: str = ""   # the organisation a tailored demo speaks of instead of the plan's

    def one(self, query: str, *params: object):
        row = self.conn.execute(query, params or None).fetchone()
        return row[0] if row else None

    def rows(self, query: str, *params: object) -> list[tuple]:
        return self.conn.execute(query, params or None).fetchall()


# A check: (passed, evidence) for a database at an instant.
Check = Callable[[Context], tuple[bool, str]]
