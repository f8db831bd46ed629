"""The engine's settings from the environment: the only reader of CPD_DEMO_* variables.

Each is read when asked for (tests and commands change the environment between calls), checked,
and given a type; a bad value is one sentence. Standard library only: the engine's runner inside a
project's own Django (another interpreter) reads its settings through this module too.
"""

import os
from dataclasses import dataclass
from pathlib import Path

ENGINE_ROOT = Path(__file__).resolve().parent.parent
# A checkout of the engine (this repository), or the engine installed as a package into a project's
# virtualenv: there the image's and compose's files travel inside the package (setup.py puts them).
IS_CHECKOUT = (ENGINE_ROOT / "pyproject.toml").is_file() and (ENGINE_ROOT / "builder").is_dir()
PACKAGED_FILES = Path(__file__).resolve().parent / "engine_files"
# The documented demo password (the image's superuser, the personas of a product that uses it).
# For demos only: never reuse it anywhere real.
DEFAULT_PASSWORD = "cpd-demo-only"
DEFAULT_SEED = 20240501
MAX_SCALE = 5000  # scale 1000 is measured (about 750k rows); far beyond it a build only fills the disk
DEFAULT_CONNECTION_LIMIT = 10
CONFIG_FILE = "cpd-demo.toml"


def engine_file(name: str) -> Path:
    """Dockerfile, compose.yaml or container/: the checkout's, else the copy inside the installed package."""
    here = ENGINE_ROOT / name
    return here if IS_CHECKOUT and here.exists() else PACKAGED_FILES / name


def _get(name: str) -> str:
    return os.environ.get(f"CPD_DEMO_{name}", "").strip()


def _whole(name: str, default: int, low: int, high: int) -> int:
    from builder.errors import UserError

    text = _get(name) or str(default)
    if not text.isdigit() or not low <= int(text) <= high:
        raise UserError(f"CPD_DEMO_{name} must be a whole number from {low} to {high} (got {text!r}).")
    return int(text)


