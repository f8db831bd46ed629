"""The plan's promises, on the rows the scenario's steps draw in memory: no database, no Django
settings. (tests/test_scenario.py checks the same items in a seeded database.)"""

import dataclasses
import tomllib
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cpd_events_demo import plan, world
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.context import Context, Options
from cpd_events_demo.scenario.media import Media
from cpd_events_demo.scenario.outcomes import eligible
from cpd_events_demo.scenario.registrations import demand
from cpd_events_demo.scenario.steps import STEPS

CONFIG = tomllib.loads((Path(__file__).parents[2] / "cpd-demo.toml").read_text())
ZONE = CONFIG["project"]["timezone"]
BUILD_ANCHOR = CONFIG["scenario"]["anchor"]     # what builds generate around: a Wednesday, 10:00 in New York
SUNDAY_ANCHOR = "2026-03-15T14:30:00+00:00"     # a Sunday, a week after the spring DST change
SEED = 4242
ANCHORS = (BUILD_ANCHOR, SUNDAY_ANCHOR)


@cache
def drawn(anchor: str = BUILD_ANCHOR, seed: int = SEED, scale: int = 1) -> Context:
    ctx = Context(Options(datetime.fromisoformat(anchor), seed, scale, ZONE, password="hash"))
    for _, step in STEPS:
        step(ctx)
    return ctx


def person(ctx: Context, key: str) -> r.User:
    return ctx.users[key]


def seat_of(ctx: Context, event: str, key: str) -> r.Registration:
    (reg,) = [x for x in ctx.registrations[event] if x.user is ctx.users[key]]
    return reg


@pytest.mark.parametrize("anchor", ANCHORS)
def test_the_flagship_sells_out_with_alice_on_earlybird25_and_bob_on_the_waitlist(anchor):
    ctx = drawn(anchor)
    event, regs = ctx.events["flagship"], ctx.registrations["flagship"]
    assert event.starts_at > ctx.anchor and event.status == "published"
    assert event.title == f"Future of Medicine {event.starts_at.astimezone(ZoneInfo(event.timezone)).year}"
    confirmed = [x for x in regs if x.status == "confirmed"]
    assert len(confirmed) == event.capacity == 250  # the convention center's hall
    alice, bob = seat_of(ctx, "flagship", "alice"), seat_of(ctx, "flagship", "bob")
    assert (alice.status, alice.payment_status, alice.promo_code and alice.promo_code.code, alice.amount_paid_cents) == \
        ("confirmed", "paid", "EARLYBIRD25", 14925)
    assert (bob.status, bob.payment_status, bob.amount_paid_cents) == ("waitlisted", "unpaid", 0)
    assert len(regs) - 2 >= 50  # generated, for stats density
    for x in confirmed:  # what each paid follows the code used
        assert x.amount_paid_cents == event.price_cents - (x.promo_code.discount(event.price_cents) if x.promo_code else 0)
    assert all(x.registered_at < ctx.anchor for x in regs)
    assert len({x.email for x in regs}) == len(regs)


@pytest.mark.parametrize("anchor", ANCHORS)
def test_bobs_30_of_60_webinar_minutes_fall_short_of_the_75_percent_certificate_rule(anchor):
    ctx = drawn(anchor)
    came = ctx.attendance["webinar"]
    alice, bob = person(ctx, "alice"), person(ctx, "bob")
    bobs = [a for a in came if a.registration.user is bob]
    assert len(bobs) == 2 and sum((a.left_at - a.joined_at for a in bobs), timedelta()) == timedelta(minutes=30)
    certified = {c.recipient for c in ctx.drawn.of(r.Certificate) if c.event is ctx.events["webinar"]}
    everyone = {a.registration.user for a in came}
    assert certified == set(eligible(ctx.sessions["webinar"], came))
    assert alice in certified and bob not in certified and 0 < len(certified) < len(everyone)


