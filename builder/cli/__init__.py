"""The command line: thin Invoke tasks, one module per collection, over the engine's packages.

Every task that touches a project's data takes --config (default cpd-demo.toml here, or
CPD_DEMO_CONFIG). Errors a user can cause end with one sentence and exit code 1; SIGTERM runs every
cleanup. Flags have no short forms, so none can drift.
"""

import functools
import os
import signal
import sys

from invoke import Exit

from builder.errors import UserError
from builder.settings import SETTINGS

FROM_HELP = "Where snapshots live: a directory or s3://bucket/prefix (default: snapshots/)."
VERSION_HELP = "Snapshot version, or 'latest' (default)."
URL_HELP = "Target database URL (default: DATABASE_URL, else the local demo server)."
NOW_HELP = ("Instant the dates should represent, ISO 8601 (default: now), e.g. 2027-03-01T14:00Z; "
            "without an offset it is read in the project's timezone.")
CONFIG_HELP = "The project's config file (default: cpd-demo.toml here, or CPD_DEMO_CONFIG)."
NAME_HELP = "The named demo: lowercase letters, digits and _ (its database and its login)."
SERVER_HELP = "Superuser URL of the server holding named demos (default: the local demo server)."
BY_HELP = "Who runs this, for the registry of named demos (default: the OS user)."
FORCE_HELP = "Replace the target even if it is not a demo database (never the server's own databases)."


def snapshots() -> str:
    return SETTINGS.snapshots


class Terminated(Exception):
    """SIGTERM, turned into an exception so that every cleanup (`finally`) runs."""


def _terminate(signum, frame):
    raise Terminated()


def say(message: str) -> None:
    try:
        print(message, flush=True)
    except BrokenPipeError:
        # The reader went away (`| head -1`): the work goes on (a restore is not abandoned), its
        # output goes nowhere, and nothing flushes into the closed pipe at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def tool(fn):
    """One sentence on stderr and exit code 1 for a UserError, never a traceback; SIGTERM runs cleanups."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        signal.signal(signal.SIGTERM, _terminate)
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            raise Exit(f"error: {exc}", code=1) from None
        except KeyboardInterrupt:
            raise Exit("interrupted", code=130) from None
        except Terminated:
            raise Exit("terminated", code=143) from None
        except Exception as exc:
            # A database error no step expected: still one sentence (Postgres's own first line).
            if not type(exc).__module__.startswith("psycopg"):
                raise
            from builder.postgres.conninfo import redact

            text = str(exc).strip()
            raise Exit(f"error: Postgres refused: {redact(text.splitlines()[0] if text else type(exc).__name__)}",
                       code=1) from None

    return wrapper


def project(config: str | None):
    from builder import project as projects

    return projects.load(config)


def mib(n: int) -> str:
    return f"{n / 1_048_576:.2f} MiB"


def print_status_and_logins(proj, url: str, password_is_default: bool) -> None:
    from builder.demo import report

    for line in report.status_lines(proj, url)[1:]:
        say(line)
    logins = report.login_lines(proj, password_is_default)
    if logins:
        say("logins:")
        for line in logins:
            say(line)
