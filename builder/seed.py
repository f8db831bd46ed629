"""The demo scenario: `DEMO_DATA_PLAN.md`, item by item, through the Django ORM.

Steps run in the plan's order (users and profiles -> billing -> assets -> events -> learning
-> engagement -> outcomes), each yielding progress lines. Every date is `anchor ± delta`;
nothing here reads the clock. All randomness comes from `seed_randomness(seed)`: one
`random.Random` for the scenario's draws, and factory_boy/Faker reseeded from the same seed.
Volumes the plan calls "generated" or "dummy" are multiplied by `scale`.
"""

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import factory.random
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify
from faker import Faker

from builder.clock import utc_now
from builder.config import DEFAULT_PASSWORD, DEFAULT_SEED
from builder.scenario import factories as f
from builder.scenario import media
from builder.scenario.bulk import CopyInserter
from builder.scenario.models import SnapshotMeta
from cpd_platform.accounts.models import Profile, User
from cpd_platform.billing.models import Invoice, Subscription
from cpd_platform.credentials.models import Badge, Certificate, CertificateTemplate
from cpd_platform.engagement.models import Feedback
from cpd_platform.events.models import Attendance, Event, Registration
from cpd_platform.integrations.models import ZoomWebhookEvent
from cpd_platform.learning.models import Course, Enrollment, QuizAttempt, Submission
from cpd_platform.marketing.models import Contact

# Generated volumes at scale 1; `--scale N` multiplies each.
VOLUMES = {
    "learners": 60,               # generated attendee accounts
    "event_a_guests": 50,         # "50+ generated dummy registrations for stats density"
    "event_b_registrants": 40,    # learners registered for the webinar
    "event_c_guests": 20,         # walk-in guests at the live meetup
    "course_a_learners": 30,
    "course_b_learners": 10,
    "course_b_submissions": 3,
    "newsletter_contacts": 200,
    "vip_contacts": 25,
}

LEARNER_TIMEZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
                     "Europe/London", "Europe/Dublin", "Australia/Sydney"]

# Outcomes are derived from engagement with these rules, not from a hand-picked list.
CERTIFICATE_MIN_ATTENDANCE = 0.75   # share of a live session's length attended
EARLY_ADOPTER_WINDOW = timedelta(days=90)  # joined within this long of the platform's first account

PERSONAS = [
    # email, first, last, role, headline, organization, days joined before the anchor
    ("admin@cpdevents.com", "Platform", "Admin", "staff", "Platform Administrator", "CPD Events", 400),
    ("organizer.pro@example.com", "Sarah", "Chen", "organizer", "Director of CME at HealthTech Solutions",
     "HealthTech Solutions", 380),
    ("organizer.basic@example.com", "John", "Doe", "organizer", "Community Coordinator",
     "Riverside Health Community", 300),
    ("speaker.guest@example.com", "Alan", "Grant", "speaker", "Distinguished Professor of Surgical Innovation",
     "Northbridge University School of Medicine", 200),
    ("attendee.engaged@example.com", "Alice", "Active", "attendee", "Critical Care Nurse", "St. Mary's Hospital", 330),
    ("attendee.casual@example.com", "Bob", "Basic", "attendee", "Community Pharmacist", "Main Street Pharmacy", 150),
    ("attendee.new@example.com", "Charlie", "New", "attendee", "", "", 0),
    ("churned@example.com", "Casey", "Lapsed", "organizer", "Event Organizer", "Lapsed Wellness Co.", 250),
]

PLANS = [
    # code, name, price, monthly event limit (None = unlimited), courses, teams
    ("basic", "Basic", 0, 1, False, False),
    ("organizer", "Organizer", 2900, 5, False, False),
    ("lms", "LMS", 4900, 10, True, False),
    ("pro", "Pro", 9900, None, True, True),
]

FEEDBACK_COMMENTS = {
    5: ["Excellent session, very practical.", "Great speakers and clear slides.", "Worth every minute."],
    4: ["Good content, a bit rushed at the end.", "Useful updates for my practice.", "Solid overview."],
    3: ["Some good points, but too long.", "Average, expected more depth.", "Okay overall."],
    2: ["Hard to follow the slides.", "Not what the description promised."],
    1: ["Could not hear the presenter."],
}


@dataclass(frozen=True)
class Options:
    seed: int = DEFAULT_SEED
    scale: int = 1
    anchor: datetime | None = None
    password: str = DEFAULT_PASSWORD
    media_root: str = ""


def seed_randomness(seed: int) -> tuple[random.Random, Faker]:
    """The one place randomness is seeded: factory_boy's Faker, the scenario's RNG and name Faker."""
    factory.random.reseed_random(seed)
    for name in dir(f):
        cls = getattr(f, name)
        if isinstance(cls, type) and issubclass(cls, factory.base.Factory) and cls._meta.model is not None:
            cls.reset_sequence(0, force=True)
    faker = Faker("en_US")
    faker.seed_instance(seed)
    return random.Random(seed), faker


