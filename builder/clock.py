"""Instants and durations as users write them, and the one clock the host tools read."""

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from builder.config import platform_timezone
from builder.errors import UserError

EXAMPLE = "e.g. 2027-03-01T14:00Z, or 2027-03-01T09:00 in the platform timezone"
# The duration grammar, also read by the image's entrypoint (snapshot.image bakes these values into
# it): a whole number and a unit (none: seconds), from one second to MAX_DURATION. The pattern is
# written so that Python's re and bash's POSIX ERE read it alike.
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
DURATION_PATTERN = "^ *([0-9]+) *([" + "".join(DURATION_UNITS) + "]?) *$"
MAX_DURATION = timedelta(days=365)


def utc_now() -> datetime:
    """Now, to the second. Tests replace the clock by passing instants explicitly."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def parse_instant(value: str | None, flag: str = "--now", zone: str | None = None) -> datetime | None:
    """An ISO 8601 instant; one without an offset is read in the platform timezone (`zone`).
    None or "" means "not given". Words such as `now` or `tomorrow` are refused: pass no flag for now."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"{flag} {text!r} is not an ISO 8601 instant ({EXAMPLE}).") from None
    if parsed.tzinfo is None:
        try:
            parsed = parsed.replace(tzinfo=ZoneInfo(zone or platform_timezone()))
        except ZoneInfoNotFoundError:
            raise UserError(f"The platform timezone {zone or platform_timezone()!r} is not a known timezone.") from None
    return parsed.astimezone(timezone.utc)


def iso(instant: datetime) -> str:
    return instant.astimezone(timezone.utc).isoformat()


def parse_duration(value: str | int | None, flag: str) -> timedelta:
    """`30s`, `15m`, `8h`, `2d`, `1w` (a bare number is seconds); from one second to MAX_DURATION."""
    match = re.match(DURATION_PATTERN, str(value if value is not None else "").strip().lower())
    seconds = int(match.group(1)) * DURATION_UNITS[match.group(2) or "s"] if match else 0
    if not 1 <= seconds <= MAX_DURATION.total_seconds():
        raise UserError(f"{flag} {value!r} is not {duration_rule()}.")
    return timedelta(seconds=seconds)


def duration_rule() -> str:
    """What a duration may be, as every refusal of one says it (the image's included)."""
    return f"a duration from 1s to {format_duration(MAX_DURATION)} (e.g. 30s, 15m, 8h, 2d)"


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit in ("w", "d", "h", "m"):
        if seconds and seconds % DURATION_UNITS[unit] == 0:
            return f"{seconds // DURATION_UNITS[unit]}{unit}"
    return f"{seconds}s"


def parse_int(value: object, flag: str, low: int, high: int | None = None) -> int:
    """A whole number in [low, high] from a flag, or one sentence saying what is expected."""
    text = str(value).strip()
    bounds = f"from {low} to {high}" if high is not None else f"{low} or more"
    if not re.fullmatch(r"[+-]?\d+", text):
        raise UserError(f"{flag} must be a whole number {bounds} (got {value!r}).")
    number = int(text)
    if number < low or (high is not None and number > high):
        raise UserError(f"{flag} must be a whole number {bounds} (got {number}).")
    return number
