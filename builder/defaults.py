"""Scenario parameters shared by the Django side (seed) and the snapshot machinery (no Django here)."""

from datetime import datetime, timezone

DEFAULT_SEED = 20240501
# The documented demo password of every persona. For demos only: never reuse it anywhere real.
DEFAULT_PASSWORD = "cpd-demo-only"


def parse_anchor(value: str | None) -> datetime:
    """An ISO 8601 instant (naive means UTC); None means now, to the second. ValueError if invalid."""
    if not value:
        return datetime.now(timezone.utc).replace(microsecond=0)
    parsed = datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)
