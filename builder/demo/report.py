"""What a demo database shows right now: version, anchor, live and upcoming events, the logins."""

from datetime import timezone
from zoneinfo import ZoneInfo

import psycopg

from builder import plan
from builder.config import DEFAULT_PASSWORD
from builder.errors import UserError
from builder.postgres import conninfo
from builder.postgres.server import connect


def snapshot_row(conn: psycopg.Connection, url: str, columns: str) -> tuple:
    """`columns` of the cpd_demo_snapshot row, or one sentence if `url` is not a demo database."""
    try:
        row = conn.execute(f"SELECT {columns} FROM cpd_demo_snapshot").fetchone()
    except psycopg.errors.UndefinedTable:
        row = None
    if row is None:
        raise UserError(f"{conninfo.display(url)} is not a CPD demo database (no cpd_demo_snapshot row).")
    return row


def status(url: str) -> dict:
    """The snapshot row and each event's state at the instant the data represents (its anchor)."""
    with connect(url) as conn:
        meta = snapshot_row(conn, url, "version, seed, scale, anchor_at, rebased_at, timezone, now()")
        events = conn.execute(
            """SELECT e.title, e.status, e.starts_at AT TIME ZONE e.timezone, e.ends_at AT TIME ZONE e.timezone,
                      CASE WHEN s.anchor_at < e.starts_at THEN 'upcoming'
                           WHEN s.anchor_at <= e.ends_at THEN 'live' ELSE 'past' END, e.timezone
                 FROM events_event e, cpd_demo_snapshot s ORDER BY e.starts_at"""
        ).fetchall()
    keys = ("version", "seed", "scale", "anchor_at", "rebased_at", "timezone", "now")
    return {**dict(zip(keys, meta, strict=True)), "events": events}


SHOWN_UPCOMING, SHOWN_PAST = 5, 3


def format_status(info: dict) -> list[str]:
    zone = ZoneInfo(info["timezone"])
    anchor = info["anchor_at"]
    lines = [f"snapshot {info['version'] or '(unversioned)'} · seed {info['seed']} · scale {info['scale']}",
             f"data represents {anchor.astimezone(zone):%Y-%m-%d %H:%M %Z} ({anchor.astimezone(timezone.utc):%H:%M} UTC)"
             + (f", last rebased {info['rebased_at'].astimezone(zone):%Y-%m-%d %H:%M %Z}" if info["rebased_at"] else "")]
    events = info["events"]
    shown = ([e for e in events if e[4] == "live"] + [e for e in events if e[4] == "upcoming"][:SHOWN_UPCOMING]
             + [e for e in events if e[4] == "past"][-SHOWN_PAST:])
    for title, state, starts, ends, when, zone in shown:
        span = f"{starts:%a %d %b %Y %H:%M}–{ends:%H:%M}" if starts.date() == ends.date() else \
            f"{starts:%a %d %b %Y %H:%M} – {ends:%a %d %b %H:%M}"
        lines.append(f"  {when:<9} {title} [{state}] {span} {zone}")
    hidden = len(events) - len(shown)
    if hidden:
        lines.append(f"  … and {hidden} more events (the admin lists them all)")
    return lines


def format_logins(password_is_default: bool = True) -> list[str]:
    password = DEFAULT_PASSWORD if password_is_default else "(the --password given at build time)"
    width = max(len(p.email) for p in plan.PERSONAS)
    lines = [f"  {'email':<{width}}  {'role':<21} what it shows"]
    lines += [f"  {p.email:<{width}}  {p.login_as:<21} {p.shows}" for p in plan.PERSONAS]
    lines.append(f"  password for every login: {password}   (demo use only)")
    return lines
