"""1. Users and profiles: the plan's personas, the organizers of the world around them, the learners."""

from datetime import timedelta

from cpd_events_demo import plan, world
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.calendar import floor_quarter
from cpd_events_demo.scenario.context import Context


def create_users(ctx: Context) -> str:
    cal = ctx.cal
    for p in plan.PERSONAS:
        joined = cal.human(cal.ago(days=p.joined_days_ago + 1), cal.ago(days=p.joined_days_ago), p.timezone) \
            if p.joined_days_ago >= 1 else cal.ago(hours=p.joined_days_ago * 24)
        last_login = floor_quarter(cal.ago(hours=p.last_login_hours_ago)) + timedelta(
            minutes=ctx.rng.randrange(15), seconds=ctx.rng.randrange(60))
        user = ctx.drawn.one(r.User(p.email, p.first_name, p.last_name, ctx.options.password, joined, last_login,
                                    is_staff=p.superuser, is_superuser=p.superuser))
        ctx.users[p.key] = user
        ctx.zones[user] = p.timezone
        ctx.drawn.one(r.Profile(user, p.role, p.headline, p.organization, p.bio, p.timezone,
                                onboarding_completed=p.onboarding_step is None, onboarding_step=p.onboarding_step))

    organizers = []
    surnames = frozenset(p.last_name for p in plan.PERSONAS)
    for org in world.ORGANIZERS:
        # No two organizers share a surname (a buyer would take them for relatives, or one person).
        person = ctx.people.person(avoid_surnames=surnames)
        surnames |= {person.last_name}
        email = ctx.people.email(person.first_name, person.last_name, dict(world.ORGANISATIONS)[org.organisation])
        password = unusable_password(ctx)
        # They joined when they subscribed (a canceled subscription ended months ago).
        months = org.months + (world.CANCELED_MONTHS_AGO if org.status == "canceled" else 0)
        joined = cal.human(cal.ago(days=31 * months + 20), cal.ago(days=31 * months + 2), org.timezone)
        user = r.User(email, person.first_name, person.last_name, password, joined,
                      cal.human(cal.ago(days=6), cal.ago(hours=3), org.timezone))
        organizers.append(user)
        ctx.users[org.key] = user
        ctx.zones[user] = org.timezone
    ctx.drawn.many(organizers)
    ctx.drawn.many([r.Profile(ctx.users[org.key], "organizer", f"{org.headline}, {org.organisation}", org.organisation,
                              "", org.timezone) for org in world.ORGANIZERS])

    profiles = []
    for _ in range(ctx.volume(world.LEARNERS)):
        who = ctx.people.person()
        joined = cal.human(cal.ago(days=400), cal.ago(days=21), who.timezone)
        password = unusable_password(ctx)
        user = r.User(who.email, who.first_name, who.last_name, password, joined,
                      cal.human(max(joined, cal.ago(days=45)), cal.ago(hours=2), who.timezone, skew=2.0))
        ctx.learners.append(user)
        ctx.zones[user] = who.timezone
        profiles.append(r.Profile(user, "attendee", who.job, who.organization, "", who.timezone))
    ctx.drawn.many(ctx.learners)
    ctx.drawn.many(profiles)
    return f"{len(plan.PERSONAS)} personas, {len(organizers)} organizers, {len(ctx.learners)} learners"


def unusable_password(ctx: Context) -> str:
    """Generated people cannot log in (Django's mark for an unusable password, and a random tail)."""
    return "!" + ctx.token(40)
