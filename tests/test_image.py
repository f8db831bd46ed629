"""The Postgres image on a real Docker engine and registry: build -> push -> pull -> run."""

import io
import json
import os
import subprocess
import sys
import tarfile
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import psycopg
import pytest
import yaml

from benchmarks.image_weight import pull_bytes_over_base
from builder.postgres.embedded import free_port
from tests.support.images import BASE_IMAGE, IMAGE_BUILD_SECRET, STAGE_LABEL, docker_unavailable
from tests.support.project import ANCHOR, PROJECT, SEED

pytestmark = pytest.mark.docker
SECRET = IMAGE_BUILD_SECRET
# A cluster's own catalogs, whatever the data: template0, template1, postgres and the demo's, about
# 1 MiB each as a pull transfers them (measured: 4.4 MiB in all at scale 1, dump 0.2 MiB).
EMPTY_CLUSTER_BYTES = 4 * 1_048_576


@pytest.fixture
def snapshot(image_snapshot):
    return image_snapshot


@pytest.fixture
def pushed(pushed_image):
    return pushed_image


def connect(port, password="cpd-demo-only", timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return psycopg.connect(f"postgresql://postgres:{password}@127.0.0.1:{port}/cpd_demo", connect_timeout=2,
                                   autocommit=True)
        except psycopg.OperationalError as exc:
            if "password authentication failed" in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def run(client, image, port, **kwargs):
    return client.containers.run(image, command=["-p", str(port)], network_mode="host", detach=True, **kwargs)


def story_at(conn, now):
    rows = dict(conn.execute("""SELECT title, CASE WHEN %s < starts_at THEN 'upcoming'
                                WHEN %s <= ends_at THEN 'live' ELSE 'past' END FROM events_event""", (now, now)))
    return {("flagship" if t.startswith("Future of Medicine") else t): s for t, s in rows.items()}


def test_pull_run_answers_with_rebased_dates(docker_client, pushed, snapshot):
    repository, version, _ = pushed
    snapshot_counts = snapshot[1].manifest["row_counts"]
    image = docker_client.images.pull(repository, tag="latest")
    assert docker_client.images.pull(repository, tag=version).id == image.id
    labels = image.labels
    assert labels["org.opencontainers.image.version"] == version == labels["io.cpd-demo.snapshot.version"]
    assert labels["io.cpd-demo.snapshot.anchor"].startswith("2026-03-15T14:30")
    for key in ("created", "revision", "source"):
        assert labels[f"org.opencontainers.image.{key}"]
    assert image.attrs["Config"]["User"] == "postgres" and image.attrs["Config"]["Healthcheck"]["Test"]

    port = free_port()
    started = datetime.now(timezone.utc)
    container = run(docker_client, f"{repository}:latest", port)
    try:
        conn = connect(port)
        anchor = conn.execute("SELECT anchor_at FROM cpd_demo_snapshot").fetchone()[0]
        assert started - timedelta(seconds=2) <= anchor <= datetime.now(timezone.utc)
        story = story_at(conn, anchor)
        assert {k: story[k] for k in ("flagship", "Community Meetup", "Weekly Health Webinar")} == \
            {"flagship": "upcoming", "Community Meetup": "live", "Weekly Health Webinar": "past"}
        expected = snapshot_counts["events_registration"]
        assert conn.execute("SELECT count(*) FROM events_registration").fetchone()[0] == expected
        conn.close()
        logs = container.logs().decode()
        assert f"cpd-demo {version}: rebased by" in logs
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            connect(port, password="not-the-password")
        for _ in range(60):
            container.reload()
            if container.attrs["State"].get("Health", {}).get("Status") == "healthy":
                break
            time.sleep(0.5)
        assert container.attrs["State"]["Health"]["Status"] == "healthy"
    finally:
        container.remove(force=True)


def test_restart_with_a_later_now_rebases_again_and_volumes_keep_data(docker_client, pushed, tmp_path):
    repository, _, image_id = pushed
    volume = docker_client.volumes.create()
    port = free_port()
    first_now = datetime(2027, 5, 1, 9, 0, tzinfo=timezone.utc)
    later_now = datetime(2028, 2, 29, 18, 0, tzinfo=timezone.utc)
    mounts = {volume.name: {"bind": "/var/lib/cpd-demo/data", "mode": "rw"}}
    try:
        c1 = run(docker_client, image_id, port, volumes=mounts, environment={"CPD_DEMO_NOW": first_now.isoformat()})
        with connect(port) as conn:
            assert conn.execute("SELECT anchor_at FROM cpd_demo_snapshot").fetchone()[0] == first_now
            conn.execute("CREATE TABLE kept (x int)")  # proves the volume's data survives
            a_first = conn.execute("SELECT starts_at FROM events_event WHERE title LIKE 'Future%'").fetchone()[0]
        c1.stop(timeout=10)
        c1.remove()
        c2 = run(docker_client, image_id, port, volumes=mounts, environment={"CPD_DEMO_NOW": later_now.isoformat()})
        with connect(port) as conn:
            assert conn.execute("SELECT anchor_at FROM cpd_demo_snapshot").fetchone()[0] == later_now
            title, a_later = conn.execute(
                "SELECT title, starts_at FROM events_event WHERE title LIKE 'Future%'").fetchone()
            # Whole weeks later: the same weekday and local time, upcoming again.
            assert (a_later - a_first).days % 7 == 0 and a_later > later_now
            assert title == f"Future of Medicine {a_later.astimezone(ZoneInfo('America/New_York')).year}"
            assert conn.execute("SELECT to_regclass('kept')").fetchone()[0] == "kept"
        c2.restart(timeout=10)  # same CPD_DEMO_NOW: the rebase is idempotent
        with connect(port) as conn:
            assert conn.execute("SELECT anchor_at FROM cpd_demo_snapshot").fetchone()[0] == later_now
        assert "rebased by 00:00:00" in c2.logs().decode()
        c2.remove(force=True)
        c3 = run(docker_client, image_id, port, volumes=mounts)  # no CPD_DEMO_NOW: the clock
        with connect(port) as conn:
            anchor = conn.execute("SELECT anchor_at FROM cpd_demo_snapshot").fetchone()[0]
            assert abs(anchor - datetime.now(timezone.utc)) < timedelta(minutes=1)
        c3.remove(force=True)
    finally:
        for c in docker_client.containers.list(all=True, filters={"volume": volume.name}):
            c.remove(force=True)
        volume.remove(force=True)


def test_empty_bind_mount_is_initialised_and_password_env_applies(docker_client, pushed, tmp_path, snapshot):
    _, _, image_id = pushed
    uid = docker_client.containers.run(image_id, entrypoint=["id", "-u"], remove=True).decode().strip()
    data = tmp_path / "pgdata"
    data.mkdir()
    os.chown(data, int(uid), int(uid))
    port = free_port()
    container = run(docker_client, image_id, port, volumes={str(data): {"bind": "/var/lib/cpd-demo/data"}},
                    environment={"POSTGRES_PASSWORD": "custom-pass"})
    try:
        with connect(port, password="custom-pass") as conn:
            users = conn.execute("SELECT count(*) FROM accounts_user").fetchone()[0]
            assert users == snapshot[1].manifest["row_counts"]["accounts_user"]
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            connect(port, password="cpd-demo-only")
        assert (data / "PG_VERSION").exists()
        assert "initialising /var/lib/cpd-demo/data from the baked snapshot" in container.logs().decode()
    finally:
        container.remove(force=True)


def test_final_image_holds_no_dump_and_no_secret(docker_client, pushed):
    _, _, image_id = pushed
    image = docker_client.images.get(image_id)
    history = json.dumps(image.history()) + json.dumps(image.attrs["Config"])
    assert SECRET not in history and "AWS_" not in history
    raw = b"".join(image.save(named=False))
    outer = tarfile.open(fileobj=io.BytesIO(raw))
    layers = [m for m in outer.getmembers() if m.name.endswith(".tar") or m.name.startswith("blobs/")]
    assert layers
    scanned = 0
    for member in layers:
        blob = outer.extractfile(member)
        if blob is None:
            continue
        data = blob.read()
        assert SECRET.encode() not in data
        try:
            layer = tarfile.open(fileobj=io.BytesIO(data))
            names = layer.getnames()
        except tarfile.TarError:
            continue
        scanned += 1
        assert not [n for n in names if n.endswith("cpd-demo.dump")], member.name
        for info in layer.getmembers():
            if info.isfile() and info.size > 5:
                head = layer.extractfile(info).read(5)
                assert head != b"PGDMP", f"{info.name} in {member.name} is a pg_dump archive"
    assert scanned >= 2


def test_one_copy_of_the_data_and_a_pull_of_little_more_than_the_dump(docker_client, pushed, snapshot, registry):
    """What a `docker pull` transfers over the base: the baked data directory once (no compressed
    copy beside it, one empty WAL segment), at most 4x the dump plus an empty cluster's catalogs."""
    repository, version, image_id = pushed
    over = pull_bytes_over_base(docker_client, repository, version, BASE_IMAGE)
    dump = snapshot[1].manifest["files"]["cpd-demo.dump"]["size"]
    assert over <= 4 * dump + EMPTY_CLUSTER_BYTES, (over, dump)
    wal = docker_client.containers.run(image_id, ["bash", "-c", "ls /var/lib/cpd-demo/pristine/pg_wal | grep -c '^0'"],
                                       remove=True).decode().strip()
    assert wal == "1"
    raw = b"".join(docker_client.images.get(image_id).save(named=False))
    outer = tarfile.open(fileobj=io.BytesIO(raw))
    names = []
    for member in outer.getmembers():
        blob = outer.extractfile(member) if member.isfile() else None
        if blob is not None and (member.name.endswith("layer.tar") or member.name.startswith("blobs/")):
            try:
                names += tarfile.open(fileobj=io.BytesIO(blob.read())).getnames()
            except tarfile.TarError:
                continue
    clusters = [n for n in names if n.endswith("PG_VERSION") and "/base/" not in n]
    assert clusters == ["var/lib/cpd-demo/pristine/PG_VERSION"]
    assert not [n for n in names if n.startswith("var/lib/cpd-demo") and n.endswith((".tar.gz", ".tgz"))]


def test_compose_provider_builds_the_same_content(docker_client, tmp_path, snapshot):
    from builder.errors import UserError
    from builder.postgres.providers import compose_command

    try:
        compose_command()
    except UserError:
        docker_unavailable("neither `docker compose` nor `docker-compose` is installed")
    doc = yaml.safe_load((PROJECT / "compose.yaml").read_text())
    assert "ports" in doc["services"]["db"] and "ports" in doc["services"]["demo"]  # users' machines
    db_port = free_port()
    for svc in doc["services"].values():
        svc.pop("ports", None)
        svc["network_mode"] = "host"
    doc["services"]["db"]["environment"].update({"PGPORT": str(db_port), "CPD_DEMO_DB_LISTEN": "127.0.0.1"})
    doc["services"]["db"]["healthcheck"]["test"] = ["CMD-SHELL", "pg_isready -q -h 127.0.0.1 -p $$PGPORT"]
    compose_file = tmp_path / "compose.host.yaml"
    compose_file.write_text(yaml.safe_dump(doc))
    env = {**os.environ, "CPD_DEMO_COMPOSE_FILE": str(compose_file), "CPD_DEMO_POSTGRES_IMAGE": BASE_IMAGE,
           "CPD_DEMO_DB_PORT": str(db_port)}
    env.pop("DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "invoke", "snapshot.build", "--provider", "compose",
                           "--output", str(tmp_path / "out"), "--anchor", ANCHOR, "--seed", str(SEED)],
                          cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    version = os.readlink(tmp_path / "out" / "latest")
    manifest = json.loads((tmp_path / "out" / version / "manifest.json").read_text())
    assert manifest["provider"] == "compose"
    assert manifest["postgres"]["server_major"] == snapshot[1].manifest["postgres"]["server_major"]
    assert manifest["content_digest"] == snapshot[1].digest
    leftovers = docker_client.containers.list(all=True, filters={"label": "com.docker.compose.service=db"})
    assert leftovers == []


def test_no_engine_and_refusing_registry_are_one_sentence(snapshot, docker_client, tmp_path):
    root = snapshot[0].parent
    base = [sys.executable, "-m", "invoke", "snapshot.image", "--from", str(root), "--base-image", BASE_IMAGE]
    no_engine = subprocess.run(base, cwd=PROJECT, capture_output=True, text=True,
                               env={**os.environ, "DOCKER_HOST": f"unix://{tmp_path}/no-docker.sock"})
    assert no_engine.returncode == 1 and "No Docker engine answers" in no_engine.stderr
    assert len(no_engine.stderr.strip().splitlines()) == 1
    refused = subprocess.run(base + ["--repository", f"127.0.0.1:{free_port()}/cpd-demo-db", "--push"], cwd=PROJECT,
                             capture_output=True, text=True)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "refused" in refused.stderr or "failed" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


def test_no_first_stage_image_is_left_behind(docker_client, pushed):
    """The first stage holds the dump: snapshot.image removes it once the build is done."""
    left = {i.id for i in docker_client.images.list(all=True, filters={"label": STAGE_LABEL})}
    assert left <= docker_client.stage_images_before


def test_healthy_only_once_rebased_and_listening_on_tcp(docker_client, pushed):
    _, _, image_id = pushed
    health = docker_client.images.get(image_id).attrs["Config"]["Healthcheck"]["Test"]
    assert health[0] == "CMD-SHELL"
    # The same check in a container whose entrypoint never rebased: unhealthy.
    probe = docker_client.containers.create(image_id, entrypoint=["bash", "-c", health[1]], network_mode="host")
    try:
        probe.start()
        assert probe.wait(timeout=30)["StatusCode"] != 0
    finally:
        probe.remove(force=True)
    port = free_port()
    container = run(docker_client, image_id, port)
    try:
        for _ in range(60):
            container.reload()
            if container.attrs["State"].get("Health", {}).get("Status") == "healthy":
                break
            time.sleep(0.5)
        assert container.attrs["State"]["Health"]["Status"] == "healthy"
        code, _ = container.exec_run(["bash", "-c", health[1]])
        assert code == 0
    finally:
        container.remove(force=True)


def test_docker_stop_during_start_up_is_prompt_and_clean(docker_client, pushed):
    _, _, image_id = pushed
    port = free_port()
    container = run(docker_client, image_id, port)
    # Once the entrypoint runs (its first line): a signal that reaches PID 1 before its shell has
    # read its first trap is dropped by the kernel, in any image whose entrypoint is a shell.
    deadline = time.monotonic() + 30
    while not container.logs() and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    container.stop(timeout=20)
    took = time.monotonic() - started
    logs = container.logs().decode()
    container.remove(force=True)
    assert took < 5, (took, logs)
    # The data directory is fine afterwards: a new container starts and answers.
    again = run(docker_client, image_id, port)
    try:
        with connect(port) as conn:
            assert conn.execute("SELECT count(*) FROM cpd_demo_snapshot").fetchone()[0] == 1
    finally:
        again.remove(force=True)


def test_the_password_never_reaches_psqls_command_line(docker_client, pushed, tmp_path):
    """A psql shim first on PATH records every command line the entrypoint gives psql."""
    _, _, image_id = pushed
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "psql").write_text('#!/bin/bash\necho "$*" >> /tmp/psql-argv.log\n'
                               'exec /usr/lib/postgresql/15/bin/psql "$@"\n')
    (shim / "psql").chmod(0o755)
    port = free_port()
    path = docker_client.images.get(image_id).attrs["Config"]["Env"]
    base_path = next(e.split("=", 1)[1] for e in path if e.startswith("PATH="))
    container = run(docker_client, image_id, port, volumes={str(shim): {"bind": "/shim", "mode": "ro"}},
                    environment={"PATH": f"/shim:{base_path}", "POSTGRES_PASSWORD": "shim-secret-5521"})
    try:
        with connect(port, password="shim-secret-5521"):
            pass
        code, out = container.exec_run(["cat", "/tmp/psql-argv.log"])
        assert code == 0
        argv = out.decode()
        assert "rebase_dates.sql" in argv and "shim-secret-5521" not in argv
    finally:
        container.remove(force=True)


