"""The demo scenario: the plan (`cpd_events_demo/plan.py`) and the living platform around it
(`cpd_events_demo/world.py`), written through the Django ORM in the plan's order of operations:
users and profiles -> billing -> assets -> events -> learning -> engagement -> outcomes.

It is generated around one instant (the anchor it is given; the config names a fixed one, so two
builds of the same seed and scale hold the same rows whatever day they run) on a calendar: events
on weekdays at plausible local hours, activity at human hours, billing on billing days.

All randomness comes from one seeded `random.Random` and Faker instances seeded from it.
Volume rows go in by COPY; the plan's singular items through factory_boy factories.
"""

import hashlib
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import factory.random
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify
from faker import Faker

from cpd_events_demo import plan, world
from cpd_events_demo.scenario import factories as f
from cpd_events_demo.scenario import media
from cpd_events_demo.scenario.bulk import CopyInserter
from cpd_platform.accounts.models import CPDRequirement, Profile, User
from cpd_platform.billing.models import Invoice, PaymentMethod
from cpd_platform.credentials.models import Badge, Certificate, CertificateTemplate
from cpd_platform.engagement.models import Feedback
from cpd_platform.events.models import Attendance, Event, Registration, Session, Speaker
from cpd_platform.integrations.models import ZoomRecording, ZoomWebhookEvent
from cpd_platform.learning.models import Course, Enrollment, Module, QuizAttempt, Submission
from cpd_platform.marketing.models import Contact, PromoCode

UTC = timezone.utc


@dataclass(frozen=True)
class Options:
    anchor: datetime
    seed: int
    scale: int = 1
    password: str = ""
    media_root: str = ""


class Calendar:
    """Instants on the scenario's calendar, in the platform timezone unless told otherwise."""

    def __init__(self, anchor: datetime, zone: str, rng: random.Random):
        self.anchor, self.tz, self.rng = anchor, ZoneInfo(zone), rng
        local = anchor.astimezone(self.tz).date()
        self.monday = local - timedelta(days=local.weekday())

    def at(self, week: int, weekday: int, hhmm: str, zone: str | None = None) -> datetime:
        day = self.monday + timedelta(days=7 * week + weekday)
        hour, minute = (int(x) for x in hhmm.split(":"))
        return datetime.combine(day, time(hour, minute), ZoneInfo(zone) if zone else self.tz).astimezone(UTC)

    def ago(self, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        return self.anchor - timedelta(days=days, hours=hours, minutes=minutes)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def quiet(self, instant: datetime) -> bool:
        """Inside the platform's DST-change hours, where a wall-clock time would not survive a rebase."""
        return instant.astimezone(self.tz).hour in world.QUIET_HOURS

    def human(self, start: datetime, end: datetime, zone: str, skew: float = 1.0) -> datetime:
        """An instant in [start, end] at a human hour in `zone`, to the second; skew > 1 favours the end."""
        end = min(end, self.anchor - timedelta(minutes=3)) if start < self.anchor else end
        if end <= start:
            return start.replace(microsecond=0)
        span = (end - start).total_seconds()
        tz = ZoneInfo(zone)
        for _ in range(30):
            offset = span * (self.rng.random() ** (1 / skew))
            day = (start + timedelta(seconds=offset)).astimezone(tz).date()
            hour = self.rng.choices(range(24), weights=world.HOUR_WEIGHTS)[0]
            moment = datetime.combine(day, time(hour, self.rng.randrange(60), self.rng.randrange(60)), tz)
            moment = moment.astimezone(UTC)
            if start <= moment <= end and not self.quiet(moment):
                return moment
        moment = start + timedelta(seconds=int(span * self.rng.random()))
        while self.quiet(moment):
            moment -= timedelta(hours=1)
        return moment.replace(microsecond=0)


def ascii_name(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text).lower() if ch.isalnum())


class People:
    """Realistic names from Faker (several locales), emails at their organisation's reserved domain."""

    def __init__(self, seed: int, rng: random.Random):
        self.rng = rng
        self.names: dict[str, tuple[list[str], list[str]]] = {}
        for i, (locale, _) in enumerate(world.NAME_LOCALES):
            faker = Faker(locale)
            faker.seed_instance(seed + i)
            firsts = sorted({faker.first_name() for _ in range(300)})
            lasts = sorted({faker.last_name() for _ in range(300)})
            self.names[locale] = (firsts, lasts)
        self.locales = [loc for loc, _ in world.NAME_LOCALES]
        self.weights = [w for _, w in world.NAME_LOCALES]
        self.used: set[str] = {p.email for p in plan.PERSONAS}

    def name(self) -> tuple[str, str]:
        firsts, lasts = self.names[self.rng.choices(self.locales, weights=self.weights)[0]]
        return self.rng.choice(firsts), self.rng.choice(lasts)

    def organisation(self) -> tuple[str, str]:
        return self.rng.choice(world.ORGANISATIONS)

    def email(self, first: str, last: str, domain: str) -> str:
        """first.last@domain; on a clash a middle initial, then first-initial forms; digits last of all."""
        f_, l_ = ascii_name(first) or "x", ascii_name(last.split()[-1]) or "x"
        middle = "abcdefghjklmnprstw"
        candidates = [f"{f_}.{l_}", *(f"{f_}.{m}.{l_}" for m in self.rng.sample(middle, 4)), f"{f_[0]}{l_}",
                      f"{f_}{l_}", f"{l_}.{f_}"]
        for local in candidates:
            if f"{local}@{domain}" not in self.used:
                break
        else:
            n = 2
            while f"{f_}.{l_}{n}@{domain}" in self.used:
                n += 1
            local = f"{f_}.{l_}{n}"
        email = f"{local}@{domain}"
        self.used.add(email)
        return email

    def person(self) -> dict:
        """A generated person: names, email, organisation, job and timezone."""
        first, last = self.name()
        org, domain = self.organisation()
        if self.rng.random() < world.PERSONAL_SHARE:
            domain = self.rng.choice(world.PERSONAL_DOMAINS)
        zone = self.rng.choices([z for z, _ in world.LEARNER_TIMEZONES], weights=[w for _, w in world.LEARNER_TIMEZONES])[0]
        return {"first_name": first, "last_name": last, "email": self.email(first, last, domain),
                "organization": org, "job": self.rng.choice(world.JOBS), "timezone": zone}


