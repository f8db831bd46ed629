"""Defaults and limits shared by the scenario (inside Django) and the host tools (no Django here)."""

import os

DEFAULT_SEED = 20240501
# The documented demo password of every persona. For demos only: never reuse it anywhere real.
DEFAULT_PASSWORD = "cpd-demo-only"
# The platform's own timezone: dates, year tokens and times given without an offset are read in it.
DEFAULT_TIMEZONE = "America/New_York"
# Scale 1000 is measured (about 750k rows); far beyond it a build only fills the disk.
MAX_SCALE = 5000
DEFAULT_SNAPSHOTS = "snapshots"


def persona_password(given: str | None = None) -> str:
    """The persona password: the flag, else CPD_DEMO_PASSWORD, else the documented demo password."""
    return given or os.environ.get("CPD_DEMO_PASSWORD") or DEFAULT_PASSWORD


def platform_timezone() -> str:
    return os.environ.get("CPD_DEMO_TIMEZONE") or DEFAULT_TIMEZONE


def snapshots_dir() -> str:
    return os.environ.get("CPD_DEMO_SNAPSHOTS") or DEFAULT_SNAPSHOTS


DEFAULT_CONNECTION_LIMIT = 10


def connection_limit() -> int:
    """Connections one named demo's login may hold at once (CPD_DEMO_CONNECTION_LIMIT, default 10):
    one prospect's client can never take every slot of a shared server."""
    from builder.errors import UserError

    text = os.environ.get("CPD_DEMO_CONNECTION_LIMIT") or str(DEFAULT_CONNECTION_LIMIT)
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise UserError(f"CPD_DEMO_CONNECTION_LIMIT must be a whole number from 1 to 1000 (got {text!r}).")
    return int(text)
