"""Every item of DEMO_DATA_PLAN.md, checked through the data contract's table names."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.hashers import check_password
from PIL import Image

from builder.settings import DEFAULT_PASSWORD
from cpd_events_demo import plan
from tests.support.postgres import one, query
from tests.support.project import ANCHOR, CPD, SEED

ANCHOR_AT = datetime.fromisoformat(ANCHOR)
PRO, BASIC, GUEST = "organizer.pro@example.com", "organizer.basic@example.com", "speaker.guest@example.com"
ALICE, BOB, CHARLIE = "attendee.engaged@example.com", "attendee.casual@example.com", "attendee.new@example.com"


@pytest.fixture(scope="module")
def url(demo):
    return demo[0]


def uid(url, email):
    return one(url, "SELECT id FROM accounts_user WHERE email = %s", (email,))


def event(url, title_like):
    return one(url, "SELECT id, title, event_type, format, status, starts_at, ends_at, price_cents, cpd_enabled, "
                    "cpd_credits, certificates_enabled, zoom_meeting_id, join_url, owner_id, timezone, venue "
                    "FROM events_event WHERE title LIKE %s", (title_like,))


def test_personas_names_roles_and_profiles(url):
    rows = {r[0]: r[1:] for r in query(url, """
        SELECT u.email, u.first_name, u.last_name, u.is_superuser, u.is_staff, p.role, p.headline,
               p.onboarding_completed
          FROM accounts_user u JOIN accounts_profile p ON p.user_id = u.id""")}
    assert rows["admin@cpdevents.com"][2:4] == (True, True)
    assert rows[PRO][:2] == ("Sarah", "Chen") and rows[PRO][4] == "organizer"
    assert rows[PRO][5] == "Director of CME at HealthTech Solutions"
    assert rows[BASIC][:2] == ("John", "Doe") and rows[BASIC][5] == "Community Coordinator"
    assert rows[GUEST][:2] == ("Alan", "Grant") and rows[GUEST][4] == "speaker"
    assert rows[ALICE][:2] == ("Alice", "Active") and rows[BOB][:2] == ("Bob", "Basic")
    assert rows[CHARLIE][:2] == ("Charlie", "New") and rows[CHARLIE][6] is False
    assert "churned@example.com" in rows
    assert sum(1 for r in rows.values() if not r[2]) == len(rows) - 1  # one superuser only
    assert one(url, "SELECT onboarding_step FROM accounts_profile p JOIN accounts_user u ON u.id=p.user_id "
                    "WHERE u.email=%s", (CHARLIE,)) == "choose_interests"


def test_every_persona_logs_in_with_the_demo_password(url):
    hashes = dict(query(url, "SELECT email, password FROM accounts_user WHERE email = ANY(%s)",
                        ([p.email for p in plan.PERSONAS],)))
    assert len(hashes) == len(plan.PERSONAS) == 8
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
        django.setup()
    for email, encoded in hashes.items():
        assert check_password(DEFAULT_PASSWORD, encoded), email
        assert not check_password("wrong-password", encoded)
    # Generated people cannot log in.
    assert one(url, "SELECT count(*) FROM accounts_user WHERE NOT email = ANY(%s) AND password NOT LIKE '!%%'",
               ([p.email for p in plan.PERSONAS],)) == 0


def test_plans_prices_and_limits(url):
    plans = {r[0]: r[1:] for r in query(url, "SELECT code, price_cents, monthly_event_limit, includes_courses, "
                                             "includes_teams FROM billing_plan")}
    assert set(plans) == {"basic", "organizer", "lms", "pro"}
    assert plans["basic"][0] == 0
    assert plans["organizer"][:2] == (2900, 5)
    assert plans["lms"][0] == 4900 and plans["lms"][2] is True
    assert plans["pro"] == (9900, None, True, True)


def test_subscriptions_invoices_card_connect_zoom(url):
    subs = {r[0]: r[1:] for r in query(url, """
        SELECT u.email, p.code, s.status, s.cancel_at_period_end, s.current_period_start, s.current_period_end
          FROM billing_subscription s JOIN accounts_user u ON u.id=s.user_id JOIN billing_plan p ON p.id=s.plan_id""")}
    assert subs[PRO][:3] == ("pro", "active", False)
    assert subs[BASIC][:2] == ("basic", "active")
    assert subs["churned@example.com"][1] == "past_due"
    assert len(subs) >= 10 and {s[0] for s in subs.values()} == {"basic", "organizer", "lms", "pro"}
    assert subs[PRO][3] <= ANCHOR_AT < subs[PRO][4]
    paid = query(url, """SELECT i.amount_cents, i.period_start, i.paid_at FROM billing_invoice i
                         JOIN billing_subscription s ON s.id=i.subscription_id JOIN accounts_user u ON u.id=s.user_id
                         WHERE u.email=%s AND i.status='paid' ORDER BY i.period_start""", (PRO,))
    assert len(paid) == 6 and all(r[0] == 9900 and r[2] < ANCHOR_AT for r in paid)
    local = [r[1].astimezone(ZoneInfo("America/New_York")) for r in paid]
    months = [(d.year * 12 + d.month) for d in local]
    assert months == list(range(months[0], months[0] + 6)) and len({(d.day, d.hour, d.minute) for d in local}) == 1
    card = one(url, "SELECT brand, last4, is_default, exp_year FROM billing_paymentmethod pm "
                    "JOIN accounts_user u ON u.id=pm.user_id WHERE u.email=%s", (PRO,))
    assert card[:3] == ("visa", "4242", True) and card[3] > ANCHOR_AT.year
    connect = dict(query(url, "SELECT u.email, charges_enabled AND payouts_enabled FROM billing_connectaccount c "
                              "JOIN accounts_user u ON u.id=c.user_id"))
    assert connect[PRO] is True and BASIC not in connect
    zoom = dict(query(url, "SELECT u.email, status FROM integrations_zoomconnection z "
                           "JOIN accounts_user u ON u.id=z.user_id"))
    assert zoom[PRO] == "connected" and BASIC not in zoom


def test_certificate_and_badge_templates_with_real_files(url, demo):
    media = Path(demo[1])
    certs = {r[0]: r[1:] for r in query(url, "SELECT name, owner_id, orientation, is_system_default, background "
                                             "FROM credentials_certificatetemplate")}
    assert certs["HealthTech Standard Certificate"][:3] == (uid(url, PRO), "landscape", False)
    assert certs["Generic Completion"][0] is None and certs["Generic Completion"][2] is True
    badges = dict(query(url, "SELECT name, tier FROM credentials_badgetemplate"))
    assert badges == {"Certified Expert": "gold", "Early Adopter": "silver", "Workshop Survivor": "bronze"}
    files = [r[0] for r in query(url, "SELECT image FROM credentials_badgetemplate")]
    files += [c[3] for c in certs.values()]
    for name in files:  # drawn art: a page or a medal, never a blank
        image = Image.open(media / name)
        assert image.format == "PNG" and len(image.convert("RGB").getcolors(1 << 20) or []) > 50, name
    pdfs = [r[0] for r in query(url, "SELECT content_file FROM learning_module WHERE content_type='pdf'")]
    pdfs += [r[0] for r in query(url, "SELECT file FROM learning_submission")]
    assert pdfs
    for name in pdfs:
        data = (media / name).read_bytes()
        assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF"), name


def test_event_a_flagship(url):
    e = event(url, "Future of Medicine %")
    eid, title, etype, fmt, status, starts, ends, price, cpd, credits, certs = e[:11]
    assert (etype, fmt, status, price, cpd, credits, certs) == ("conference", "hybrid", "published", 19900, True,
                                                                Decimal("10.00"), True)
    assert e[13] == uid(url, PRO)
    assert starts > ANCHOR_AT  # upcoming
    assert title == f"Future of Medicine {starts.astimezone(ZoneInfo(e[14])).year}"
    sessions = query(url, "SELECT title, session_type, room FROM events_session WHERE event_id=%s ORDER BY starts_at",
                     (eid,))
    # The plan's three sessions open the program; an afternoon panel and the closing remarks fill the day.
    assert sessions[:3] == [("Keynote", "live", "Main Hall"), ("Breakout A: Ethics", "live", "Room 101"),
                            ("Breakout B: Tech", "recorded", "")]
    assert [s[0] for s in sessions[3:]] == ["Panel: AI at the Bedside", "Closing Remarks"]
    assert one(url, "SELECT max(ends_at) FROM events_session WHERE event_id=%s", (eid,)) == ends
    speakers = query(url, """SELECT s.title FROM events_session s JOIN events_session_speakers ss ON ss.session_id=s.id
                             JOIN events_speaker sp ON sp.id=ss.speaker_id JOIN accounts_user u ON u.id=sp.user_id
                             WHERE u.email=%s ORDER BY s.starts_at""", (GUEST,))
    assert [r[0] for r in speakers] == ["Keynote", "Breakout A: Ethics"]
    assert one(url, "SELECT name FROM events_speaker WHERE user_id=%s", (uid(url, GUEST),)) == "Prof. Alan Grant"
    regs = dict(query(url, "SELECT email, status || '/' || payment_status FROM events_registration "
                           "WHERE event_id=%s AND email IN (%s, %s)", (eid, ALICE, BOB)))
    assert regs == {ALICE: "confirmed/paid", BOB: "waitlisted/unpaid"}
    alice = one(url, "SELECT r.amount_paid_cents, p.code FROM events_registration r JOIN marketing_promocode p "
                     "ON p.id=r.promo_code_id WHERE r.event_id=%s AND r.email=%s", (eid, ALICE))
    assert alice == (14925, "EARLYBIRD25")
    generated = one(url, "SELECT count(*) FROM events_registration WHERE event_id=%s AND email NOT IN (%s, %s)",
                    (eid, ALICE, BOB))
    assert generated >= 50
    capacity, confirmed = one(url, "SELECT capacity, (SELECT count(*) FROM events_registration WHERE event_id=%s "
                                   "AND status='confirmed') FROM events_event WHERE id=%s", (eid, eid))
    assert capacity == confirmed  # sold out, hence the waitlist


def test_event_b_webinar_outcomes_derived_from_attendance(url):
    e = event(url, "Weekly Health Webinar")
    eid = e[0]
    assert e[2:5] == ("webinar", "online", "completed") and e[7] == 0 and e[11] and e[12]
    assert e[6] < ANCHOR_AT
    assert one(url, "SELECT count(*) FROM events_session WHERE event_id=%s", (eid,)) == 1
    start, end = one(url, "SELECT starts_at, ends_at FROM events_session WHERE event_id=%s", (eid,))
    # Time attended by each user, clipped to the session.
    attended = dict(query(url, """
        SELECT r.user_id, sum(extract(epoch FROM least(a.left_at, %s) - greatest(a.joined_at, %s)))
          FROM events_attendance a JOIN events_registration r ON r.id=a.registration_id
         WHERE r.event_id=%s AND a.source='zoom' GROUP BY r.user_id""", (end, start, eid)))
    assert attended and all(v is not None for v in attended.values())
    eligible = {u for u, secs in attended.items() if secs >= 0.75 * (end - start).total_seconds()}
    certified = {r[0] for r in query(url, "SELECT recipient_id FROM credentials_certificate WHERE event_id=%s", (eid,))}
    assert certified == eligible and 0 < len(eligible) < len(attended)
    assert uid(url, ALICE) in certified and uid(url, BOB) not in certified
    assert one(url, "SELECT count(*) FROM events_attendance a JOIN events_registration r ON r.id=a.registration_id "
                    "WHERE r.user_id=%s AND r.event_id=%s", (uid(url, BOB), eid)) == 2  # joined and left twice
    feedback = dict(query(url, "SELECT u.email, f.rating || ' ' || f.comment FROM engagement_feedback f "
                               "JOIN accounts_user u ON u.id=f.user_id WHERE f.event_id=%s AND u.email IN (%s, %s)",
                          (eid, ALICE, BOB)))
    assert feedback == {ALICE: "5 Excellent content!", BOB: "3 Audio issues"}
    assert one(url, "SELECT min(rating) >= 1 AND max(rating) <= 5 FROM engagement_feedback")


def test_zoom_webhooks_and_recording(url):
    eid = event(url, "Weekly Health Webinar")[0]
    kinds = dict(query(url, "SELECT event_type, count(*) FROM integrations_zoomwebhookevent WHERE event_id=%s "
                            "GROUP BY 1", (eid,)))
    joins = one(url, "SELECT count(*) FROM events_attendance a JOIN events_registration r ON r.id=a.registration_id "
                     "WHERE r.event_id=%s", (eid,))
    assert kinds["meeting.participant_joined"] == kinds["meeting.participant_left"] == joins
    payload, occurred, email = one(url, """SELECT payload, occurred_at, participant_email
        FROM integrations_zoomwebhookevent WHERE event_type='meeting.participant_joined' ORDER BY id LIMIT 1""")
    participant = payload["payload"]["object"]["participant"]
    assert payload["event"] == "meeting.participant_joined" and participant["email"] == email
    assert datetime.fromisoformat(participant["join_time"]) == occurred
    assert payload["event_ts"] == int(occurred.timestamp() * 1000)
    assert payload["payload"]["object"]["id"] == event(url, "Weekly Health Webinar")[11]
    rec = one(url, "SELECT started_at, duration_minutes, share_url, file_type FROM integrations_zoomrecording "
                   "WHERE event_id=%s", (eid,))
    assert rec[1] == 60 and rec[2].startswith("https://zoom.us/rec/share/") and rec[3] == "MP4"


def test_event_c_live_meetup(url):
    e = event(url, "Community Meetup")
    assert e[2:5] == ("meetup", "in_person", "live") and e[7] == 0
    assert e[11] is None and e[12] is None and e[15]  # no Zoom, a venue
    assert e[13] == uid(url, BASIC)
    assert e[5] < ANCHOR_AT < e[6]
    open_check_ins = one(url, """SELECT count(*) FROM events_attendance a JOIN events_registration r
        ON r.id=a.registration_id WHERE r.event_id=%s AND a.source='check_in' AND a.left_at IS NULL""", (e[0],))
    assert open_check_ins > 0


def test_courses_modules_quiz_assignment(url):
    a = one(url, "SELECT id, format, owner_id FROM learning_course WHERE title='Medical Ethics 101'")
    b = one(url, "SELECT id, format, price_cents, required_session_id FROM learning_course "
                 "WHERE title='Advanced Surgery Tech'")
    assert a[1] == "online" and a[2] == uid(url, PRO)
    assert b[1:3] == ("hybrid", 49900) and b[3] is not None
    assert one(url, "SELECT session_type FROM events_session WHERE id=%s", (b[3],)) == "live"
    modules = query(url, "SELECT position, title, content_type FROM learning_module WHERE course_id=%s "
                         "ORDER BY position", (a[0],))
    assert modules == [(1, "Module 1: Intro", "video"), (2, "Module 2: Case Studies", "pdf"),
                       (3, "Module 3: Assessment", "quiz")]
    assert one(url, "SELECT q.passing_score FROM learning_quiz q JOIN learning_module m ON m.id=q.module_id "
                    "WHERE m.course_id=%s", (a[0],)) == 70
    title, upload, rubric = one(url, "SELECT title, requires_file_upload, rubric FROM learning_assignment "
                                     "WHERE course_id=%s", (b[0],))
    assert title == "Final Paper" and upload is True
    assert len(rubric) >= 3 and sum(c["weight"] for c in rubric) == 100


def test_enrollments_of_alice_and_bob(url):
    rows = {(r[0], r[1]): r[2:] for r in query(url, """
        SELECT u.email, c.title, e.status, m.title FROM learning_enrollment e JOIN accounts_user u ON u.id=e.user_id
          JOIN learning_course c ON c.id=e.course_id LEFT JOIN learning_module m ON m.id=e.current_module_id
         WHERE u.email IN (%s, %s)""", (ALICE, BOB))}
    assert rows[(ALICE, "Medical Ethics 101")][0] == "completed"
    assert rows[(BOB, "Medical Ethics 101")] == ("in_progress", "Module 2: Case Studies")
    assert one(url, "SELECT bool_and(passed) FROM learning_quizattempt WHERE user_id=%s", (uid(url, ALICE),))
    assert one(url, "SELECT count(*) FROM learning_quizattempt WHERE user_id=%s", (uid(url, BOB),)) == 0
    assert one(url, "SELECT count(*) FROM credentials_certificate c JOIN learning_course co ON co.id=c.course_id "
                    "WHERE c.recipient_id=%s AND co.title='Medical Ethics 101'", (uid(url, ALICE),)) == 1
    # Course certificates follow completions exactly.
    assert one(url, """SELECT count(*) FROM learning_enrollment WHERE status='completed'""") == \
        one(url, "SELECT count(*) FROM credentials_certificate WHERE course_id IS NOT NULL")
    # Completion follows a passed attempt.
    assert one(url, """SELECT count(*) FROM learning_enrollment e WHERE e.status='completed' AND NOT EXISTS
        (SELECT 1 FROM learning_quizattempt q WHERE q.user_id=e.user_id AND q.passed)
        AND e.course_id = (SELECT id FROM learning_course WHERE title='Medical Ethics 101')""") == 0


def test_promo_codes(url):
    codes = {r[0]: r[1:] for r in query(url, "SELECT code, discount_type, discount_value, is_active, valid_until "
                                             "FROM marketing_promocode")}
    assert codes["EARLYBIRD25"][:3] == ("percent", 25, True)
    assert codes["COMMUNITY10"][:3] == ("fixed", 1000, True)
    assert codes["EXPIRED50"][:3] == ("percent", 50, False)
    expired_for = ANCHOR_AT - codes["EXPIRED50"][3]
    assert timedelta(days=300) < expired_for < timedelta(days=430)


def test_contact_lists(url):
    lists = dict(query(url, "SELECT l.name, count(c.id) FROM marketing_contactlist l "
                            "JOIN marketing_contact c ON c.contact_list_id=l.id GROUP BY l.name"))
    assert lists == {"Newsletter Subscribers": 200, "VIP Doctors": 25}
    assert one(url, "SELECT count(DISTINCT l.owner_id) FROM marketing_contactlist l") == 1
    tagged = dict(query(url, """SELECT l.name, count(*) FROM marketing_contact_tags ct
        JOIN marketing_tag t ON t.id=ct.tag_id JOIN marketing_contact c ON c.id=ct.contact_id
        JOIN marketing_contactlist l ON l.id=c.contact_list_id WHERE t.name='High Value' GROUP BY l.name"""))
    assert tagged == {"VIP Doctors": 25}


def test_alice_cpd_requirement_and_badges(url):
    name, start, end = one(url, "SELECT name, period_start, period_end FROM accounts_cpdrequirement "
                                "WHERE user_id=%s", (uid(url, ALICE),))
    assert name == f"Medical Board {start.year}" and start < ANCHOR_AT.date() < end
    badges = {r[0] for r in query(url, "SELECT t.name FROM credentials_badge b JOIN credentials_badgetemplate t "
                                       "ON t.id=b.template_id WHERE b.recipient_id=%s", (uid(url, ALICE),))}
    assert badges == {"Certified Expert", "Early Adopter", "Workshop Survivor"}
    assert start == date(start.year, 1, 1) and end == date(start.year, 12, 31)  # a whole calendar year
    assert one(url, "SELECT count(*) FROM credentials_badge WHERE recipient_id=%s", (uid(url, CHARLIE),)) == 0


def test_date_invariants_at_the_anchor(url):
    """History is in the past, the flagship ahead, and only the live meetup spans the anchor."""
    a = ANCHOR_AT
    assert one(url, "SELECT anchor_at FROM cpd_demo_snapshot") == a
    for table, column in [("billing_invoice", "issued_at"), ("events_attendance", "joined_at"),
                          ("events_registration", "registered_at"), ("engagement_feedback", "submitted_at"),
                          ("credentials_certificate", "issued_at"), ("credentials_badge", "issued_at"),
                          ("learning_quizattempt", "submitted_at"), ("learning_submission", "submitted_at"),
                          ("integrations_zoomwebhookevent", "occurred_at"), ("accounts_user", "date_joined"),
                          ("marketing_contact", "subscribed_at"), ("learning_enrollment", "enrolled_at")]:
        assert one(url, f"SELECT max({column}) FROM {table}") < a, table
    assert one(url, "SELECT count(*) FROM events_attendance WHERE left_at > %s", (a,)) == 0
    live = query(url, "SELECT title FROM events_event WHERE starts_at <= %s AND ends_at > %s", (a, a))
    assert live == [("Community Meetup",)]


def test_command_prints_seed_anchor_and_counts(demo):
    out = demo[2]
    assert f"seed {SEED}" in out and f"anchor {CPD.scenario.anchor}" in out
    assert "events.Registration" in out and "marketing.Contact" in out
