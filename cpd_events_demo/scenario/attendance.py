"""Who came and what they said: attendance at each live session of an event that is over (Zoom
joins and leaves online, door check-ins in person), check-ins at the live event, and feedback."""

from datetime import datetime, timedelta

from cpd_events_demo import plan, world
from cpd_events_demo.plan import EventSpec
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.calendar import floor_quarter
from cpd_events_demo.scenario.context import Context

Segments = list[tuple[datetime, datetime]]


def attendance(ctx: Context, spec: EventSpec, sessions: list[r.Session], regs: list[r.Registration],
               ) -> list[r.Attendance]:
    """The personas as their seats say; of everyone else confirmed, most stay, some drop in and out."""
    stays = {ctx.users[seat.persona]: seat.stays for seat in spec.registrations.seats}
    online = spec.format == "online"
    out = []
    for reg in regs:
        if reg.status != "confirmed":
            continue
        skip = ctx.rng.random() < (0.15 if online else 0.08)
        for session in (s for s in sessions if s.session_type == "live"):
            start, end = session.starts_at, session.ends_at
            if reg.user in stays:
                segments = [(start + timedelta(minutes=joined),
                             end + timedelta(minutes=1) if left is None else start + timedelta(minutes=left))
                            for joined, left in stays[reg.user]]
            elif skip:
                segments = []
            elif online:
                segments = online_segments(ctx, start, end)
            else:
                segments = [(start - timedelta(minutes=ctx.rng.randint(0, 12), seconds=ctx.rng.randrange(60)),
                             end + timedelta(minutes=ctx.rng.randint(-15, 6), seconds=ctx.rng.randrange(60)))]
            out += [r.Attendance(reg, session, joined, left, "zoom" if online else "check_in")
                    for joined, left in segments]
    return out


def online_segments(ctx: Context, start: datetime, end: datetime) -> Segments:
    rng = ctx.rng
    roll = rng.random()
    seconds = rng.randrange(60)
    if roll < 0.7:      # stayed for (nearly) all of it
        return [(start + timedelta(minutes=rng.randint(-4, 6), seconds=seconds),
                 end + timedelta(minutes=rng.randint(-3, 3), seconds=rng.randrange(60)))]
    first_in = start + timedelta(minutes=rng.randint(0, 20), seconds=seconds)
    first_out = first_in + timedelta(minutes=rng.randint(5, 25), seconds=rng.randrange(60))
    segments = [(first_in, first_out)]
    if rng.random() < 0.5:
        back = first_out + timedelta(minutes=rng.randint(2, 10))
        if back < end:
            segments.append((back, min(end, back + timedelta(minutes=rng.randint(5, 20)))))
    return segments


def check_ins(ctx: Context, session: r.Session, regs: list[r.Registration]) -> list[r.Attendance]:
    """Door check-ins at the live event: most are still in the room (no left_at yet)."""
    before = floor_quarter(ctx.anchor)  # on the quarter the live event moves by: always in the past
    out = []
    for reg in regs:
        if ctx.rng.random() > 0.7:
            continue
        joined = session.starts_at + timedelta(seconds=ctx.rng.randint(-600, int(
            (before - session.starts_at).total_seconds()) - 120))
        left = None
        if ctx.rng.random() < 0.15:
            left = joined + timedelta(seconds=ctx.rng.randint(120, max(121, int((before - joined).total_seconds()) - 60)))
        out.append(r.Attendance(reg, session, joined, left, "check_in"))
    return out


def feedback(ctx: Context, spec: EventSpec, event: r.Event, attended: list[r.Attendance]) -> list[r.Feedback]:
    """The personas' feedback as their seats give it; then two of those who came at least, and four in ten."""
    after = event.ends_at
    rows = []
    for seat in spec.registrations.seats:
        if seat.feedback:
            rows.append(r.Feedback(event, ctx.users[seat.persona], seat.feedback.rating, seat.feedback.comment,
                                   after + timedelta(minutes=seat.feedback.minutes_after,
                                                     seconds=ctx.rng.randrange(60))))
    done = {f.user for f in rows}
    came = sorted({a.registration.user for a in attended if a.registration.user} - done, key=lambda u: u.id)
    for n, user in enumerate(came):
        if n >= 2 and ctx.rng.random() > 0.4:
            continue
        rating = ctx.rng.choices([5, 4, 3, 2, 1], weights=[40, 35, 15, 7, 3])[0]
        rows.append(r.Feedback(event, user, rating, comment(ctx, spec, rating),
                               ctx.cal.human(after, min(after + timedelta(hours=plan.FEEDBACK_HOURS), ctx.anchor),
                                             ctx.zones[user])))
    return rows


def comment(ctx: Context, spec: EventSpec, rating: int) -> str:
    """What someone wrote with their rating, in their own words: a verdict, often a detail of the
    session (online or in the room), sometimes a last word; now and then nothing. Words already
    written by someone else are drawn again, a few times."""
    rng = ctx.rng
    if rng.random() < world.FEEDBACK_SILENT:
        return ""
    place = world.FEEDBACK_DETAILS_ONLINE if spec.format == "online" else world.FEEDBACK_DETAILS_IN_PERSON
    details = world.FEEDBACK_DETAILS[rating] + place[rating]
    text = ""
    for _ in range(4):
        parts = [rng.choice(world.FEEDBACK_VERDICTS[rating])]
        if rng.random() < world.FEEDBACK_DETAIL:
            parts.append(rng.choice(details))
        if rng.random() < world.FEEDBACK_CODA:
            parts.append(rng.choice(world.FEEDBACK_CODAS[rating]))
        text = " ".join(parts)
        if text not in ctx.comments:
            break
    ctx.comments.add(text)
    return text
