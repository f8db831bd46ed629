"""Where the time goes: a restore stage by stage, and the rebase table by table, at one scale.
Writes docs/benchmarks/profile.md."""

import tempfile
import time
from pathlib import Path

from benchmarks.common import build
from builder.postgres import databases, rebase
from builder.postgres.embedded import EmbeddedPostgres
from builder.snapshot.restore import restore


def restore_stages(src: str, url: str) -> list[tuple[str, float]]:
    """Seconds from each progress line of a restore to the next."""
    marks: list[tuple[float, str]] = []
    started = time.monotonic()
    restore(src, "latest", url, echo=lambda m: marks.append((time.monotonic(), m.strip())))
    ended = time.monotonic()
    stages = [(m, t) for t, m in marks if m.startswith("→")]
    out, previous = [("start-up (store, lock, checks)", stages[0][1] - started if stages else 0.0)], None
    for (name, t), nxt in zip(stages, [*stages[1:], ("", ended)], strict=True):
        out.append((name.removeprefix("→ ").split(" into ")[0].split(" from ")[0], nxt[1] - t))
        previous = name
    del previous
    return out


def rebase_tables(url: str) -> list[tuple[str, float]]:
    """The rebase (its functions and the call) with a timestamp after each table's UPDATE (RAISE NOTICE)."""
    call = "    PERFORM pg_temp.cpd_rebase_table(tbl.rel, tbl.schema_name, tbl.table_name);\n"
    body = rebase.sql_parts()[0].replace(call, call + "    RAISE NOTICE 'cpd % %', tbl.table_name, clock_timestamp();\n")
    notes: list[tuple[float, str]] = []
    with databases.connect(url) as conn:
        conn.add_notice_handler(lambda d: notes.append((time.monotonic(), d.message_primary or "")))
        started = time.monotonic()
        with conn.transaction():
            conn.execute("SELECT set_config('cpd_demo.now', '2031-06-02T14:00:00Z', true)")
            conn.execute(body)
        ended = time.monotonic()
    out, previous = [], started
    for t, message in notes:
        out.append((message.split()[1], t - previous))
        previous = t
    out.append(("commit and the snapshot row", ended - previous))
    return out


def write(scale: int, out: Path) -> str:
    with tempfile.TemporaryDirectory(prefix="cpd-bench-profile-") as tmp, EmbeddedPostgres() as pg:
        snap = build(provider="embedded", scale=scale, output=tmp, echo=lambda m: None)
        stages = restore_stages(tmp, pg.url("profiled"))
        tables = rebase_tables(pg.url("profiled"))
    rows = snap.manifest["total_rows"]
    lines = [f"# Where the time goes (scale {scale}, {rows:,} rows)", "",
             "Measured by `python -m benchmarks.run --only profile` on this machine (2 cores, shared: single runs,",
             "so read the shares, not the last digit).", "", "## snapshot.restore, stage by stage", "",
             "| stage | seconds |", "|---|---:|"]
    lines += [f"| {name} | {secs:.3f} |" for name, secs in stages]
    lines += ["", "## The rebase, table by table (one UPDATE each; the first row includes finding the live rows)", "",
              "| table | seconds |", "|---|---:|"]
    lines += [f"| {name} | {secs:.3f} |" for name, secs in sorted(tables, key=lambda x: -x[1]) if secs >= 0.001]
    text = "\n".join(lines) + "\n"
    out.write_text(text)
    return text
