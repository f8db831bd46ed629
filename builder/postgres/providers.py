"""Where a build's Postgres runs: an existing server (url), compose.yaml's `db` service, or an
embedded throwaway cluster. `auto` picks url, then compose, then embedded.

A provider owns its scratch database and its dump: on a shared `url` server every build run
gets a database of its own (`cpd_tmp_build_<run>`), held by an advisory lock while the run lives
and dropped on every exit; one left by a killed run is dropped by the next build.
"""

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from builder.errors import UserError
from builder.postgres import binaries, clients, conninfo, databases, locks, work_databases
from builder.postgres.embedded import EmbeddedPostgres, port_is_free
from builder.settings import SETTINGS, engine_file

PROVIDERS = ("auto", "url", "compose", "embedded")
SCRATCH_COMMENT = "cpd-demo-db scratch build database (dropped when its build ends)"


@dataclass
class BuildServer:
    kind: str
    admin_url: str          # the maintenance database, to create and drop databases
    major: int
    shared: bool = False    # a server others use: work only in a scratch database of our own
    dumper: Callable[[str, Path], str] | None = field(default=None, repr=False)

    @contextmanager
    def scratch_database(self, name: str) -> Iterator[str]:
        """A new empty database for one build run (`name` on a server of its own); dropped
        afterwards, whatever happens."""
        if not self.shared:
            databases.create_database(self.admin_url, name)
            yield conninfo.with_database(self.admin_url, name)
            return
        reap_scratch_databases(self.admin_url)
        with work_databases.held(self.admin_url, "build", "scratch") as name:
            try:  # created inside: a stop signal during the creation still drops it
                databases.create_database(self.admin_url, name, comment=SCRATCH_COMMENT)
                yield conninfo.with_database(self.admin_url, name)
            finally:
                databases.drop_database(self.admin_url, name)

    def dump(self, url: str, out: Path) -> str:
        """pg_dump with the server's own major; returns the pg_dump version string."""
        if self.dumper is not None:
            return self.dumper(url, out)
        return clients.dump(url, out, self.major)


def reap_scratch_databases(admin: str) -> None:
    """Drop scratch databases whose build died (lock free) and that carry our comment."""
    for name in databases.databases_like(admin, work_databases.name("build", "scratch") + "_"):
        if databases.database_comment(admin, name) == SCRATCH_COMMENT and locks.is_free(admin, locks.work_database_key(name)):
            databases.drop_database(admin, name)


def docker_answers(timeout: float = 3) -> bool:
    try:
        import docker

        client = docker.from_env(timeout=timeout)
        client.ping()
        client.close()
        return True
    except Exception:
        return False


def compose_image() -> str:
    return SETTINGS.compose_image


def compose_image_present() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).images.get(compose_image())
        return True
    except Exception:
        return False


def resolve(kind: str) -> str:
    if kind not in PROVIDERS:
        raise UserError(f"Unknown provider {kind!r}: choose one of {', '.join(PROVIDERS)}.")
    if kind != "auto":
        return kind
    if os.environ.get("DATABASE_URL"):
        return "url"
    local_binaries = binaries.has_server_binaries()
    # Compose when an engine answers and can run the db image without a pull that may not be
    # possible here; with no local binaries, compose is the only way left, so try it anyway.
    if docker_answers() and (compose_image_present() or not local_binaries):
        return "compose"
    if local_binaries:
        return "embedded"
    raise UserError(
        "No Postgres to build on: set DATABASE_URL to a server, start a Docker engine for the compose "
        "provider, or install the PostgreSQL server binaries for the embedded provider."
    )


@contextmanager
def provide(kind: str, echo: Callable[[str], None] = print, port: int = 0) -> Iterator[BuildServer]:
    """The build's server; `port`: where an embedded or compose one listens on 127.0.0.1 (0: a free one)."""
    kind = resolve(kind)
    if kind == "url":
        url = os.environ.get("DATABASE_URL")
        if not url:
            raise UserError("The url provider needs DATABASE_URL (postgresql://USER:PASSWORD@HOST:PORT/NAME).")
        admin = databases.admin_url(url)
        databases.wait_until_ready(admin, timeout=5)
        yield BuildServer("url", admin, databases.server_major(admin), shared=True)
    elif kind == "embedded":
        if not binaries.has_server_binaries():
            raise UserError("The embedded provider needs the PostgreSQL server binaries (initdb, pg_ctl, postgres): "
                            "install them or choose --provider url/compose.")
        if port and not port_is_free(port):
            raise UserError(f"Port {port} of 127.0.0.1 is in use: choose another build port (--build-port or "
                            "CPD_DEMO_BUILD_PORT), or 0 for a free one.")
        with EmbeddedPostgres(port=port or None) as pg:
            echo(f"embedded Postgres {pg.major} on 127.0.0.1:{pg.port}")
            yield BuildServer("embedded", pg.url(), pg.major)
    else:
        with compose_db(echo, port) as db:
            yield db


# -- compose ---------------------------------------------------------------------------------

def compose_command() -> list[str]:
    """`docker compose` (v2 plugin) where it exists, else `docker-compose` (v1)."""
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    raise UserError("The compose provider needs `docker compose` or `docker-compose`: install one, or use "
                    "--provider embedded.")


@contextmanager
def compose_db(echo: Callable[[str], None], port: int = 0) -> Iterator[BuildServer]:
    if not docker_answers():
        raise UserError("No Docker engine answers: start one, or use --provider embedded or url.")
    # Like COMPOSE_FILE: one or more files separated by ':'.
    files = SETTINGS.compose_files
    project = f"cpd-demo-build-{os.getpid()}"
    base = compose_command() + [arg for f in files for arg in ("-f", f)] + ["-p", project, "--project-directory",
                                                                        str(engine_file("compose.yaml").parent)]
    listen = str(port or SETTINGS.compose_port)
    env = {**os.environ, "CPD_DEMO_DB_PORT": listen}

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(base + list(args), env=env, capture_output=True, text=True)
        if check and proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:]
            raise UserError(f"`{' '.join(base[:2])} {args[0]}` failed: {conninfo.redact(' '.join(tail))}")
        return proc

    echo(f"compose: starting the db service ({project}) on 127.0.0.1:{listen}")
    run("up", "-d", "db")
    try:
        password = SETTINGS.compose_password
        admin = conninfo.make_url({"user": "postgres", "password": password, "host": "127.0.0.1", "port": listen,
                                   "dbname": databases.ADMIN_DATABASE})
        try:
            databases.wait_until_ready(admin, timeout=90)
        except UserError:
            raise UserError("The compose db service did not become ready within 90 s.") from None
        major = databases.server_major(admin)

        def dump_in_container(url: str, out: Path) -> str:
            # pg_dump of the server's own major: the one inside the db container.
            name = conninfo.database_name(url)
            with open(out, "wb") as fh:
                proc = subprocess.run(base + ["exec", "-T", "db", "pg_dump", "-h", "/tmp", "-U", "postgres",
                                              "--format=custom", "--no-owner", "--no-privileges", name],
                                      env=env, stdout=fh, stderr=subprocess.PIPE)
            if proc.returncode != 0:
                raise UserError(f"pg_dump in the db container failed: {proc.stderr.decode().strip()[-200:]}")
            return subprocess.run(base + ["exec", "-T", "db", "pg_dump", "--version"], env=env,
                                  capture_output=True, text=True).stdout.strip()

        yield BuildServer("compose", admin, major, dumper=dump_in_container)
    finally:
        run("down", "-v", "--remove-orphans", check=False)