@dataclass(frozen=True)
class Registrant:
    user: User | None
    email: str
    first_name: str
    last_name: str
    timezone: str

    @classmethod
    def of(cls, user: User, zone: str) -> "Registrant":
        return cls(user, user.email, user.first_name, user.last_name, zone)


def seed_randomness(seed: int) -> random.Random:
    """The one place randomness is seeded: factory_boy's Faker and sequences, and the scenario's RNG."""
    factory.random.reseed_random(seed)
    for cls in f.ALL:
        cls.reset_sequence(0, force=True)
    return random.Random(seed)


def floor_quarter(instant: datetime) -> datetime:
    return instant.replace(minute=instant.minute - instant.minute % 15, second=0, microsecond=0)


class Scenario:
    def __init__(self, options: Options):
        self.o = options
        self.scale = options.scale
        self.anchor = options.anchor
        self.media_root = Path(options.media_root or settings.MEDIA_ROOT)
        self.rng = seed_randomness(options.seed)
        self.cal = Calendar(self.anchor, settings.TIME_ZONE, self.rng)
        self.people = People(options.seed, self.rng)
        self.copy = CopyInserter()
        self.users: dict[str, User] = {}
        self.zones: dict[int, str] = {}  # user id -> profile timezone
        self.learners: list[User] = []
        self.events: dict[str, Event] = {}
        self.sessions: dict[str, list[Session]] = {}
        self.specs: dict[str, plan.EventSpec] = {}

    def volume(self, n: int) -> int:
        return n * self.scale

    def token(self, length: int, alphabet: str = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789") -> str:
        return "".join(self.rng.choices(alphabet, k=length))

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

    # 1. Users & profiles -----------------------------------------------------------------------
    def create_users(self) -> str:
        # One hash for every persona, salted from the seed: deterministic, and PBKDF2 runs once.
        salt = hashlib.sha256(f"cpd-demo-salt:{self.o.seed}".encode()).hexdigest()[:22]
        demo_hash = make_password(self.o.password, salt=salt)
        for p in plan.PERSONAS:
            joined = self.cal.human(self.cal.ago(days=p.joined_days_ago + 1), self.cal.ago(days=p.joined_days_ago),
                                    p.timezone) if p.joined_days_ago >= 1 else self.cal.ago(hours=p.joined_days_ago * 24)
            user = f.UserFactory.create(
                email=p.email, first_name=p.first_name, last_name=p.last_name, password=demo_hash,
                is_staff=p.superuser, is_superuser=p.superuser, date_joined=joined,
                last_login=floor_quarter(self.cal.ago(hours=p.last_login_hours_ago)) + timedelta(
                    minutes=self.rng.randrange(15), seconds=self.rng.randrange(60)))
            self.users[p.key] = user
            self.zones[user.pk] = p.timezone
            f.ProfileFactory.create(user=user, role=p.role, headline=p.headline, organization=p.organization, bio=p.bio,
                             timezone=p.timezone, onboarding_completed=p.onboarding_step is None,
                             onboarding_step=p.onboarding_step)
        self.organizers: dict[str, User] = {}
        staff, staff_profiles = [], []
        for org in world.ORGANIZERS:
            person = self.people.person()
            domain = dict(world.ORGANISATIONS)[org.organisation]
            email = self.people.email(person["first_name"], person["last_name"], domain)
            user = User(email=email, first_name=person["first_name"], last_name=person["last_name"],
                        password="!" + self.token(40), is_active=True,
                        date_joined=self.cal.human(self.cal.ago(days=31 * org.months + 20),
                                                   self.cal.ago(days=31 * org.months + 2), org.timezone),
                        last_login=self.cal.human(self.cal.ago(days=6), self.cal.ago(hours=3), org.timezone))
            staff.append(user)
            self.organizers[org.key] = user
        self.copy.insert(User, staff)
        for org in world.ORGANIZERS:
            user = self.organizers[org.key]
            self.users[org.key] = user
            self.zones[user.pk] = org.timezone
            staff_profiles.append(Profile(user=user, role="organizer", headline=f"{org.headline}, {org.organisation}",
                                          organization=org.organisation, bio="", timezone=org.timezone,
                                          onboarding_completed=True))
        self.copy.insert(Profile, staff_profiles)

        learners, profiles = [], []
        for _ in range(self.volume(world.LEARNERS)):
            who = self.people.person()
            joined = self.cal.human(self.cal.ago(days=400), self.cal.ago(days=21), who["timezone"])
            learners.append(User(email=who["email"], first_name=who["first_name"], last_name=who["last_name"],
                                 password="!" + self.token(40), is_active=True, date_joined=joined,
                                 last_login=self.cal.human(max(joined, self.cal.ago(days=45)), self.cal.ago(hours=2),
                                                           who["timezone"], skew=2.0)))
            profiles.append((who["job"], who["organization"], who["timezone"]))
        self.learners = self.copy.insert(User, learners)
        rows = []
        for user, (job, org, zone) in zip(self.learners, profiles, strict=True):
            self.zones[user.pk] = zone
            rows.append(Profile(user=user, role="attendee", headline=job, organization=org, bio="", timezone=zone,
                                onboarding_completed=True))
        self.copy.insert(Profile, rows)
        return f"{len(plan.PERSONAS)} personas, {len(staff)} organizers, {len(self.learners)} learners"

    # 2. Billing --------------------------------------------------------------------------------
    def create_billing(self) -> str:
        self.plans = {p.code: f.PlanFactory.create(code=p.code, name=p.name, price_cents=p.price_cents,
                                            monthly_event_limit=p.monthly_event_limit,
                                            includes_courses=p.includes_courses, includes_teams=p.includes_teams)
                      for p in plan.PLANS}
        invoices: list[Invoice] = []
        cards: list[PaymentMethod] = []
        count = 0
        # The plan's three: the pro's six paid months, the free basic plan, the churned account in dunning.
        self.subscribe(self.users["pro"], "pro", "active", months=plan.PRO_INVOICES, invoices=invoices,
                       day=plan.PRO_BILLING_DAY)
        self.subscribe(self.users["basic"], "basic", "active", months=10, invoices=invoices)
        self.subscribe(self.users["churned"], "organizer", "past_due", months=7, invoices=invoices)
        count += 3
        for org in world.ORGANIZERS:
            self.subscribe(self.users[org.key], org.plan, org.status, months=org.months, invoices=invoices)
            count += 1
        self.copy.insert(Invoice, invoices)
        payers = [("pro", "visa", "4242")] + [(o.key, *self.rng.choice(world.CARD_BRANDS)) for o in world.ORGANIZERS
                                               if o.stripe] + [("churned", "mastercard", "0341")]
        year = self.cal.local_date(self.anchor).year
        for key, brand, last4 in payers:
            cards.append(PaymentMethod(user=self.users[key], brand=brand, last4=last4,
                                       exp_month=8 if key == "pro" else self.rng.randint(1, 12),
                                       exp_year=year + (3 if key == "pro" else self.rng.randint(1, 4)),
                                       is_default=True, stripe_payment_method_id=f"pm_{self.token(24)}"))
        self.copy.insert(PaymentMethod, cards)
        stripe_account = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
        f.ConnectAccountFactory.create(user=self.users["pro"], charges_enabled=True, payouts_enabled=True,
                                       stripe_account_id=f"acct_1{self.token(16, stripe_account)}")
        for org in world.ORGANIZERS:
            if org.stripe and org.status != "canceled" and org.plan != "organizer":
                f.ConnectAccountFactory.create(user=self.users[org.key], charges_enabled=True, payouts_enabled=True,
                                               stripe_account_id=f"acct_1{self.token(16, stripe_account)}")
        self.zoom = f.ZoomConnectionFactory.create(user=self.users["pro"], zoom_user_id=self.token(22),
                                                   connected_at=self.cal.human(
            self.cal.ago(days=210), self.cal.ago(days=200), "America/New_York"))
        for org in world.ORGANIZERS:
            if org.zoom:
                f.ZoomConnectionFactory.create(user=self.users[org.key], zoom_user_id=self.token(22),
                                               connected_at=self.cal.human(
                    self.cal.ago(days=31 * org.months), self.cal.ago(days=31 * max(org.months - 1, 0) + 1),
                    org.timezone))
        paid = sum(1 for i in invoices if i.status == "paid")
        return f"{len(self.plans)} plans, {count} subscriptions, {len(invoices)} invoices ({paid} paid)"

    def billing_moments(self, day: int, hhmm: str, first: int, last: int) -> list[datetime]:
        """The billing moments (day of month, local time) from `first` to `last` months after the
        latest one at or before the anchor (0 = that one)."""
        local = self.anchor.astimezone(self.cal.tz)
        hour, minute = (int(x) for x in hhmm.split(":"))
        moment = datetime(local.year, local.month, day, hour, minute, tzinfo=self.cal.tz)
        if moment > local:
            moment = self._add_months(moment, -1)
        return [self._add_months(moment, k).astimezone(UTC) for k in range(first, last + 1)]

    @staticmethod
    def _add_months(moment: datetime, months: int) -> datetime:
        index = moment.year * 12 + moment.month - 1 + months
        return moment.replace(year=index // 12, month=index % 12 + 1)

    def subscribe(self, user: User, code: str, status: str, months: int, invoices: list, day: int | None = None):
        """A subscription with its billing history: a paid invoice per past month, a billing day <= 28
        so that every month has it (chosen)."""
        day = day or self.rng.randint(1, 28)
        hhmm = f"{self.rng.randint(8, 19):02d}:{self.rng.randrange(60):02d}"
        price = self.plans[code].price_cents
        if status == "canceled":
            moments = self.billing_moments(day, hhmm, -months - world.CANCELED_MONTHS_AGO, -world.CANCELED_MONTHS_AGO)
        elif status == "trialing":
            moments = self.billing_moments(day, hhmm, 0, 1)  # a month's trial, no invoice yet
        else:
            moments = self.billing_moments(day, hhmm, -(months - 1), 1)
        periods = list(zip(moments, moments[1:], strict=False))
        current = periods[-1]
        sub = f.SubscriptionFactory.create(user=user, plan=self.plans[code], status=status,
                                    current_period_start=current[0], current_period_end=current[1],
                                    cancel_at_period_end=status == "canceled",
                                    stripe_subscription_id=f"sub_{self.token(16)}")
        if price == 0 or status == "trialing":
            return sub
        prefix = self.token(8, "ABCDEF0123456789")
        for n, (start, end) in enumerate(periods, start=1):
            failed = status == "past_due" and n == len(periods)  # the renewal that put it in dunning
            invoices.append(Invoice(
                subscription=sub, number=f"{prefix}-{n:04d}", amount_cents=price, currency="usd",
                status="open" if failed else "paid", period_start=start, period_end=end, issued_at=start,
                paid_at=None if failed else start + timedelta(minutes=self.rng.randint(1, 9),
                                                              seconds=self.rng.randint(0, 59)),
                stripe_invoice_id=f"in_{self.token(24)}"))
        return sub

    # 3. Core assets ----------------------------------------------------------------------------
    def create_assets(self) -> str:
        self.cert_templates: dict[str, CertificateTemplate] = {}
        specs = list(plan.CERTIFICATE_TEMPLATES) + [
            plan.TemplateSpec(o.own_certificate, o.key, "landscape", "#0f766e") for o in world.ORGANIZERS
            if o.own_certificate]
        for spec in specs:
            art = media.write(self.media_root, f"certificate_templates/{slugify(spec.name)}.png",
                              media.certificate_png(spec.color, landscape=spec.orientation == "landscape"))
            self.cert_templates[spec.name] = f.CertificateTemplateFactory.create(
                owner=self.users[spec.owner] if spec.owner else None, name=spec.name, orientation=spec.orientation,
                primary_color=spec.color, is_system_default=spec.system_default, background=art)
        self.badge_templates = {}
        for name, tier, color in plan.BADGE_TEMPLATES:
            image = media.write(self.media_root, f"badges/{slugify(name)}.png", media.badge_png(color))
            self.badge_templates[name] = f.BadgeTemplateFactory.create(owner=None, name=name, tier=tier, image=image)

        pro = self.users["pro"]
        contacts: list[Contact] = []
        tagged = []
        for name, count, tag in plan.CONTACT_LISTS:
            lst = f.ContactListFactory.create(owner=pro, name=name, organization=plan.persona("pro").organization)
            label = f.TagFactory.create(owner=pro, name=tag) if tag else None
            seen: set[str] = set()
            for _ in range(self.volume(count)):
                p = self.people.person()
                while p["email"] in seen:
                    p = self.people.person()
                seen.add(p["email"])
                contact = Contact(contact_list=lst, first_name=p["first_name"], last_name=p["last_name"],
                                  email=p["email"], subscribed_at=self.cal.human(self.cal.ago(days=365),
                                                                                 self.cal.ago(days=1), p["timezone"]))
                contacts.append(contact)
                if label:
                    tagged.append((contact, label))
        self.copy.insert(Contact, contacts)
        through = Contact.tags.through
        self.copy.insert(through, [through(contact=c, tag=t) for c, t in tagged])

        self.promos = {}
        for promo in plan.PROMO_CODES:
            # Days counted from the anchor's Wednesday: codes open at 09:00 and close at 23:59.
            self.promos[promo.code] = f.PromoCodeFactory.create(
                owner=pro, code=promo.code, discount_type=promo.discount_type, discount_value=promo.discount_value,
                is_active=promo.active, valid_from=self.cal.at(0, 2, "09:00") + timedelta(days=promo.valid_from_days),
                valid_until=None if promo.valid_until_days is None else self.cal.at(0, 2, "23:59") + timedelta(
                    days=promo.valid_until_days))
        return (f"{len(self.cert_templates)} certificate templates, {len(self.badge_templates)} badge templates, "
                f"{len(contacts)} contacts in {len(plan.CONTACT_LISTS)} lists, {len(self.promos)} promo codes")

    # 4. Events, sessions, speakers -------------------------------------------------------------
    def create_events(self) -> str:
        self.speakers = {
            "speaker": f.SpeakerFactory.create(user=self.users["speaker"], name="Prof. Alan Grant",
                                        headline=plan.persona("speaker").headline,
                                        bio=plan.persona("speaker").bio),
            "pro": f.SpeakerFactory.create(user=self.users["pro"], name="Dr. Sarah Chen", headline=plan.persona("pro").headline,
                                    bio="Physician and medical educator."),
        }
        # Plan events, the weekly series around Event B, the background organizers' events.
        self.add_event(plan.FLAGSHIP, title=f"{plan.FLAGSHIP.title} {self.flagship_year()}")
        self.add_event(plan.WEBINAR)
        self.add_event(plan.MEETUP)
        for n, topic in enumerate(plan.SERIES_PAST_TOPICS, start=2):
            self.add_event(plan.WEBINAR, key=f"series-{n}", title=topic, week=-n,
                           description=f"This week: {topic.lower()}.", session_title=topic)
        for n, topic in enumerate(plan.SERIES_NEXT_TOPICS):
            self.add_event(plan.WEBINAR, key=f"next-{n}", title=topic, week=n, status="published",
                           description=f"This week: {topic.lower()}.", session_title=topic)
        for spec in world.BACKGROUND_EVENTS:
            self.add_event(spec)
        sessions = sum(len(s) for s in self.sessions.values())
        return f"{len(self.events)} events, {sessions} sessions, {Speaker.objects.count()} speakers"

    def flagship_year(self) -> int:
        spec = plan.FLAGSHIP
        return self.cal.at(spec.week, spec.weekday, spec.start, spec.timezone).astimezone(ZoneInfo(spec.timezone)).year

    def add_event(self, spec: plan.EventSpec, key: str | None = None, title: str | None = None,
                  week: int | None = None, status: str | None = None, description: str | None = None,
                  session_title: str | None = None) -> Event:
        key, title, week = key or spec.key, title or spec.title, spec.week if week is None else week
        if spec.status == "live":
            starts = floor_quarter(self.anchor) - timedelta(minutes=plan.MEETUP_STARTED_MINUTES_AGO)
            ends = starts + timedelta(minutes=plan.MEETUP_MINUTES)
        else:
            starts = self.cal.at(week, spec.weekday, spec.start, spec.timezone)
            ends = self.cal.at(week, spec.weekday + spec.days - 1, spec.end, spec.timezone)
        owner = self.users[spec.owner]
        zoom = {}
        if spec.zoom:
            meeting = str(self.rng.randint(81_000_000_000, 89_999_999_999))
            zoom = {"zoom_meeting_id": meeting, "join_url": f"https://zoom.us/j/{meeting}?pwd={self.token(32)}"}
        capacity = spec.capacity * self.scale if spec.capacity else None
        event = f.EventFactory.create(
            owner=owner, title=title, slug=slugify(title), event_type=spec.event_type, format=spec.format,
            status=status or spec.status, starts_at=starts, ends_at=ends, timezone=spec.timezone,
            price_cents=spec.price_cents, capacity=capacity, cpd_enabled=spec.cpd_credits > 0,
            cpd_credits=Decimal(spec.cpd_credits), certificates_enabled=spec.certificates, venue=spec.venue,
            description=description or spec.description, **zoom)
        sessions = []
        for s in spec.sessions:
            if spec.status == "live":
                s_start, s_end = starts, ends
            else:
                s_start = self.cal.at(week, spec.weekday + s.day, s.start, spec.timezone)
                s_end = s_start + timedelta(minutes=s.minutes)
            session = f.SessionFactory.create(event=event, title=session_title or s.title, session_type=s.session_type,
                                       room=s.room, starts_at=s_start, ends_at=s_end)
            speakers = [self.speakers[k] for k in s.speakers] or [self.background_speaker(spec.owner)]
            session.speakers.add(*speakers)
            sessions.append(session)
        self.events[key], self.sessions[key], self.specs[key] = event, sessions, spec
        return event

    def background_speaker(self, owner: str) -> Speaker:
        if owner not in self.speakers:
            first, last = self.people.name()
            title = self.rng.choice(["Dr.", "Dr.", "", "Prof."])
            self.speakers[owner] = f.SpeakerFactory.create(
                user=None, name=f"{title} {first} {last}".strip(), headline=self.rng.choice(world.JOBS),
                bio="Clinician and educator.")
        return self.speakers[owner]

    # 5. Learning -------------------------------------------------------------------------------
    def create_learning(self) -> str:
        pro = self.users["pro"]
        self.courses: dict[str, Course] = {}
        self.modules: dict[str, list[Module]] = {}
        for spec in (plan.COURSE_A, plan.COURSE_B):
            self.courses[spec.key] = f.CourseFactory.create(
                owner=pro, title=spec.title, slug=spec.slug, format=spec.format, price_cents=spec.price_cents,
                certificates_enabled=True, cpd_credits=Decimal(spec.cpd_credits), description=spec.description,
                required_session=self.sessions["flagship"][0] if spec.format == "hybrid" else None)
            self.modules[spec.key] = []
            for position, m in enumerate(spec.modules, start=1):
                content_file = ""
                if m.content_type == "pdf":
                    content_file = media.write(self.media_root, f"modules/{spec.slug}-case-studies.pdf", media.pdf(
                        f"{spec.title} - Case Studies",
                        ["Case 1: Informed consent in emergency care.", "Case 2: Confidentiality and the duty to warn.",
                         "Case 3: Allocation of scarce ICU beds.",
                         "Read each case and note the principles in tension before the assessment."]))
                self.modules[spec.key].append(f.ModuleFactory.create(
                    course=self.courses[spec.key], position=position, title=m.title, content_type=m.content_type,
                    content_url=m.content_url, content_file=content_file))
        self.quiz = f.QuizFactory.create(module=self.modules["ethics"][2], passing_score=plan.QUIZ_PASSING_SCORE)
        self.final_paper = f.AssignmentFactory.create(
            course=self.courses["surgery"], module=self.modules["surgery"][2], title="Final Paper",
            requires_file_upload=True, rubric=list(plan.RUBRIC),
            instructions="Upload a 2,000-word paper (PDF) on adopting one surgical technology in your setting.")
        modules = sum(len(m) for m in self.modules.values())
        return f"{len(self.courses)} courses, {modules} modules, 1 quiz ({self.quiz.passing_score}% to pass), 1 assignment"

    # 6. Engagement -----------------------------------------------------------------------------
    def create_engagement(self) -> str:
        counts = {"registrations": 0, "attendance": 0, "webhooks": 0, "feedback": 0}
        for key, event in self.events.items():
            regs = self.registrations(key, event)
            self.copy.insert(Registration, regs)
            counts["registrations"] += len(regs)
            if key == "flagship":
                continue
            if event.status == "live":
                attendance = self.meetup_check_ins(event, regs)
            elif event.ends_at < self.anchor:
                attendance = self.attendance(key, event, regs)
            else:
                attendance = []
            self.copy.insert(Attendance, attendance)
            counts["attendance"] += len(attendance)
            if key == "webinar":
                hooks = self.zoom_webhooks(event, attendance)
                self.copy.insert(ZoomWebhookEvent, hooks)
                counts["webhooks"] += len(hooks)
            if event.ends_at < self.anchor and event.join_url:
                ZoomRecording.objects.create(
                    event=event, recording_id=self.token(22) + "==", started_at=event.starts_at,
                    duration_minutes=int((event.ends_at - event.starts_at).total_seconds() // 60),
                    share_url=f"https://zoom.us/rec/share/{self.token(40)}", file_type="MP4")
            if event.ends_at < self.anchor:
                counts["feedback"] += self.feedback(key, event, attendance)
        learning = self.enrollments()
        return (f"{counts['registrations']} registrations, {counts['attendance']} attendance records, "
                f"{counts['webhooks']} Zoom webhooks, {counts['feedback']} feedback, {learning}")

    def registrant(self, taken: set[str], learner_share: float = 0.6) -> "Registrant":
        """Someone new to this event: a learner with an account, or a guest without one."""
        if self.rng.random() < learner_share:
            for _ in range(8):
                user = self.rng.choice(self.learners)
                if user.email not in taken:
                    taken.add(user.email)
                    return Registrant.of(user, self.zones[user.pk])
        who = self.people.person()
        taken.add(who["email"])
        return Registrant(None, who["email"], who["first_name"], who["last_name"], who["timezone"])

    def registrations(self, key: str, event: Event) -> list[Registration]:
        spec = self.specs[key]
        taken: set[str] = set()
        regs: list[Registration] = []
        closes = min(event.starts_at - timedelta(hours=1), self.anchor)
        opens = min(event.starts_at - timedelta(weeks=9 if spec.event_type == "conference" else 4),
                    closes - timedelta(weeks=3))

        def add(who: Registrant, status: str, payment: str, amount: int = 0, promo: PromoCode | None = None,
                at: datetime | None = None) -> None:
            regs.append(Registration(
                event=event, user=who.user, email=who.email, first_name=who.first_name, last_name=who.last_name,
                status=status, payment_status=payment, amount_paid_cents=amount, promo_code=promo,
                registered_at=at or self.cal.human(opens, closes, who.timezone, skew=2.2)))

        def persona(k: str) -> Registrant:
            taken.add(self.users[k].email)
            return Registrant.of(self.users[k], self.zones[self.users[k].pk])

        price = event.price_cents
        if key == "flagship":
            alice, bob = persona("alice"), persona("bob")
            add(alice, "confirmed", "paid", price * 75 // 100, self.promos["EARLYBIRD25"],
                at=self.cal.human(self.cal.ago(days=21), self.cal.ago(days=19), alice.timezone))
            add(bob, "waitlisted", "unpaid", at=self.cal.human(self.cal.ago(days=4), self.cal.ago(days=2), bob.timezone))
            for _ in range((event.capacity or 1) - 1):
                promo = self.rng.choices([None, self.promos["EARLYBIRD25"], self.promos["COMMUNITY10"]],
                                         weights=[55, 35, 10])[0]
                discount = price * 25 // 100 if promo and promo.code == "EARLYBIRD25" else (1000 if promo else 0)
                add(self.registrant(taken), "confirmed", "paid", price - discount, promo)
            for status, payment in (("pending", "unpaid"), ("cancelled", "refunded"), ("waitlisted", "unpaid")):
                for _ in range(self.volume(world.FLAGSHIP_EXTRA[status])):
                    add(self.registrant(taken), status, payment)
            return regs
        if key == "webinar":
            for k in ("alice", "bob"):
                who = persona(k)
                add(who, "confirmed", "free", at=self.cal.human(opens, event.starts_at - timedelta(days=2), who.timezone))
            for user in self.learners[: self.volume(world.REGISTRATIONS["webinar_learners"])]:
                taken.add(user.email)
                add(Registrant.of(user, self.zones[user.pk]),
                    "cancelled" if self.rng.random() < 0.08 else "confirmed", "free")
            return regs
        if key == "meetup":
            bob = persona("bob")
            add(bob, "confirmed", "free", at=self.cal.human(self.cal.ago(days=3), self.cal.ago(days=2), bob.timezone))
            for _ in range(self.volume(world.REGISTRATIONS["meetup_guests"])):
                who = self.registrant(taken, learner_share=0.2)
                add(who, "confirmed", "free", at=self.cal.human(
                    event.starts_at - timedelta(days=9), event.starts_at - timedelta(hours=1), who.timezone, skew=1.5))
            return regs
        if key.startswith("next-"):
            count = world.SERIES_NEXT_REGISTRATIONS[int(key.split("-")[1])]
        elif key.startswith("series-"):
            count = world.REGISTRATIONS["series_past"]
        elif key == "em-summit":
            count = world.REGISTRATIONS["summit"]
        else:
            count = world.REGISTRATIONS["background_next" if event.starts_at > self.anchor else "background_past"]
        for _ in range(self.volume(count)):
            who = self.registrant(taken)
            if self.rng.random() < 0.06:
                add(who, "cancelled", "refunded" if price else "free")
            else:
                add(who, "confirmed", "paid" if price else "free", price)
        return regs

    def live_sessions(self, key: str) -> list[Session]:
        return [s for s in self.sessions[key] if s.session_type == "live"]

    def attendance(self, key: str, event: Event, regs: list[Registration]) -> list[Attendance]:
        """Who came, per live session: Zoom joins and leaves online, door check-ins in person."""
        alice, bob = self.users["alice"], self.users["bob"]
        out = []
        online = event.format == "online"
        for reg in regs:
            if reg.status != "confirmed":
                continue
            skip = self.rng.random() < (0.15 if online else 0.08)
            for session in self.live_sessions(key):
                start, end = session.starts_at, session.ends_at
                if reg.user_id == alice.pk:
                    segments = [(start - timedelta(minutes=2), end + timedelta(minutes=1))]
                elif reg.user_id == bob.pk:
                    # Drops in and out: 30 of 60 minutes, not enough for a certificate.
                    segments = [(start + timedelta(minutes=10), start + timedelta(minutes=25)),
                                (start + timedelta(minutes=35), start + timedelta(minutes=50))]
                elif skip:
                    segments = []
                elif online:
                    segments = self.random_segments(start, end)
                else:
                    segments = [(start - timedelta(minutes=self.rng.randint(0, 12), seconds=self.rng.randrange(60)),
                                 end + timedelta(minutes=self.rng.randint(-15, 6), seconds=self.rng.randrange(60)))]
                for joined, left in segments:
                    out.append(Attendance(registration=reg, session=session, joined_at=joined, left_at=left,
                                          source="zoom" if online else "check_in"))
        return out

    def random_segments(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
        roll = self.rng.random()
        seconds = self.rng.randrange(60)
        if roll < 0.7:      # stayed for (nearly) all of it
            return [(start + timedelta(minutes=self.rng.randint(-4, 6), seconds=seconds),
                     end + timedelta(minutes=self.rng.randint(-3, 3), seconds=self.rng.randrange(60)))]
        first_in = start + timedelta(minutes=self.rng.randint(0, 20), seconds=seconds)
        first_out = first_in + timedelta(minutes=self.rng.randint(5, 25), seconds=self.rng.randrange(60))
        segments = [(first_in, first_out)]
        if self.rng.random() < 0.5:
            back = first_out + timedelta(minutes=self.rng.randint(2, 10))
            if back < end:
                segments.append((back, min(end, back + timedelta(minutes=self.rng.randint(5, 20)))))
        return segments

    def meetup_check_ins(self, event: Event, regs: list[Registration]) -> list[Attendance]:
        """Door check-ins at the live meetup: most are still in the room (no left_at yet)."""
        session = self.sessions["meetup"][0]
        before = floor_quarter(self.anchor)  # on the quarter the live event moves by: always in the past
        out = []
        for reg in regs:
            if self.rng.random() > 0.7:
                continue
            joined = session.starts_at + timedelta(seconds=self.rng.randint(-600, int(
                (before - session.starts_at).total_seconds()) - 120))
            left = None
            if self.rng.random() < 0.15:
                left = joined + timedelta(seconds=self.rng.randint(120, max(121, int((before - joined).total_seconds()) - 60)))
            out.append(Attendance(registration=reg, session=session, joined_at=joined, left_at=left,
                                  source="check_in"))
        return out

    def zoom_webhooks(self, event: Event, attendance: list[Attendance]) -> list[ZoomWebhookEvent]:
        """Zoom's own webhook bodies for Event B: meeting started/ended, each join and leave, the recording."""
        start, end = event.starts_at, event.ends_at
        meeting = {"id": event.zoom_meeting_id, "uuid": self.token(22) + "==", "host_id": self.zoom.zoom_user_id,
                   "topic": event.title, "type": 8, "start_time": zoom_time(start), "timezone": event.timezone,
                   "duration": int((end - start).total_seconds() // 60)}
        account_id = self.token(22)
        hooks = []

        def hook(kind: str, at: datetime, reg: Registration | None = None, extra: dict | None = None):
            body: dict[str, object] = dict(meeting)
            if reg is not None:
                body["participant"] = {
                    "user_id": str(self.rng.randint(16_000_000, 16_999_999)),
                    "user_name": f"{reg.first_name} {reg.last_name}".strip(), "id": self.token(22),
                    "participant_uuid": self.token(22), "email": reg.email, "registrant_id": self.token(22),
                    **(extra or {})}
            else:
                body.update(extra or {})
            hooks.append(ZoomWebhookEvent(
                event=event, event_type=kind, participant_email=reg.email if reg else "", occurred_at=at,
                payload={"event": kind, "event_ts": epoch_ms(at), "payload": {"account_id": account_id, "object": body}}))

        hook("meeting.started", start - timedelta(minutes=3, seconds=self.rng.randrange(60)))
        for a in sorted(attendance, key=lambda a: (a.joined_at, a.registration.email)):
            reg, left = a.registration, a.left_at or a.joined_at
            hook("meeting.participant_joined", a.joined_at, reg, {"join_time": zoom_time(a.joined_at)})
            hook("meeting.participant_left", left, reg,
                 {"leave_time": zoom_time(left), "leave_reason": "left the meeting"})
        ended = end + timedelta(minutes=2, seconds=self.rng.randrange(60))
        hook("meeting.ended", ended, extra={"end_time": zoom_time(ended)})
        hook("recording.completed", end + timedelta(minutes=21, seconds=self.rng.randrange(60)), extra={
            "recording_count": 1, "total_size": 184_223_744, "share_url": f"https://zoom.us/rec/share/{self.token(40)}",
            "recording_files": [{"id": self.token(36), "recording_start": zoom_time(start),
                                 "recording_end": zoom_time(end), "file_type": "MP4", "file_size": 184_223_744,
                                 "status": "completed", "recording_type": "shared_screen_with_speaker_view"}]})
        return hooks

    def feedback(self, key: str, event: Event, attendance: list[Attendance]) -> int:
        after = event.ends_at
        rows = []
        done: set[int] = set()
        if key == "webinar":
            for persona_key, rating, comment in plan.FEEDBACK:
                user = self.users[persona_key]
                delay = timedelta(minutes=12) if rating == 5 else timedelta(hours=3, minutes=7)
                rows.append(Feedback(event=event, user=user, rating=rating, comment=comment,
                                     submitted_at=after + delay + timedelta(seconds=self.rng.randrange(60))))
                done.add(user.pk)
        attended = sorted({a.registration.user_id for a in attendance if a.registration.user_id} - done)
        for n, user_id in enumerate(attended):
            if n >= 2 and self.rng.random() > 0.4:  # two at least, then four in ten
                continue
            rating = self.rng.choices([5, 4, 3, 2, 1], weights=[40, 35, 15, 7, 3])[0]
            rows.append(Feedback(event=event, user_id=user_id, rating=rating,
                                 comment=self.rng.choice(world.FEEDBACK_COMMENTS[rating]),
                                 submitted_at=self.cal.human(after, min(after + timedelta(days=2), self.anchor),
                                                             self.zones[user_id])))
        self.copy.insert(Feedback, rows)
        return len(rows)

    def enrollments(self) -> str:
        alice, bob = self.users["alice"], self.users["bob"]
        m1, m2, m3 = self.modules["ethics"]
        course_a, course_b = self.courses["ethics"], self.courses["surgery"]
        enrollments, attempts, submissions = [], [], []
        zone = self.zones[alice.pk]
        # Alice completed Medical Ethics 101 by passing its quiz; Bob is stuck on Module 2.
        passed_at = self.cal.human(self.cal.ago(days=31), self.cal.ago(days=29), zone)
        enrollments.append(Enrollment(course=course_a, user=alice, status="completed",
                                      enrolled_at=self.cal.human(self.cal.ago(days=61), self.cal.ago(days=59), zone),
                                      completed_at=passed_at, current_module=m3))
        attempts.append(QuizAttempt(quiz=self.quiz, user=alice, score=90, passed=True, submitted_at=passed_at))
        enrollments.append(Enrollment(course=course_a, user=bob, status="in_progress", current_module=m2,
                                      enrolled_at=self.cal.human(self.cal.ago(days=41), self.cal.ago(days=39),
                                                                 self.zones[bob.pk])))
        pool = self.learners[: max(self.volume(world.COURSE_LEARNERS["ethics"]),
                                   self.volume(world.COURSE_LEARNERS["surgery"]))]
        for user in self.rng.sample(pool, self.volume(world.COURSE_LEARNERS["ethics"])):
            zone = self.zones[user.pk]
            enrolled = self.cal.human(self.cal.ago(days=150), self.cal.ago(days=10), zone)
            reached = self.rng.choice([m1, m2, m3, m3])
            status, completed = "in_progress", None
            if reached is m3:
                for n in range(1 + (self.rng.random() < 0.3)):
                    score = self.rng.randint(45, 100)
                    at = self.cal.human(enrolled + timedelta(days=1 + n * 3), self.cal.ago(days=1), zone)
                    attempts.append(QuizAttempt(quiz=self.quiz, user=user, score=score,
                                                passed=score >= self.quiz.passing_score, submitted_at=at))
                    if score >= self.quiz.passing_score:
                        status, completed = "completed", at
                        break
            enrollments.append(Enrollment(course=course_a, user=user, status=status, enrolled_at=enrolled,
                                          completed_at=completed, current_module=reached))
        # Advanced Surgery Tech: nobody can finish before the live keynote it requires.
        modules_b = self.modules["surgery"]
        enrollments.append(Enrollment(course=course_b, user=alice, status="in_progress", current_module=modules_b[2],
                                      enrolled_at=self.cal.human(self.cal.ago(days=26), self.cal.ago(days=24), zone)))
        submissions.append(self.paper(alice, self.cal.human(self.cal.ago(days=11), self.cal.ago(days=9),
                                                            self.zones[alice.pk]), grade=92))
        for index, user in enumerate(self.rng.sample(pool, self.volume(world.COURSE_LEARNERS["surgery"]))):
            zone = self.zones[user.pk]
            enrolled = self.cal.human(self.cal.ago(days=60), self.cal.ago(days=5), zone)
            submitted = index < self.volume(world.COURSE_LEARNERS["surgery_submissions"])
            enrollments.append(Enrollment(course=course_b, user=user, status="in_progress", enrolled_at=enrolled,
                                          current_module=modules_b[2] if submitted else self.rng.choice(modules_b[:2])))
            if submitted:
                grade = self.rng.randint(60, 98) if self.rng.random() < 0.6 else None
                submissions.append(self.paper(user, self.cal.human(enrolled, self.cal.ago(days=1), zone), grade))
        self.copy.insert(Enrollment, enrollments)
        self.copy.insert(QuizAttempt, attempts)
        self.copy.insert(Submission, submissions)
        return f"{len(enrollments)} enrollments, {len(attempts)} quiz attempts, {len(submissions)} submissions"

    def paper(self, user: User, at: datetime, grade: int | None) -> Submission:
        name = media.write(self.media_root, f"submissions/final-paper-{slugify(user.email)}.pdf", media.pdf(
            f"Final Paper - {user.get_full_name()}",
            [f"Course: {plan.COURSE_B.title}", "Adopting robotic-assisted laparoscopy in a regional hospital:",
             "costs, training pathway, outcomes and patient safety."]))
        return Submission(assignment=self.final_paper, user=user, file=name, submitted_at=at, grade=grade)

    # 7. Outcomes: certificates and badges from the engagement data -----------------------------
    def create_outcomes(self) -> str:
        certificates, badges = [], []
        codes: set[str] = set()

        def code() -> str:
            while True:
                value = "CPD-" + self.token(4, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789") + "-" + \
                        self.token(4, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
                if value not in codes:
                    codes.add(value)
                    return value

        users = {u.pk: u for u in User.objects.all()}
        for event in Event.objects.filter(certificates_enabled=True, ends_at__lte=self.anchor).order_by("id"):
            template = self.template_for(event.owner_id)
            issued = event.ends_at + timedelta(hours=1, minutes=self.rng.randrange(20))
            for user_id in eligible_attendees(event):
                certificates.append(Certificate(template=template, recipient=users[user_id], event=event,
                                                issued_at=issued, credits=event.cpd_credits,
                                                verification_code=code()))
                badges.append(Badge(template=self.badge_templates["Workshop Survivor"], recipient=users[user_id],
                                    event=event, issued_at=issued))
        for course in Course.objects.filter(certificates_enabled=True).order_by("id"):
            template = self.template_for(course.owner_id)
            done = Enrollment.objects.filter(course=course, status="completed").order_by("id")
            if course.required_session_id:
                done = done.filter(
                    user__registrations__attendances__session_id=course.required_session_id).distinct()
            for enrollment in done:
                assert enrollment.completed_at is not None
                issued = enrollment.completed_at + timedelta(minutes=5)
                certificates.append(Certificate(template=template, recipient=users[enrollment.user_id], course=course,
                                                issued_at=issued, credits=course.cpd_credits,
                                                verification_code=code()))
                badges.append(Badge(template=self.badge_templates["Certified Expert"],
                                    recipient=users[enrollment.user_id], course=course, issued_at=issued))
        first_join = min(u.date_joined for u in users.values())
        first_certificate: dict[int, datetime] = {}
        for c in certificates:
            first_certificate[c.recipient.pk] = min(c.issued_at, first_certificate.get(c.recipient.pk, c.issued_at))
        for user_id in sorted(first_certificate):
            if users[user_id].date_joined <= first_join + timedelta(days=plan.EARLY_ADOPTER_DAYS):
                badges.append(Badge(template=self.badge_templates["Early Adopter"], recipient=users[user_id],
                                    issued_at=first_certificate[user_id]))
        self.copy.insert(Certificate, certificates)
        self.copy.insert(Badge, badges)
        # Alice's CPD cycle: the calendar year she is tracking credits against.
        year = self.cal.local_date(self.anchor).year
        CPDRequirement.objects.create(
            user=self.users["alice"], name=f"{plan.CPD_REQUIREMENT} {year}",
            required_credits=Decimal(plan.CPD_REQUIRED_CREDITS), period_start=date(year, 1, 1),
            period_end=date(year, 12, 31))
        return f"{len(certificates)} certificates, {len(badges)} badges, 1 CPD requirement"

    def template_for(self, owner_id: int) -> CertificateTemplate:
        """The organizer's own certificate template where there is one, else the system default."""
        own = CertificateTemplate.objects.filter(owner_id=owner_id).order_by("id").first()
        return own or self.cert_templates["Generic Completion"]


def eligible_attendees(event: Event) -> list[int]:
    """Users who attended at least CERTIFICATE_MIN_ATTENDANCE of the event's live-session time."""
    sessions = list(Session.objects.filter(event=event, session_type="live"))
    needed = sum((s.ends_at - s.starts_at).total_seconds() for s in sessions) * plan.CERTIFICATE_MIN_ATTENDANCE
    attended: dict[int, float] = {}
    rows = Attendance.objects.filter(session__in=sessions, registration__user__isnull=False).select_related(
        "session", "registration")
    for a in rows:
        if a.left_at is None or a.session is None or a.registration.user_id is None:
            continue
        overlap = (min(a.left_at, a.session.ends_at) - max(a.joined_at, a.session.starts_at)).total_seconds()
        attended[a.registration.user_id] = attended.get(a.registration.user_id, 0) + max(0.0, overlap)
    return sorted(uid for uid, seconds in attended.items() if needed and seconds >= needed)


def zoom_time(instant: datetime) -> str:
    """Zoom's own format: UTC, to the second, with Z."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_ms(instant: datetime) -> int:
    return int(instant.timestamp()) * 1000
