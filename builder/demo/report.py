"""What a demo database shows right now: version, anchor, live and upcoming events, the logins."""

import psycopg

from builder.config import DEFAULT_PASSWORD
from builder.errors import UserError
from builder.postgres import conninfo
from builder.postgres.server import connect

PERSONAS = [
    ("admin@cpdevents.com", "superuser", "Django admin and every platform feature"),
    ("organizer.pro@example.com", "organizer (Pro)", "Dr. Sarah Chen: paid events, Zoom, Stripe Connect, courses, invoices"),
    ("organizer.basic@example.com", "organizer (Basic)", "John Doe: free plan, the live Community Meetup, manual links"),
    ("speaker.guest@example.com", "speaker", "Prof. Alan Grant: guest speaker on the flagship keynote"),
    ("attendee.engaged@example.com", "attendee", "Alice Active: certificates, badges, completed course, CPD tracking"),
    ("attendee.casual@example.com", "attendee", "Bob Basic: waitlisted, stuck on Module 2, free events"),
    ("attendee.new@example.com", "attendee", "Charlie New: just signed up, in onboarding"),
    ("churned@example.com", "organizer (past due)", "Dunning: past-due subscription with an open invoice"),
]


def status(url: str) -> dict:
    """The snapshot row and each event's state at the instant the data represents (its anchor)."""
    with connect(url) as conn:
        try:
            meta = conn.execute(
                "SELECT version, seed, scale, anchor_at, rebased_at, timezone, now() FROM cpd_demo_snapshot"
            ).fetchone()
        except psycopg.errors.UndefinedTable:
            meta = None
        if meta is None:
            raise UserError(f"{conninfo.display(url)} is not a CPD demo database (no cpd_demo_snapshot row).")
        events = conn.execute(
            """SELECT title, status, starts_at, ends_at,
                      CASE WHEN s.anchor_at < starts_at THEN 'upcoming'
                           WHEN s.anchor_at <= ends_at THEN 'live' ELSE 'past' END
                 FROM events_event, cpd_demo_snapshot s ORDER BY starts_at"""
        ).fetchall()
    keys = ("version", "seed", "scale", "anchor_at", "rebased_at", "timezone", "now")
    return {**dict(zip(keys, meta)), "events": events}


def format_status(info: dict) -> list[str]:
    lines = [f"snapshot {info['version'] or '(unversioned)'} · seed {info['seed']} · scale {info['scale']}",
             f"data represents {info['anchor_at']:%Y-%m-%d %H:%M %Z}"
             + (f" (last rebase {info['rebased_at']:%Y-%m-%d %H:%M %Z})" if info["rebased_at"] else "")]
    for title, state, starts, ends, when in info["events"]:
        lines.append(f"  {when:<9} {title} [{state}] {starts:%Y-%m-%d %H:%M} – {ends:%Y-%m-%d %H:%M} UTC")
    return lines


def format_logins(password_is_default: bool = True) -> list[str]:
    password = DEFAULT_PASSWORD if password_is_default else "(the --password given at build time)"
    width = max(len(p[0]) for p in PERSONAS)
    lines = [f"  {'email':<{width}}  {'role':<21} what it shows"]
    lines += [f"  {email:<{width}}  {role:<21} {shows}" for email, role, shows in PERSONAS]
    lines.append(f"  password for every login: {password}   (demo use only)")
    return lines
