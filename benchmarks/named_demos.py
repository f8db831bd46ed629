"""Named demos on one server: `demo.new` and `demo.reset --name` beside a full `snapshot.restore` of
the same version, and what a demo costs (disk, reset time, server memory), at several scales."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.common import Row, build, median_of, whole_command
from builder.named import templates, upkeep
from builder.named.demos import Server
from builder.postgres import server
from builder.postgres.embedded import EmbeddedPostgres
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


def measure(repeat: int = 3, scales=(1, 10, 100)) -> tuple[list[Row], list[dict]]:
    rows, sizing = [], []
    work = Path(tempfile.mkdtemp(prefix="cpd-bench-named-"))
    try:
        with EmbeddedPostgres() as pg:
            demos = Server(pg.url())
            for scale in scales:
                out = work / f"s{scale}"
                build(provider="embedded", scale=scale, output=out, echo=lambda m: None)
                target = pg.url(f"restored_{scale}")

                def settle():
                    # Each run starts on a quiet server, as a reset between calls does (fresh writes
                    # still in the page cache slow a copy down several times).
                    with server.connect(pg.url()) as conn:
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
                # What a person waits for: each as a whole command (process, imports, connections).
                full_cmd = median_of(repeat, settle, lambda: whole_command(
                    "snapshot.restore", "--from", str(out), "--database-url", target))
                reset_cmd = median_of(repeat, settle, lambda: whole_command(
                    "demo.reset", "--name", names[0], "--server", pg.url()))
                rows.append(Row("named", f"`invoke demo.reset --name`, whole command, scale {scale}", reset_cmd,
                                "`invoke snapshot.restore`, whole command", full_cmd, goal="≤ 0.5x"))
                # The floor: a bare copy of the template, and the two ways Postgres copies one.
                template = demos.show(names[0]).template

                def settle_copy():
                    server.drop_database(pg.url(), "bench_copy")
                    settle()

                bare = {strategy: median_of(repeat, settle_copy,
                                            lambda s=strategy: createdb_copy(pg, template, "bench_copy", s))
                        for strategy in (None, "FILE_COPY")}
                server.drop_database(pg.url(), "bench_copy")
                rows.append(Row("named", f"`invoke demo.reset --name`, whole command, vs a bare copy, scale {scale}",
                                reset_cmd, "bare `createdb -T <template>` (WAL_LOG, the default)", bare[None],
                                goal="≤ 1.5x"))
                rows.append(Row("named", f"`createdb -T <template> -S FILE_COPY` (what a reset copies with), "
                                f"scale {scale}", bare["FILE_COPY"], "the same with WAL_LOG, the default", bare[None],
                                goal="< 1x"))
                with server.connect(pg.url()) as conn:
                    size = server.scalar(conn, "SELECT pg_database_size(%s)", (names[0],))
                sizing.append({"scale": scale, "disk_mib": size / 1_048_576, "reset_s": reset, "new_s": made,
                               "restore_s": full, "server_rss_mib": server_memory_kib(pg) / 1024,
                               "demos": len(names)})
                for name in names:
                    demos.drop(name, echo=lambda m: None)
                upkeep.gc(demos, echo=lambda m: None)
                server.drop_database(pg.url(), f"restored_{scale}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows, sizing