def test_the_official_images_variables_more_demos_and_keep_live(docker_client, pushed):
    """POSTGRES_DB names the demo, POSTGRES_USER owns it, CPD_DEMO_DATABASES makes more (tailored),
    CPD_DEMO_REBASE_EVERY keeps them all live; docker stop still stops it promptly."""
    _, _, image_id = pushed
    port = free_port()
    container = run(docker_client, image_id, port, environment={
        "POSTGRES_DB": "shop_demo", "POSTGRES_USER": "sales", "POSTGRES_PASSWORD": "sales-pass",
        "CPD_DEMO_DATABASES": "acme:Acme Health,globex", "CPD_DEMO_REBASE_EVERY": "2s"})

    def url(db):
        return f"postgresql://sales:sales-pass@127.0.0.1:{port}/{db}"

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(url("shop_demo"), connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                assert time.monotonic() < deadline, container.logs().decode()
                time.sleep(0.1)
        first = {}
        for db in ("shop_demo", "acme", "globex"):
            with psycopg.connect(url(db)) as conn:
                first[db] = conn.execute("SELECT anchor_at FROM cpd_demo_snapshot").fetchone()[0]
                org = conn.execute("SELECT organization FROM marketing_contactlist LIMIT 1").fetchone()[0]
                assert org == ("Acme Health" if db == "acme" else "HealthTech Solutions"), db
        with psycopg.connect(url("shop_demo")) as conn:
            assert conn.execute("SELECT datname FROM pg_database WHERE datname = 'cpd_demo'").fetchone() is None
            assert conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'shop_demo'"
                                ).fetchone()[0] == "sales"
        time.sleep(4.5)
        for db in ("shop_demo", "acme", "globex"):
            with psycopg.connect(url(db)) as conn:
                assert conn.execute("SELECT anchor_at FROM cpd_demo_snapshot").fetchone()[0] > first[db], db
        logs = container.logs().decode()
        assert "made the demo acme for Acme Health" in logs and "rebasing every demo every 2s" in logs
        started = time.monotonic()
        container.stop(timeout=20)
        assert time.monotonic() - started < 5, container.logs().decode()[-2000:]
        assert container.wait(timeout=5)["StatusCode"] == 0
    finally:
        container.remove(force=True)


def test_a_bad_rebase_interval_or_demo_name_is_one_clear_line(docker_client, pushed):
    _, _, image_id = pushed
    for env, message in (({"CPD_DEMO_REBASE_EVERY": "soon"}, "is not a duration"),
                         ({"CPD_DEMO_DATABASES": "Bad-Name"}, "is not a demo name")):
        container = run(docker_client, image_id, free_port(), environment=env)
        try:
            assert container.wait(timeout=60)["StatusCode"] != 0
            assert message in container.logs().decode()
        finally:
            container.remove(force=True)
