"""Side-by-side timings of the pipeline against the bare Postgres tools.

For each scale: seed (create_demo_data into a migrated empty database) vs a data-only
pg_restore of the same rows; snapshot restore vs a bare pg_restore of the same dump into an
empty database; the date rebase vs one plain `UPDATE t SET c = c` over the same rows and
columns. Then `snapshot.build` at scale 1 end to end. Medians of --repeat runs, and ratios.
"""

import os
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.common import Row, build, median_of, run_child
from builder.clock import parse_instant
from builder.postgres import binaries as pgbin
from builder.postgres import conninfo, meta
from builder.postgres import databases as database
from builder.postgres import rebase as rebase_sql
from builder.postgres.embedded import EmbeddedPostgres
from builder.project import load as load_project
from builder.snapshot import build as snapshot_build
from builder.snapshot import django_side
from builder.snapshot.restore import restore
from builder.store import manifest as artifact

ANCHOR = "2026-03-15T14:30:00Z"
ANCHOR_AT = datetime(2026, 3, 15, 14, 30, tzinfo=timezone.utc)


def plain_rewrite_sql(url: str) -> list[str]:
    """One `UPDATE t SET c = c, ...` per table over the same columns the rebase rewrites."""
    return [f'UPDATE {table} SET ' + ", ".join(f'"{c}" = "{c}"' for c in columns)
            for table, columns in rebase_sql.rebased_columns(url).items()]


def measure(repeat: int = 3, scales=(1, 100)) -> list[Row]:
    results = []
    work = Path(tempfile.mkdtemp(prefix="cpd-bench-"))
    try:
        with EmbeddedPostgres() as pg:
            admin = pg.url()
            database.create_database(admin, "bench_template")
            project = load_project()
            django_side.run(project, "migrate", pg.url("bench_template"))
            rules = snapshot_build.compile_rules(project, pg.url("bench_template"))
            pg_restore = pgbin.require("pg_restore", pg.major)
            for scale in scales:
                out = work / f"s{scale}"
                snap = build(provider="embedded", scale=scale, anchor=ANCHOR, output=out, echo=lambda m: None)
                version_dir = out / snap.version
                rows = snap.manifest["total_rows"]

                def fresh(name, template="bench_template"):
                    database.drop_database(admin, name)
                    database.create_database(admin, name, template=template)

                options = snapshot_build.BuildOptions(scale=scale)
                seed_t = median_of(repeat, lambda: fresh("bench_seed"), lambda: snapshot_build.seed(
                    project, pg.url("bench_seed"), options, ANCHOR_AT, work / "media", rules,
                    echo=lambda m: None))
                seed_url, secret = conninfo.child_args(pg.url("bench_seed"))  # the password by environment
                data_only = [pg_restore, "--data-only", "--disable-triggers", "--no-owner", "--exit-on-error",
                             "--dbname", seed_url, str(version_dir / artifact.DUMP)]
                def fresh_without_django_rows():
                    # migrate wrote these; the dump carries them too, and the engine's own tables.
                    fresh("bench_seed")
                    with database.connect(pg.url("bench_seed")) as conn:
                        conn.execute("TRUNCATE django_migrations, django_content_type, auth_permission CASCADE")
                        conn.execute(meta.DDL)

                load_t = median_of(repeat, fresh_without_django_rows,
                                   lambda: run_child(data_only, env=secret))
                results.append(Row("seed", f"seed, scale {scale} ({rows:,} rows, {rows / seed_t:,.0f} rows/s)",
                                   seed_t, "pg_restore --data-only of the same rows", load_t,
                                   goal="≤ 5x at scale 100"))

                def settle():
                    # Every timed run, ours or the baseline, starts on a quiet server: the previous
                    # run's writes flushed (on a 2-core machine they otherwise land on the next run).
                    with database.connect(admin) as conn:
                        conn.execute("CHECKPOINT")
                    os.sync()
                    time.sleep(1)

                ours = median_of(repeat, settle, lambda: restore(
                    str(out), "latest", pg.url("bench_restore"), echo=lambda m: None))
                bare_url, secret = conninfo.child_args(pg.url("bench_bare"))
                bare = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={os.cpu_count()}",
                        "--dbname", bare_url, str(version_dir / artifact.DUMP)]
                bare_t = median_of(repeat, lambda: (fresh("bench_bare", "template0"), settle()),
                                   lambda: run_child(bare, env=secret))
                results.append(Row("restore", f"snapshot.restore, scale {scale}", ours,
                                   "bare pg_restore into an empty db", bare_t, goal="≤ 1.5x"))

                rewrite = plain_rewrite_sql(pg.url("bench_bare"))
                nows = iter([parse_instant(f"20{27 + i}-01-01T00:00Z", zone="UTC") for i in range(repeat)])
                rebase_t = median_of(repeat, settle, lambda: rebase_sql.run(pg.url("bench_bare"), next(nows)))

                def plain():
                    # The same transport as the rebase: one connection, one transaction.
                    with database.connect(pg.url("bench_bare")) as conn, conn.transaction():
                        for statement in rewrite:
                            conn.execute(statement)

                plain_t = median_of(repeat, settle, plain)
                results.append(Row("rebase", f"rebase, scale {scale}", rebase_t,
                                   "UPDATE t SET c = c over the same columns", plain_t, goal="≤ 1.5x"))
        b_out = work / "build"
        build_t = median_of(repeat, lambda: shutil.rmtree(b_out, ignore_errors=True),
                            lambda: build(provider="embedded", scale=1, output=b_out, echo=lambda m: None))
        results.append(Row("build", "snapshot.build, scale 1, end to end", build_t, "–", None, goal="< 20 s"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results
