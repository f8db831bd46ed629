"""Version names (`<UTC build time>-<digest8>`): made, checked before any use in a path or key, pruned."""

import re
from datetime import datetime, timezone

from builder.errors import UserError

PATTERN = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")
EXAMPLE = "20261123T210155Z-488c1fb6"


def new_version(digest: str, now: datetime) -> str:
    """Sortable and unique: the UTC build time to the second, then the content digest's start."""
    return f"{now.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}-{digest[:8]}"


def is_version(name: object) -> bool:
    return isinstance(name, str) and bool(PATTERN.match(name))


def check_version(name: object, where: str) -> str:
    """`name` if it has the shape of a version, else one sentence: a version name from any store
    (a flag, latest.json, a symlink) is never used in a path or key before this check."""
    if not is_version(name):
        raise UserError(f"{where} names version {name!r}, which is not a snapshot version "
                        f"(expected the shape {EXAMPLE}).")
    return str(name)


def to_prune(versions: list[str], latest: str | None, keep: int) -> list[str]:
    """All but the newest `keep` versions, never the one `latest` points to (every store's policy)."""
    if keep < 1:
        raise UserError("--keep must be 1 or more.")
    return [v for v in sorted(versions)[:-keep] if v != latest]
