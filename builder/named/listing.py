"""`demo.list`'s table: one row per demo, columns as wide as their widest cell (a long prospect is
cut with …), times in this machine's zone with the zone named ("pinned" beside the instant of a demo
prepared with --now, which keep-live leaves there), and one line per broken demo why."""

from datetime import datetime

from builder.named.registry import Demo
from builder.postgres import conninfo

HEADER = ("NAME", "STATUS", "PROSPECT", "VERSION", "DATA AS OF", "CREATED", "LAST RESET", "EXPIRES", "SIZE",
          "CONNS", "HOST")
PROSPECT_WIDTH = 24


def _when(instant: datetime | None) -> str:
    return instant.astimezone().strftime("%Y-%m-%d %H:%M %Z") if instant else "–"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _size(n: int) -> str:
    return f"{n / 1_048_576:.0f} MiB" if n else "–"


def lines(demos: list[Demo], server_url: str) -> list[str]:
    if not demos:
        return ["no named demos on this server (`invoke demo.new --name NAME` makes one)"]
    values = conninfo.params(server_url)
    host = f"{values.get('host', 'localhost')}:{values.get('port', '5432')}"
    rows = [HEADER] + [(d.name, d.status(), _cut(d.prospect or "–", PROSPECT_WIDTH), d.version or "–",
                        _when(d.anchor_at) + (" pinned" if d.pinned_at else ""), _when(d.created_at),
                        _when(d.reset_at), _when(d.expires_at),
                        _size(d.size), str(d.connections), host) for d in demos]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    out += [f"{d.name}: broken, {d.problem} (`invoke demo.repair --name {d.name}`)" for d in demos if d.problem]
    return out
