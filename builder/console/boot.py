"""Before Django starts: the server's control database made ready for the console (the registry,
the console's own schema, the key that signs its cookies), then Django set up on that database
with the console's migrations applied (under a lock, so replicas starting together migrate once)."""

import os
import secrets
from dataclasses import dataclass

from builder.named.registry import CONTROL, Registry
from builder.postgres import databases, locks
from builder.settings import SETTINGS

SCHEMA = "console"


@dataclass
class Context:
    """What one console serves: a demo server (a superuser URL), where snapshots live, the project."""

    server_url: str
    dedicated: bool = False
    snapshots: str = "snapshots"
    config: str | None = None
    allowed_hosts: tuple[str, ...] = ()
    secret_key: str = ""


CONTEXT: Context | None = None


def context() -> Context:
    if CONTEXT is None:
        raise RuntimeError("builder.console.boot.prepare() must run before Django starts")
    return CONTEXT


def _schema_and_key(reg: Registry) -> str:
    """The console's schema in the control database, and its signing key (made once, kept there)."""
    with databases.connect(reg.at(CONTROL), autocommit=False) as conn:
        databases.quiet(conn)
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.signing_key "
                     "(id int PRIMARY KEY DEFAULT 1 CHECK (id = 1), key text NOT NULL)")
        conn.execute(f"INSERT INTO {SCHEMA}.signing_key (key) VALUES (%s) ON CONFLICT DO NOTHING",
                     (secrets.token_urlsafe(48),))
        key = databases.scalar(conn, f"SELECT key FROM {SCHEMA}.signing_key")
        conn.commit()
    return str(key)


def prepare(ctx: Context, migrate: bool = True) -> None:
    """Make the control database ready, set Django up on it, apply the console's migrations."""
    global CONTEXT
    reg = Registry(ctx.server_url, ctx.dedicated)
    with locks.AdvisoryLock(reg.locks, "cpd-demo:console") as lock:  # taken once the registry is there
        reg.ensure()
        lock.acquire(timeout=120)
        ctx.secret_key = SETTINGS.console_secret_key or _schema_and_key(reg)
        CONTEXT = ctx
        os.environ["DJANGO_SETTINGS_MODULE"] = "builder.console.settings"
        import django
        from django.core.management import call_command

        django.setup()
        if migrate:
            call_command("migrate", verbosity=0, interactive=False)
