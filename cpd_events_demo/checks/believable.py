"""The checks a careful buyer runs in a minute without knowing it (demo.check runs them after the
plan's, the other modules of this package): people who look like people, feedback in many voices, demand
that varies, the platform's own spelling, a past as long as its billing, a flagship that fits its
venue and day, props, and a tailoring that left no old name behind. Plain SQL, like the rest.
"""

import itertools
import re
from datetime import timedelta
from functools import cache

from cpd_events_demo import plan, world
from cpd_events_demo.checks.context import Check, Context

# Generated people: accounts, guests who registered without one, contacts.
PEOPLE = """(SELECT email, first_name, last_name FROM accounts_user
             UNION SELECT email, first_name, last_name FROM events_registration WHERE user_id IS NULL
             UNION SELECT email, first_name, last_name FROM marketing_contact) people"""
# The text a buyer reads, column by column.
BUYER_TEXT = (("events_event", "title"), ("events_event", "description"), ("events_event", "venue"),
              ("events_session", "title"), ("events_session", "room"), ("events_speaker", "name"),
              ("events_speaker", "headline"), ("events_speaker", "bio"), ("accounts_profile", "headline"),
              ("accounts_profile", "organization"), ("accounts_profile", "bio"), ("learning_course", "title"),
              ("learning_course", "description"), ("learning_module", "title"), ("learning_assignment", "title"),
              ("learning_assignment", "instructions"), ("engagement_feedback", "comment"),
              ("credentials_certificatetemplate", "name"), ("credentials_badgetemplate", "name"),
              ("marketing_contactlist", "name"), ("marketing_contactlist", "organization"), ("marketing_tag", "name"),
              ("billing_plan", "name"))
# Spellings a US platform never prints (a word's British stem, matched at a word's start).
BRITISH = (r"\m(programme|recognis|organis|centre|colour|behaviour|favour|honour|labour|licence|practis|paediatric|"
           r"anaesthe|haemat|oedema|oesophag|travell|counsell|modell|judgement|catalogue|analys(e|es|ed|ing)\M|"
           r"minimis|maximis|prioritis|speciali[s](e|ed|es|ing|ation)\M|utilis|apologis|enrolment|fulfil\M)")
CONVENTION_HALL_SEATS = 200   # what a convention center's hall seats, at the least
PROGRAM_SLACK_MINUTES = 30    # an event's sessions start and end within this of its advertised times


def any_of(words: tuple[str, ...]) -> str:
    return "(" + "|".join(re.escape(w) for w in words) + ")"


def buyer_text() -> str:
    return " UNION ALL ".join(f"SELECT '{t}.{c}' AS place, {c} AS text FROM {t}" for t, c in BUYER_TEXT)


def surnames(c: Context):
    flat = sorted(world.SURNAME_SPELLINGS)
    bad = c.rows(f"""SELECT DISTINCT first_name || ' ' || last_name FROM {PEOPLE}
                      WHERE last_name ~ '^Mc[a-z]' OR first_name ~ '^Mc[a-z]' OR last_name = ANY(%s) LIMIT 5""", flat)
    bad += c.rows("SELECT name FROM events_speaker WHERE name ~ '\\mMc[a-z]' OR split_part(name, ' ', -1) = ANY(%s)",
                  flat)
    good = c.rows(f"""SELECT DISTINCT last_name FROM {PEOPLE} WHERE last_name ~ '^(Mc[A-Z]|Mac[A-Z]|O''[A-Z])'
                       ORDER BY 1 LIMIT 4""")
    return not bad, (f"as people spell them (e.g. {', '.join(g[0] for g in good) or '–'})" if not bad
                     else f"as Faker spells them: {[b[0] for b in bad]}")