class NamePool:
    """Names, jobs and companies drawn once from Faker; volume rows pick from them with the RNG.

    Faker's weighted draws cost ~50 µs each; at scale 100 that alone would dominate the build.
    """

    def __init__(self, faker: Faker, size: int = 400):
        self.first_names = sorted({faker.first_name() for _ in range(size)})
        self.last_names = sorted({faker.last_name() for _ in range(size)})
        self.jobs = [faker.job() for _ in range(size // 4)]
        self.companies = [faker.company() for _ in range(size // 4)]


def _email(first: str, last: str, n: int, domain: str) -> str:
    local = f"{first}.{last}".lower()
    return "".join(ch for ch in local if ch.isalnum() or ch == ".") + f".{n}@{domain}"


def with_year(name: str, year: int) -> str:
    """`name` carrying `year` as its trailing token (SPEC §4 year tokens)."""
    return f"{name} {year}"


class Scenario:
    def __init__(self, options: Options):
        self.o = options
        self.anchor = options.anchor or utc_now()
        self.scale = options.scale
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.media_root = Path(options.media_root or settings.MEDIA_ROOT)
        self.rng, faker = seed_randomness(options.seed)
        self.pool = NamePool(faker)
        self.copy = CopyInserter()
        self.guest_count = 0
        self.users: dict[str, User] = {}
        self.learners: list[User] = []

    # -- time ---------------------------------------------------------------
    def at(self, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        return self.anchor + timedelta(days=days, hours=hours, minutes=minutes)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def between(self, start: datetime, end: datetime) -> datetime:
        """A random instant in [start, end], to the second."""
        span = int((end - start).total_seconds())
        return start + timedelta(seconds=self.rng.randint(0, max(span, 0)))

    def person(self) -> tuple[str, str]:
        return self.rng.choice(self.pool.first_names), self.rng.choice(self.pool.last_names)

    def guest(self, **fields) -> Registration:
        """A registration by someone without an account."""
        first, last = self.person()
        self.guest_count += 1
        return Registration(first_name=first, last_name=last,
                            email=_email(first, last, self.guest_count, "example.net"), **fields)

    def volume(self, key: str) -> int:
        return VOLUMES[key] * self.scale

    def token(self, length: int, alphabet: str = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789") -> str:
        return "".join(self.rng.choices(alphabet, k=length))

    # -- the plan -----------------------------------------------------------
    def run(self) -> Iterator[str]:
        steps = [
            ("users and profiles", self.create_users),
            ("billing", self.create_billing),
            ("assets", self.create_assets),
            ("events", self.create_events),
            ("learning", self.create_learning),
            ("engagement", self.create_engagement),
            ("outcomes", self.create_outcomes),
        ]
        with transaction.atomic():
            for label, step in steps:
                summary = step()
                self.copy.reset_sequences()
                yield f"{label}: {summary}"
            self.write_snapshot_meta()

    # 1. Users & profiles -----------------------------------------------------
    def create_users(self) -> str:
        # One hash for every persona, salted from the seed: deterministic, and PBKDF2 runs once.
        salt = hashlib.sha256(f"cpd-demo-salt:{self.o.seed}".encode()).hexdigest()[:22]
        demo_hash = make_password(self.o.password, salt=salt)
        for email, first, last, role, headline, org, joined_days in PERSONAS:
            joined = self.at(days=-joined_days, hours=-2 if joined_days == 0 else 0)
            user = f.UserFactory(
                email=email, first_name=first, last_name=last, password=demo_hash,
                is_staff=role == "staff", is_superuser=role == "staff", date_joined=joined,
                last_login=None,
            )
            self.users[email] = user
        pro, basic, guest = (self.users[e] for e in (
            "organizer.pro@example.com", "organizer.basic@example.com", "speaker.guest@example.com"))
        alice, bob, charlie = (self.users[e] for e in (
            "attendee.engaged@example.com", "attendee.casual@example.com", "attendee.new@example.com"))
        last_logins = {"admin@cpdevents.com": -1, "organizer.pro@example.com": -0.1,
                       "organizer.basic@example.com": -0.05, "speaker.guest@example.com": -9,
                       "attendee.engaged@example.com": -1, "attendee.casual@example.com": -12,
                       "attendee.new@example.com": -0.07, "churned@example.com": -40}
        for email, days in last_logins.items():
            self.users[email].last_login = self.at(days=days)
            self.users[email].save(update_fields=["last_login"])

        bios = {
            pro: "Physician and medical educator leading continuing medical education programmes "
                 "for 2,000+ clinicians at HealthTech Solutions.",
            basic: "Organises free monthly meetups for local health and care workers.",
            guest: "Distinguished expert in robotic and image-guided surgery, author of more than "
                   "120 peer-reviewed papers and keynote speaker at international congresses.",
            alice: "ICU nurse who never misses a chance to learn; tracks her CPD credits carefully.",
            bob: "Pharmacist who drops into free sessions when shifts allow.",
        }
        zones = {basic: "America/Chicago", guest: "Europe/London"}
        for email, first, last, role, headline, org, _ in PERSONAS:
            user = self.users[email]
            f.ProfileFactory(
                user=user, role=role, headline=headline, organization=org, bio=bios.get(user, ""),
                timezone=zones.get(user, "America/New_York"),
                onboarding_completed=user is not charlie,
                onboarding_step="choose_interests" if user is charlie else None,
            )

        learners = []
        for n in range(self.volume("learners")):
            first, last = self.person()
            learners.append(User(
                email=_email(first, last, n, "example.org"), first_name=first, last_name=last,
                password="!" + self.token(40), is_active=True,
                date_joined=self.between(self.at(days=-365), self.at(days=-20))))
        self.learners = self.copy.insert(User, learners)
        self.copy.insert(Profile, [
            Profile(user=u, role=Profile.Role.ATTENDEE, headline=self.rng.choice(self.pool.jobs),
                    organization=self.rng.choice(self.pool.companies), bio="",
                    timezone=self.rng.choice(LEARNER_TIMEZONES), onboarding_completed=True)
            for u in self.learners])
        return f"{len(PERSONAS)} personas, {len(self.learners)} generated learners"

    # 2. Billing ----------------------------------------------------------------
    def create_billing(self) -> str:
        self.plans = {}
        for code, name, price, limit, courses, teams in PLANS:
            self.plans[code] = f.PlanFactory(
                code=code, name=name, price_cents=price, monthly_event_limit=limit,
                includes_courses=courses, includes_teams=teams,
            )
        pro = self.users["organizer.pro@example.com"]
        period_start = self.at(days=-12)
        self.pro_subscription = f.SubscriptionFactory(
            user=pro, plan=self.plans["pro"], status=Subscription.Status.ACTIVE,
            current_period_start=period_start, current_period_end=period_start + timedelta(days=30),
            cancel_at_period_end=False,  # auto-renew
        )
        f.SubscriptionFactory(
            user=self.users["organizer.basic@example.com"], plan=self.plans["basic"],
            status=Subscription.Status.ACTIVE, current_period_start=self.at(days=-5),
            current_period_end=self.at(days=25), stripe_subscription_id="",
        )
        churned = f.SubscriptionFactory(
            user=self.users["churned@example.com"], plan=self.plans["organizer"],
            status=Subscription.Status.PAST_DUE, current_period_start=self.at(days=-35),
            current_period_end=self.at(days=-5),
        )
        # Six months of paid invoices for the pro organizer, oldest first, so numbers follow dates.
        invoices = []
        for months_back in range(5, -1, -1):
            start = period_start - timedelta(days=30 * months_back)
            invoices.append(f.InvoiceFactory(
                subscription=self.pro_subscription, amount_cents=9900, status=Invoice.Status.PAID,
                period_start=start, period_end=start + timedelta(days=30),
                issued_at=start, paid_at=start + timedelta(minutes=4),
            ))
        # The failed renewal that put the churned account in dunning.
        f.InvoiceFactory(
            subscription=churned, amount_cents=2900, status=Invoice.Status.OPEN,
            period_start=self.at(days=-5), period_end=self.at(days=25), issued_at=self.at(days=-5), paid_at=None,
        )
        f.PaymentMethodFactory(
            user=pro, brand="visa", last4="4242", exp_month=8,
            exp_year=self.local_date(self.anchor).year + 3, is_default=True,
        )
        f.ConnectAccountFactory(user=pro, charges_enabled=True, payouts_enabled=True)
        self.zoom = f.ZoomConnectionFactory(user=pro, connected_at=self.at(days=-200))
        return f"{len(self.plans)} plans, 3 subscriptions, {len(invoices) + 1} invoices"

    # 3. Core assets: templates, contact lists, promo codes ----------------------
    def create_assets(self) -> str:
        pro = self.users["organizer.pro@example.com"]
        self.cert_templates = {}
        for name, owner, color, default in [
            ("HealthTech Standard Certificate", pro, "#1d4ed8", False),
            ("Generic Completion", None, "#374151", True),
        ]:
            art = media.write(self.media_root, f"certificate_templates/{slugify(name)}.png",
                              media.certificate_png(color, landscape=True))
            self.cert_templates[name] = f.CertificateTemplateFactory(
                owner=owner, name=name, orientation="landscape", primary_color=color,
                is_system_default=default, background=art,
            )
        self.badge_templates = {}
        for name, tier, color in [("Certified Expert", "gold", "#d4a017"),
                                  ("Early Adopter", "silver", "#a8a9ad"),
                                  ("Workshop Survivor", "bronze", "#b0703c")]:
            image = media.write(self.media_root, f"badges/{slugify(name)}.png", media.badge_png(color))
            self.badge_templates[name] = f.BadgeTemplateFactory(owner=pro, name=name, tier=tier, image=image)

        newsletter = f.ContactListFactory(owner=pro, name="Newsletter Subscribers")
        vip = f.ContactListFactory(owner=pro, name="VIP Doctors")
        high_value = f.TagFactory(owner=pro, name="High Value")
        contacts = []
        for lst, key in ((newsletter, "newsletter_contacts"), (vip, "vip_contacts")):
            for n in range(self.volume(key)):
                first, last = self.person()
                contacts.append(Contact(
                    contact_list=lst, first_name=first, last_name=last, email=_email(first, last, n, "example.com"),
                    subscribed_at=self.between(self.at(days=-365), self.at(days=-1))))
        contacts = self.copy.insert(Contact, contacts)
        Through = Contact.tags.through
        self.copy.insert(Through, [Through(contact=c, tag=high_value) for c in contacts if c.contact_list_id == vip.id])

        self.promos = {
            "EARLYBIRD25": f.PromoCodeFactory(
                owner=pro, code="EARLYBIRD25", discount_type="percent", discount_value=25, is_active=True,
                valid_from=self.at(days=-60), valid_until=self.at(days=30)),
            "COMMUNITY10": f.PromoCodeFactory(
                owner=pro, code="COMMUNITY10", discount_type="fixed", discount_value=1000, is_active=True,
                valid_from=self.at(days=-90), valid_until=None),
            "EXPIRED50": f.PromoCodeFactory(
                owner=pro, code="EXPIRED50", discount_type="percent", discount_value=50, is_active=False,
                valid_from=self.at(days=-400), valid_until=self.at(days=-365)),
        }
        return (f"2 certificate templates, 3 badge templates, {len(contacts)} contacts in 2 lists, "
                f"{len(self.promos)} promo codes")

    # 4. Events, sessions, speakers ------------------------------------------------
    def _zoom_fields(self, title: str) -> dict:
        meeting_id = str(self.rng.randint(81_000_000_000, 89_999_999_999))
        return {"zoom_meeting_id": meeting_id,
                "join_url": f"https://zoom.us/j/{meeting_id}?pwd={self.token(32)}"}

    def create_events(self) -> str:
        pro = self.users["organizer.pro@example.com"]
        basic = self.users["organizer.basic@example.com"]
        tz_a = "America/New_York"
        a_start = self.at(days=45)
        a_title = with_year("Future of Medicine", a_start.astimezone(ZoneInfo(tz_a)).year)
        self.event_a = f.EventFactory(
            owner=pro, title=a_title, slug=slugify(a_title), event_type="conference", format="hybrid",
            status="published", starts_at=a_start, ends_at=a_start + timedelta(hours=32), timezone=tz_a,
            price_cents=19900, capacity=None, cpd_enabled=True, cpd_credits=Decimal("10"),
            certificates_enabled=True, venue="Hynes Convention Center, 900 Boylston St, Boston, MA",
            description="The flagship conference on clinical innovation: keynotes, breakouts and recordings.",
            **self._zoom_fields(a_title),
        )
        b_start = self.at(days=-7)
        self.event_b = f.EventFactory(
            owner=pro, title="Weekly Health Webinar", slug="weekly-health-webinar", event_type="webinar",
            format="online", status="completed", starts_at=b_start, ends_at=b_start + timedelta(hours=1),
            timezone="America/New_York", price_cents=0, capacity=500, cpd_enabled=True,
            cpd_credits=Decimal("1"), certificates_enabled=True, venue="",
            description="This week: managing hypertension in primary care.",
            **self._zoom_fields("Weekly Health Webinar"),
        )
        c_start = self.at(hours=-1)
        self.event_c = f.EventFactory(
            owner=basic, title="Community Meetup", slug="community-meetup", event_type="meetup",
            format="in_person", status="live", starts_at=c_start, ends_at=c_start + timedelta(hours=3),
            timezone="America/Chicago", price_cents=0, capacity=60, cpd_enabled=False,
            certificates_enabled=False, venue="The Commons Café, 12 Main Street, Springfield",
            zoom_meeting_id=None, join_url=None,
            description="Informal networking for local health workers. Free, no registration fee.",
        )

        guest_user = self.users["speaker.guest@example.com"]
        self.alan = f.SpeakerFactory(
            user=guest_user, name="Prof. Alan Grant", headline="Distinguished Professor of Surgical Innovation",
            bio="Distinguished expert in robotic and image-guided surgery with three decades of clinical "
                "and research leadership.",
        )
        sarah = f.SpeakerFactory(user=pro, name="Dr. Sarah Chen",
                                 headline="Director of CME at HealthTech Solutions",
                                 bio="Physician and medical educator.")
        self.keynote = f.SessionFactory(
            event=self.event_a, title="Keynote", session_type="live", room="Main Hall",
            starts_at=a_start, ends_at=a_start + timedelta(minutes=90))
        ethics = f.SessionFactory(
            event=self.event_a, title="Breakout A: Ethics", session_type="live", room="Room 101",
            starts_at=a_start + timedelta(hours=2), ends_at=a_start + timedelta(hours=3))
        tech = f.SessionFactory(
            event=self.event_a, title="Breakout B: Tech", session_type="recorded", room="",
            starts_at=a_start + timedelta(hours=4), ends_at=a_start + timedelta(hours=5))
        self.keynote.speakers.add(self.alan, sarah)
        ethics.speakers.add(self.alan)
        tech.speakers.add(sarah)
        self.webinar_session = f.SessionFactory(
            event=self.event_b, title="Managing Hypertension in Primary Care", session_type="live", room="",
            starts_at=b_start, ends_at=b_start + timedelta(hours=1))
        self.webinar_session.speakers.add(sarah)
        self.meetup_session = f.SessionFactory(
            event=self.event_c, title="Networking & Lightning Talks", session_type="live", room="Back Room",
            starts_at=c_start, ends_at=c_start + timedelta(hours=3))
        return "3 events, 5 sessions, 2 speakers"

    # 5. Learning -------------------------------------------------------------------
    def create_learning(self) -> str:
        pro = self.users["organizer.pro@example.com"]
        self.course_a = f.CourseFactory(
            owner=pro, title="Medical Ethics 101", slug="medical-ethics-101", format="online", price_cents=0,
            certificates_enabled=True, cpd_credits=Decimal("3"),
            description="Self-paced introduction to clinical ethics.")
        pdf_name = media.write(self.media_root, "modules/medical-ethics-101-case-studies.pdf", media.pdf(
            "Medical Ethics 101 - Case Studies",
            ["Case 1: Informed consent in emergency care.",
             "Case 2: Confidentiality and the duty to warn.",
             "Case 3: Allocation of scarce ICU beds.",
             "Read each case and note the principles in tension before the assessment."]))
        self.modules_a = [
            f.ModuleFactory(course=self.course_a, position=1, title="Module 1: Intro", content_type="video",
                            content_url="https://media.example.com/medical-ethics-101/intro.mp4"),
            f.ModuleFactory(course=self.course_a, position=2, title="Module 2: Case Studies", content_type="pdf",
                            content_file=pdf_name),
            f.ModuleFactory(course=self.course_a, position=3, title="Module 3: Assessment", content_type="quiz"),
        ]
        self.quiz = f.QuizFactory(module=self.modules_a[2], passing_score=70)

        self.course_b = f.CourseFactory(
            owner=pro, title="Advanced Surgery Tech", slug="advanced-surgery-tech", format="hybrid",
            price_cents=49900, certificates_enabled=True, cpd_credits=Decimal("8"),
            required_session=self.keynote,
            description="Hybrid course: complete every module and attend the live keynote.")
        self.modules_b = [
            f.ModuleFactory(course=self.course_b, position=1, title="Module 1: Robotic Surgery Foundations",
                            content_type="video", content_url="https://media.example.com/advanced-surgery-tech/robotics.mp4"),
            f.ModuleFactory(course=self.course_b, position=2, title="Module 2: Imaging & Navigation",
                            content_type="video", content_url="https://media.example.com/advanced-surgery-tech/imaging.mp4"),
            f.ModuleFactory(course=self.course_b, position=3, title="Module 3: Final Paper", content_type="assignment"),
        ]
        self.final_paper = f.AssignmentFactory(
            course=self.course_b, module=self.modules_b[2], title="Final Paper", requires_file_upload=True,
            instructions="Upload a 2,000-word paper (PDF) on adopting one surgical technology in your setting.",
            rubric=[
                {"criterion": "Clinical accuracy", "weight": 40, "levels": ["inaccurate", "mostly accurate", "accurate"]},
                {"criterion": "Critical analysis", "weight": 30, "levels": ["descriptive", "some analysis", "insightful"]},
                {"criterion": "Evidence and references", "weight": 20, "levels": ["none", "some", "thorough"]},
                {"criterion": "Clarity and structure", "weight": 10, "levels": ["unclear", "adequate", "excellent"]},
            ])
        return "2 courses, 6 modules, 1 quiz (70% to pass), 1 assignment"

    # 6. Engagement -----------------------------------------------------------------
    def create_engagement(self) -> str:
        alice = self.users["attendee.engaged@example.com"]
        bob = self.users["attendee.casual@example.com"]
        regs = []
        # Event A: Alice paid with EARLYBIRD25, Bob on the waitlist, then generated guests.
        regs.append(Registration(
            event=self.event_a, user=alice, email=alice.email, first_name=alice.first_name,
            last_name=alice.last_name, status="confirmed", payment_status="paid",
            amount_paid_cents=19900 * 75 // 100, promo_code=self.promos["EARLYBIRD25"],
            registered_at=self.at(days=-20)))
        regs.append(Registration(
            event=self.event_a, user=bob, email=bob.email, first_name=bob.first_name, last_name=bob.last_name,
            status="waitlisted", payment_status="unpaid", amount_paid_cents=0, registered_at=self.at(days=-3)))
        for _ in range(self.volume("event_a_guests")):
            roll = self.rng.random()
            promo = self.promos["COMMUNITY10"] if self.rng.random() < 0.15 else None
            if roll < 0.80:
                state = ("confirmed", "paid", 19900 - (1000 if promo else 0))
            elif roll < 0.90:
                state, promo = ("pending", "unpaid", 0), None
            else:
                state = ("cancelled", "refunded", 0)
            regs.append(self.guest(
                event=self.event_a, status=state[0], payment_status=state[1], amount_paid_cents=state[2],
                promo_code=promo, registered_at=self.between(self.at(days=-60), self.at(hours=-1))))
        # Event B: the personas and generated learners, free.
        b_people = [alice, bob] + self.learners[: self.volume("event_b_registrants")]
        for user in b_people:
            status = "cancelled" if user not in (alice, bob) and self.rng.random() < 0.08 else "confirmed"
            regs.append(Registration(
                event=self.event_b, user=user, email=user.email, first_name=user.first_name,
                last_name=user.last_name, status=status, payment_status="free",
                registered_at=self.between(self.at(days=-21), self.at(days=-7, hours=-1))))
        # Event C: Bob and walk-in guests at the live meetup.
        regs.append(Registration(
            event=self.event_c, user=bob, email=bob.email, first_name=bob.first_name, last_name=bob.last_name,
            status="confirmed", payment_status="free", registered_at=self.at(days=-2)))
        for _ in range(self.volume("event_c_guests")):
            regs.append(self.guest(
                event=self.event_c, status="confirmed", payment_status="free",
                registered_at=self.between(self.at(days=-10), self.at(hours=-2))))
        regs = self.copy.insert(Registration, regs)
        # Sold out: the waitlist exists because confirmed seats fill the capacity.
        self.event_a.capacity = sum(1 for r in regs if r.event_id == self.event_a.id and r.status == "confirmed")
        self.event_a.save(update_fields=["capacity"])

        attendances, webhooks = self._webinar_attendance(regs, alice, bob)
        attendances += self._meetup_check_ins(regs)
        self.copy.insert(Attendance, attendances)
        self.copy.insert(ZoomWebhookEvent, webhooks)
        f.ZoomRecordingFactory(
            event=self.event_b, recording_id=self.recording_uuid, started_at=self.event_b.starts_at,
            duration_minutes=60, share_url=f"https://zoom.us/rec/share/{self.token(40)}", file_type="MP4")

        feedback = self._feedback(attendances, alice, bob)
        learning = self._enrollments(alice, bob)
        return (f"{len(regs)} registrations, {len(attendances)} attendance records, "
                f"{len(webhooks)} Zoom webhooks, {feedback} feedback, {learning}")

    def _webinar_attendance(self, regs, alice, bob):
        """Join/leave segments for Event B, each with the Zoom webhooks that reported it."""
        session, event = self.webinar_session, self.event_b
        start, end = session.starts_at, session.ends_at
        meeting = {
            "id": event.zoom_meeting_id, "uuid": self.token(22) + "==", "host_id": self.zoom.zoom_user_id,
            "topic": event.title, "type": 8, "start_time": _zoom_time(start), "timezone": event.timezone,
            "duration": 60,
        }
        self.recording_uuid = meeting["uuid"]
        account_id = self.token(22)
        attendances, webhooks = [], []

        def hook(kind, at, reg=None, extra=None):
            body_object = dict(meeting)
            if reg is not None:
                participant = {
                    "user_id": str(self.rng.randint(16_000_000, 16_999_999)),
                    "user_name": f"{reg.first_name} {reg.last_name}".strip(),
                    "id": self.token(22), "participant_uuid": self.token(22),
                    "email": reg.email, "registrant_id": self.token(22),
                }
                participant.update(extra or {})
                body_object["participant"] = participant
            body_object.update({} if reg is not None else (extra or {}))
            webhooks.append(ZoomWebhookEvent(
                event=event, event_type=kind, participant_email=reg.email if reg else "", occurred_at=at,
                payload={"event": kind, "event_ts": _epoch_ms(at),
                         "payload": {"account_id": account_id, "object": body_object}}))

        hook("meeting.started", start - timedelta(minutes=3))
        for reg in regs:
            if reg.event_id != event.id or reg.status != "confirmed":
                continue
            if reg.user_id == alice.id:
                segments = [(start - timedelta(minutes=2), end + timedelta(minutes=1))]
            elif reg.user_id == bob.id:
                # Drops in and out: 30 of 60 minutes, not enough for a certificate.
                segments = [(start + timedelta(minutes=10), start + timedelta(minutes=25)),
                            (start + timedelta(minutes=35), start + timedelta(minutes=50))]
            else:
                segments = self._random_segments(start, end)
            for joined, left in segments:
                attendances.append(Attendance(
                    registration=reg, session=session, joined_at=joined, left_at=left, source="zoom"))
                hook("meeting.participant_joined", joined, reg, {"join_time": _zoom_time(joined)})
                hook("meeting.participant_left", left, reg,
                     {"leave_time": _zoom_time(left), "leave_reason": "left the meeting"})
        hook("meeting.ended", end + timedelta(minutes=2), extra={"end_time": _zoom_time(end + timedelta(minutes=2))})
        hook("recording.completed", end + timedelta(minutes=20), extra={
            "recording_count": 1, "total_size": 184_223_744, "share_url": f"https://zoom.us/rec/share/{self.token(40)}",
            "recording_files": [{
                "id": self.token(36), "recording_start": _zoom_time(start), "recording_end": _zoom_time(end),
                "file_type": "MP4", "file_size": 184_223_744, "status": "completed",
                "recording_type": "shared_screen_with_speaker_view"}]})
        return attendances, webhooks

    def _random_segments(self, start, end):
        roll = self.rng.random()
        if roll < 0.15:      # registered, never joined
            return []
        if roll < 0.75:      # stayed for (nearly) all of it
            return [(start + timedelta(minutes=self.rng.randint(-4, 6)), end + timedelta(minutes=self.rng.randint(-3, 3)))]
        # Dropped in and out.
        first_in = start + timedelta(minutes=self.rng.randint(0, 20))
        first_out = first_in + timedelta(minutes=self.rng.randint(5, 25))
        segments = [(first_in, first_out)]
        if self.rng.random() < 0.5:
            back = first_out + timedelta(minutes=self.rng.randint(2, 10))
            if back < end:
                segments.append((back, min(end, back + timedelta(minutes=self.rng.randint(5, 20)))))
        return segments

    def _meetup_check_ins(self, regs):
        """Door check-ins at the live meetup: most are still in the room (no left_at yet)."""
        out = []
        start = self.meetup_session.starts_at
        for reg in regs:
            if reg.event_id != self.event_c.id or self.rng.random() > 0.7:
                continue
            joined = self.between(start - timedelta(minutes=10), self.at(minutes=-5))
            left = None
            if self.rng.random() < 0.15:
                left = self.between(joined + timedelta(minutes=2), self.at(minutes=-1))
            out.append(Attendance(
                registration=reg, session=self.meetup_session, joined_at=joined, left_at=left, source="check_in"))
        return out

    def _feedback(self, attendances, alice, bob) -> int:
        after = self.event_b.ends_at
        rows = [
            Feedback(event=self.event_b, user=alice, rating=5, comment="Excellent content!",
                                    submitted_at=after + timedelta(minutes=12)),
            Feedback(event=self.event_b, user=bob, rating=3, comment="Audio issues",
                                    submitted_at=after + timedelta(hours=3)),
        ]
        attended = sorted({a.registration.user_id for a in attendances
                           if a.registration.event_id == self.event_b.id} - {alice.id, bob.id})
        by_id = {u.id: u for u in self.learners}
        for user_id in attended:
            if self.rng.random() > 0.4:
                continue
            rating = self.rng.choices([5, 4, 3, 2, 1], weights=[40, 35, 15, 7, 3])[0]
            rows.append(Feedback(
                event=self.event_b, user=by_id[user_id], rating=rating,
                comment=self.rng.choice(FEEDBACK_COMMENTS[rating]),
                submitted_at=self.between(after, after + timedelta(days=2))))
        self.copy.insert(Feedback, rows)
        return len(rows)

    def _enrollments(self, alice, bob) -> str:
        m1, m2, m3 = self.modules_a
        enrollments, attempts, submissions = [], [], []
        # Alice completed Medical Ethics 101 by passing its quiz; Bob is stuck on Module 2.
        enrollments.append(Enrollment(
            course=self.course_a, user=alice, status="completed", enrolled_at=self.at(days=-60),
            completed_at=self.at(days=-30), current_module=m3))
        attempts.append(QuizAttempt(
            quiz=self.quiz, user=alice, score=90, passed=True, submitted_at=self.at(days=-30)))
        enrollments.append(Enrollment(
            course=self.course_a, user=bob, status="in_progress", enrolled_at=self.at(days=-40),
            current_module=m2))
        pool = self.learners[: max(self.volume("course_a_learners"), self.volume("course_b_learners"))]
        for user in self.rng.sample(pool, self.volume("course_a_learners")):
            enrolled = self.between(self.at(days=-150), self.at(days=-10))
            reached = self.rng.choice([m1, m2, m3, m3])
            status, completed = "in_progress", None
            if reached is m3:
                tries = 1 + (self.rng.random() < 0.3)
                for n in range(tries):
                    score = self.rng.randint(45, 100)
                    at = self.between(enrolled + timedelta(days=1 + n * 3), self.at(days=-1))
                    attempts.append(QuizAttempt(
                        quiz=self.quiz, user=user, score=score, passed=score >= self.quiz.passing_score,
                        submitted_at=at))
                    if score >= self.quiz.passing_score:
                        status, completed = "completed", at
                        break
            enrollments.append(Enrollment(
                course=self.course_a, user=user, status=status, enrolled_at=enrolled,
                completed_at=completed, current_module=reached))

        # Advanced Surgery Tech: nobody can finish before the live keynote it requires.
        paper = self.final_paper
        enrollments.append(Enrollment(
            course=self.course_b, user=alice, status="in_progress", enrolled_at=self.at(days=-25),
            current_module=self.modules_b[2]))
        submissions.append(self._paper(paper, alice, self.at(days=-10), grade=92))
        b_learners = self.rng.sample(pool, self.volume("course_b_learners"))
        for index, user in enumerate(b_learners):
            enrolled = self.between(self.at(days=-60), self.at(days=-5))
            submitted = index < self.volume("course_b_submissions")
            enrollments.append(Enrollment(
                course=self.course_b, user=user, status="in_progress", enrolled_at=enrolled,
                current_module=self.modules_b[2] if submitted else self.rng.choice(self.modules_b[:2])))
            if submitted:
                graded = self.rng.random() < 0.6
                submissions.append(self._paper(paper, user, self.between(enrolled, self.at(days=-1)),
                                               grade=self.rng.randint(60, 98) if graded else None))
        self.copy.insert(Enrollment, enrollments)
        self.copy.insert(QuizAttempt, attempts)
        self.copy.insert(Submission, submissions)
        return f"{len(enrollments)} enrollments, {len(attempts)} quiz attempts, {len(submissions)} submissions"

    def _paper(self, assignment, user, at, grade):
        name = media.write(self.media_root, f"submissions/final-paper-{slugify(user.email)}.pdf", media.pdf(
            f"Final Paper - {user.get_full_name()}",
            [f"Course: {assignment.course.title}",
             "Adopting robotic-assisted laparoscopy in a regional hospital:",
             "costs, training pathway, outcomes and patient safety."]))
        return Submission(assignment=assignment, user=user, file=name, submitted_at=at, grade=grade)

    # 7. Outcomes: certificates and badges from the engagement data ------------------
    def create_outcomes(self) -> str:
        certificates, badges = [], []
        codes = set()

        def code():
            while True:
                value = "CPD-" + self.token(4, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789") + "-" + \
                        self.token(4, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                if value not in codes:
                    codes.add(value)
                    return value

        users = {u.id: u for u in User.objects.all()}
        # Events: attended at least CERTIFICATE_MIN_ATTENDANCE of their live sessions.
        for event in Event.objects.filter(certificates_enabled=True, ends_at__lte=self.anchor).order_by("id"):
            template = self._template_for(event.owner_id)
            for user_id in self.eligible_attendees(event):
                certificates.append(Certificate(
                    template=template, recipient=users[user_id], event=event, course=None,
                    issued_at=event.ends_at + timedelta(hours=1), credits=event.cpd_credits,
                    verification_code=code()))
                badges.append(Badge(
                    template=self.badge_templates["Workshop Survivor"], recipient=users[user_id], event=event,
                    issued_at=event.ends_at + timedelta(hours=1)))
        # Courses: completed enrollments, and for hybrid courses the required live session attended.
        for course in Course.objects.filter(certificates_enabled=True).order_by("id"):
            template = self._template_for(course.owner_id)
            done = Enrollment.objects.filter(course=course, status="completed").order_by("id")
            if course.required_session_id:
                done = done.filter(
                    user__registrations__attendances__session_id=course.required_session_id).distinct()
            for enrollment in done:
                certificates.append(Certificate(
                    template=template, recipient=users[enrollment.user_id], course=course, event=None,
                    issued_at=enrollment.completed_at + timedelta(minutes=5), credits=course.cpd_credits,
                    verification_code=code()))
                badges.append(Badge(
                    template=self.badge_templates["Certified Expert"], recipient=users[enrollment.user_id],
                    course=course, issued_at=enrollment.completed_at + timedelta(minutes=5)))
        # Early adopters: attendees who joined within the platform's first 90 days and earned a certificate.
        first_join = min(u.date_joined for u in users.values())
        first_certificate: dict[int, datetime] = {}
        for c in certificates:
            first_certificate[c.recipient_id] = min(c.issued_at, first_certificate.get(c.recipient_id, c.issued_at))
        for user_id in sorted(first_certificate):
            user = users[user_id]
            if user.date_joined <= first_join + EARLY_ADOPTER_WINDOW:
                badges.append(Badge(template=self.badge_templates["Early Adopter"], recipient=user,
                                    issued_at=first_certificate[user_id]))
        self.copy.insert(Certificate, certificates)
        self.copy.insert(Badge, badges)
        # Alice's CPD year: the board cycle she is tracking credits against.
        alice = self.users["attendee.engaged@example.com"]
        period_start = self.local_date(self.at(days=-180))
        f.CPDRequirementFactory(
            user=alice, name=with_year("Medical Board", period_start.year), required_credits=Decimal("50"),
            period_start=period_start, period_end=period_start + timedelta(days=364))
        return f"{len(certificates)} certificates, {len(badges)} badges, 1 CPD requirement"

    def _template_for(self, owner_id: int) -> CertificateTemplate:
        own = CertificateTemplate.objects.filter(owner_id=owner_id).order_by("id").first()
        return own or self.cert_templates["Generic Completion"]

    @staticmethod
    def eligible_attendees(event: Event) -> list[int]:
        """Users who attended at least CERTIFICATE_MIN_ATTENDANCE of the event's live sessions."""
        sessions = list(event.sessions.filter(session_type="live"))
        needed = sum((s.ends_at - s.starts_at).total_seconds() for s in sessions) * CERTIFICATE_MIN_ATTENDANCE
        attended: dict[int, float] = {}
        rows = Attendance.objects.filter(session__in=sessions, registration__user__isnull=False).select_related(
            "session", "registration")
        for a in rows:
            if a.left_at is None:
                continue
            overlap = (min(a.left_at, a.session.ends_at) - max(a.joined_at, a.session.starts_at)).total_seconds()
            attended[a.registration.user_id] = attended.get(a.registration.user_id, 0) + max(0.0, overlap)
        return sorted(uid for uid, seconds in attended.items() if needed and seconds >= needed)

    def write_snapshot_meta(self) -> None:
        SnapshotMeta.objects.all().delete()
        SnapshotMeta.objects.create(
            version="", seed=self.o.seed, scale=self.scale,
            built_at=datetime.now(dt_timezone.utc),  # metadata: when the build ran, not scenario data
            anchor_at=self.anchor, rebased_at=None, timezone=settings.TIME_ZONE,
        )


def _zoom_time(instant: datetime) -> str:
    return instant.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch_ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)


def platform_models():
    """Every model of the platform's apps (the tables a snapshot carries)."""
    from django.apps import apps

    return [m for m in apps.get_models() if m.__module__.startswith("cpd_platform.")]
