"""A named-demo command killed (SIGKILL) at each of its steps: the next command on that name
succeeds, and after `demo.gc` nothing the tool made is left behind: no work database, no login or
database carrying the tool's mark that no demo owns, no registry row of a stopped command."""

import zlib

import pytest

from builder.named.demos import DemoServer
from builder.named.names import template_name
from builder.postgres import databases, marks, work_databases
from builder.postgres.embedded import EmbeddedPostgres
from tests.support.builds import build_snapshot
from tests.support.commands import invoke
from tests.support.postgres import query, work_databases_on


@pytest.fixture(scope="module")
def cluster():
    with EmbeddedPostgres() as pg:
        yield pg


def leftovers(pg) -> dict:
    demos = DemoServer(pg.url())
    rows = {d.name: d.state for d in demos.demos()}
    marked = {role for (role,) in query(pg.url(), "SELECT rolname FROM pg_roles WHERE "
                                                  "shobj_description(oid, 'pg_authid') = %s", (marks.ROLE,))}
    marked_databases = {db for (db,) in query(pg.url(), "SELECT datname FROM pg_database WHERE "
                                                 "shobj_description(oid, 'pg_database') = %s", (marks.DEMO,))}
    return {"work databases": work_databases_on(pg.url()),
            "spares": databases.databases_like(pg.url(), work_databases.prefix(work_databases.SPARE)),
            "unregistered logins": sorted(marked - set(rows)), "unregistered databases": sorted(marked_databases - set(rows)),
            "unfinished": {name: state for name, state in rows.items() if state != "ready"},
            "templates not ready": query(pg.url(marks.CONTROL), "SELECT name FROM template WHERE state <> 'ready'")}


CLEAN = {"work databases": [], "spares": [], "unregistered logins": [], "unregistered databases": [], "unfinished": {},
         "templates not ready": []}


def run(pg, *args, kill_at: str | None = None):
    env = {"CPD_DEMO_KILL_AT": kill_at} if kill_at else None
    return invoke(*args, "--server", pg.url(), env_extra=env)


def killed(proc) -> None:
    assert proc.returncode == -9, (proc.returncode, proc.stdout, proc.stderr)


@pytest.mark.parametrize("point", ["named:template:registered", "named:template:restored", "named:new:registered",
                                   "named:new:login", "named:copied", "named:new:swapped"])
def test_new_killed_at_each_step(cluster, tmp_path, point):
    """A fresh snapshot version each time, so the template is made by the killed command."""
    build_snapshot(tmp_path, seed=zlib.crc32(point.encode()) % 10_000)
    name = "k_" + point.split(":")[-1]
    killed(run(cluster, "demo.new", "--name", name, "--from", str(tmp_path), kill_at=point))
    again = run(cluster, "demo.new", "--name", name, "--from", str(tmp_path))
    assert again.returncode == 0, again.stderr
    assert DemoServer(cluster.url()).show(name).status() == "ready"
    assert run(cluster, "demo.drop", "--name", name).returncode == 0
    assert run(cluster, "demo.gc").returncode == 0
    assert leftovers(cluster) == CLEAN


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    root = tmp_path_factory.mktemp("kill-snapshots")
    build_snapshot(root)
    return root


@pytest.mark.parametrize("point", ["named:copied", "restore:mid-swap"])
def test_reset_killed_at_each_step(cluster, snapshots, point):
    name = "r_" + point.split(":")[-1].replace("-", "_")
    assert run(cluster, "demo.new", "--name", name, "--from", str(snapshots)).returncode == 0
    killed(run(cluster, "demo.reset", "--name", name, kill_at=point))
    assert DemoServer(cluster.url()).show(name).status() == "ready"  # the demo itself was never touched
    again = run(cluster, "demo.reset", "--name", name)
    assert again.returncode == 0, again.stderr
    assert work_databases_on(cluster.url()) == []  # cleared by the next reset
    assert run(cluster, "demo.drop", "--name", name).returncode == 0
    assert run(cluster, "demo.gc").returncode == 0
    assert leftovers(cluster) == CLEAN


@pytest.mark.parametrize("point", ["named:drop:marked", "named:drop:database", "named:drop:login"])
@pytest.mark.parametrize("next_command", ["demo.drop", "demo.new"])
def test_drop_killed_at_each_step(cluster, snapshots, point, next_command):
    name = "d_" + point.split(":")[-1]
    assert run(cluster, "demo.new", "--name", name, "--from", str(snapshots)).returncode == 0
    killed(run(cluster, "demo.drop", "--name", name, kill_at=point))
    listed = run(cluster, "demo.list")
    assert listed.returncode == 0 and f"{name}: broken, a demo.drop of it was stopped midway" in listed.stdout
    again = run(cluster, next_command, "--name", name, *(["--from", str(snapshots)] if next_command == "demo.new" else []))
    assert again.returncode == 0, again.stderr
    if next_command == "demo.new":
        assert run(cluster, "demo.drop", "--name", name).returncode == 0
    assert run(cluster, "demo.gc").returncode == 0
    assert leftovers(cluster) == CLEAN


def test_gc_killed_while_dropping_an_expired_demo(cluster, snapshots):
    assert run(cluster, "demo.new", "--name", "g_expired", "--ttl", "1s", "--from", str(snapshots)).returncode == 0
    import time

    time.sleep(1.1)
    killed(run(cluster, "demo.gc", kill_at="named:drop:database"))
    finished = run(cluster, "demo.gc")
    assert finished.returncode == 0 and "g_expired" in finished.stdout, finished.stderr
    assert "1 login" in finished.stdout.splitlines()[-1]
    assert leftovers(cluster) == CLEAN
    assert not databases.database_exists(cluster.url(), "g_expired")


def test_a_template_frozen_then_killed_does_not_block_later_demos(cluster, tmp_path):
    version = build_snapshot(tmp_path, seed=31337).version
    killed(run(cluster, "demo.new", "--name", "t_frozen", "--from", str(tmp_path), kill_at="named:template:restored"))
    for name in ("t_frozen", "t_after"):
        made = run(cluster, "demo.new", "--name", name, "--from", str(tmp_path))
        assert made.returncode == 0, made.stderr
    assert DemoServer(cluster.url()).show("t_after").template == template_name(version)
    for name in ("t_frozen", "t_after"):
        assert run(cluster, "demo.drop", "--name", name).returncode == 0
    assert run(cluster, "demo.gc").returncode == 0
    assert leftovers(cluster) == CLEAN
