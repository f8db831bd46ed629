"""What a demo database shows right now: the snapshot it holds and the instant it represents, the
project's own status lines (its status hook: what is live, what is next), and its logins."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from builder import hooks
from builder.errors import UserError
from builder.hooks import facts
from builder.postgres import meta
from builder.postgres.databases import connect
from builder.project import Project
from builder.settings import DEFAULT_PASSWORD

PREPARED = timedelta(minutes=5)  # data further than this from the moment of its rebase was prepared for an instant


def prepared_for(url: str) -> datetime | None:
    """The instant a demo database was prepared for (`demo.reset --now`), or None where it was rebased
    to the moment it ran (or is no demo database): where the pages' clock starts."""
    try:
        with connect(url) as conn:
            snap = meta.read(conn, url)
    except UserError:
        return None
    if snap.rebased_at is None or abs(snap.anchor_at - snap.rebased_at) <= PREPARED:
        return None
    return snap.anchor_at


def status_lines(project: Project, url: str) -> list[str]:
    """The snapshot line, the instant the data represents (in the project's zone and UTC), then the
    project's status lines."""
    hook = hooks.status(project)
    with connect(url) as conn:
        snap = meta.read(conn, url)
        extra = hook(conn, facts(snap)) if hook else []
    zone = ZoneInfo(snap.timezone)
    anchor = snap.anchor_at
    lines = [f"snapshot {snap.version or '(unversioned)'} · seed {snap.seed} · scale {snap.scale}"
             + (f" · for {snap.prospect}" if snap.prospect else ""),
             f"data represents {anchor.astimezone(zone):%Y-%m-%d %H:%M %Z} ({anchor.astimezone(timezone.utc):%H:%M} UTC)"
             + (f", last rebased {snap.rebased_at.astimezone(zone):%Y-%m-%d %H:%M %Z}" if snap.rebased_at else "")]
    return lines + extra


def login_lines(project: Project, password_is_default: bool = True) -> list[str]:
    rows = hooks.logins(project)
    if not rows:
        return []
    width = max(len(login) for login, _, _ in rows)
    role_width = max(len(role) for _, role, _ in rows)
    lines = [f"  {'login':<{width}}  {'role':<{role_width}}  what it shows"]
    lines += [f"  {login:<{width}}  {role:<{role_width}}  {shows}" for login, role, shows in rows]
    if project.login_password:
        password = DEFAULT_PASSWORD if password_is_default else "(the --password given at build time)"
        lines.append(f"  password for every login: {project.login_password.format(password=password)}   "
                     "(demo use only)")
    lines.append("  where they work: every login on the platform's own site pointed at this database; the pages "
                 "demo.open and demo.admin serve (the admin) take staff logins only, and there the superuser "
                 "sees each persona's world")
    return lines
