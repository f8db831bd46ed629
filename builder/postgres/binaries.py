"""Where the Postgres client and server binaries are, and which major version they are."""

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from builder.errors import UserError
from builder.settings import SETTINGS

SERVER_TOOLS = ("initdb", "pg_ctl", "postgres")


@cache
def bindirs() -> tuple[Path, ...]:
    """Directories to look in: only CPD_DEMO_PG_BINDIR when set; else `pg_config --bindir`, then
    Debian's layout, newest first."""
    if SETTINGS.pg_bindir:
        return (Path(SETTINGS.pg_bindir),)
    found = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            found.append(Path(out.stdout.strip()))
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: -_major_of_dir(p))
    found.extend(debian)
    return tuple(dict.fromkeys(found))


def _major_of_dir(path: Path) -> int:
    try:
        return int(path.parent.name)
    except ValueError:
        return 0


def find(tool: str, major: int | None = None) -> str | None:
    """Path of `tool`, preferring one of the given major version; None if not installed."""
    candidates = [str(d / tool) for d in bindirs() if (d / tool).exists()]
    on_path = shutil.which(tool)
    if on_path and not SETTINGS.pg_bindir:
        candidates.append(on_path)
    if major is not None:
        for c in candidates:
            if tool_major(c) == major:
                return c
        # A newer pg_dump/pg_restore reads and writes older servers' data.
        newer = [c for c in candidates if tool_major(c) > major]
        return max(newer, key=tool_major) if newer else None
    return max(candidates, key=tool_major) if candidates else None


def require(tool: str, major: int | None = None) -> str:
    path = find(tool, major)
    if path is None:
        want = f" {major} or newer" if major else ""
        raise UserError(
            f"`{tool}`{want} is not installed: install the PostgreSQL client and server packages "
            "(e.g. `apt-get install postgresql`) or set CPD_DEMO_PG_BINDIR."
        )
    return path


@cache
def tool_major(path: str) -> int:
    out = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    return parse_major(out)


def tool_version(path: str) -> str:
    return subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip()


def parse_major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    return int(match.group(1)) if match else 0


def has_server_binaries() -> bool:
    return all(find(t) for t in SERVER_TOOLS)
