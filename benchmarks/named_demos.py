"""Named demos on one server: `demo.new` and `demo.reset --name` beside a full `snapshot.restore` of
the same version, a reset as a person waits for it (the whole command, and through the console's
API) beside a bare `createdb -T` of its template and the whole `snapshot.restore` command, and what
a demo costs (disk, reset time, server memory), at several scales."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from benchmarks.common import PROJECT_ROOT, Row, build, median_of, whole_command
from builder.named import templates, upkeep
from builder.named.demos import DemoServer
from builder.postgres import databases, work_databases
from builder.postgres.embedded import EmbeddedPostgres, free_port
from builder.snapshot.restore import restore


def server_memory_kib(pg: EmbeddedPostgres) -> int:
    """Proportional memory (PSS: shared pages split among their users) of the whole cluster."""
    postmaster = int((pg.data / "postmaster.pid").read_text().split()[0])
    pids = [postmaster]
    for path in Path("/proc").glob("[0-9]*"):
        try:
            if int((path / "stat").read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                pids.append(int(path.name))
        except (OSError, ValueError, IndexError):
            continue
    total = 0
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += sum(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    return total


def createdb_copy(pg: EmbeddedPostgres, template: str, name: str, strategy: str | None = None) -> None:
    """A bare `createdb -T template name` (a process, as a DBA would run it), with a strategy if given."""
    args = [str(pg.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-T", template]
    subprocess.run(args + (["-S", strategy] if strategy else []) + [name], check=True, capture_output=True,
                   env={**os.environ, "PGPASSWORD": pg.password})


def spares_made(admin: str, timeout: float = 600) -> None:
    """Wait until no spare is being made (a demo's copy made ahead of time after its last command)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with databases.connect(admin) as conn:
            making = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE query LIKE %s AND state = 'active'",
                                  (f'CREATE DATABASE "{work_databases.prefix(work_databases.SPARE)}%',)).fetchone()
        if not making or not making[0]:
            return
        time.sleep(0.1)


