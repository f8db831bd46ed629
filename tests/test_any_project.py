"""The engine as a project installs it: `pip install` of this repository (not editable) into a
virtualenv gives the `cpd-demo` command, which runs from the project's own directory (not this
one) and finds its cpd-demo.toml there. The project is a conference site of the tests' own whose app
is a package named `builder` (the engine's never shadows it) and whose settings name SQLite with
Django's own SQLite options (the engine's database replaces that whole entry). Its three-day
conference running at the anchor comes back whole, and nothing that logs in survives."""

import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.postgres import one, query
from tests.support.project import PROJECT

SITE = PROJECT / "tests" / "projects" / "conference_site"
NY = ZoneInfo("America/New_York")
SATURDAY_NIGHT = datetime(2026, 11, 22, 3, 30, tzinfo=timezone.utc)  # 22:30 in New York, before Thanksgiving


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A virtualenv with the engine installed from this repository as a package (its dependencies
    taken from the interpreter's own site-packages, where the test run has them)."""
    venv = tmp_path_factory.mktemp("engine-venv")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    source = tmp_path_factory.mktemp("engine-source") / "src"
    # A clean copy: nothing of this checkout's own state (snapshots, .demo) goes into the package.
    shutil.copytree(PROJECT, source, ignore=shutil.ignore_patterns(".git", ".demo", "snapshots", "build", "*.egg-info",
                                                                  "__pycache__", ".venv", "tests"))
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps",
                           "--ignore-installed", "--disable-pip-version-check", str(source)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    shutil.rmtree(source)  # what runs is what was installed, nothing else
    return venv


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The project's own directory, a copy, somewhere that is not this repository."""
    where = tmp_path_factory.mktemp("project") / "conference_site"
    shutil.copytree(SITE, where, ignore=shutil.ignore_patterns("__pycache__", "*.sqlite3"))
    return where


def cpd_demo(venv: Path, cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CPD_DEMO_CONFIG", "PYTHONPATH", "DATABASE_URL"))}
    return subprocess.run([str(venv / "bin" / "cpd-demo"), *args], cwd=cwd, capture_output=True, text=True,
                          env={**clean, "CPD_DEMO_HOME": str(cwd / ".demo"), **(env or {})})


def test_the_command_is_the_installed_engine_and_lists_its_tasks(installed, site):
    proc = cpd_demo(installed, site, "--list")
    assert proc.returncode == 0, proc.stderr
    assert "snapshot.build" in proc.stdout and "demo.new" in proc.stdout and "bench" not in proc.stdout
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import builder.cli.program as p; print(p.__file__)"],
                           cwd="/", capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(installed)), where  # not this checkout
    packaged = installed / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages" / \
        "builder" / "engine_files"
    assert (packaged / "Dockerfile").is_file() and (packaged / "container" / "entrypoint.sh").is_file()


def test_rules_check_passes_and_strict_names_what_the_default_covers(installed, site, pg):
    env = {"DATABASE_URL": pg.url()}
    proc = cpd_demo(installed, site, "snapshot.rules", "--check", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "group: builder_talk rows keep their place in the builder_conference they belong to" in proc.stdout
    assert "span: builder_conference.date_from .. date_to" in proc.stdout
    strict = cpd_demo(installed, site, "snapshot.rules", "--check", "--strict", env=env)
    assert strict.returncode == 1 and "no rule: builder_conference.date_from" in strict.stdout
    assert "Traceback" not in strict.stderr and "rule of their own" in strict.stderr


@pytest.fixture(scope="module")
def restored(installed, site, pg):
    """Built and restored by the command, from the project's directory, to a Saturday night."""
    built = cpd_demo(installed, site, "snapshot.build", "--provider", "url", env={"DATABASE_URL": pg.url()})
    assert built.returncode == 0, built.stdout + built.stderr
    target = pg.url("conference_restored")
    restored = cpd_demo(installed, site, "snapshot.restore", "--database-url", target, "--now", SATURDAY_NIGHT.isoformat())
    assert restored.returncode == 0, restored.stdout + restored.stderr
    return target


def test_a_build_and_a_restore_from_the_projects_directory(restored, site):
    assert (site / "snapshots").is_dir() and not (site / "site.sqlite3").exists()  # its SQLite entry was never used
    target = restored
    starts, ends, date_from, date_to = query(target, "SELECT starts, ends, date_from, date_to FROM builder_conference")[0]
    local_start, local_end = starts.astimezone(NY), ends.astimezone(NY)
    assert (local_start.strftime("%a %H:%M"), local_end - local_start) == ("Tue 09:00", timedelta(days=2, hours=8))
    assert ends > SATURDAY_NIGHT and (date_from, date_to - date_from) == (local_start.date(), timedelta(days=2))
    talks = query(target, 'SELECT "start", "end" FROM builder_talk ORDER BY "start"')
    assert [(s.astimezone(NY) - local_start, e - s) for s, e in talks] == [
        (timedelta(0), timedelta(hours=1)), (timedelta(hours=5), timedelta(hours=1)),
        (timedelta(days=1), timedelta(hours=2)), (timedelta(days=2, hours=2), timedelta(hours=6))]
    days = [d for (d,) in query(target, "SELECT day FROM builder_meetup ORDER BY day")]
    assert all(d.weekday() == 3 for d in days) and datetime(2026, 11, 26).date() not in days
    assert one(target, "SELECT count(*) FROM django_session") == 0
    dump = next((site / "snapshots").glob("*/cpd-demo.dump"))
    text = subprocess.run(["pg_restore", "--data-only", "-f", "-", str(dump)], capture_output=True, text=True)
    assert text.returncode == 0 and "demo-token" in text.stdout and "organiser-was-logged-in" not in text.stdout


def test_its_pages_are_served_as_a_buyer_sees_them(site, restored):
    """DEBUG off (no page lists its URLs), at the only host it answers (its ALLOWED_HOSTS name no loopback
    host), `/` leading to its admin, its redirects back at the address the browser used."""
    import http.client
    import time

    from builder import project as projects
    from builder.postgres.embedded import free_port
    from builder.snapshot import django_side

    target = restored
    port = free_port()
    argv, env, body = django_side.request(projects.load(str(site / "cpd-demo.toml")), "serve", target, port=port,
                                          media_root=None, now=None)
    proc = subprocess.Popen(argv, env=env, cwd=site, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        proc.stdin.write(body)
        proc.stdin.close()

        def get(path: str) -> tuple[int, str, str]:
            for _ in range(100):
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                    conn.request("GET", path)
                    answer = conn.getresponse()
                    return answer.status, answer.getheader("Location") or "", answer.read().decode()
                except ConnectionRefusedError:
                    time.sleep(0.2)
            raise AssertionError(proc.stdout.read() if proc.poll() is not None else "the site never answered")

        assert get("/")[:2] == (302, "/admin/")
        assert get("/host/")[2] == "conference.example"
        status, location, _ = get("/admin/")
        assert status == 302 and location.startswith("/admin/login/"), location
        status, _, page = get("/admin/login/")
        assert status == 200 and "Django administration" in page
        status, _, page = get("/no-such-page/")
        assert status == 404 and "URLconf" not in page and "DEBUG" not in page
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.docker
def test_the_image_starts_with_the_same_behaviours(docker_client, installed, site, restored):
    """The image the command builds (its Dockerfile and scripts from the installed package) rebases at
    its start with the same SQL: the conference whole and running or upcoming, its talks in their
    places, the series clear of Thanksgiving, no session."""
    import time

    import psycopg

    from builder.postgres.embedded import free_port
    from tests.support.images import BASE_IMAGE

    repository = f"cpd-demo-conference-{os.getpid()}"
    made = cpd_demo(installed, site, "snapshot.image", "--repository", repository, "--base-image", BASE_IMAGE)
    assert made.returncode == 0, made.stdout + made.stderr
    port = free_port()
    container = docker_client.containers.run(f"{repository}:latest", command=["-p", str(port)], network_mode="host",
                                             detach=True, environment={"CPD_DEMO_NOW": SATURDAY_NIGHT.isoformat()})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = psycopg.connect(f"postgresql://postgres:cpd-demo-only@127.0.0.1:{port}/conference_demo",
                                       connect_timeout=2, autocommit=True)
                if conn.execute("SELECT rebased_at IS NOT NULL FROM cpd_demo_snapshot").fetchone()[0]:
                    break
                conn.close()
            except psycopg.OperationalError:
                pass
            assert time.monotonic() < deadline, container.logs().decode()[-2000:]
            time.sleep(0.3)
        with conn:
            image = conn.execute("SELECT starts, ends, date_from, date_to FROM builder_conference").fetchone()
            talks = conn.execute('SELECT "start", "end" FROM builder_talk ORDER BY "start"').fetchall()
            days = [d for (d,) in conn.execute("SELECT day FROM builder_meetup ORDER BY day")]
            sessions = conn.execute("SELECT count(*) FROM django_session").fetchone()[0]
        # The same instant through the host's restore gave the same rows.
        assert image == tuple(query(restored, "SELECT starts, ends, date_from, date_to FROM builder_conference")[0])
        assert talks == query(restored, 'SELECT "start", "end" FROM builder_talk ORDER BY "start"')
        assert days == [d for (d,) in query(restored, "SELECT day FROM builder_meetup ORDER BY day")]
        assert image[1] > SATURDAY_NIGHT and sessions == 0
    finally:
        container.remove(force=True)
        docker_client.images.remove(docker_client.images.get(f"{repository}:latest").id, force=True)  # every tag


def test_the_build_server_port_is_chosen_by_flag_or_environment(installed, site, tmp_path):
    import socket

    from builder.postgres.embedded import free_port

    port = free_port()
    built = cpd_demo(installed, site, "snapshot.build", "--provider", "embedded", "--build-port", str(port),
                     "--output", str(tmp_path / "by-flag"))
    assert built.returncode == 0, built.stdout + built.stderr
    assert f"embedded Postgres 15 on 127.0.0.1:{port}" in built.stdout
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        taken = held.getsockname()[1]
        refused = cpd_demo(installed, site, "snapshot.build", "--provider", "embedded", "--output", str(tmp_path / "env"),
                           env={"CPD_DEMO_BUILD_PORT": str(taken)})
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == (f"error: Port {taken} of 127.0.0.1 is in use: choose another build port "
                                      "(--build-port or CPD_DEMO_BUILD_PORT), or 0 for a free one.")
