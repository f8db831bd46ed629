"""The CPD Events demo's checks that it looks like a real platform at `now`: quarter hours, office
hours, true statuses, a recent past, billing days, reserved email domains, human hours, a
registration ramp, a living platform."""


from cpd_events_demo import plan
from cpd_events_demo.checks.context import Check, Context

RESERVED_EMAIL = (r"@(example\.(com|net|org)|[a-z0-9-]+(\.[a-z0-9-]+)*\.(example|test))$")

NOT_LIVE = "e.status <> 'live'"


def quarter_hours(c: Context):
    bad = c.one("""SELECT count(*) FROM (SELECT starts_at, ends_at FROM events_event UNION ALL
                                         SELECT starts_at, ends_at FROM events_session) x
                    WHERE extract(second FROM starts_at) <> 0 OR extract(second FROM ends_at) <> 0
                       OR extract(minute FROM starts_at)::int % 15 <> 0 OR extract(minute FROM ends_at)::int % 15 <> 0""")
    total = c.one("SELECT (SELECT count(*) FROM events_event) + (SELECT count(*) FROM events_session)")
    return bad == 0, f"{total - bad} of {total} events and sessions start and end on a quarter hour"


def office_hours(c: Context):
    rows = c.rows(f"""SELECT title, to_char(starts_at AT TIME ZONE timezone, 'Dy HH24:MI') FROM events_event e
                       WHERE event_type IN ('conference', 'webinar') AND {NOT_LIVE}
                         AND (extract(isodow FROM starts_at AT TIME ZONE timezone) > 5
                              OR (starts_at AT TIME ZONE timezone)::time NOT BETWEEN '08:00' AND '18:00')""")
    total = c.one("SELECT count(*) FROM events_event WHERE event_type IN ('conference', 'webinar')")
    return not rows, (f"all {total} conferences and webinars start on weekdays 08:00–18:00 local" if not rows
                      else f"outside office hours: {rows[:3]}")


def night(c: Context):
    rows = c.rows(f"""SELECT s.title FROM events_session s JOIN events_event e ON e.id = s.event_id
                       WHERE {NOT_LIVE} AND ((s.starts_at AT TIME ZONE e.timezone)::time < '07:00'
                          OR (s.ends_at AT TIME ZONE e.timezone)::time > '22:00'
                          OR (s.starts_at AT TIME ZONE e.timezone)::date <> (s.ends_at AT TIME ZONE e.timezone)::date)""")
    return not rows, "only the live event runs outside 07:00–22:00 local" if not rows else f"at night: {rows[:3]}"


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


def recent(c: Context):
    future = [f"{t}.{col}" for t, col in HISTORY if c.one(f"SELECT max({col}) > %s FROM {t}", c.now)]
    ages = {name: c.now - c.one(f"SELECT max({col}) FROM {table}")
            for name, table, col in (("registration", "events_registration", "registered_at"),
                                     ("sign-up", "accounts_user", "date_joined"))}
    ok = not future and all(0 <= age.total_seconds() <= 8 * 86400 for age in ages.values())
    return ok, ("newest " + ", ".join(f"{k} {v.days} d {v.seconds // 3600} h ago" for k, v in ages.items())
                + (f"; in the future: {future}" if future else "; all history in the past"))


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


def cpd_cycle(c: Context):
    rows = c.rows("SELECT name, period_start, period_end FROM accounts_cpdrequirement")
    wrong = [r for r in rows if not (r[1].month == 1 and r[1].day == 1 and r[2] == r[1].replace(month=12, day=31)
                                     and r[0].endswith(str(r[1].year)))]
    local_now = c.one("SELECT (%s AT TIME ZONE %s)::date", c.now, c.zone)
    inside = all(r[1] <= local_now <= r[2] for r in rows)
    return bool(rows) and not wrong and inside, "; ".join(f"{r[0]}: {r[1]} → {r[2]}" for r in rows)


def year_tokens(c: Context):
    title, slug, year = c.one("""SELECT json_build_array(title, slug,
                                   extract(year FROM starts_at AT TIME ZONE timezone)::int)
                                   FROM events_event WHERE title LIKE 'Future of Medicine%%'""")
    ok = title == f"{plan.FLAGSHIP.title} {year}" and slug.endswith(f"-{year}")
    return ok, f"{title!r} / {slug!r} starts in {year}"


def reserved(c: Context):
    bad = c.rows("""SELECT email FROM (SELECT email FROM accounts_user UNION ALL SELECT email FROM events_registration
                      UNION ALL SELECT email FROM marketing_contact UNION ALL SELECT participant_email
                      FROM integrations_zoomwebhookevent WHERE participant_email <> '') x
                     WHERE email !~* %s AND email <> 'admin@cpdevents.com' LIMIT 3""", RESERVED_EMAIL)
    total = c.one("""SELECT (SELECT count(*) FROM accounts_user) + (SELECT count(*) FROM events_registration)
                          + (SELECT count(*) FROM marketing_contact)""")
    return not bad, f"all {total} addresses at reserved domains (but the plan's admin)" if not bad else f"real: {bad}"


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


def ramp(c: Context):
    recent_, earlier = c.one("""SELECT json_build_array(count(*) FILTER (WHERE registered_at > %s - interval '14 days'),
                                     count(*) FILTER (WHERE registered_at BETWEEN %s - interval '42 days'
                                                                              AND %s - interval '28 days'))
                                  FROM events_registration r JOIN events_event e ON e.id = r.event_id
                                 WHERE e.title LIKE 'Future of Medicine%%'""", c.now, c.now, c.now)
    return recent_ > earlier, f"flagship registrations: {recent_} in the last two weeks, {earlier} four to six weeks ago"


def payments(c: Context):
    lo, hi, n = c.one("""SELECT json_build_array(extract(epoch FROM min(paid_at - issued_at))::int,
                                               extract(epoch FROM max(paid_at - issued_at))::int, count(*))
                           FROM billing_invoice WHERE paid_at IS NOT NULL""")
    return n > 0 and lo >= 60 and hi <= 3600, f"{n} payments {lo // 60}–{hi // 60} minutes after their invoice"


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


def zoom(c: Context):
    bad = c.one("""SELECT count(*) FROM integrations_zoomwebhookevent
                    WHERE (payload->>'event_ts')::bigint <> (extract(epoch FROM occurred_at) * 1000)::bigint
                       OR payload::text ~ '"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]+Z"'
                       OR (event_type = 'meeting.participant_joined' AND
                           payload #>> '{payload,object,participant,join_time}'
                           <> to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))""")
    n = c.one("SELECT count(*) FROM integrations_zoomwebhookevent")
    return n > 0 and bad == 0, f"{n - bad} of {n} webhook bodies in Zoom's format (ISO to the second, event_ts in ms)"


# This module's checks, in the order demo.check reports them.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("quarter hours", quarter_hours),
    ("office hours", office_hours),
    ("no night sessions", night),
    ("sessions every day", every_day),
    ("statuses true", statuses),
    ("recent history", recent),
    ("billing days", billing_days),
    ("CPD cycle", cpd_cycle),
    ("year tokens", year_tokens),
    ("reserved emails", reserved),
    ("email realism", email_realism),
    ("human hours", human_hours),
    ("registration ramp", ramp),
    ("payments follow invoices", payments),
    ("living platform", living),
    ("certificate templates", templates),
    ("zoom format", zoom),
)
