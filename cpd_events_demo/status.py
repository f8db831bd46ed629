"""The CPD Events demo's status lines (the `status` hook of cpd-demo.toml): what a buyer sees at the
instant the data represents: the live event, the next upcoming ones, the latest past ones."""

import psycopg

SHOWN_UPCOMING, SHOWN_PAST = 5, 3


def events(conn: psycopg.Connection) -> list[tuple]:
    """Every event with its state at the data's instant: (title, status, local start, local end, when, zone)."""
    return conn.execute(
        """SELECT e.title, e.status, e.starts_at AT TIME ZONE e.timezone, e.ends_at AT TIME ZONE e.timezone,
                  CASE WHEN s.anchor_at < e.starts_at THEN 'upcoming'
                       WHEN s.anchor_at <= e.ends_at THEN 'live' ELSE 'past' END, e.timezone
             FROM events_event e, cpd_demo_snapshot s ORDER BY e.starts_at""").fetchall()


def lines(conn: psycopg.Connection, facts: dict) -> list[str]:
    found = events(conn)
    shown = ([e for e in found if e[4] == "live"] + [e for e in found if e[4] == "upcoming"][:SHOWN_UPCOMING]
             + [e for e in found if e[4] == "past"][-SHOWN_PAST:])
    out = []
    for title, state, starts, ends, when, zone in shown:
        span = f"{starts:%a %d %b %Y %H:%M}–{ends:%H:%M}" if starts.date() == ends.date() else \
            f"{starts:%a %d %b %Y %H:%M} – {ends:%a %d %b %H:%M}"
        out.append(f"  {when:<9} {title} [{state}] {span} {zone}")
    hidden = len(found) - len(shown)
    if hidden:
        out.append(f"  … and {hidden} more events (the admin lists them all)")
    return out
