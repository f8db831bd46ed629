"""The CPD Events demo's checks that the database holds the plan (cpd_events_demo/plan.py): its
personas, prices, named items, the flagship, the webinar's outcomes, the live meetup, billing,
contact lists and courses."""

from datetime import time, timedelta

from cpd_events_demo import plan
from cpd_events_demo.checks.context import Check, Context


def personas(c: Context):
    found = {r[0]: r[1:] for r in c.rows("SELECT email, first_name, last_name, is_superuser FROM accounts_user "
                                           "WHERE email = ANY(%s)", [p.email for p in plan.PERSONAS])}
    wrong = [p.email for p in plan.PERSONAS if found.get(p.email) != (p.first_name, p.last_name, p.superuser)]
    return not wrong, f"{len(found)} of {len(plan.PERSONAS)} personas as planned" + (f"; wrong: {wrong}" if wrong else "")


def plans(c: Context):
    found = set(c.rows("SELECT code, price_cents FROM billing_plan"))
    wanted = {(p.code, p.price_cents) for p in plan.PLANS}
    return wanted <= found, ", ".join(f"{code} ${cents / 100:.0f}" for code, cents in sorted(found))


def named_items(c: Context):
    wrong = []
    for table, column, key in plan.NATURAL_KEYS:
        n = c.one(f"SELECT count(*) FROM {table} WHERE {column} LIKE %s", key)
        if n != 1:
            wrong.append(f"{key}: {n}")
    return not wrong, ("each of the plan's named items matches one row" if not wrong else "; ".join(wrong))


def flagship(c: Context):
    row = c.one("""SELECT json_build_object('status', status, 'price', price_cents, 'credits', cpd_credits::int,
                     'certs', certificates_enabled, 'capacity', capacity, 'upcoming', starts_at > %s,
                     'confirmed', (SELECT count(*) FROM events_registration r WHERE r.event_id = e.id
                                   AND r.status = 'confirmed'),
                     'bob', (SELECT status FROM events_registration r WHERE r.event_id = e.id AND r.email = %s),
                     'alice', (SELECT r.status || '/' || r.payment_status || '/' || p.code FROM events_registration r
                               JOIN marketing_promocode p ON p.id = r.promo_code_id
                               WHERE r.event_id = e.id AND r.email = %s),
                     'sessions', (SELECT array_agg(title ORDER BY starts_at) FROM events_session s
                                  WHERE s.event_id = e.id))
                   FROM events_event e WHERE title LIKE 'Future of Medicine%%'""",
                c.now, plan.persona("bob").email, plan.persona("alice").email)
    if not row:
        return False, "no flagship event"
    ok = (row["status"] == "published" and row["upcoming"] and row["price"] == plan.FLAGSHIP.price_cents
          and row["credits"] == plan.FLAGSHIP.cpd_credits and row["certs"] and row["capacity"] >= 50
          and row["confirmed"] == row["capacity"] and row["bob"] == "waitlisted"
          and row["alice"] == "confirmed/paid/EARLYBIRD25"
          and row["sessions"] == [s.title for s in plan.FLAGSHIP.sessions])
    return ok, (f"{row['status']}, upcoming={row['upcoming']}, sold out {row['confirmed']}/{row['capacity']}, "
                f"Bob {row['bob']}, Alice {row['alice']}, sessions {row['sessions']}")


def webinar(c: Context):
    row = c.one("""SELECT json_build_object('status', status, 'past', ends_at < %s,
                     'certified', (SELECT array_agg(u.email ORDER BY u.email) FROM credentials_certificate x
                                   JOIN accounts_user u ON u.id = x.recipient_id
                                   WHERE x.event_id = e.id AND u.email = ANY(%s)),
                     'feedback', (SELECT array_agg(u.email || ' ' || f.rating || ' ' || f.comment ORDER BY u.email)
                                  FROM engagement_feedback f JOIN accounts_user u ON u.id = f.user_id
                                  WHERE f.event_id = e.id AND u.email = ANY(%s)))
                   FROM events_event e WHERE title LIKE 'Weekly Health Webinar%%'""",
                c.now, [plan.persona("alice").email, plan.persona("bob").email],
                [plan.persona("alice").email, plan.persona("bob").email])
    if not row:
        return False, "no Weekly Health Webinar"
    want_feedback = sorted(f"{plan.persona(k).email} {r} {t}" for k, r, t in plan.FEEDBACK)
    ok = (row["status"] == "completed" and row["past"] and row["certified"] == [plan.persona("alice").email]
          and row["feedback"] == want_feedback)
    return ok, f"{row['status']}, past={row['past']}, certified {row['certified']}, feedback {row['feedback']}"


