"""2. Billing: the plans, a subscription for each organizer with its monthly invoices, cards,
Stripe Connect accounts and Zoom connections."""

from datetime import timedelta

from cpd_events_demo import plan, world
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.context import Context

HEX = "ABCDEF0123456789"
STRIPE_ACCOUNT = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def create_billing(ctx: Context) -> str:
    for p in plan.PLANS:
        ctx.plans[p.code] = ctx.drawn.one(r.Plan(p.code, p.name, p.price_cents, p.monthly_event_limit,
                                                 p.includes_courses, p.includes_teams))
    invoices: list[r.Invoice] = []
    # The plan's three (the pro's six paid months, the free basic plan, the churned account in
    # dunning), then the world's organizers.
    subscribers = [(s.persona, s.plan, s.status, s.months, s.billing_day) for s in plan.SUBSCRIPTIONS]
    subscribers += [(o.key, o.plan, o.status, o.months, None) for o in world.ORGANIZERS]
    for key, code, status, months, day in subscribers:
        invoices += subscribe(ctx, ctx.users[key], code, status, months, day)
    ctx.drawn.many(invoices)

    payers = [("pro", "visa", "4242")] + [(o.key, *ctx.rng.choice(world.CARD_BRANDS)) for o in world.ORGANIZERS
                                          if o.stripe] + [("churned", "mastercard", "0341")]
    year = ctx.cal.local_date(ctx.anchor).year
    cards = []
    for key, brand, last4 in payers:
        exp_month = 8 if key == "pro" else ctx.rng.randint(1, 12)
        exp_year = year + (3 if key == "pro" else ctx.rng.randint(1, 4))
        cards.append(r.PaymentMethod(ctx.users[key], brand, last4, exp_month, exp_year, is_default=True,
                                     stripe_payment_method_id=f"pm_{ctx.token(24)}"))
    ctx.drawn.many(cards)

    connected = ["pro"] + [o.key for o in world.ORGANIZERS if o.stripe and o.status != "canceled" and o.plan != "organizer"]
    for key in connected:
        ctx.drawn.one(r.ConnectAccount(ctx.users[key], f"acct_1{ctx.token(16, STRIPE_ACCOUNT)}"))
    cal = ctx.cal
    ctx.zoom["pro"] = ctx.drawn.one(r.ZoomConnection(ctx.users["pro"], ctx.token(22), cal.human(
        cal.ago(days=210), cal.ago(days=200), "America/New_York")))
    for org in world.ORGANIZERS:
        if org.zoom:
            ctx.zoom[org.key] = ctx.drawn.one(r.ZoomConnection(ctx.users[org.key], ctx.token(22), cal.human(
                cal.ago(days=31 * org.months), cal.ago(days=31 * max(org.months - 1, 0) + 1), org.timezone)))
    paid = sum(1 for i in invoices if i.status == "paid")
    return f"{len(ctx.plans)} plans, {len(subscribers)} subscriptions, {len(invoices)} invoices ({paid} paid)"


def subscribe(ctx: Context, user: r.User, code: str, status: str, months: int, day: int | None) -> list[r.Invoice]:
    """A subscription and its billing history: a paid invoice per past month, on a billing day <= 28
    so that every month has it (chosen); the renewal that failed is open (dunning)."""
    day = day or ctx.rng.randint(1, 28)
    hhmm = f"{ctx.rng.randint(8, 19):02d}:{ctx.rng.randrange(60):02d}"
    price = ctx.plans[code].price_cents
    if status == "canceled":
        moments = ctx.cal.billing_moments(day, hhmm, -months - world.CANCELED_MONTHS_AGO, -world.CANCELED_MONTHS_AGO)
    elif status == "trialing":
        moments = ctx.cal.billing_moments(day, hhmm, 0, 1)  # a month's trial, no invoice yet
    else:
        moments = ctx.cal.billing_moments(day, hhmm, -(months - 1), 1)
    periods = list(zip(moments, moments[1:], strict=False))
    start, end = periods[-1]
    sub = ctx.drawn.one(r.Subscription(user, ctx.plans[code], status, start, end, cancel_at_period_end=status == "canceled",
                                       stripe_subscription_id=f"sub_{ctx.token(16)}"))
    if price == 0 or status == "trialing":
        return []
    prefix = ctx.token(8, HEX)
    invoices = []
    for n, (start, end) in enumerate(periods, start=1):
        failed = status == "past_due" and n == len(periods)
        paid_at = None if failed else start + timedelta(minutes=ctx.rng.randint(1, 9), seconds=ctx.rng.randint(0, 59))
        invoices.append(r.Invoice(sub, f"{prefix}-{n:04d}", price, "usd", "open" if failed else "paid", start, end,
                                  issued_at=start, paid_at=paid_at, stripe_invoice_id=f"in_{ctx.token(24)}"))
    return invoices
