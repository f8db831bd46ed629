"""Fixtures on real parts: an embedded Postgres cluster the suite starts itself (as an unprivileged
user when run as root), a migrated template database, seeded copies of it, builds with the tests'
clock, S3 on moto, Docker (the engine, the local base image, a registry), the console and a headless
browser. Only fixtures live here: what tests import is in tests/support/."""

import os
import shutil
import subprocess
import sys

import pytest

from builder.postgres import databases
from builder.postgres.embedded import EmbeddedPostgres, free_port
from builder.snapshot import django_side
from tests.support.builds import build_snapshot
from tests.support.commands import invoke, wait_for_port
from tests.support.console import CONSOLE_PASSWORD, Console, chromium
from tests.support.images import BASE_IMAGE, IMAGE_BUILD_SECRET, STAGE_LABEL, docker_unavailable
from tests.support.postgres import Databases, Managed
from tests.support.project import CPD, PROJECT
from tests.support.s3 import BUCKET, CREDS


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


@pytest.fixture(scope="session")
def managed():
    """A server shaped like a managed one (see Managed), for the session."""
    with EmbeddedPostgres() as cluster:
        yield Managed(cluster)


@pytest.fixture(scope="session")
def template_db(pg):
    databases.create_database(pg.url(), "cpd_template")
    django_side.run(CPD, "migrate", pg.url("cpd_template"))
    return "cpd_template"


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
    with databases.connect(url) as conn:
        conn.execute("CREATE TABLE precious (note text)")
        conn.execute("INSERT INTO precious VALUES ('keep me')")
    return url


@pytest.fixture
def workdir(tmp_path):
    yield tmp_path
    shutil.rmtree(tmp_path, ignore_errors=True)


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


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, for the module."""
    with chromium() as launched:
        yield launched


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