def live(c: Context):
    rows = c.rows("""SELECT title, starts_at, ends_at FROM events_event WHERE status = 'live'
                      OR (starts_at <= %s AND ends_at > %s)""", c.now, c.now)
    ok = len(rows) == 1 and rows[0][0] == plan.MEETUP.title and rows[0][1] <= c.now < rows[0][2] and all(
        t.minute % 15 == 0 and t.second == 0 and t.microsecond == 0 for t in rows[0][1:3])
    return ok, "; ".join(f"{t}: {s:%H:%M}–{e:%H:%M} UTC" for t, s, e in rows) or "nothing live"


def live_hour(c: Context):
    """Started at most 3 hours ago, ends at least 30 minutes on, 07:00 to 23:00 in its own zone, at a
    venue of that zone."""
    rows = c.rows("""SELECT starts_at, ends_at, timezone, venue, starts_at AT TIME ZONE timezone,
                            ends_at AT TIME ZONE timezone FROM events_event WHERE status = 'live'""")
    if len(rows) != 1:
        return False, f"{len(rows)} live events"
    starts, ends, zone, venue, local_start, local_end = rows[0]
    ok = (c.now - timedelta(hours=3) <= starts <= c.now and ends >= c.now + timedelta(minutes=30)
          and time(7) <= local_start.time() and (local_end.time() <= time(23) and local_end.date() == local_start.date())
          and (zone, venue) in plan.MEETUP_PLACES)
    return ok, f"{local_start:%a %H:%M}–{local_end:%H:%M} {zone} at {venue.split(',')[0]}"


def billing(c: Context):
    paid = c.one("""SELECT count(*) FROM billing_invoice i JOIN billing_subscription s ON s.id = i.subscription_id
                    JOIN accounts_user u ON u.id = s.user_id WHERE u.email = %s AND i.status = 'paid'""",
                 plan.persona("pro").email)
    dunning = c.one("""SELECT s.status || ' with ' || count(*) FILTER (WHERE i.status = 'open') || ' open invoice'
                         FROM billing_subscription s JOIN accounts_user u ON u.id = s.user_id
                         LEFT JOIN billing_invoice i ON i.subscription_id = s.id WHERE u.email = %s GROUP BY s.status""",
                    plan.persona("churned").email)
    return paid == plan.PRO_INVOICES and dunning == "past_due with 1 open invoice", \
        f"pro: {paid} paid invoices; churned: {dunning}"


def contact_lists(c: Context):
    found = dict(c.rows("""SELECT l.name, count(c.id) FROM marketing_contactlist l
                            LEFT JOIN marketing_contact c ON c.contact_list_id = l.id GROUP BY l.name"""))
    tagged = c.one("""SELECT count(*) FROM marketing_contact_tags ct JOIN marketing_tag t ON t.id = ct.tag_id
                       WHERE t.name = 'High Value'""")
    ok = all(found.get(name) == n * c.scale for name, n, _ in plan.CONTACT_LISTS) and \
        tagged == plan.CONTACT_LISTS[1][1] * c.scale
    return ok, ", ".join(f"{k}: {v}" for k, v in sorted(found.items())) + f"; {tagged} tagged High Value"


def courses(c: Context):
    rows = dict(c.rows("""SELECT u.email || ' ' || co.title, e.status || ' ' || coalesce(m.title, '')
                           FROM learning_enrollment e JOIN accounts_user u ON u.id = e.user_id
                           JOIN learning_course co ON co.id = e.course_id
                           LEFT JOIN learning_module m ON m.id = e.current_module_id
                          WHERE u.email = ANY(%s)""", [plan.persona("alice").email, plan.persona("bob").email]))
    alice = rows.get(f"{plan.persona('alice').email} {plan.COURSE_A.title}", "")
    bob = rows.get(f"{plan.persona('bob').email} {plan.COURSE_A.title}", "")
    passing = c.one("SELECT passing_score FROM learning_quiz")
    ok = alice.startswith("completed") and bob == "in_progress Module 2: Case Studies" and \
        passing == plan.QUIZ_PASSING_SCORE
    return ok, f"Alice {alice.split()[0] if alice else '-'}, Bob {bob}, quiz {passing}% to pass"


# This module's checks, in the order demo.check reports them.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("personas", personas),
    ("plans and prices", plans),
    ("named items", named_items),
    ("flagship", flagship),
    ("webinar outcomes", webinar),
    ("live meetup", live),
    ("live at a human hour", live_hour),
    ("billing", billing),
    ("contact lists", contact_lists),
    ("courses", courses),
)
