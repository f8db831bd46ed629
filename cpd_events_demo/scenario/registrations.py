"""Registrations for one event, as its registration policy (plan.py, world.py) says: the plan's
personas in their seats first, then generated people (learners with an account, or guests), at
human hours in each registrant's own timezone, crowding toward the close."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from cpd_events_demo import world
from cpd_events_demo.plan import EventSpec, Seat
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.context import Context


@dataclass(frozen=True)
class Registrant:
    user: r.User | None   # None: a guest, without an account
    email: str
    first_name: str
    last_name: str
    timezone: str


def registrations(ctx: Context, spec: EventSpec, event: r.Event) -> list[r.Registration]:
    policy = spec.registrations
    closes = min(event.starts_at - timedelta(hours=1), ctx.anchor)
    opens = event.starts_at - timedelta(days=policy.opens_days)
    if closes >= ctx.anchor:  # still taking registrations
        opens = min(opens, closes - timedelta(days=world.OPEN_AT_LEAST_DAYS))
    price = event.price_cents
    regs: list[r.Registration] = []

    def add(who: Registrant, status: str, payment: str, promo: r.PromoCode | None, at: datetime) -> None:
        amount = price - (promo.discount(price) if promo else 0) if payment == "paid" else 0
        regs.append(r.Registration(event, who.user, who.email, who.first_name, who.last_name, status, payment, amount,
                                   promo, at))

    taken = {ctx.users[seat.persona].email for seat in policy.seats}
    for seat in policy.seats:
        who = account(ctx, ctx.users[seat.persona])
        add(who, seat.status, seat.payment, ctx.promos[seat.promo] if seat.promo else None,
            seat_time(ctx, seat, who, opens, event.starts_at))

    if policy.sold_out:
        seated = sum(1 for seat in policy.seats if seat.status == "confirmed")
        count = (event.capacity or 0) - seated
    else:
        count = ctx.volume(demand(ctx, spec))
    # Learners register for what opened after they joined.
    first_learners = iter([u for u in ctx.learners if u.date_joined < opens])
    for _ in range(count):
        promo = None
        if policy.promos:
            code = ctx.rng.choices([c for c, _ in policy.promos], weights=[w for _, w in policy.promos])[0]
            promo = ctx.promos[code] if code else None
        if policy.first_learners:
            who = account(ctx, next(first_learners))
            taken.add(who.email)
        else:
            who = registrant(ctx, taken, policy.learner_share, opens)
        if policy.cancelled and ctx.rng.random() < policy.cancelled:
            status, payment = "cancelled", "refunded" if price else "free"
        else:
            status, payment = "confirmed", "paid" if price else "free"
        add(who, status, payment, promo, ctx.cal.human(opens, closes, who.timezone, skew=policy.ramp))
    for status, payment, extra in policy.extra:
        for _ in range(ctx.volume(extra)):
            who = registrant(ctx, taken, policy.learner_share, opens)
            add(who, status, payment, None, ctx.cal.human(opens, closes, who.timezone, skew=policy.ramp))
    return regs


def demand(ctx: Context, spec: EventSpec) -> int:
    """How many others register, at scale 1: the policy's typical count, more or less as real demand
    varies from one event (or episode) to the next; the same at every scale, so volumes multiply."""
    policy = spec.registrations
    factor = 1 + policy.spread * (2 * ctx.stream(f"demand:{spec.key}").random() - 1)
    return max(1, round(policy.count * factor)) if policy.count else 0


def seat_time(ctx: Context, seat: Seat, who: Registrant, opens: datetime, starts: datetime) -> datetime:
    if seat.days_ago:
        return ctx.cal.human(ctx.cal.ago(days=seat.days_ago[0]), ctx.cal.ago(days=seat.days_ago[1]), who.timezone)
    return ctx.cal.human(opens, starts - timedelta(days=2), who.timezone)


def account(ctx: Context, user: r.User) -> Registrant:
    return Registrant(user, user.email, user.first_name, user.last_name, ctx.zones[user])


def registrant(ctx: Context, taken: set[str], learner_share: float, opens: datetime) -> Registrant:
    """Someone new to this event: a learner with an account (who had joined by the time it opened),
    or a guest without one."""
    if ctx.rng.random() < learner_share:
        for _ in range(8):
            user = ctx.rng.choice(ctx.learners)
            if user.email not in taken and user.date_joined < opens:
                taken.add(user.email)
                return account(ctx, user)
    who = ctx.people.person()
    taken.add(who.email)
    return Registrant(None, who.email, who.first_name, who.last_name, who.timezone)