def test_the_certificate_rule_counts_live_session_time_clipped_and_finished():
    anchor = datetime.fromisoformat(BUILD_ANCHOR)
    ctx = drawn()
    user, event = ctx.learners[0], ctx.events["webinar"]
    live = r.Session(event, "Live", "live", "", anchor, anchor + timedelta(minutes=60))
    recorded = r.Session(event, "Recorded", "recorded", "", anchor, anchor + timedelta(minutes=60))
    reg = r.Registration(event, user, user.email, "", "", "confirmed", "free", 0, None, anchor)

    def came(*spans, session=live, open_=False):
        return [r.Attendance(reg, session, anchor + timedelta(minutes=a), None if open_ else anchor + timedelta(minutes=b),
                             "zoom") for a, b in spans]

    assert eligible([live, recorded], came((0, 45))) == [user]                 # 75% of the live time
    assert eligible([live, recorded], came((0, 44))) == []
    assert eligible([live, recorded], came((-30, 44))) == []                   # before the start does not count
    assert eligible([live, recorded], came((0, 20), (30, 55))) == [user]      # in and out, 45 minutes in all
    assert eligible([live, recorded], came((0, 60), open_=True)) == []        # still in the room: not yet
    assert eligible([live, recorded], came((0, 60), session=recorded)) == []  # a recording is not attendance


@pytest.mark.parametrize("anchor", ANCHORS)
def test_six_paid_pro_invoices_on_its_billing_day_and_the_churned_account_in_dunning(anchor):
    ctx = drawn(anchor)
    subscriptions = {s.user: s for s in ctx.drawn.of(r.Subscription)}
    invoices = ctx.drawn.of(r.Invoice)
    pro = subscriptions[person(ctx, "pro")]
    assert (pro.plan.code, pro.status, pro.cancel_at_period_end) == ("pro", "active", False)
    assert pro.current_period_start <= ctx.anchor < pro.current_period_end
    paid = sorted((i for i in invoices if i.subscription is pro), key=lambda i: i.period_start)
    assert len(paid) == plan.PRO_INVOICES == 6 and all(i.status == "paid" and i.amount_cents == 9900 for i in paid)
    local = [i.period_start.astimezone(ZoneInfo(ZONE)) for i in paid]
    assert {(d.day, d.hour, d.minute) for d in local} == {(plan.PRO_BILLING_DAY, local[0].hour, local[0].minute)}
    months = [d.year * 12 + d.month for d in local]
    assert months == list(range(months[0], months[0] + 6))
    assert all(i.paid_at and timedelta(minutes=1) <= i.paid_at - i.issued_at <= timedelta(minutes=10) for i in paid)
    churned = subscriptions[person(ctx, "churned")]
    open_ = [i for i in invoices if i.subscription is churned and i.status == "open"]
    assert churned.status == "past_due" and len(open_) == 1 and open_[0].paid_at is None
    assert subscriptions[person(ctx, "basic")].plan.price_cents == 0
    assert not [i for i in invoices if i.subscription is subscriptions[person(ctx, "basic")]]
    cards = {c.user: c for c in ctx.drawn.of(r.PaymentMethod)}
    assert (cards[person(ctx, "pro")].brand, cards[person(ctx, "pro")].last4) == ("visa", "4242")


@pytest.mark.parametrize("scale", [1, 2])
def test_200_newsletter_subscribers_and_25_vip_doctors_tagged_high_value_at_scale(scale):
    ctx = drawn(scale=scale)
    contacts = ctx.drawn.of(r.Contact)
    lists = {name: [c for c in contacts if c.contact_list.name == name] for name, _, _ in plan.CONTACT_LISTS}
    assert {name: len(c) for name, c in lists.items()} == {"Newsletter Subscribers": 200 * scale, "VIP Doctors": 25 * scale}
    assert all([t.name for t in c.tags] == ["High Value"] for c in lists["VIP Doctors"])
    assert not any(c.tags for c in lists["Newsletter Subscribers"])
    assert {c.contact_list.owner for c in contacts} == {person(ctx, "pro")}
    assert len({c.email for c in contacts}) == len(contacts)


