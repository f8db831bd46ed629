"""Test fixtures on real parts: an embedded Postgres cluster the suite starts itself (as an
unprivileged user when run as root), a migrated template database, seeded copies of it, builds
with an injectable clock, and Docker (the engine, the local base image, a registry)."""

import os
import shutil
import socket
import subprocess
import sys
import time
import types
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest

from builder import project as projects
from builder.clock import parse_instant
from builder.demo import check
from builder.postgres import rebase, server
from builder.postgres.embedded import EmbeddedPostgres, free_port
from builder.snapshot import build as building
from builder.snapshot import django_side
from builder.snapshot.build import BuildOptions, build

PROJECT = Path(__file__).resolve().parent.parent
# The CPD Events demo, through its config file like any project.
CPD = projects.load(str(PROJECT / "cpd-demo.toml"))
# Chosen so the scenario straddles the US DST change of 2026-03-08 (platform: America/New_York).
ANCHOR = "2026-03-15T14:30:00+00:00"
ANCHOR_AT = parse_instant(ANCHOR, zone="UTC")
SEED = 4242


class Clock:
    """An injectable clock: each reading one second after the last, so versions never collide (a later
    build has a later version, whose name sorts after)."""

    def __init__(self, start: datetime = datetime(2026, 11, 24, 12, 0, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


# One clock per process: pytest loads this file as `conftest` and the tests import it again as
# `tests.conftest`; both copies must read the same clock, or two builds share a second.
_SHARED = sys.modules.setdefault("cpd_demo_test_clock", types.ModuleType("cpd_demo_test_clock"))
if not hasattr(_SHARED, "clock"):
    _SHARED.clock = Clock()
CLOCK: Clock = _SHARED.clock


def build_snapshot(output, seed: int = SEED, scale: int = 1, anchor: str = ANCHOR, force: bool = False,
                   provider: str = "embedded"):
    options = BuildOptions(provider=provider, seed=seed, scale=scale, anchor=parse_instant(anchor, zone="UTC"))
    return build(options, output=output, force=force, echo=lambda m: None, clock=CLOCK)


# -- S3: moto's server on 127.0.0.1, reached through boto3's standard variables -----------------------
BUCKET = "cpd-demo-snapshots"
CREDS = {"AWS_ACCESS_KEY_ID": "cpd-test-key", "AWS_SECRET_ACCESS_KEY": "cpd-test-secret-do-not-print",
         "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3():
    """A bucket on moto's S3 server, for the module: boto3's variables point at it meanwhile."""
    import boto3
    from moto.server import ThreadedMotoServer

    saved = {k: os.environ.get(k) for k in [*CREDS, "AWS_ENDPOINT_URL"]}
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    os.environ.update(CREDS, AWS_ENDPOINT_URL=f"http://{host}:{port}")
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    yield client
    server.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def pg():
    with EmbeddedPostgres() as cluster:
        yield cluster


class Managed:
    """An embedded cluster shaped like a managed server (RDS, Cloud SQL, Azure, Neon, Supabase): its
    admin login `master` has CREATEDB and CREATEROLE, the grants those providers give their admin
    role, and owns `postgres`; no superuser. The superuser makes it once; tests use only `master`."""

    def __init__(self, cluster: EmbeddedPostgres):
        from builder.postgres.scram import verifier

        self.cluster = cluster
        self.password = "master-" + os.urandom(9).hex()
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE ROLE cloud_admin NOLOGIN")
            conn.execute("GRANT pg_signal_backend, pg_read_all_stats, pg_read_all_settings, pg_monitor TO cloud_admin")
            conn.execute(f"CREATE ROLE master LOGIN CREATEDB CREATEROLE IN ROLE cloud_admin "
                         f"PASSWORD '{verifier(self.password)}'")
            conn.execute("ALTER DATABASE postgres OWNER TO master")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://master:{self.password}@127.0.0.1:{self.cluster.port}/{database}"


@pytest.fixture(scope="session")
def managed():
    """A server shaped like a managed one (see Managed), for the session."""
    with EmbeddedPostgres() as cluster:
        yield Managed(cluster)


def manage(url: str, *args: str, media_root: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """The platform stand-in's own `manage.py ARGS` on `url`, as its developers run it (no engine)."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": CPD.settings}
    if media_root:
        env["MEDIA_ROOT"] = media_root
    proc = subprocess.run([sys.executable, "-m", "django", *args], env=env, capture_output=True, text=True,
                          cwd=PROJECT)
    if check and proc.returncode != 0:
        raise AssertionError(f"manage {args} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def named_server(url: str, **kwargs):
    """A named-demo server for the CPD demo (its tailoring SQL for --prospect), as the CLI makes one."""
    from builder import hooks
    from builder.named.demos import Server

    return Server(url, tailoring=hooks.tailoring(CPD), **kwargs)


def checks(url: str, now=None):
    """demo.check's (instant, results) for the CPD demo."""
    return check.run(CPD, url, now)


@pytest.fixture(scope="session")
def template_db(pg):
    server.create_database(pg.url(), "cpd_template")
    django_side.run(CPD, "migrate", pg.url("cpd_template"))
    return "cpd_template"


class Databases:
    def __init__(self, pg, template, tmp_path_factory):
        self.pg, self.template, self.tmp = pg, template, tmp_path_factory
        self.count = 0

    def empty(self, prefix: str = "t") -> str:
        """A new migrated, empty database; returns its URL."""
        self.count += 1
        name = f"{prefix}_{self.count}"
        server.create_database(self.pg.url(), name, template=self.template)
        return self.pg.url(name)

    def copy(self, url: str, prefix: str = "copy") -> str:
        self.count += 1
        name = f"{prefix}_{self.count}"
        server.create_database(self.pg.url(), name, template=psycopg.conninfo.conninfo_to_dict(url)["dbname"])
        return self.pg.url(name)

    def seeded(self, seed: int = SEED, scale: int = 1, anchor: str = ANCHOR, prefix: str = "seeded",
               ) -> tuple[str, Path, str]:
        """The engine's seed stage (the scenario, the engine's tables) rebased to `anchor`:
        (url, media root, what the scenario printed)."""
        url = self.empty(prefix)
        media = self.tmp.mktemp("media")
        lines: list[str] = []
        options = BuildOptions(seed=seed, scale=scale, config=str(CPD.file))
        when = parse_instant(anchor, zone="UTC")
        assert when is not None
        building.seed(CPD, url, options, when, media, building.compile_rules(CPD, url), echo=lines.append)
        rebase.run(url, when)
        with server.connect(url) as conn:  # as a build leaves it: the rebase to its anchor is part of it
            conn.execute("UPDATE cpd_demo_snapshot SET rebased_at = NULL")
        return url, media, "\n".join(lines)


@pytest.fixture(scope="session")
def dbs(pg, template_db, tmp_path_factory):
    return Databases(pg, template_db, tmp_path_factory)


@pytest.fixture(scope="session")
def demo(dbs):
    """The scenario at scale 1 around ANCHOR: (url, media_root, command output)."""
    return dbs.seeded()


@pytest.fixture
def precious(dbs):
    """A user's own database (not a demo): what no restore may ever touch without --force."""
    url = dbs.empty("precious")
    with server.connect(url) as conn:
        conn.execute("CREATE TABLE precious (note text)")
        conn.execute("INSERT INTO precious VALUES ('keep me')")
    return url


def invoke(*args: str, env_extra: dict | None = None, env: dict | None = None,
           timeout: float = 900) -> subprocess.CompletedProcess:
    """Run `invoke ARGS` as a user would: a fresh process, DATABASE_URL unset unless given in env_extra."""
    full = dict(env if env is not None else os.environ)
    full.pop("DATABASE_URL", None)
    full.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=PROJECT, env=full, capture_output=True,
                          text=True, timeout=timeout)


def one_sentence(proc: subprocess.CompletedProcess, expected: str) -> str:
    """The failure was one line on stderr, containing `expected`, with exit code 1 and no traceback."""
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert len(lines) == 1 and expected in lines[0], proc.stderr
    return lines[0]


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


def tree_state(root: Path) -> dict:
    """Every file under `root` with its bytes' hash and mode, and every symlink's target."""
    import hashlib

    state = {}
    for path in sorted(Path(root).rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            state[rel] = ("link", os.readlink(path))
        elif path.is_file():
            state[rel] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode)
        else:
            state[rel] = ("dir", path.stat().st_mode)
    return state


@pytest.fixture
def workdir(tmp_path):
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


# -- Docker ---------------------------------------------------------------------------------------
# Tests that need Docker find the engine through DOCKER_HOST (default: the local socket), make the
# local base image with scripts/make-postgres-base-image when CPD_DEMO_BASE_IMAGE names none, and
# start their own registry unless CPD_DEMO_REGISTRY names one.

BASE_IMAGE = os.environ.get("CPD_DEMO_BASE_IMAGE", "cpd-demo-base-postgres:15")
STAGE_LABEL = "io.cpd-demo.stage=restore"  # the image's first stage, which holds the dump


def docker_unavailable(reason: str):
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
        docker_unavailable("no Docker engine answers (scripts/start-docker-engine starts one)")
    try:
        client.images.get(BASE_IMAGE)
    except Exception:
        made = subprocess.run([str(PROJECT / "scripts" / "make-postgres-base-image"), BASE_IMAGE],
                              capture_output=True, text=True)
        if made.returncode != 0:
            docker_unavailable(f"the base image {BASE_IMAGE} is missing and could not be made: "
                               f"{(made.stderr or made.stdout).strip()[-300:]}")
    # First-stage images already here (left by a run killed before its cleanup): not this run's.
    client.stage_images_before = {i.id for i in client.images.list(all=True, filters={"label": STAGE_LABEL})}
    return client


@pytest.fixture(scope="session")
def registry(tmp_path_factory):
    """A local image registry on 127.0.0.1: CPD_DEMO_REGISTRY if CI started one, else our own."""
    if os.environ.get("CPD_DEMO_REGISTRY"):
        yield os.environ["CPD_DEMO_REGISTRY"]
        return
    if not shutil.which("docker-registry"):
        docker_unavailable("Debian's docker-registry is not installed")
    root = tmp_path_factory.mktemp("registry")
    port = free_port()
    config = root / "config.yml"
    config.write_text(f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {root}/data\n"
                      f"http:\n  addr: 127.0.0.1:{port}\n")
    proc = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_for_port(port)
    yield f"127.0.0.1:{port}"
    proc.terminate()
    proc.wait()


# Set in the builder's environment while the image is built: it must reach no layer and no label.
IMAGE_BUILD_SECRET = "aws-secret-that-must-not-leak-4711"


@pytest.fixture(scope="session")
def image_snapshot(tmp_path_factory):
    """The scale-1 snapshot the image tests share: (its directory, the build result)."""
    root = tmp_path_factory.mktemp("img-snapshots")
    result = build_snapshot(root)
    return root / result.version, result


@pytest.fixture(scope="session")
def pushed_image(docker_client, registry, image_snapshot):
    """The image of image_snapshot, built once for the session with a secret in the builder's
    environment, pushed (both tags), dropped locally and pulled back: (repository, version, image id).
    Every container and image made from it is removed at the end."""
    from builder.snapshot.image import build_image

    repository = f"{registry}/cpd-demo-db"
    os.environ["AWS_SECRET_ACCESS_KEY"] = IMAGE_BUILD_SECRET
    try:
        from builder import hooks

        tags = build_image(image_snapshot[0], repository=repository, base_image=BASE_IMAGE, push=True,
                           echo=lambda m: None, tailoring=hooks.tailoring(CPD))
    finally:
        os.environ.pop("AWS_SECRET_ACCESS_KEY", None)
    image = docker_client.images.get(tags[0])
    for tag in tags:
        docker_client.images.remove(tag, force=True)
    # Back from the registry (on loopback): every test runs on the pulled image.
    pulled = docker_client.images.pull(repository, tag=image_snapshot[1].version)
    assert pulled.id == image.id
    yield repository, image_snapshot[1].version, image.id
    for c in docker_client.containers.list(all=True, filters={"ancestor": image.id}):
        c.remove(force=True)
    for img in docker_client.images.list(name=repository):
        docker_client.images.remove(img.id, force=True)
    try:
        docker_client.images.remove(image.id, force=True)
    except Exception:  # already gone with its tags
        pass


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A snapshots directory holding one build of the scenario, for the module."""
    root = tmp_path_factory.mktemp("snapshots")
    build_snapshot(root)
    return root


def start_invoke_until(args: list[str], ready, env: dict | None = None, timeout: float = 60,
                       **popen) -> subprocess.Popen:
    """Start `invoke ARGS` and return once `ready()` is true (the process must still be running)."""
    if env is None:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    proc = subprocess.Popen([sys.executable, "-m", "invoke", *args], cwd=PROJECT, env=env, **popen)
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, "the process ended before it was ready"
        assert time.monotonic() < deadline, "the process did not get ready in time"
        time.sleep(0.005)
    return proc


# -- The console ----------------------------------------------------------------------------------
CONSOLE_PASSWORD = "console-test-pass"


class Console:
    """A console served on the session's cluster: its base URL, its users' API tokens, its snapshots."""

    def __init__(self, base: str, tokens: dict[str, str], snapshots: Path, server_url: str):
        self.base, self.tokens, self.snapshots, self.server_url = base, tokens, snapshots, server_url

    def headers(self, user: str = "alice") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


@pytest.fixture(scope="session")
def console(pg, tmp_path_factory):
    """`invoke console.serve` on the session's cluster, with users alice and bob (each with an API token)."""
    snapshots = tmp_path_factory.mktemp("console-snapshots")
    build_snapshot(snapshots)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CPD_DEMO_CONSOLE_PASSWORD"] = CONSOLE_PASSWORD
    tokens = {}
    for user in ("alice", "bob"):
        made = invoke("console.adduser", "--username", user, "--server", pg.url(), "--token", env=env)
        assert made.returncode == 0, made.stderr
        tokens[user] = made.stdout.splitlines()[-1]
    port = free_port()
    log = open(tmp_path_factory.mktemp("console-log") / "console.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "console.serve", "--server", pg.url(), "--port", str(port),
                             "--from", str(snapshots)], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        wait_for_port(port, timeout=60)
        yield Console(f"http://127.0.0.1:{port}", tokens, snapshots, pg.url())
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
