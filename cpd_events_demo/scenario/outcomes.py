"""7. Outcomes: certificates and badges follow the engagement data by rule, never a list; Alice's
CPD requirement for the year.

- An event certificate needs CERTIFICATE_MIN_ATTENDANCE of the event's live-session time.
- A course certificate follows a completed enrollment; a hybrid course's, the required live session too.
- Workshop Survivor comes with an event certificate, Certified Expert with a course certificate,
  Early Adopter with a first certificate for people who joined in the platform's first days.
- Certificates use the organizer's own template where there is one, else the system default.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from cpd_events_demo import plan
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.context import Context

CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def create_outcomes(ctx: Context) -> str:
    certificates: list[r.Certificate] = []
    badges: list[r.Badge] = []
    codes: set[str] = set()

    def code() -> str:
        while True:
            value = f"CPD-{ctx.token(4, CODE_LETTERS)}-{ctx.token(4, CODE_LETTERS)}"
            if value not in codes:
                codes.add(value)
                return value

    for key, event in ctx.events.items():
        if not event.certificates_enabled or event.ends_at > ctx.anchor:
            continue
        template = template_for(ctx, event.owner)
        issued = event.ends_at + timedelta(hours=1, minutes=ctx.rng.randrange(20))
        for user in eligible(ctx.sessions[key], ctx.attendance[key]):
            certificates.append(r.Certificate(template, user, event, None, issued, event.cpd_credits, code()))
            badges.append(r.Badge(ctx.badge_templates["Workshop Survivor"], user, issued, event=event))
    for course in ctx.courses.values():
        template = template_for(ctx, course.owner)
        for enrollment in completed(ctx, course):
            assert enrollment.completed_at is not None
            issued = enrollment.completed_at + timedelta(minutes=5)
            certificates.append(r.Certificate(template, enrollment.user, None, course, issued, course.cpd_credits, code()))
            badges.append(r.Badge(ctx.badge_templates["Certified Expert"], enrollment.user, issued, course=course))
    for user, issued in early_adopters(ctx.drawn.of(r.User), certificates):
        badges.append(r.Badge(ctx.badge_templates["Early Adopter"], user, issued))
    ctx.drawn.many(certificates)
    ctx.drawn.many(badges)
    # Alice's CPD cycle: the calendar year she is tracking credits against.
    year = ctx.cal.local_date(ctx.anchor).year
    ctx.drawn.one(r.CPDRequirement(ctx.users["alice"], f"{plan.CPD_REQUIREMENT} {year}",
                                   Decimal(plan.CPD_REQUIRED_CREDITS), date(year, 1, 1), date(year, 12, 31)))
    return f"{len(certificates)} certificates, {len(badges)} badges, 1 CPD requirement"


def template_for(ctx: Context, owner: r.User) -> r.CertificateTemplate:
    """The organizer's own certificate template where there is one, else the system default."""
    templates = ctx.certificate_templates.values()
    return next((t for t in templates if t.owner is owner), None) or next(t for t in templates if t.is_system_default)


def eligible(sessions: list[r.Session], attended: list[r.Attendance]) -> list[r.User]:
    """Users who attended at least CERTIFICATE_MIN_ATTENDANCE of the event's live-session time."""
    live = [s for s in sessions if s.session_type == "live"]
    needed = sum((s.ends_at - s.starts_at).total_seconds() for s in live) * plan.CERTIFICATE_MIN_ATTENDANCE
    seconds: dict[r.User, float] = {}
    for a in attended:
        user = a.registration.user
        if a.left_at is None or user is None or a.session not in live:
            continue
        overlap = (min(a.left_at, a.session.ends_at) - max(a.joined_at, a.session.starts_at)).total_seconds()
        seconds[user] = seconds.get(user, 0) + max(0.0, overlap)
    return sorted((u for u, s in seconds.items() if needed and s >= needed), key=lambda u: u.id)


def completed(ctx: Context, course: r.Course) -> list[r.Enrollment]:
    """Its completed enrollments; for a hybrid course, of those who also attended its live session."""
    done = [e for e in ctx.enrollments if e.course is course and e.status == "completed"]
    if course.required_session:
        there = {a.registration.user for came in ctx.attendance.values() for a in came
                 if a.session is course.required_session}
        done = [e for e in done if e.user in there]
    return done


def early_adopters(users: Iterable[r.User], certificates: list[r.Certificate]) -> list[tuple[r.User, datetime]]:
    """People who joined within EARLY_ADOPTER_DAYS of the platform's first account, with the
    instant of their first certificate."""
    first_join = min(u.date_joined for u in users)
    first: dict[r.User, datetime] = {}
    for c in certificates:
        first[c.recipient] = min(c.issued_at, first.get(c.recipient, c.issued_at))
    return [(user, first[user]) for user in sorted(first, key=lambda u: u.id)
            if user.date_joined <= first_join + timedelta(days=plan.EARLY_ADOPTER_DAYS)]
