"""pg_dump, pg_restore and psql: every call to a Postgres client binary goes through here.

Connection strings reach them without a password (it travels in PGPASSWORD), so `ps` never
shows a secret; their error output is redacted before it is printed.
"""

import re
import subprocess
from importlib import resources
from pathlib import Path

from builder.errors import UserError
from builder.postgres import binaries, conninfo

REBASE_SQL = Path(str(resources.files("builder") / "rebase" / "rebase_dates.sql"))  # the entry file for psql


def _run(args: list[str], what: str, url: str | None = None) -> subprocess.CompletedProcess:
    env = None
    if url is not None:
        safe_url, env = conninfo.child_args(url)
        args = [safe_url if a == url else a for a in args]
    proc = subprocess.run(args, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        lines = [ln for ln in (proc.stderr or proc.stdout).strip().splitlines() if ln.strip()]
        errors = [ln.split("ERROR:", 1)[1].strip() for ln in lines if "ERROR:" in ln]
        detail = conninfo.redact(errors[-1] if errors else lines[-1]) if lines else f"exit code {proc.returncode}"
        for prefix in ("pg_restore: error: ", "pg_dump: error: ", "psql: error: "):
            detail = detail.removeprefix(prefix)
        raise UserError(f"{what} failed: {detail}")
    return proc


def dump(url: str, out: Path, server_major: int) -> str:
    """pg_dump --format=custom of `url` into `out`; returns the pg_dump version string used."""
    tool = binaries.require("pg_dump", server_major)
    _run([tool, "--format=custom", "--no-owner", "--no-privileges", "--file", str(out), "--dbname", url],
         "pg_dump", url)
    return binaries.tool_version(tool)


def restore(url: str, dump_file: Path, jobs: int, dump_major: int) -> None:
    tool = binaries.require("pg_restore", dump_major)
    _run([tool, "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={max(1, jobs)}",
          "--dbname", url, str(dump_file)], "pg_restore", url)


def dump_header(dump_file: Path) -> dict:
    """Server and pg_dump versions recorded in a custom-format dump (also proves it is readable)."""
    tool = binaries.require("pg_restore")
    proc = _run([tool, "--list", str(dump_file)], f"Reading {dump_file.name}")
    server = re.search(r"Dumped from database version: (\S+)", proc.stdout)
    dumper = re.search(r"Dumped by pg_dump version: (\S+)", proc.stdout)
    if not server:
        raise UserError(f"{dump_file} is not a pg_dump custom-format archive.")
    return {"server_version": server.group(1), "server_major": binaries.parse_major(server.group(1)),
            "pg_dump_version": dumper.group(1) if dumper else ""}
