"""Instants and durations as users write them, and the one clock the host tools read."""

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from builder.errors import UserError

EXAMPLE = "e.g. 2027-03-01T14:00Z, or 2027-03-01T09:00 in the platform timezone"
# The duration grammar, also read by the image's entrypoint (snapshot.image bakes these values into
# it): a whole number and one lowercase unit (none: seconds), from one second to MAX_DURATION. The
# pattern is written so that Python's re and bash's POSIX ERE read it alike. Capitals are refused
# rather than guessed: 1M could be a minute or a month, and a demo dropped a minute after it was
# made is a lost demo.
DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
DURATION_PATTERN = "^ *([0-9]+) *([" + "".join(DURATION_UNITS) + "]?) *$"
MAX_DURATION = timedelta(days=365)
YEARS = (1900, 2199)  # instants a demo may represent: beyond them dates stop meaning anything


def utc_now() -> datetime:
    """Now, to the second. Tests replace the clock by passing instants explicitly."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def parse_instant(value: str | None, flag: str = "--now", *, zone: str) -> datetime | None:
    """An ISO 8601 instant; one without an offset is read in the platform timezone (`zone`, the project's).
    None or "" means "not given". Words such as `now` or `tomorrow` are refused: pass no flag for now."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise UserError(f"{flag} {text!r} is not an ISO 8601 instant ({EXAMPLE}).") from None
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        raise UserError(f"{flag} {text!r} is outside the years {YEARS[0]} to {YEARS[1]}.")
    if parsed.tzinfo is None:
        try:
            parsed = parsed.replace(tzinfo=ZoneInfo(zone))
        except ZoneInfoNotFoundError:
            raise UserError(f"The platform timezone {zone!r} is not a known timezone.") from None
    return parsed.astimezone(timezone.utc)


def iso(instant: datetime) -> str:
    return instant.astimezone(timezone.utc).isoformat()


def parse_duration(value: str | int | None, flag: str, longest: timedelta = MAX_DURATION) -> timedelta:
    """`30s`, `15m`, `8h`, `2d`, `1w` (a bare number is seconds); from one second to `longest`."""
    text = str(value if value is not None else "").strip()
    match = re.match(DURATION_PATTERN, text)
    if match is None and re.fullmatch(r"\d+ *[A-Za-z]+", text):
        raise UserError(f"{flag} {value!r}: write the unit as one lowercase letter, s, m (minutes), h, d or w "
                        "(capitals and words are refused: 1M could mean a minute or a month).")
    seconds = int(match.group(1)) * DURATION_UNITS[match.group(2) or "s"] if match else 0
    if not 1 <= seconds <= longest.total_seconds():
        raise UserError(f"{flag} {value!r} is not {duration_rule(longest)}.")
    return timedelta(seconds=seconds)


def duration_rule(longest: timedelta = MAX_DURATION) -> str:
    """What a duration may be, as every refusal of one says it (the image's included)."""
    return f"a duration from 1s to {format_duration(longest)} (e.g. 30s, 15m, 8h, 2d)"


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
