"""Run every benchmark in one go; write docs/benchmarks/results.md and docs/benchmarks/chart.png.

    python -m benchmarks.run [--repeat 3] [--quick] [--only pipeline,image,s3,demo,scaling]
"""

import argparse
import dataclasses
import json
import os
import platform
import re
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.common import Row, markdown

PROJECT = Path(__file__).resolve().parent.parent
OUT = PROJECT / "docs" / "benchmarks"
GROUP_OF = {"pipeline": ("seed", "restore", "rebase", "build"), "image": ("image",), "s3": ("s3",),
            "demo": ("demo",), "scaling": ("scale",)}
ORDER = ("seed", "restore", "rebase", "build", "image", "s3", "demo", "scale")


def merged(new_rows: list[Row], measured: set[str]) -> list[Row]:
    """Rows of the groups measured now, plus the previous run's rows of the others."""
    fresh = {g for name in measured for g in GROUP_OF[name]}
    old = []
    if (OUT / "results.json").exists():
        old = [Row(**r) for r in json.loads((OUT / "results.json").read_text())]
    rows = [r for r in old if r.group not in fresh] + new_rows
    return sorted(rows, key=lambda r: ORDER.index(r.group))


def write_readme(table: str) -> None:
    readme = PROJECT / "README.md"
    text = readme.read_text()
    block = f"<!-- bench:start -->\n{table}<!-- bench:end -->"
    readme.write_text(re.sub(r"<!-- bench:start -->.*?<!-- bench:end -->", lambda m: block, text, flags=re.S))


def chart(rows, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    timed = [r for r in rows if r.unit == "s" and r.baseline]
    fig, ax = plt.subplots(figsize=(11, 0.45 * len(timed) + 1.5))
    names = [r.measured for r in timed]
    y = range(len(timed))
    ax.barh([i + 0.2 for i in y], [r.ours for r in timed], height=0.4, label="cpd-demo-db", color="#1d4ed8")
    ax.barh([i - 0.2 for i in y], [r.baseline for r in timed], height=0.4, label="baseline (bare tool / goal)",
            color="#9ca3af")
    ax.set_yticks(list(y), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("seconds (median, log scale)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    ax.set_title("cpd-demo-db beside the bare tools")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="scales 1 and 10 only (a smoke run)")
    parser.add_argument("--only", default="pipeline,image,s3,demo,scaling")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    big = 10 if args.quick else 100
    rows = []
    if "pipeline" in wanted:
        from benchmarks import pipeline

        rows += pipeline.measure(args.repeat, scales=(1, big))
    if "image" in wanted:
        from benchmarks import image_start

        rows += image_start.measure(args.repeat, scales=(1, big))
    if "s3" in wanted:
        from benchmarks import s3_restore

        rows += s3_restore.measure(args.repeat, scale=big)
    if "demo" in wanted:
        from benchmarks import demo_reset

        rows += demo_reset.measure(args.repeat)
    if "scaling" in wanted:
        from benchmarks import scaling

        rows += scaling.measure((1, 10) if args.quick else (1, 10, 100, 1000))
    OUT.mkdir(parents=True, exist_ok=True)
    rows = merged(rows, wanted)
    (OUT / "results.json").write_text(json.dumps([dataclasses.asdict(r) for r in rows], indent=1) + "\n")
    header = (f"Medians of {args.repeat} runs on {os.cpu_count()} cores ({platform.machine()}), "
              f"{datetime.now(timezone.utc):%Y-%m-%d}.")
    text = markdown(rows, header)
    (OUT / "results.md").write_text(text)
    write_readme(text)
    chart(rows, OUT / "chart.png")
    print(text)


if __name__ == "__main__":
    main()
