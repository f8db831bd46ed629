"""The local demo server lets nobody else in: another OS user on this machine gets no login without
the superuser's password (kept 0600 for the caller), cannot reach its socket, and the server holds
none of the caller's groups; a demo login opens its own demo and nothing else. A server made before
passwords were required is secured at its next start."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

from builder.postgres import conninfo
from builder.postgres.embedded import HBA_HEAD, PASSWORD_FILE, EmbeddedPostgres, free_port
from tests.support.builds import build_snapshot
from tests.support.commands import invoke

needs_nobody = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("runuser"),
                                  reason="needs root and runuser to act as another OS user")


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    snaps = tmp_path_factory.mktemp("snaps")
    build_snapshot(snaps)
    home = Path(tempfile.mkdtemp(prefix="cpd-demo-local-"))
    os.chmod(home, 0o755)
    env = {**os.environ, "CPD_DEMO_HOME": str(home), "CPD_DEMO_PORT": str(free_port()),
           "CPD_DEMO_SNAPSHOTS": str(snaps)}
    env.pop("DATABASE_URL", None)
    assert invoke("demo.up", env=env).returncode == 0
    made = invoke("demo.new", "--name", "loc1", "--prospect", "Acme Health", env=env)
    assert made.returncode == 0, made.stderr
    assert invoke("demo.reset", env=env).returncode == 0  # the local demo database cpd_demo too
    yield env
    invoke("demo.down", env=env)
    shutil.rmtree(home, ignore_errors=True)


def as_nobody(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    clean = {"PATH": os.environ["PATH"], **(env or {})}
    return subprocess.run(["runuser", "-u", "nobody", "--", *args], capture_output=True, text=True, env=clean,
                          cwd="/", timeout=30)


@needs_nobody
def test_another_os_user_gets_no_login_and_no_socket(local):
    port = local["CPD_DEMO_PORT"]
    home = Path(local["CPD_DEMO_HOME"])
    for user, database, password in (("postgres", "cpd_demo_control", None), ("postgres", "cpd_demo_control", "wrong"),
                                     ("loc1", "loc1", "wrong")):
        env = {"PGPASSWORD": password} if password else {}
        proc = as_nobody("psql", "-w", f"postgresql://{user}@127.0.0.1:{port}/{database}", "-c", "select 1", env=env)
        assert proc.returncode != 0 and ("password" in proc.stderr or "no password supplied" in proc.stderr), proc
    socket = as_nobody("psql", "-w", "-h", str(home / "pg" / "run"), "-p", port, "-U", "postgres", "-c", "select 1")
    assert socket.returncode != 0 and "Permission denied" in socket.stderr, socket.stderr
    secret = home / "pg" / PASSWORD_FILE
    assert secret.stat().st_mode & 0o777 == 0o600 and secret.stat().st_uid == os.geteuid()
    assert as_nobody("cat", str(secret)).returncode != 0


@needs_nobody
def test_the_server_holds_none_of_the_callers_groups(local):
    """Run as root, the server is the postgres OS user with that user's groups: root's group is not
    among them (with it, any OS user with a login read root-group files through the server)."""
    pid = (Path(local["CPD_DEMO_HOME"]) / "pg" / "data" / "postmaster.pid").read_text().split()[0]
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    assert status["Uid"].split()[0] != "0"
    assert "0" not in status["Groups"].split() and status["Gid"].split()[0] != "0", status["Groups"]


def test_a_demo_login_opens_its_own_demo_and_nothing_else(local):
    url = invoke("demo.url", "--name", "loc1", env=local).stdout.splitlines()[-1]
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM events_event").fetchone()[0] > 0
    for other in ("cpd_demo", "postgres", "cpd_demo_control", "template1"):
        with pytest.raises(psycopg.OperationalError, match="pg_hba.conf|not currently accepting"):
            psycopg.connect(conninfo.with_database(url, other), connect_timeout=5).close()
    wrong = conninfo.make_url({**conninfo.params(url), "password": "not-it"})
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong, connect_timeout=5).close()


def test_a_server_that_trusted_everyone_is_secured_at_its_next_start(tmp_path_factory):
    home = Path(tempfile.mkdtemp(prefix="cpd-demo-legacy-"))
    os.chmod(home, 0o755)
    cluster = EmbeddedPostgres(data_dir=home, port=free_port(), durable=True, own_database_only=True)
    try:
        cluster.start()
        # As it was made before: trust for everyone on loopback, and no password file.
        (cluster.data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        cluster._run(str(cluster.bindir / "pg_ctl"), "-D", str(cluster.data), "reload")
        cluster.password_file.unlink()
        cluster.stop()
        trusting = f"postgresql://postgres@127.0.0.1:{cluster.port}/postgres"
        again = EmbeddedPostgres(data_dir=home, port=cluster.port, durable=True, own_database_only=True)
        again.start()
        assert (again.data / "pg_hba.conf").read_text().startswith(HBA_HEAD)
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(trusting, connect_timeout=5).close()
        with psycopg.connect(again.url(), connect_timeout=5) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        again.stop()
    finally:
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)