@dataclass(frozen=True)
class Settings:
    """What CPD_DEMO_* says now. Properties, so each is read (and checked) only where it is used."""

    @property
    def config(self) -> str:
        """CPD_DEMO_CONFIG: the project config file (else cpd-demo.toml here, else the engine's own)."""
        return _get("CONFIG")

    @property
    def password(self) -> str:
        """CPD_DEMO_PASSWORD: the demo password a build hands to the scenario (default: the documented one)."""
        return _get("PASSWORD") or DEFAULT_PASSWORD

    @property
    def snapshots(self) -> str:
        return _get("SNAPSHOTS") or "snapshots"

    @property
    def home(self) -> Path:
        """CPD_DEMO_HOME: the local demo server's directory (default .demo/ in the engine's checkout, or in the
        project's directory where the engine is installed as a package)."""
        return Path(_get("HOME") or (ENGINE_ROOT if IS_CHECKOUT else Path.cwd()) / ".demo")

    @property
    def port(self) -> int:
        return _whole("PORT", 55433, 1, 65535)

    @property
    def build_port(self) -> int:
        """CPD_DEMO_BUILD_PORT: the build's embedded Postgres on this port of 127.0.0.1 (0, the default: a free one)."""
        return _whole("BUILD_PORT", 0, 0, 65535)

    @property
    def connection_limit(self) -> int:
        """CPD_DEMO_CONNECTION_LIMIT: connections one named demo's login may hold at once."""
        return _whole("CONNECTION_LIMIT", DEFAULT_CONNECTION_LIMIT, 1, 1000)

    @property
    def spare_max_mb(self) -> int:
        """CPD_DEMO_SPARE_MAX_MB: a named demo gets a spare copy made ahead of time (a reset then waits for no
        copy) when its template is at most this many MiB (default 2048; 0: never)."""
        return _whole("SPARE_MAX_MB", 2048, 0, 10_000_000)

    @property
    def pg_bindir(self) -> str:
        return _get("PG_BINDIR")

    @property
    def pg_os_user(self) -> str:
        return _get("PG_OS_USER") or "postgres"

    @property
    def kill_at(self) -> str:
        """CPD_DEMO_KILL_AT: a fault point at which the process kills itself (tests only)."""
        return _get("KILL_AT")

    @property
    def compose_files(self) -> list[str]:
        return (_get("COMPOSE_FILE") or str(engine_file("compose.yaml"))).split(os.pathsep)

    @property
    def compose_image(self) -> str:
        return _get("POSTGRES_IMAGE") or "postgres:15"

    @property
    def compose_port(self) -> str:
        return str(_whole("DB_PORT", 55432, 1, 65535))

    @property
    def compose_password(self) -> str:
        return _get("DB_PASSWORD") or "cpd-demo-build"

    @property
    def s3_multipart_threshold(self) -> int:
        """Bytes from which an upload goes in parts (1 makes every upload multipart: the tests)."""
        return _whole("S3_MULTIPART_THRESHOLD", 64 * 1024 * 1024, 1, 5 * 1024 ** 3)

    @property
    def console_password(self) -> str:
        """CPD_DEMO_CONSOLE_PASSWORD: the password `console.adduser` gives (else it asks)."""
        return os.environ.get("CPD_DEMO_CONSOLE_PASSWORD", "")

    @property
    def console_server(self) -> str:
        """CPD_DEMO_CONSOLE_SERVER: the superuser URL of the console's demo server (set by console.serve;
        in a container, from a secret)."""
        return _get("CONSOLE_SERVER")

    @property
    def console_dedicated(self) -> bool:
        """CPD_DEMO_CONSOLE_DEDICATED=1: that server is the tool's own (the local demo server)."""
        return _get("CONSOLE_DEDICATED") == "1"

    @property
    def console_secret_key(self) -> str:
        """CPD_DEMO_CONSOLE_SECRET_KEY: signs sessions and CSRF tokens (default: one made once and kept
        in the server's control database, so every replica and restart shares it)."""
        return _get("CONSOLE_SECRET_KEY")

    @property
    def console_allowed_hosts(self) -> list[str]:
        """CPD_DEMO_CONSOLE_ALLOWED_HOSTS: comma-separated host names the console answers to besides
        loopback (e.g. the Service's or the ingress's name)."""
        return [h.strip() for h in _get("CONSOLE_ALLOWED_HOSTS").split(",") if h.strip()]

    @property
    def console_secure_cookies(self) -> bool:
        """CPD_DEMO_CONSOLE_SECURE_COOKIES=1: behind HTTPS, cookies travel over HTTPS only."""
        return _get("CONSOLE_SECURE_COOKIES") == "1"

    @property
    def console_threads(self) -> int:
        """CPD_DEMO_CONSOLE_THREADS: requests the console serves at once (default 8)."""
        return _whole("CONSOLE_THREADS", 8, 1, 64)

    @property
    def console_trusted_proxy(self) -> str:
        """CPD_DEMO_CONSOLE_TRUSTED_PROXY: the address of the proxy in front of the console ("*": any
        peer, when only the proxy can reach it). Only then is a client's address, which the login
        throttle keys on, read from CPD_DEMO_CONSOLE_PROXY_HEADER; unset, that header is ignored."""
        return _get("CONSOLE_TRUSTED_PROXY")

    @property
    def console_proxy_header(self) -> str:
        """CPD_DEMO_CONSOLE_PROXY_HEADER: x-forwarded-for (the default) or forwarded."""
        from builder.errors import UserError

        header = (_get("CONSOLE_PROXY_HEADER") or "x-forwarded-for").lower()
        if header not in ("x-forwarded-for", "forwarded"):
            raise UserError(f"CPD_DEMO_CONSOLE_PROXY_HEADER must be x-forwarded-for or forwarded (got {header!r}).")
        return header

    @property
    def s3_part_size(self) -> int:
        return max(5 * 1024 * 1024, _whole("S3_PART_SIZE", 16 * 1024 * 1024, 1, 5 * 1024 ** 3))


SETTINGS = Settings()