@pytest.mark.parametrize("anchor", ANCHORS)
def test_the_webinars_feedback_and_zoom_log(anchor):
    ctx = drawn(anchor)
    event = ctx.events["webinar"]
    assert event.status == "completed" and event.ends_at < ctx.anchor and event.join_url
    said = {(f.user.email, f.rating, f.comment) for f in ctx.drawn.of(r.Feedback) if f.event is event}
    assert {(plan.persona(k).email, rating, comment) for k, rating, comment in plan.FEEDBACK} <= said
    hooks = [h for h in ctx.drawn.of(r.ZoomWebhookEvent) if h.event is event]
    kinds = [h.event_type for h in hooks]
    came = ctx.attendance["webinar"]
    assert kinds.count("meeting.participant_joined") == kinds.count("meeting.participant_left") == len(came)
    assert {"meeting.started", "meeting.ended", "recording.completed"} <= set(kinds)
    for h in hooks:
        body = h.payload["payload"]["object"]
        assert h.payload["event"] == h.event_type and h.payload["event_ts"] == int(h.occurred_at.timestamp()) * 1000
        assert body["id"] == event.zoom_meeting_id and body["host_id"] == ctx.zoom["pro"].zoom_user_id
        if h.event_type == "meeting.participant_joined":
            assert body["participant"]["join_time"] == h.occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            assert body["participant"]["email"] == h.participant_email
    assert [x.event for x in ctx.drawn.of(r.ZoomRecording)].count(event) == 1


@pytest.mark.parametrize("anchor", ANCHORS)
def test_the_meetup_is_live_around_the_anchor_on_quarter_hours_with_people_in_the_room(anchor):
    ctx = drawn(anchor)
    live = [e for e in ctx.events.values() if e.starts_at <= ctx.anchor < e.ends_at]
    assert [e.title for e in live] == ["Community Meetup"] and live[0].status == "live"
    assert all(t.minute % 15 == 0 and t.second == 0 for t in (live[0].starts_at, live[0].ends_at))
    assert (live[0].zoom_meeting_id, live[0].join_url, live[0].owner) == (None, None, person(ctx, "basic"))
    check_ins = ctx.attendance["meetup"]
    assert check_ins and all(a.source == "check_in" and a.joined_at < ctx.anchor for a in check_ins)
    assert any(a.left_at is None for a in check_ins)
    assert seat_of(ctx, "meetup", "bob").status == "confirmed"


@pytest.mark.parametrize("anchor", ANCHORS)
def test_courses_enrollments_and_their_certificates(anchor):
    ctx = drawn(anchor)
    alice, bob = person(ctx, "alice"), person(ctx, "bob")
    ethics = {e.user: e for e in ctx.enrollments if e.course is ctx.courses["ethics"]}
    assert ethics[alice].status == "completed" and ethics[alice].current_module.title == "Module 3: Assessment"
    assert (ethics[bob].status, ethics[bob].current_module.title) == ("in_progress", "Module 2: Case Studies")
    attempts = ctx.drawn.of(r.QuizAttempt)
    assert [(a.score, a.passed) for a in attempts if a.user is alice] == [(90, True)]
    assert not [a for a in attempts if a.user is bob]
    passed = {a.user for a in attempts if a.passed}
    assert all(e.user in passed for e in ethics.values() if e.status == "completed")
    # Course certificates follow completions exactly; the hybrid course waits for its live keynote.
    course_certs = [(c.recipient, c.course) for c in ctx.drawn.of(r.Certificate) if c.course]
    assert course_certs == [(e.user, e.course) for e in ctx.enrollments if e.status == "completed"]
    surgery = ctx.courses["surgery"]
    assert surgery.required_session is ctx.sessions["flagship"][0] and surgery.price_cents == 49900
    assert not [c for c in course_certs if c[1] is surgery]
    (paper,) = [s for s in ctx.drawn.of(r.Submission) if s.user is alice]
    assert paper.grade == 92 and paper.file.data.startswith(b"%PDF-1.4")


