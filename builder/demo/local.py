"""The sales engineer's local demo: which database a demo task means, and resetting it."""

import os
from collections.abc import Callable
from datetime import datetime

from builder.demo import server as demo_server
from builder.snapshot.restore import RestoreResult, restore


def target_url(database_url: str | None, database: str) -> str:
    """--database-url, else DATABASE_URL, else the local demo server's database of that name (the
    project's)."""
    return database_url or os.environ.get("DATABASE_URL") or demo_server.default_url(database)


def uses_local_server(database_url: str | None) -> bool:
    return not database_url and not os.environ.get("DATABASE_URL")


def ensure_local_server() -> bool:
    """Start the local demo Postgres unless it runs; whether it was started now."""
    pg = demo_server.server()
    if pg.running():
        return False
    pg.start()
    return True


def reset(source: str, version: str | None, database_url: str | None, database: str, now: datetime | None,
          force: bool = False, echo: Callable[[str], None] = print) -> RestoreResult:
    """Restore `version` into the demo database, rebased to `now`; the local server's media go
    into .demo/media. A database that is not a demo database is refused unless forced."""
    if uses_local_server(database_url):
        ensure_local_server()
    return restore(source, version, target_url(database_url, database), now=now,
                   media_root=str(demo_server.media_root()), force=force, echo=echo)
