"""The CPD Events demo's checks (the `checks` hook of cpd-demo.toml, run by `demo.check`): does a
database hold the plan, and does it look like a real platform at `now`?

One result per check, with its evidence. Plain SQL over the data contract's tables: it runs on any
demo database (a restore, a container, a named demo), and the tests run it at many instants. No
Django: the engine's host calls `run` with a connection.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import psycopg

from cpd_events_demo import plan

RESERVED_EMAIL = (r"@(example\.(com|net|org)|[a-z0-9-]+(\.[a-z0-9-]+)*\.(example|test))$")


@dataclass
class Context:
    conn: psycopg.Connection
    now: datetime
    zone: str
    scale: int
    prospect: str = ""   # the organisation a tailored demo speaks of instead of the plan's

    def one(self, query: str, *params: object):
        row = self.conn.execute(query, params or None).fetchone()
        return row[0] if row else None

    def rows(self, query: str, *params: object) -> list[tuple]:
        return self.conn.execute(query, params or None).fetchall()


CHECKS: list[tuple[str, Callable[[Context], tuple[bool, str]]]] = []


def check(name: str):
    def register(fn: Callable[[Context], tuple[bool, str]]):
        CHECKS.append((name, fn))
        return fn
    return register


# -- the plan ---------------------------------------------------------------------------------

@check("personas")
def personas(c: Context):
    found = {r[0]: r[1:] for r in c.rows("SELECT email, first_name, last_name, is_superuser FROM accounts_user "
                                           "WHERE email = ANY(%s)", [p.email for p in plan.PERSONAS])}
    wrong = [p.email for p in plan.PERSONAS if found.get(p.email) != (p.first_name, p.last_name, p.superuser)]
    return not wrong, f"{len(found)} of {len(plan.PERSONAS)} personas as planned" + (f"; wrong: {wrong}" if wrong else "")


@check("plans and prices")
def plans(c: Context):
    found = set(c.rows("SELECT code, price_cents FROM billing_plan"))
    wanted = {(p.code, p.price_cents) for p in plan.PLANS}
    return wanted <= found, ", ".join(f"{code} ${cents / 100:.0f}" for code, cents in sorted(found))


@check("named items")
def named_items(c: Context):
    wrong = []
    for table, column, key in plan.NATURAL_KEYS:
        n = c.one(f"SELECT count(*) FROM {table} WHERE {column} LIKE %s", key)
        if n != 1:
            wrong.append(f"{key}: {n}")
    return not wrong, ("each of the plan's named items matches one row" if not wrong else "; ".join(wrong))


@check("flagship")
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


@check("webinar outcomes")
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


@check("live meetup")
def live(c: Context):
    rows = c.rows("""SELECT title, starts_at, ends_at FROM events_event WHERE status = 'live'
                      OR (starts_at <= %s AND ends_at > %s)""", c.now, c.now)
    ok = len(rows) == 1 and rows[0][0] == plan.MEETUP.title and rows[0][1] <= c.now < rows[0][2] and all(
        t.minute % 15 == 0 and t.second == 0 and t.microsecond == 0 for t in rows[0][1:3])
    return ok, "; ".join(f"{t}: {s:%H:%M}–{e:%H:%M} UTC" for t, s, e in rows) or "nothing live"


@check("live at a human hour")
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


@check("billing")
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


@check("contact lists")
def contact_lists(c: Context):
    found = dict(c.rows("""SELECT l.name, count(c.id) FROM marketing_contactlist l
                            LEFT JOIN marketing_contact c ON c.contact_list_id = l.id GROUP BY l.name"""))
    tagged = c.one("""SELECT count(*) FROM marketing_contact_tags ct JOIN marketing_tag t ON t.id = ct.tag_id
                       WHERE t.name = 'High Value'""")
    ok = all(found.get(name) == n * c.scale for name, n, _ in plan.CONTACT_LISTS) and \
        tagged == plan.CONTACT_LISTS[1][1] * c.scale
    return ok, ", ".join(f"{k}: {v}" for k, v in sorted(found.items())) + f"; {tagged} tagged High Value"


@check("courses")
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


# -- looks real ------------------------------------------------------------------------------

NOT_LIVE = "e.status <> 'live'"


@check("quarter hours")
def quarter_hours(c: Context):
    bad = c.one("""SELECT count(*) FROM (SELECT starts_at, ends_at FROM events_event UNION ALL
                                         SELECT starts_at, ends_at FROM events_session) x
                    WHERE extract(second FROM starts_at) <> 0 OR extract(second FROM ends_at) <> 0
                       OR extract(minute FROM starts_at)::int % 15 <> 0 OR extract(minute FROM ends_at)::int % 15 <> 0""")
    total = c.one("SELECT (SELECT count(*) FROM events_event) + (SELECT count(*) FROM events_session)")
    return bad == 0, f"{total - bad} of {total} events and sessions start and end on a quarter hour"


@check("office hours")
def office_hours(c: Context):
    rows = c.rows(f"""SELECT title, to_char(starts_at AT TIME ZONE timezone, 'Dy HH24:MI') FROM events_event e
                       WHERE event_type IN ('conference', 'webinar') AND {NOT_LIVE}
                         AND (extract(isodow FROM starts_at AT TIME ZONE timezone) > 5
                              OR (starts_at AT TIME ZONE timezone)::time NOT BETWEEN '08:00' AND '18:00')""")
    total = c.one("SELECT count(*) FROM events_event WHERE event_type IN ('conference', 'webinar')")
    return not rows, (f"all {total} conferences and webinars start on weekdays 08:00–18:00 local" if not rows
                      else f"outside office hours: {rows[:3]}")


@check("no night sessions")
def night(c: Context):
    rows = c.rows(f"""SELECT s.title FROM events_session s JOIN events_event e ON e.id = s.event_id
                       WHERE {NOT_LIVE} AND ((s.starts_at AT TIME ZONE e.timezone)::time < '07:00'
                          OR (s.ends_at AT TIME ZONE e.timezone)::time > '22:00'
                          OR (s.starts_at AT TIME ZONE e.timezone)::date <> (s.ends_at AT TIME ZONE e.timezone)::date)""")
    return not rows, "only the live event runs outside 07:00–22:00 local" if not rows else f"at night: {rows[:3]}"


@check("sessions every day")
def every_day(c: Context):
    rows = c.rows(f"""SELECT e.title, d::date FROM events_event e,
                            generate_series((e.starts_at AT TIME ZONE e.timezone)::date,
                                            (e.ends_at AT TIME ZONE e.timezone)::date, interval '1 day') d
                       WHERE {NOT_LIVE} AND NOT EXISTS (SELECT 1 FROM events_session s WHERE s.event_id = e.id
                             AND (s.starts_at AT TIME ZONE e.timezone)::date = d::date)""")
    multi = c.one("SELECT count(*) FROM events_event WHERE (starts_at AT TIME ZONE timezone)::date "
                  "<> (ends_at AT TIME ZONE timezone)::date")
    return not rows, (f"{multi} multi-day event(s), each with sessions on every day" if not rows
                      else f"days without sessions: {rows[:3]}")


@check("statuses true")
def statuses(c: Context):
    wrong = c.rows("""SELECT title, status FROM events_event WHERE
                        (status = 'published' AND starts_at <= %s) OR (status = 'completed' AND ends_at >= %s)
                        OR (status = 'live' AND NOT (starts_at <= %s AND ends_at > %s))""", c.now, c.now, c.now, c.now)
    counts = dict(c.rows("SELECT status, count(*) FROM events_event GROUP BY status"))
    ok = not wrong and counts.get("live") == 1
    return ok, (", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + (f"; untrue: {wrong[:3]}" if wrong else ""))


HISTORY = (("events_registration", "registered_at"), ("accounts_user", "date_joined"), ("billing_invoice", "issued_at"),
           ("events_attendance", "joined_at"), ("engagement_feedback", "submitted_at"),
           ("credentials_certificate", "issued_at"), ("learning_quizattempt", "submitted_at"),
           ("learning_submission", "submitted_at"), ("integrations_zoomwebhookevent", "occurred_at"),
           ("accounts_user", "last_login"), ("marketing_contact", "subscribed_at"))


@check("recent history")
def recent(c: Context):
    future = [f"{t}.{col}" for t, col in HISTORY if c.one(f"SELECT max({col}) > %s FROM {t}", c.now)]
    ages = {name: c.now - c.one(f"SELECT max({col}) FROM {table}")
            for name, table, col in (("registration", "events_registration", "registered_at"),
                                     ("sign-up", "accounts_user", "date_joined"))}
    ok = not future and all(0 <= age.total_seconds() <= 8 * 86400 for age in ages.values())
    return ok, ("newest " + ", ".join(f"{k} {v.days} d {v.seconds // 3600} h ago" for k, v in ages.items())
                + (f"; in the future: {future}" if future else "; all history in the past"))


@check("billing days")
def billing_days(c: Context):
    zone = c.zone
    off = c.one("""SELECT count(*) FROM billing_invoice i JOIN billing_subscription s ON s.id = i.subscription_id
                    WHERE to_char(i.period_start AT TIME ZONE %s, 'DD HH24:MI')
                          <> to_char(s.current_period_start AT TIME ZONE %s, 'DD HH24:MI')
                       OR to_char(i.issued_at AT TIME ZONE %s, 'DD HH24:MI')
                          <> to_char(s.current_period_start AT TIME ZONE %s, 'DD HH24:MI')""", zone, zone, zone, zone)
    current = c.one("""SELECT count(*) FROM billing_subscription WHERE status IN ('active', 'past_due', 'trialing')
                         AND NOT (current_period_start <= %s AND current_period_end > %s)""", c.now, c.now)
    n = c.one("SELECT count(*) FROM billing_invoice")
    return off == 0 and current == 0, (f"{n - off} of {n} invoices on their subscription's billing day and time; "
                                       f"{current} live subscription(s) outside their current period")


@check("CPD cycle")
def cpd_cycle(c: Context):
    rows = c.rows("SELECT name, period_start, period_end FROM accounts_cpdrequirement")
    wrong = [r for r in rows if not (r[1].month == 1 and r[1].day == 1 and r[2] == r[1].replace(month=12, day=31)
                                     and r[0].endswith(str(r[1].year)))]
    local_now = c.one("SELECT (%s AT TIME ZONE %s)::date", c.now, c.zone)
    inside = all(r[1] <= local_now <= r[2] for r in rows)
    return bool(rows) and not wrong and inside, "; ".join(f"{r[0]}: {r[1]} → {r[2]}" for r in rows)


@check("year tokens")
def year_tokens(c: Context):
    title, slug, year = c.one("""SELECT json_build_array(title, slug,
                                   extract(year FROM starts_at AT TIME ZONE timezone)::int)
                                   FROM events_event WHERE title LIKE 'Future of Medicine%%'""")
    ok = title == f"{plan.FLAGSHIP.title} {year}" and slug.endswith(f"-{year}")
    return ok, f"{title!r} / {slug!r} starts in {year}"


@check("reserved emails")
def reserved(c: Context):
    bad = c.rows("""SELECT email FROM (SELECT email FROM accounts_user UNION ALL SELECT email FROM events_registration
                      UNION ALL SELECT email FROM marketing_contact UNION ALL SELECT participant_email
                      FROM integrations_zoomwebhookevent WHERE participant_email <> '') x
                     WHERE email !~* %s AND email <> 'admin@cpdevents.com' LIMIT 3""", RESERVED_EMAIL)
    total = c.one("""SELECT (SELECT count(*) FROM accounts_user) + (SELECT count(*) FROM events_registration)
                          + (SELECT count(*) FROM marketing_contact)""")
    return not bad, f"all {total} addresses at reserved domains (but the plan's admin)" if not bad else f"real: {bad}"


@check("email realism")
def email_realism(c: Context):
    digits, total, domains = c.one("""SELECT json_build_array(count(*) FILTER (WHERE split_part(email, '@', 1) ~ '[0-9]'),
                                        count(*), count(DISTINCT split_part(email, '@', 2))
                                          FILTER (WHERE email LIKE '%%.example'))
                                       FROM (SELECT email FROM accounts_user UNION SELECT email FROM events_registration
                                             UNION SELECT email FROM marketing_contact) x
                                      WHERE email NOT IN (SELECT email FROM accounts_user WHERE email = ANY(%s))""",
                                   [p.email for p in plan.PERSONAS])
    share = 1 - digits / total if total else 0
    return share >= 0.9 and domains >= 10, f"{share:.0%} of {total} addresses without digits, {domains} organisation domains"


@check("human hours")
def human_hours(c: Context):
    query = """SELECT count(*) FILTER (WHERE h BETWEEN 7 AND 22), count(*) FROM (
        SELECT extract(hour FROM r.registered_at AT TIME ZONE coalesce(p.timezone, %(z)s)) h FROM events_registration r
          LEFT JOIN accounts_profile p ON p.user_id = r.user_id JOIN events_event e ON e.id = r.event_id
         WHERE e.status <> 'live'
        UNION ALL SELECT extract(hour FROM u.last_login AT TIME ZONE p.timezone) FROM accounts_user u
          JOIN accounts_profile p ON p.user_id = u.id WHERE u.last_login IS NOT NULL
        UNION ALL SELECT extract(hour FROM f.submitted_at AT TIME ZONE p.timezone) FROM engagement_feedback f
          JOIN accounts_profile p ON p.user_id = f.user_id
        UNION ALL SELECT extract(hour FROM q.submitted_at AT TIME ZONE p.timezone) FROM learning_quizattempt q
          JOIN accounts_profile p ON p.user_id = q.user_id
        UNION ALL SELECT extract(hour FROM s.submitted_at AT TIME ZONE p.timezone) FROM learning_submission s
          JOIN accounts_profile p ON p.user_id = s.user_id) x"""
    human, total = c.conn.execute(query, {"z": c.zone}).fetchone() or (0, 0)
    share = human / total if total else 0
    return share >= 0.8, f"{share:.0%} of {total} registrations, logins, feedback, quiz attempts and submissions at 07–23 h"


@check("registration ramp")
def ramp(c: Context):
    recent_, earlier = c.one("""SELECT json_build_array(count(*) FILTER (WHERE registered_at > %s - interval '14 days'),
                                     count(*) FILTER (WHERE registered_at BETWEEN %s - interval '42 days'
                                                                              AND %s - interval '28 days'))
                                  FROM events_registration r JOIN events_event e ON e.id = r.event_id
                                 WHERE e.title LIKE 'Future of Medicine%%'""", c.now, c.now, c.now)
    return recent_ > earlier, f"flagship registrations: {recent_} in the last two weeks, {earlier} four to six weeks ago"


@check("payments follow invoices")
def payments(c: Context):
    lo, hi, n = c.one("""SELECT json_build_array(extract(epoch FROM min(paid_at - issued_at))::int,
                                               extract(epoch FROM max(paid_at - issued_at))::int, count(*))
                           FROM billing_invoice WHERE paid_at IS NOT NULL""")
    return n > 0 and lo >= 60 and hi <= 3600, f"{n} payments {lo // 60}–{hi // 60} minutes after their invoice"


@check("living platform")
def living(c: Context):
    row = c.one("""SELECT json_build_object(
          'events', count(*), 'organizers', count(DISTINCT owner_id),
          'upcoming', count(*) FILTER (WHERE starts_at > %s), 'past', count(*) FILTER (WHERE ends_at < %s),
          'subscriptions', (SELECT count(*) FROM billing_subscription),
          'paid_plans', (SELECT count(DISTINCT plan_id) FROM billing_subscription s JOIN billing_plan p
                          ON p.id = s.plan_id WHERE p.price_cents > 0),
          'bare', (SELECT count(*) FROM events_event e WHERE e.ends_at < %s AND (
                     NOT EXISTS (SELECT 1 FROM events_registration r WHERE r.event_id = e.id)
                     OR NOT EXISTS (SELECT 1 FROM events_attendance a JOIN events_registration r
                                    ON r.id = a.registration_id WHERE r.event_id = e.id)
                     OR NOT EXISTS (SELECT 1 FROM engagement_feedback f WHERE f.event_id = e.id))))
        FROM events_event""", c.now, c.now, c.now)
    ok = (row["events"] >= 12 and row["organizers"] >= 4 and row["upcoming"] >= 4 and row["past"] >= 6
          and row["subscriptions"] >= 10 and row["paid_plans"] >= 3 and row["bare"] == 0)
    return ok, (f"{row['events']} events by {row['organizers']} organizers ({row['upcoming']} upcoming, "
                f"{row['past']} past, {row['bare']} past without registrations/attendance/feedback); "
                f"{row['subscriptions']} subscriptions on {row['paid_plans']} paid plans")


@check("certificate templates")
def templates(c: Context):
    wrong = c.one("""SELECT count(*) FROM credentials_certificate x JOIN events_event e ON e.id = x.event_id
                      JOIN credentials_certificatetemplate t ON t.id = x.template_id
                     WHERE t.id <> coalesce((SELECT min(o.id) FROM credentials_certificatetemplate o
                                              WHERE o.owner_id = e.owner_id),
                                             (SELECT min(d.id) FROM credentials_certificatetemplate d
                                               WHERE d.is_system_default))""")
    used = c.rows("""SELECT t.name, count(*) FROM credentials_certificate x JOIN credentials_certificatetemplate t
                       ON t.id = x.template_id GROUP BY t.name ORDER BY t.name""")
    return wrong == 0 and len(used) >= 2, ", ".join(f"{n}: {k}" for n, k in used)


@check("zoom format")
def zoom(c: Context):
    bad = c.one("""SELECT count(*) FROM integrations_zoomwebhookevent
                    WHERE (payload->>'event_ts')::bigint <> (extract(epoch FROM occurred_at) * 1000)::bigint
                       OR payload::text ~ '"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]+Z"'
                       OR (event_type = 'meeting.participant_joined' AND
                           payload #>> '{payload,object,participant,join_time}'
                           <> to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))""")
    n = c.one("SELECT count(*) FROM integrations_zoomwebhookevent")
    return n > 0 and bad == 0, f"{n - bad} of {n} webhook bodies in Zoom's format (ISO to the second, event_ts in ms)"


def run(conn: psycopg.Connection, now: datetime, facts: dict) -> list[tuple[str, bool, str]]:
    """Every check at `now`: (name, passed, evidence). A query that fails is a failed check."""
    from cpd_events_demo import believable  # noqa: F401  (what a buyer notices: its checks follow the plan's)

    ctx = Context(conn, now, facts["timezone"], facts["scale"], facts.get("prospect") or "")
    results = []
    for name, fn in CHECKS:
        try:
            with conn.transaction():
                ok, evidence = fn(ctx)
        except psycopg.Error as exc:
            ok, evidence = False, f"query failed: {str(exc).splitlines()[0]}"
        results.append((name, ok, evidence))
    return results
