"""Run every benchmark in one go; write docs/benchmarks/results.md and docs/benchmarks/chart.png.

    python -m benchmarks.run [--repeat 3] [--quick] [--large] [--only pipeline,image,s3,demo,named,console,scaling,profile]
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
            "demo": ("demo",), "named": ("named",), "console": ("console",), "scaling": ("scale",),
            "profile": ()}
ORDER = ("seed", "restore", "rebase", "build", "image", "named", "console", "s3", "demo", "scale")
ALL = "pipeline,image,s3,demo,named,console,scaling,profile"
WEIGHT = "docker pull over its base"  # image_start's rows, shown again in docs/image.md


def merged(new_rows: list[Row], measured: set[str]) -> list[Row]:
    """Rows of the groups measured now, plus the previous run's rows of the others."""
    fresh = {g for name in measured for g in GROUP_OF[name]}
    old = []
    if (OUT / "results.json").exists():
        old = [Row(**r) for r in json.loads((OUT / "results.json").read_text())]
    rows = [r for r in old if r.group not in fresh] + new_rows
    return sorted(rows, key=lambda r: ORDER.index(r.group))


def write_docs(table: str, weight: str) -> None:
    """The full table (docs/reference.md's speed section), and the image's weight again in docs/image.md."""
    for page, name, body in ((PROJECT / "docs" / "reference.md", "bench", table),
                             (PROJECT / "docs" / "image.md", "weight", weight)):
        text = page.read_text()
        block = f"<!-- {name}:start -->\n{body}<!-- {name}:end -->"
        page.write_text(re.sub(rf"<!-- {name}:start -->.*?<!-- {name}:end -->", lambda m: block, text, flags=re.S))


def scale_of(row: Row) -> int | None:
    match = re.search(r"scale (\d+)", row.measured)
    return int(match.group(1)) if match else None


def chart(rows: list[Row], path: Path) -> None:
    """One panel per measured cost: ours and its baseline against the scale (log-log)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series: dict[str, list[Row]] = {}
    for r in rows:
        if r.unit == "s" and r.baseline and scale_of(r) is not None:
            series.setdefault(re.sub(r",? ?scale \d+.*$", "", r.measured.split(" (")[0]), []).append(r)
    panels = [(name, sorted(rs, key=lambda r: scale_of(r) or 0)) for name, rs in series.items()]
    cols = 3
    fig, axes = plt.subplots((len(panels) + cols - 1) // cols, cols, figsize=(13, 3.4 * ((len(panels) + 2) // 3)),
                             squeeze=False)
    for ax, (name, rs) in zip(axes.flat, panels, strict=False):
        xs = [scale_of(r) for r in rs]
        ax.plot(xs, [r.ours for r in rs], "o-", color="#1d4ed8", label="cpd-demo-db")
        ax.plot(xs, [r.baseline for r in rs], "s--", color="#9ca3af", label=rs[0].baseline_name[:40])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("scale", fontsize=8)
        ax.set_ylabel("seconds (median)", fontsize=8)
        ax.legend(fontsize=7)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle("How each cost grows with scale, beside its baseline")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="scales 1 and 10 only (a smoke run)")
    parser.add_argument("--large", action="store_true", help="also scale 1000 (several minutes more)")
    parser.add_argument("--only", default=ALL)
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    scales = (1, 10) if args.quick else (1, 10, 100) + ((1000,) if args.large else ())
    image_scales = (1, 10) if args.quick else (1, 100) + ((1000,) if args.large else ())
    rows = []
    if "pipeline" in wanted:
        from benchmarks import pipeline

        rows += pipeline.measure(args.repeat, scales=scales)
    if "image" in wanted:
        from benchmarks import image_start

        rows += image_start.measure(args.repeat, scales=image_scales)
    if "named" in wanted:
        from benchmarks import named_demos

        named_rows, sizing = named_demos.measure(args.repeat, scales=scales)
        rows += named_rows
        (OUT / "team-server-sizing.json").write_text(json.dumps(sizing, indent=1) + "\n")
    if "console" in wanted:
        from benchmarks import console

        rows += console.measure(args.repeat)
    if "s3" in wanted:
        from benchmarks import s3_restore

        rows += s3_restore.measure(args.repeat, scale=scales[-1] if scales[-1] <= 100 else 100)
    if "demo" in wanted:
        from benchmarks import demo_reset

        rows += demo_reset.measure(args.repeat)
    if "scaling" in wanted:
        from benchmarks import scaling

        rows += scaling.measure((1, 10) if args.quick else (1, 10, 100, 1000))
    if "profile" in wanted:
        from benchmarks import profile

        print(profile.write(100 if not args.quick else 10, OUT / "profile.md"))
    OUT.mkdir(parents=True, exist_ok=True)
    rows = merged(rows, wanted)
    (OUT / "results.json").write_text(json.dumps([dataclasses.asdict(r) for r in rows], indent=1) + "\n")
    header = (f"Medians of {args.repeat} runs on {os.cpu_count()} cores ({platform.machine()}), "
              f"{datetime.now(timezone.utc):%Y-%m-%d}.")
    text = markdown(rows, header)
    (OUT / "results.md").write_text(text)
    write_docs(text, markdown([r for r in rows if r.measured.startswith(WEIGHT)], header))
    print(text)
    try:
        chart(rows, OUT / "chart.png")
    except ModuleNotFoundError:  # the results are written; only the picture needs the bench extra
        print("The chart was not drawn: it needs matplotlib (pip install -e '.[bench]').")


if __name__ == "__main__":
    main()