@pytest.mark.parametrize("anchor", ANCHORS)
def test_badges_follow_certificates_and_alice_has_all_three(anchor):
    ctx = drawn(anchor)
    certificates, badges = ctx.drawn.of(r.Certificate), ctx.drawn.of(r.Badge)

    def holders(name):
        return [b.recipient for b in badges if b.template.name == name]

    assert holders("Workshop Survivor") == [c.recipient for c in certificates if c.event]
    assert holders("Certified Expert") == [c.recipient for c in certificates if c.course]
    assert set(holders("Early Adopter")) <= {c.recipient for c in certificates}
    alice = person(ctx, "alice")
    assert {b.template.name for b in badges if b.recipient is alice} == {"Certified Expert", "Early Adopter",
                                                                         "Workshop Survivor"}
    assert not [b for b in badges if b.recipient is person(ctx, "charlie")]
    (cpd,) = ctx.drawn.of(r.CPDRequirement)
    assert cpd.user is alice and cpd.name == f"Medical Board {cpd.period_start.year}"
    assert cpd.period_start <= ctx.cal.local_date(ctx.anchor) <= cpd.period_end
    assert len({c.verification_code for c in certificates}) == len(certificates)


def test_certificates_use_the_organizers_own_template_else_the_system_default():
    ctx = drawn()
    own = {t.owner: t for t in ctx.certificate_templates.values() if t.owner}
    for c in ctx.drawn.of(r.Certificate):
        owner = (c.event or c.course).owner
        assert c.template is own.get(owner, ctx.certificate_templates["Generic Completion"])
    assert {c.template.name for c in ctx.drawn.of(r.Certificate)} >= {"HealthTech Standard Certificate",
                                                                      "Generic Completion"}


@pytest.mark.parametrize("anchor", ANCHORS)
def test_every_events_registration_policy_is_what_it_drew(anchor):
    ctx = drawn(anchor)
    for key, spec in ctx.specs.items():
        policy, regs, event = spec.registrations, ctx.registrations[key], ctx.events[key]
        seats = regs[:len(policy.seats)]
        assert [(x.user, x.status, x.payment_status) for x in seats] == \
            [(ctx.users[s.persona], s.status, s.payment) for s in policy.seats], key
        generated = regs[len(policy.seats):]
        extra = sum(n for _, _, n in policy.extra)
        if policy.sold_out:
            assert sum(x.status == "confirmed" for x in regs) == event.capacity, key
        else:  # the typical demand, more or less
            assert len(generated) == demand(ctx, spec) + extra, key
            assert abs(demand(ctx, spec) - policy.count) <= policy.spread * policy.count + 1, key
        assert {x.promo_code.code for x in generated if x.promo_code} <= {c for c, _ in policy.promos if c}, key
        assert len({x.email for x in regs}) == len(regs), key
        statuses = {"confirmed", *(["cancelled"] if policy.cancelled else []), *(status for status, _, _ in policy.extra)}
        assert {x.status for x in generated} <= statuses, key


def test_history_is_before_the_anchor_and_events_keep_their_weekday_and_local_time():
    ctx = drawn(SUNDAY_ANCHOR)
    for kind, column in [(r.Registration, "registered_at"), (r.Attendance, "joined_at"), (r.Feedback, "submitted_at"),
                         (r.Invoice, "issued_at"), (r.Certificate, "issued_at"), (r.QuizAttempt, "submitted_at"),
                         (r.Submission, "submitted_at"), (r.ZoomWebhookEvent, "occurred_at"), (r.User, "date_joined"),
                         (r.Contact, "subscribed_at"), (r.Enrollment, "enrolled_at")]:
        assert max(getattr(x, column) for x in ctx.drawn.of(kind)) < ctx.anchor, kind.__name__
    for key, spec in ctx.specs.items():
        if spec.status != "live":
            local = ctx.events[key].starts_at.astimezone(ZoneInfo(spec.timezone))
            assert (local.weekday(), local.strftime("%H:%M")) == (spec.weekday, spec.start), key