def look_alikes(c: Context):
    people = c.one(f"SELECT count(DISTINCT email) FROM {PEOPLE}")
    shared = c.rows(f"""SELECT first_name || ' ' || last_name FROM {PEOPLE}
                         GROUP BY lower(first_name), lower(last_name), first_name, last_name
                         HAVING count(DISTINCT email) > 1 LIMIT 5""")
    surnames = c.rows("""SELECT u.last_name FROM accounts_user u JOIN accounts_profile p ON p.user_id = u.id
                          WHERE p.role = 'organizer' GROUP BY u.last_name HAVING count(*) > 1""")
    speakers = c.rows("SELECT name FROM events_speaker GROUP BY name HAVING count(*) > 1")
    # Among thousands, two real people may share a name; at the plan's scale nobody does.
    ok = len(shared) <= people // 2000 and not surnames and not speakers
    return ok, (f"{people} people, {len(shared)} full name(s) shared; organizers' surnames "
                + (f"shared: {[s[0] for s in surnames]}" if surnames else "all their own")
                + (f"; speakers twice: {speakers}" if speakers else "")
                + (f"; shared: {[s[0] for s in shared]}" if shared else ""))


def voices(c: Context):
    said, distinct, most, ratings = c.one("""SELECT json_build_array(count(*), count(DISTINCT comment),
                                               (SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM engagement_feedback
                                                 WHERE comment <> '' GROUP BY comment) x),
                                               (SELECT count(DISTINCT rating) FROM engagement_feedback))
                                             FROM engagement_feedback WHERE comment <> ''""")
    ok = said > 0 and distinct >= 0.8 * said and most <= max(2, said // 100) and ratings >= 4
    return ok, f"{distinct} distinct of {said} comments, none said more than {most} times; {ratings} different ratings"


def tone(c: Context):
    glowing, damning = any_of(world.GLOWING), any_of(world.DAMNING)
    wrong = c.rows("""SELECT rating, comment FROM engagement_feedback WHERE comment <> '' AND (
                        (rating <= 2 AND (comment !~* %s OR comment ~* %s)) OR (rating >= 4 AND comment ~* %s))""",
                   damning, glowing, damning)
    low = c.one("SELECT count(*) FROM engagement_feedback WHERE comment <> '' AND rating <= 2")
    return not wrong, (f"every comment reads like its rating ({low} low ones say what went wrong)" if not wrong
                       else f"{len(wrong)} at odds: {wrong[:3]}")


def demand(c: Context):
    series = c.rows("""SELECT min(e.title), count(*), array_agg(n ORDER BY n) FROM (
                         SELECT e.*, (SELECT count(*) FROM events_registration r WHERE r.event_id = e.id) n
                           FROM events_event e WHERE e.status <> 'live' AND e.ends_at < %s) e
                        GROUP BY owner_id, event_type, timezone, to_char(starts_at AT TIME ZONE timezone, 'ID HH24:MI')
                       HAVING count(*) >= 3""", c.now)
    flat = [(title, counts) for title, n, counts in series if len(set(counts)) < n / 2]
    past = c.rows("""SELECT count(*) FROM events_registration r JOIN events_event e ON e.id = r.event_id
                      WHERE e.ends_at < %s GROUP BY e.id""", c.now)
    distinct = len({n for (n,) in past})
    ok = not flat and distinct >= 0.6 * len(past)
    return ok, (f"{distinct} different counts over {len(past)} past events; "
                + "; ".join(f"a series of {n}: {counts[0]}–{counts[-1]}" for _, n, counts in series)
                + (f"; the same each time: {flat}" if flat else ""))


def spelling(c: Context):
    prospect = c.prospect
    found = c.rows(f"""SELECT place, text FROM ({buyer_text()}) x
                        WHERE replace(text, %s, '') ~* %s LIMIT 3""", prospect or "\x01", BRITISH)
    return not found, ("the platform's text spells as Americans do" if not found
                       else f"British spellings: {[(p, t[:60]) for p, t in found]}")


def past(c: Context):
    found = c.conn.execute("""SELECT json_build_object(
          'oldest', extract(epoch FROM %(now)s - min(starts_at)) / 86400,
          'months', (SELECT count(*) FROM generate_series(0, 2) k WHERE EXISTS (SELECT 1 FROM events_event e
                      WHERE e.ends_at < %(now)s - k * interval '30 days'
                        AND e.ends_at >= %(now)s - (k + 1) * interval '30 days')),
          'pro', (SELECT extract(epoch FROM %(now)s - min(e.starts_at)) / 86400 FROM events_event e
                   JOIN accounts_user u ON u.id = e.owner_id WHERE u.email = %(pro)s),
          'early', (SELECT count(*) FROM events_event e JOIN accounts_user u ON u.id = e.owner_id
                     WHERE e.starts_at < u.date_joined))
        FROM events_event WHERE ends_at < %(now)s""", {"now": c.now, "pro": plan.persona("pro").email}).fetchone()
    row = found[0] if found else {}
    # The pro has paid for PRO_INVOICES months: her events go back most of them.
    ok = (row["oldest"] >= 90 and row["months"] == 3 and row["pro"] >= 30 * (plan.PRO_INVOICES - 2)
          and row["early"] == 0)
    return ok, (f"events go back {row['oldest'] / 30.4:.1f} months (each of the last three has some); the pro's "
                f"{row['pro'] / 30.4:.1f} of her {plan.PRO_INVOICES} paid; {row['early']} before their organizer joined")


def series(c: Context):
    """The pro's weekly webinar has an episode every week from its first to its last, on its weekday at
    its hour; one is missing only while its own slot and aftermath run (rules.toml's [slots])."""
    titles = [plan.WEBINAR.title, *(e.title for e in world.SERIES)]
    rows = c.rows("""SELECT starts_at, ends_at, starts_at AT TIME ZONE timezone FROM events_event
                      WHERE title = ANY(%s) AND status <> 'live' ORDER BY starts_at""", titles)
    settle, off = timedelta(hours=plan.FEEDBACK_HOURS), holidays()
    gaps = []
    for (start, end, local), (_, _, next_local) in itertools.pairwise(rows):
        weeks = (next_local - local) / timedelta(weeks=1)
        # Each week skipped is a holiday, or the one whose episode is running or settling now.
        skipped = [n for n in range(1, int(weeks)) if (local + timedelta(weeks=n)).date() not in off
                   and not start + timedelta(weeks=n) <= c.now < end + timedelta(weeks=n) + settle]
        if weeks != int(weeks) or weeks < 1 or skipped:
            gaps.append(f"{local:%a %d %b %H:%M} -> {next_local:%a %d %b %H:%M}")
    ok = len(rows) == len(titles) and not gaps and rows[0][0] < c.now < rows[-1][0]
    return ok, (f"{len(rows)} episodes, {rows[0][2]:%a %d %b} to {rows[-1][2]:%a %d %b}, every week"
                if ok else f"{len(rows)} of {len(titles)} episodes; not a week apart: {gaps}")


def holiday(c: Context):
    """No event but the live one on a day of plan.HOLIDAYS, any day it runs, in its own zone."""
    off = holidays()
    rows = c.rows("""SELECT title, d::date FROM events_event e,
                            generate_series((starts_at AT TIME ZONE timezone)::date, (ends_at AT TIME ZONE timezone)::date,
                                            interval '1 day') d
                      WHERE status <> 'live'""")
    hit = [f"{title} on {day:%a %d %b %Y} ({off[day]})" for title, day in rows if day in off]
    return not hit, (f"{len(rows)} event days, none on {', '.join(plan.HOLIDAYS)}" if not hit else "; ".join(hit[:4]))


@cache
def holidays() -> dict:
    """plan.HOLIDAYS in the years a demo may show, by day (the holidays package's calendar)."""
    import holidays as calendar

    days = calendar.country_holidays(plan.HOLIDAY_COUNTRY, years=range(1900, 2101), categories=plan.HOLIDAY_CATEGORIES)
    return {day: name for day, name in days.items() if set(name.split("; ")) & set(plan.HOLIDAYS)}


def programs(c: Context):
    slack = PROGRAM_SLACK_MINUTES
    loose = c.rows("""SELECT e.title FROM events_event e JOIN events_session s ON s.event_id = e.id GROUP BY e.id
                       HAVING min(s.starts_at) > e.starts_at + %s * interval '1 minute'
                           OR max(s.ends_at) < e.ends_at - %s * interval '1 minute'""", slack, slack)
    flagship = c.one("""SELECT json_build_object('venue', venue, 'capacity', capacity,
                          'day', to_char(starts_at AT TIME ZONE timezone, 'HH24:MI') || '–'
                                 || to_char(ends_at AT TIME ZONE timezone, 'HH24:MI'),
                          'program', (SELECT to_char(min(s.starts_at) AT TIME ZONE e.timezone, 'HH24:MI') || '–'
                                             || to_char(max(s.ends_at) AT TIME ZONE e.timezone, 'HH24:MI')
                                        FROM events_session s WHERE s.event_id = e.id),
                          'gap', (SELECT max(extract(epoch FROM s.starts_at - p.ends_at)) / 60 FROM events_session s
                                    JOIN LATERAL (SELECT max(q.ends_at) ends_at FROM events_session q
                                                   WHERE q.event_id = s.event_id AND q.starts_at < s.starts_at) p ON true
                                   WHERE s.event_id = e.id))
                        FROM events_event e WHERE title LIKE 'Future of Medicine%%'""")
    hall = "convention cent" in flagship["venue"].lower()
    fits = flagship["capacity"] >= (CONVENTION_HALL_SEATS if hall else 50) * c.scale and (flagship["gap"] or 0) <= 90
    return not loose and fits, (f"flagship: {flagship['capacity']} seats at {flagship['venue'].split(',')[0]}, "
                                f"sessions {flagship['program']} of its {flagship['day']} day; "
                                + (f"sessions short of their day: {loose[:3]}" if loose
                                   else "every event's sessions run the hours it advertises"))


def props(c: Context):
    certificates = c.one("""SELECT json_build_array(count(*), count(DISTINCT background) FILTER (
                              WHERE background LIKE 'certificate\\_templates/%%.png')) FROM credentials_certificatetemplate""")
    badges = c.one("""SELECT json_build_array(count(*), count(DISTINCT image) FILTER (
                        WHERE image LIKE 'badges/%%.png')) FROM credentials_badgetemplate""")
    ok = certificates[0] == certificates[1] > 0 and badges[0] == badges[1] > 0
    return ok, (f"{certificates[1]} of {certificates[0]} certificate templates and {badges[1]} of {badges[0]} badge "
                "templates with art of their own (drawn at build time: a certificate's page, a medal with its label)")


def tailoring(c: Context):
    pro = plan.persona("pro")
    prospect = c.prospect
    org = prospect or pro.organization
    row = c.one("""SELECT json_build_object('organization', p.organization, 'headline', p.headline, 'bio', p.bio,
                     'speaker', (SELECT json_agg(s.headline || ' ' || s.bio) FROM events_speaker s WHERE s.user_id = u.id),
                     'lists', (SELECT array_agg(DISTINCT l.organization) FROM marketing_contactlist l
                                WHERE l.owner_id = u.id),
                     'templates', (SELECT array_agg(t.name) FROM credentials_certificatetemplate t WHERE t.owner_id = u.id))
                   FROM accounts_user u JOIN accounts_profile p ON p.user_id = u.id WHERE u.email = %s""", pro.email)
    template = f"{prospect} Standard Certificate" if prospect else plan.CERTIFICATE_TEMPLATES[0].name
    ok = (row["organization"] == org and org in row["headline"] and org in row["bio"]
          and all(org in s for s in row["speaker"] or [""]) and row["lists"] == [org] and row["templates"] == [template])
    left = []
    if prospect and pro.organization not in prospect:
        left = c.rows(f"SELECT place FROM ({buyer_text()}) x WHERE text LIKE %s GROUP BY place",
                      f"%{pro.organization}%")
    return ok and not left, (f"{org} in the pro's profile, headline, bio, speaker entry, certificate template and "
                             "contact lists" + (f"; {pro.organization} left in {[p[0] for p in left]}" if left else "")
                             + ("" if ok else f"; found {row}"))


# This module's checks, in the order demo.check reports them.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("surnames as spelled", surnames),
    ("no look-alike people", look_alikes),
    ("feedback voices", voices),
    ("ratings match words", tone),
    ("registrations vary", demand),
    ("American spelling", spelling),
    ("a past", past),
    ("weekly series", series),
    ("no event on a holiday", holiday),
    ("programs fill their days", programs),
    ("props", props),
    ("tailoring complete", tailoring),
)
