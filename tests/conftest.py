"""Test fixtures on real parts: an embedded Postgres cluster the suite starts itself (as an
unprivileged user when run as root), a migrated template database, seeded copies of it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from builder import database
from builder.embedded import EmbeddedPostgres

PROJECT = Path(__file__).resolve().parent.parent
# Chosen so the scenario straddles the US DST change of 2026-03-08 (platform: America/New_York).
ANCHOR = "2026-03-15T14:30:00+00:00"
SEED = 4242


@pytest.fixture(scope="session")
def pg():
    with EmbeddedPostgres() as server:
        yield server


def manage(url: str, *args: str, media_root: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cpd_platform.settings"}
    if media_root:
        env["CPD_DEMO_MEDIA_ROOT"] = str(media_root)
    proc = subprocess.run([sys.executable, "-m", "django", *args], env=env, capture_output=True, text=True,
                          cwd=PROJECT)
    if check and proc.returncode != 0:
        raise AssertionError(f"manage {args} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def template_db(pg):
    database.create_database(pg.url(), "cpd_template")
    manage(pg.url("cpd_template"), "migrate", "--no-input", "-v", "0")
    return "cpd_template"


class Databases:
    def __init__(self, pg, template, tmp_path_factory):
        self.pg, self.template, self.tmp = pg, template, tmp_path_factory
        self.count = 0

    def empty(self, prefix: str = "t") -> str:
        """A new migrated, empty database; returns its URL."""
        self.count += 1
        name = f"{prefix}_{self.count}"
        database.create_database(self.pg.url(), name, template=self.template)
        return self.pg.url(name)

    def seeded(self, seed: int = SEED, scale: int = 1, anchor: str = ANCHOR, prefix: str = "seeded",
               extra: tuple = ()) -> tuple[str, Path, str]:
        url = self.empty(prefix)
        media = self.tmp.mktemp("media")
        out = manage(url, "create_demo_data", "--seed", str(seed), "--scale", str(scale), "--anchor", anchor,
                     *extra, media_root=str(media))
        return url, media, out.stdout


@pytest.fixture(scope="session")
def dbs(pg, template_db, tmp_path_factory):
    return Databases(pg, template_db, tmp_path_factory)


@pytest.fixture(scope="session")
def demo(dbs):
    """The scenario at scale 1 around ANCHOR: (url, media_root, command output)."""
    return dbs.seeded()


def invoke(*args: str, env_extra: dict | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `invoke ARGS` as a user would: a fresh process, DATABASE_URL unset unless given in env_extra."""
    full = dict(env if env is not None else os.environ)
    full.pop("DATABASE_URL", None)
    full.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, env=full, capture_output=True,
                          text=True, timeout=900)


def query(url: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def one(url: str, sql: str, params=()):
    rows = query(url, sql, params)
    assert len(rows) == 1, f"expected one row, got {len(rows)}: {sql}"
    return rows[0] if len(rows[0]) > 1 else rows[0][0]


def snapshot_tables(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (the snapshot row without built_at)."""
    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'django_migrations' "
            "ORDER BY 1")]
        for t in tables:
            cols = "version, seed, scale, anchor_at, rebased_at, timezone" if t == "cpd_demo_snapshot" else "*"
            out[t] = conn.execute(f'SELECT {cols} FROM "{t}" ORDER BY 1').fetchall()
    return out


@pytest.fixture
def workdir(tmp_path):
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)


# -- Docker ---------------------------------------------------------------------------------------

BASE_IMAGE = os.environ.get("CPD_DEMO_BASE_IMAGE", "cpd-demo-base-postgres:15")


def _docker_unavailable(reason: str):
    if os.environ.get("CPD_DEMO_REQUIRE_DOCKER") == "1":
        pytest.fail(f"CPD_DEMO_REQUIRE_DOCKER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def docker_client():
    import docker

    try:
        client = docker.from_env(timeout=600)
        client.ping()
    except Exception:
        _docker_unavailable("no Docker engine answers (scripts/start-docker-engine starts one)")
    try:
        client.images.get(BASE_IMAGE)
    except Exception:
        _docker_unavailable(f"the base image {BASE_IMAGE} is missing (scripts/make-postgres-base-image makes it)")
    return client


@pytest.fixture(scope="session")
def registry(tmp_path_factory):
    """A local image registry on 127.0.0.1: CPD_DEMO_REGISTRY if CI started one, else our own."""
    if os.environ.get("CPD_DEMO_REGISTRY"):
        yield os.environ["CPD_DEMO_REGISTRY"]
        return
    if not shutil.which("docker-registry"):
        _docker_unavailable("Debian's docker-registry is not installed")
    from builder.embedded import free_port

    root = tmp_path_factory.mktemp("registry")
    port = free_port()
    config = root / "config.yml"
    config.write_text(f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {root}/data\n"
                      f"http:\n  addr: 127.0.0.1:{port}\n")
    proc = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    import socket
    import time

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"127.0.0.1:{port}"
    proc.terminate()
    proc.wait()
