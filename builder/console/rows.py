"""A demo as the console shows it: its status in words a sales team uses, times relative to now,
what a buyer sees (the project's first status lines, stored at the demo's latest rebase) and as of
when (pinned where it was prepared with --now), where Open leads, and the API's JSON of it."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from builder.console.jobs import VERBS, Job
from builder.named.registry import Demo

STATUS_TEXT = {"ready": "Ready", "busy": "Busy", "making": "Being made", "dropping": "Being dropped",
               "expiring": "Expiring soon", "expired": "Expired", "broken": "Broken"}
SHOWN_LINES = 2  # the live thing and the next one, for a product whose status hook lists them first


def relative(instant: datetime | None, now: datetime) -> str:
    """"5 min ago", "in 3 h", "just now": what a person reads at a glance."""
    if instant is None:
        return ""
    delta = instant - now
    seconds = abs(delta.total_seconds())
    if seconds < 45:
        return "just now"
    if seconds < 59.5 * 60:
        text = f"{max(1, round(seconds / 60))} min"
    elif seconds < 48 * 3600:
        text = f"{round(seconds / 3600)} h"
    else:
        text = f"{round(seconds / 86400)} d"
    return f"in {text}" if delta > timedelta(0) else f"{text} ago"


def version_label(version: str) -> str:
    """20261123T210155Z-488c1fb6 as "23 Nov 2026 21:01 UTC · 488c1fb6": when the snapshot was built, and
    the start of its content digest (two builds of one minute differ there)."""
    try:
        built = datetime.strptime(version[:16], "%Y%m%dT%H%M%SZ").strftime("%d %b %Y %H:%M UTC").lstrip("0")
    except ValueError:
        return version
    return f"{built} · {version[17:]}" if len(version) > 17 else built


def as_of(instant: datetime | None, zone: str) -> str:
    """The instant a demo's data shows, in the platform's zone: "24 Nov 2026 09:30 EST"."""
    if instant is None:
        return ""
    return instant.astimezone(ZoneInfo(zone)).strftime("%d %b %Y %H:%M %Z").lstrip("0")


def size(n: int) -> str:
    if not n:
        return "–"
    return f"{n / 1_048_576:.0f} MiB" if n < 10 * 1024 ** 3 else f"{n / 1024 ** 3:.1f} GiB"


@dataclass
class Seen:
    label: str
    text: str


def seen(lines: list[str]) -> list[Seen]:
    """A status line "live  Title …" as a label and its text (a line of one word is all text)."""
    out = []
    for line in lines[:SHOWN_LINES]:
        head, _, rest = line.strip().partition(" ")
        out.append(Seen(head, rest.strip()) if rest.strip() and head.isalpha() and len(head) <= 12 else Seen("", line))
    return out


@dataclass
class Row:
    demo: Demo
    status: str
    status_text: str
    doing: str          # "resetting by alice": what a command is doing to it now
    seen: list[Seen]
    seen_all: str
    size: str
    created: str
    reset: str
    expires: str
    on_newest: bool
    as_of: str = ""     # the instant its data shows, in the platform's zone
    open_href: str = ""  # where Open leads: the project's pages through the console, or [demo] open_url

    @property
    def version_date(self) -> str:
        """The day its snapshot was built (the full version is in the cell's title)."""
        return version_label(self.demo.version).split(" · ")[0].rsplit(" ", 2)[0]

    @classmethod
    def of(cls, demo: Demo, now: datetime, newest: str | None, job: Job | None = None, zone: str = "UTC",
           open_url: str = "") -> "Row":
        status = demo.status(now)
        doing = demo.busy_with
        if job is not None and status in ("ready", "busy", "expiring", "expired"):
            status, doing = "busy", doing or f"{VERBS.get(job.action, (job.action,))[0].lower()} by {job.by}"
        text = STATUS_TEXT.get(status, status.title())
        if status == "busy" and doing:
            verb, _, by = doing.partition(" by ")
            text = f"{verb[:1].upper()}{verb[1:]}" + (f" · {by}" if by else "")
        return cls(demo=demo, status=status, status_text=text, doing=doing, seen=seen(demo.shows),
                   seen_all="\n".join(demo.shows), size=size(demo.size), created=relative(demo.created_at, now),
                   reset=relative(demo.reset_at, now), expires=relative(demo.expires_at, now),
                   on_newest=newest is None or demo.version == newest, as_of=as_of(demo.anchor_at, zone),
                   open_href=open_url.format(name=demo.name) if open_url else f"/open/{demo.name}/")


def as_json(demo: Demo, now: datetime, newest: str | None = None) -> dict:
    """A demo in the API: every column of the page, times in ISO 8601 (UTC offsets kept)."""
    def iso(instant: datetime | None) -> str | None:
        return instant.isoformat() if instant else None

    return {"name": demo.name, "prospect": demo.prospect, "version": demo.version, "status": demo.status(now),
            "problem": demo.problem, "busy_with": demo.busy_with, "created_by": demo.created_by,
            "created_at": iso(demo.created_at), "reset_by": demo.reset_by, "reset_at": iso(demo.reset_at),
            "expires_at": iso(demo.expires_at), "protected": demo.protected, "size_bytes": demo.size,
            "connections": demo.connections, "data_as_of": iso(demo.anchor_at), "pinned": demo.pinned_at is not None,
            "shows": list(demo.shows),
            "on_newest": newest is None or demo.version == newest}