class Console:
    """`python -m builder.console serve` on the bench's server, with a user and its API token: what a
    reset through the console's API costs (the request, the reset, the answer)."""

    def __init__(self, url: str, snapshots: Path):
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTHONDONTWRITEBYTECODE")}
        self.env.update({"CPD_DEMO_CONSOLE_SERVER": url, "CPD_DEMO_SNAPSHOTS": str(snapshots),
                         "CPD_DEMO_CONSOLE_PASSWORD": "bench-console-pass"})
        made = subprocess.run([sys.executable, "-m", "builder.console", "adduser", "--username", "bench", "--token"],
                              cwd=PROJECT_ROOT, env=self.env, capture_output=True, text=True, check=True)
        self.headers = {"Authorization": f"Bearer {made.stdout.splitlines()[-1]}"}
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "builder.console", "serve", "--port", str(port)],
                                     cwd=PROJECT_ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                requests.get(self.base + "/login/", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)

    def reset(self, name: str) -> None:
        requests.post(f"{self.base}/api/demos/{name}/reset", headers=self.headers, timeout=600).raise_for_status()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def measure(repeat: int = 3, scales=(1, 10, 100)) -> tuple[list[Row], list[dict]]:
    rows, sizing = [], []
    work = Path(tempfile.mkdtemp(prefix="cpd-bench-named-"))
    console: Console | None = None
    try:
        with EmbeddedPostgres() as pg:
            demos = DemoServer(pg.url())
            for scale in scales:
                out = work / f"s{scale}"
                build(provider="embedded", scale=scale, output=out, echo=lambda m: None)
                target = pg.url(f"restored_{scale}")

                def settle():
                    # Each run starts on a quiet server, as a reset between calls does (fresh writes
                    # still in the page cache slow a copy down several times): the spare the last
                    # command ordered is made first, so no two copies overlap.
                    spares_made(pg.url())
                    with databases.connect(pg.url()) as conn:
                        conn.execute("CHECKPOINT")
                    os.sync()
                    time.sleep(2)

                full = median_of(repeat, settle, lambda: restore(str(out), "latest", target, echo=lambda m: None))
                names: list[str] = []

                def new():
                    name = f"d{scale}_{len(names)}"
                    names.append(name)
                    demos.new(name, str(out), echo=lambda m: None)

                demos.registry.ensure()
                templates.take(demos.registry, str(out), None, echo=lambda m: None)[2].release()  # made once, untimed
                made = median_of(repeat, settle, new)
                reset = median_of(repeat, settle, lambda: demos.reset(names[0], echo=lambda m: None))
                rows.append(Row("named", f"demo.new --name, scale {scale}", made, "snapshot.restore of the same "
                                "version", full, goal="≤ 0.5x"))
                rows.append(Row("named", f"demo.reset --name, scale {scale}", reset, "snapshot.restore of the same "
                                "version", full, goal="≤ 0.5x"))
                # What a person waits for: each as a whole command (process, imports, connections),
                # and a reset through the console's API (the request, the reset, the answer).
                whole_command("demo.reset", "--name", names[0], "--server", pg.url())  # compiled modules kept
                full_cmd = median_of(repeat, settle, lambda: whole_command(
                    "snapshot.restore", "--from", str(out), "--database-url", target))
                reset_cmd = median_of(repeat, settle, lambda: whole_command(
                    "demo.reset", "--name", names[0], "--server", pg.url()))
                console = console or Console(pg.url(), out)
                api = console
                api.reset(names[0])  # warm: the console's first request loads its views
                reset_api = median_of(repeat, settle, lambda: api.reset(names[0]))
                rows.append(Row("named", f"`invoke demo.reset --name`, whole command, scale {scale}", reset_cmd,
                                "`invoke snapshot.restore`, whole command", full_cmd, goal="≤ 0.5x from scale 10"))
                rows.append(Row("named", f"reset through the console's API, scale {scale}", reset_api,
                                "`invoke snapshot.restore`, whole command", full_cmd, goal="≤ 0.5x from scale 10"))
                # The floor: a bare copy of the template, and the two ways Postgres copies one.
                template = demos.show(names[0]).template

                def settle_copy():
                    databases.drop_database(pg.url(), "bench_copy")
                    settle()

                bare = {strategy: median_of(repeat, settle_copy,
                                            lambda s=strategy: createdb_copy(pg, template, "bench_copy", s))
                        for strategy in (None, "FILE_COPY")}
                databases.drop_database(pg.url(), "bench_copy")
                for what, value in ((f"`invoke demo.reset --name`, whole command, vs a bare copy, scale {scale}",
                                     reset_cmd),
                                    (f"reset through the console's API, vs a bare copy, scale {scale}", reset_api)):
                    rows.append(Row("named", what, value, "bare `createdb -T <template>` (WAL_LOG, the default)",
                                    bare[None], goal="≤ 1.5x at 100 and 1000"))
                rows.append(Row("named", f"`createdb -T <template> -S FILE_COPY` (what a reset copies with from "
                                f"256 MiB), scale {scale}", bare["FILE_COPY"], "the same with WAL_LOG, the default",
                                bare[None], goal="< 1x"))
                with databases.connect(pg.url()) as conn:
                    size = databases.scalar(conn, "SELECT pg_database_size(%s)", (names[0],))
                sizing.append({"scale": scale, "disk_mib": size / 1_048_576, "reset_s": reset, "new_s": made,
                               "restore_s": full, "server_rss_mib": server_memory_kib(pg) / 1024,
                               "demos": len(names), "reset_command_s": reset_cmd, "reset_api_s": reset_api,
                               "restore_command_s": full_cmd, "createdb_s": bare[None],
                               "createdb_file_copy_s": bare["FILE_COPY"]})
                for name in names:
                    demos.drop(name, echo=lambda m: None)
                upkeep.gc(demos, echo=lambda m: None)
                databases.drop_database(pg.url(), f"restored_{scale}")
            if console is not None:
                console.stop()
                console = None
    finally:
        if console is not None:
            console.stop()
        shutil.rmtree(work, ignore_errors=True)
    return rows, sizing
