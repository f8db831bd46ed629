"""4. Events, sessions and speakers: the plan's three events, the weekly series around Event B and
the other organizers' events, each on its weekday at its local time (the live one around now)."""

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from cpd_events_demo import plan, world
from cpd_events_demo.plan import EventSpec
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.calendar import floor_quarter
from cpd_events_demo.scenario.context import Context

ORGANISATION = {o.key: o.organisation for o in world.ORGANIZERS} | {"basic": plan.persona("basic").organization}


def create_events(ctx: Context) -> str:
    for s in plan.SPEAKERS:
        ctx.speakers[s.persona] = ctx.drawn.one(r.Speaker(ctx.users[s.persona], s.name, plan.persona(s.persona).headline,
                                                          s.bio))
    for spec in (*plan.EVENTS, *world.SERIES, *world.BACKGROUND_EVENTS):
        add_event(ctx, spec)
    sessions = sum(len(s) for s in ctx.sessions.values())
    return f"{len(ctx.events)} events, {sessions} sessions, {len(ctx.speakers)} speakers"


def add_event(ctx: Context, spec: EventSpec) -> r.Event:
    live = spec.status == "live"
    if live:  # around now, on the quarter hour the live rule moves it by
        starts = floor_quarter(ctx.anchor) - timedelta(minutes=plan.MEETUP_STARTED_MINUTES_AGO)
        ends = starts + timedelta(minutes=plan.MEETUP_MINUTES)
    else:
        starts = ctx.cal.at(spec.week, spec.weekday, spec.start, spec.timezone)
        ends = ctx.cal.at(spec.week, spec.weekday + spec.days - 1, spec.end, spec.timezone)
    title = f"{spec.title} {starts.astimezone(ZoneInfo(spec.timezone)).year}" if spec.year_in_title else spec.title
    meeting = join_url = None
    if spec.zoom:
        meeting = str(ctx.rng.randint(81_000_000_000, 89_999_999_999))
        join_url = f"https://zoom.us/j/{meeting}?pwd={ctx.token(32)}"
    event = ctx.drawn.one(r.Event(
        ctx.users[spec.owner], title, slugify(title), spec.description, spec.event_type, spec.format, spec.status,
        starts, ends, spec.timezone, spec.price_cents, ctx.volume(spec.capacity) if spec.capacity else None,
        cpd_enabled=spec.cpd_credits > 0, cpd_credits=Decimal(spec.cpd_credits), certificates_enabled=spec.certificates,
        venue=spec.venue, zoom_meeting_id=meeting, join_url=join_url))
    sessions = []
    for s in spec.sessions:
        if live:
            s_start, s_end = starts, ends
        else:
            s_start = ctx.cal.at(spec.week, spec.weekday + s.day, s.start, spec.timezone)
            s_end = s_start + timedelta(minutes=s.minutes)
        speakers = [background_speaker(ctx, k) for k in s.speakers] or [background_speaker(ctx, spec.owner)]
        sessions.append(ctx.drawn.one(r.Session(event, s.title, s.session_type, s.room, s_start, s_end, speakers)))
    ctx.specs[spec.key], ctx.events[spec.key], ctx.sessions[spec.key] = spec, event, sessions
    return event


def background_speaker(ctx: Context, owner: str) -> r.Speaker:
    """The plan's speaker of that key, else the organizer's own speaker (one per organizer), from
    their organisation."""
    if owner not in ctx.speakers:
        first, last = ctx.people.name()
        title, role = world.ORGANIZER_SPEAKERS[owner]
        organisation = ORGANISATION[owner]
        ctx.speakers[owner] = ctx.drawn.one(r.Speaker(None, f"{title} {first} {last}".strip(), f"{role}, {organisation}",
                                                      f"{role} at {organisation}, teaching colleagues across the "
                                                      "region."))
    return ctx.speakers[owner]
