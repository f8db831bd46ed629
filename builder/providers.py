"""Where a build's Postgres runs: an existing server (url), compose.yaml's `db` service, or an
embedded throwaway cluster. `auto` picks url, then compose, then embedded (SPEC §2)."""

import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from builder import database, pgbin
from builder.embedded import EmbeddedPostgres
from builder.errors import UserError

PROVIDERS = ("auto", "url", "compose", "embedded")
PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass
class Server:
    kind: str
    admin_url: str          # the maintenance database, to create and drop databases
    major: int
    dump: Callable[[str, Path], str] | None = None  # pg_dump of the server's own major, if special

    def url(self, name: str) -> str:
        return database.with_database(self.admin_url, name)


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
    return os.environ.get("CPD_DEMO_POSTGRES_IMAGE", "postgres:15")


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
    binaries = pgbin.has_server_binaries()
    # Compose when an engine answers and can run the db image without a pull that may not be
    # possible here; with no local binaries, compose is the only way left, so try it anyway.
    if docker_answers() and (compose_image_present() or not binaries):
        return "compose"
    if binaries:
        return "embedded"
    raise UserError(
        "No Postgres to build on: set DATABASE_URL to a server, start a Docker engine for the compose "
        "provider, or install the PostgreSQL server binaries for the embedded provider."
    )


@contextmanager
def provide(kind: str, echo: Callable[[str], None] = print) -> Iterator[Server]:
    kind = resolve(kind)
    if kind == "url":
        url = os.environ.get("DATABASE_URL")
        if not url:
            raise UserError("The url provider needs DATABASE_URL (postgresql://USER:PASSWORD@HOST:PORT/NAME).")
        admin = database.admin_url_for(url)
        database.wait_until_ready(admin, timeout=5)
        yield Server("url", admin, database.server_major(admin))
    elif kind == "embedded":
        if not pgbin.has_server_binaries():
            raise UserError("The embedded provider needs the PostgreSQL server binaries (initdb, pg_ctl, postgres): "
                            "install them or choose --provider url/compose.")
        with EmbeddedPostgres() as pg:
            echo(f"embedded Postgres {pg.major} on 127.0.0.1:{pg.port}")
            yield Server("embedded", pg.url(), pg.major)
    else:
        with compose_db(echo) as server:
            yield server


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
def compose_db(echo: Callable[[str], None]) -> Iterator[Server]:
    if not docker_answers():
        raise UserError("No Docker engine answers: start one, or use --provider embedded or url.")
    # Like COMPOSE_FILE: one or more files separated by ':' (e.g. with docker/compose.host-network.yaml).
    files = os.environ.get("CPD_DEMO_COMPOSE_FILE", str(PROJECT_DIR / "compose.yaml")).split(os.pathsep)
    project = f"cpd-demo-build-{os.getpid()}"
    base = compose_command() + [arg for f in files for arg in ("-f", f)] + ["-p", project, "--project-directory",
                                                                        str(PROJECT_DIR)]
    port = os.environ.get("CPD_DEMO_DB_PORT", "55432")
    env = {**os.environ, "CPD_DEMO_DB_PORT": port}

    def run(*args: str, check: bool = True, **kw) -> subprocess.CompletedProcess:
        proc = subprocess.run(base + list(args), env=env, capture_output=True, text=True, **kw)
        if check and proc.returncode != 0:
            raise UserError(f"`{' '.join(base[:2])} {args[0]}` failed: {(proc.stderr or proc.stdout).strip().splitlines()[-1:]}")
        return proc

    echo(f"compose: starting the db service ({project}) on 127.0.0.1:{port}")
    run("up", "-d", "db")
    try:
        password = os.environ.get("CPD_DEMO_DB_PASSWORD", "cpd-demo-build")
        admin = f"postgresql://postgres:{password}@127.0.0.1:{port}/postgres"
        deadline = time.monotonic() + 90
        while True:
            try:
                database.wait_until_ready(admin, timeout=2)
                break
            except UserError:
                if time.monotonic() > deadline:
                    raise UserError("The compose db service did not become ready within 90 s.") from None
        major = database.server_major(admin)

        def dump_in_container(url: str, out: Path) -> str:
            # pg_dump of the server's own major: the one inside the db container.
            name = database.database_name(url)
            with open(out, "wb") as fh:
                proc = subprocess.run(base + ["exec", "-T", "db", "pg_dump", "-h", "/tmp", "-U", "postgres", "--format=custom",
                                              "--no-owner", "--no-privileges", name], env=env, stdout=fh,
                                      stderr=subprocess.PIPE, text=False)
            if proc.returncode != 0:
                raise UserError(f"pg_dump in the db container failed: {proc.stderr.decode().strip()[-200:]}")
            version = subprocess.run(base + ["exec", "-T", "db", "pg_dump", "--version"], env=env,
                                     capture_output=True, text=True).stdout.strip()
            return version

        yield Server("compose", admin, major, dump=dump_in_container)
    finally:
        run("down", "-v", "--remove-orphans", check=False)
