"""The connection budget of a server's named demos: the demo logins' connection limits never add
up past the server's max_connections, less the slots Postgres keeps for superusers and a reserve
for the tool's own commands and the console. So the demos' clients, all at their limit at once,
still leave every admin action a connection.

A new demo that would not fit is refused in one sentence (ServerFull: the console answers 503); a
reset or repair gives a login the limit it asks for, or what is left when others took the rest.
Logins are counted from the server itself (every login carrying the tool's mark), under one lock,
so two demo.new never both take the last slots.
"""

from dataclasses import dataclass

from builder.errors import ServerFull
from builder.postgres import databases, marks

# Connections kept for the tool's commands (a lock, the registry, the copy: about five each) and
# the console, beyond the slots Postgres keeps for superusers.
RESERVE = 10
KEY = "cpd-demo:budget"  # held while a login's limit is counted and set
QUERY = """
SELECT current_setting('max_connections')::int,
       current_setting('superuser_reserved_connections')::int
         + coalesce(nullif(current_setting('reserved_connections', true), '')::int, 0),
       coalesce(sum(CASE WHEN r.rolconnlimit < 0 THEN current_setting('max_connections')::int
                         ELSE r.rolconnlimit END) FILTER (WHERE r.rolname <> %(name)s), 0),
       count(*) FILTER (WHERE r.rolname <> %(name)s)
  FROM pg_roles r WHERE r.rolcanlogin AND shobj_description(r.oid, 'pg_authid') = %(mark)s"""


@dataclass
class Budget:
    max_connections: int
    reserved: int  # Postgres's own, for superusers
    used: int      # the demo logins' limits added up (a login without a limit counts as the whole server)
    logins: int
    kept: int = RESERVE

    @property
    def total(self) -> int:
        """Connections the demo logins may hold between them."""
        return max(0, self.max_connections - self.reserved - self.kept)

    @property
    def free(self) -> int:
        return max(0, self.total - self.used)

    def as_json(self) -> dict:
        """The console's view of it: connections the demos' logins may hold (`used` of `limit`), what is
        `free`, and what the server keeps apart (`reserve` for the tool and the console, `superusers`)."""
        return {"used": self.used, "limit": self.total, "free": self.free, "logins": self.logins,
                "reserve": self.kept, "superusers": self.reserved, "max_connections": self.max_connections}

    def line(self) -> str:
        """demo.list's line: where the budget stands."""
        return (f"connections: the demos' {self.logins} login(s) may hold {self.used} of the {self.total} this "
                f"server gives demos ({self.max_connections} max_connections, less {self.reserved} for superusers "
                f"and {self.kept} for the tool and the console); {self.free} free")

    def refusal(self, wanted: int) -> str:
        return (f"The server is full: its {self.logins} demo login(s) may hold {self.used} of the {self.total} "
                f"connections it gives demos ({self.max_connections} max_connections, less {self.reserved + self.kept}"
                f" kept for superusers, the tool and the console) and a new demo needs {wanted}: drop a demo "
                f"(`invoke demo.drop --name NAME`, `invoke demo.gc`) or give demos fewer with "
                f"CPD_DEMO_CONNECTION_LIMIT.")


def read(admin: str, leaving_out: str = "") -> Budget:
    """The budget as the server stands, the login `leaving_out` not counted (the one being set)."""
    with databases.connect(admin) as conn:
        row = conn.execute(QUERY, {"name": leaving_out, "mark": marks.ROLE}).fetchone()
    assert row is not None
    return Budget(*(int(v) for v in row))


def check_room(admin: str, name: str, wanted: int) -> Budget:
    """Refuse (ServerFull, one sentence) a new login of `wanted` connections that does not fit."""
    found = read(admin, name)
    if wanted > found.free:
        raise ServerFull(found.refusal(wanted))
    return found


def fitting(admin: str, name: str, wanted: int) -> int:
    """The limit a login made again may have: `wanted`, or what is left by the others (at least 1)."""
    return max(1, min(wanted, read(admin, name).free))