def test_generated_people_act_at_human_hours_at_reserved_addresses():
    ctx = drawn(SUNDAY_ANCHOR)
    zones = {**ctx.zones}
    hours = [x.registered_at.astimezone(ZoneInfo(zones.get(x.user, ZONE))).hour
             for key in ctx.specs if ctx.specs[key].status != "live" for x in ctx.registrations[key]]
    assert sum(7 <= h <= 22 for h in hours) >= 0.8 * len(hours)
    emails = [u.email for u in ctx.drawn.of(r.User)] + [c.email for c in ctx.drawn.of(r.Contact)]
    emails += [x.email for regs in ctx.registrations.values() for x in regs]
    reserved = ("@example.com", "@example.net", "@example.org", ".example")
    assert all(e.endswith(reserved) or e == "admin@cpdevents.com" for e in emails)


def test_the_same_seed_scale_and_anchor_draw_the_same_rows_and_media():
    def rows(ctx: Context) -> list[tuple]:
        def value(v):
            if isinstance(v, r.Row):
                return (type(v).__name__, v.id)
            if isinstance(v, list):
                return tuple(value(x) for x in v)
            return v.data if isinstance(v, Media) else v
        return [(type(row).__name__, tuple(value(getattr(row, f.name)) for f in dataclasses.fields(row)))
                for batch in ctx.drawn.batches for row in batch.rows]

    first = rows(drawn(SUNDAY_ANCHOR, seed=7))
    drawn.cache_clear()
    assert rows(drawn(SUNDAY_ANCHOR, seed=7)) == first
    other = drawn(SUNDAY_ANCHOR, seed=8)
    assert [e.title for e in other.events.values()] == [e.title for e in drawn(SUNDAY_ANCHOR, seed=7).events.values()]
    assert {c.email for c in other.drawn.of(r.Contact)} != {c.email for c in drawn(SUNDAY_ANCHOR, seed=7).drawn.of(r.Contact)}


def test_scale_multiplies_generated_volumes_only():
    one, three = drawn(scale=1), drawn(scale=3)
    assert len(three.learners) == 3 * len(one.learners) == 3 * world.LEARNERS
    assert three.events["flagship"].capacity == 3 * one.events["flagship"].capacity
    for kind in (r.Event, r.Session, r.Plan, r.Subscription, r.Invoice, r.PromoCode, r.Course, r.Module):
        assert len(three.drawn.of(kind)) == len(one.drawn.of(kind)), kind.__name__
    series = [k for k, s in one.specs.items() if s in world.SERIES]
    assert all(len(three.registrations[k]) == 3 * len(one.registrations[k]) for k in series)


def test_ids_are_drawn_in_order_per_model_and_rows_point_at_drawn_rows():
    ctx = drawn()
    seen: dict[type, int] = {}
    for batch in ctx.drawn.batches:
        for row in batch.rows:
            assert row.id == seen.get(type(row), 0) + 1
            seen[type(row)] = row.id
            for f in dataclasses.fields(row):
                target = getattr(row, f.name)
                if isinstance(target, r.Row):
                    assert 0 < target.id <= seen.get(type(target), 0) or target is row, (type(row).__name__, f.name)
    assert {type(b.rows[0]) for b in ctx.drawn.batches if not b.bulk} >= {r.Event, r.Session, r.PromoCode}
    assert {type(b.rows[0]) for b in ctx.drawn.batches if b.bulk} >= {r.Registration, r.Attendance, r.Contact}
    assert all(len({type(x) for x in b.rows}) == 1 for b in ctx.drawn.batches)
    assert Decimal(ctx.events["flagship"].cpd_credits) == 10
