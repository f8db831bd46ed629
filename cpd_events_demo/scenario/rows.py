"""The scenario's rows as plain objects: one class per platform model it fills, named like the model
(`model` is its app label and name), each field named like the model's field. A field that points
at another row holds that row; a file field holds its `Media`; a many-to-many field holds a list.

The steps draw these without a database (so the plan's promises are unit tests); `persist.py`
writes them, and refuses a field its model does not have. What a row leaves out, the model's
default (or, for an item written through a factory, the factory's) fills in. Every row gets its
id when it is drawn (`Drawn` in context.py), so rows point at each other before any is written.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from cpd_events_demo.scenario.media import Media


@dataclass(eq=False, slots=True)
class Row:
    model: ClassVar[str]
    id: int = field(default=0, kw_only=True)


# -- accounts ---------------------------------------------------------------------------------

@dataclass(eq=False, slots=True)
class User(Row):
    model = "accounts.User"
    email: str
    first_name: str
    last_name: str
    password: str
    date_joined: datetime
    last_login: datetime
    is_staff: bool = False
    is_superuser: bool = False
    is_active: bool = True

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(eq=False, slots=True)
class Profile(Row):
    model = "accounts.Profile"
    user: User
    role: str
    headline: str
    organization: str
    bio: str
    timezone: str
    onboarding_completed: bool = True
    onboarding_step: str | None = None


@dataclass(eq=False, slots=True)
class CPDRequirement(Row):
    model = "accounts.CPDRequirement"
    user: User
    name: str
    required_credits: Decimal
    period_start: date
    period_end: date


# -- billing ----------------------------------------------------------------------------------

@dataclass(eq=False, slots=True)
class Plan(Row):
    model = "billing.Plan"
    code: str
    name: str
    price_cents: int
    monthly_event_limit: int | None
    includes_courses: bool
    includes_teams: bool


@dataclass(eq=False, slots=True)
class Subscription(Row):
    model = "billing.Subscription"
    user: User
    plan: Plan
    status: str
    current_period_start: datetime
    current_period_end: datetime
    cancel_at_period_end: bool
    stripe_subscription_id: str


@dataclass(eq=False, slots=True)
class Invoice(Row):
    model = "billing.Invoice"
    subscription: Subscription
    number: str
    amount_cents: int
    currency: str
    status: str
    period_start: datetime
    period_end: datetime
    issued_at: datetime
    paid_at: datetime | None
    stripe_invoice_id: str


@dataclass(eq=False, slots=True)
class PaymentMethod(Row):
    model = "billing.PaymentMethod"
    user: User
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    is_default: bool
    stripe_payment_method_id: str


@dataclass(eq=False, slots=True)
class ConnectAccount(Row):
    model = "billing.ConnectAccount"
    user: User
    stripe_account_id: str
    charges_enabled: bool = True
    payouts_enabled: bool = True


# -- integrations -----------------------------------------------------------------------------

@dataclass(eq=False, slots=True)
class ZoomConnection(Row):
    model = "integrations.ZoomConnection"
    user: User
    zoom_user_id: str
    connected_at: datetime


@dataclass(eq=False, slots=True)
class ZoomWebhookEvent(Row):
    model = "integrations.ZoomWebhookEvent"
    event: "Event"
    event_type: str
    participant_email: str
    occurred_at: datetime
    payload: dict[str, Any]


@dataclass(eq=False, slots=True)
class ZoomRecording(Row):
    model = "integrations.ZoomRecording"
    event: "Event"
    recording_id: str
    started_at: datetime
    duration_minutes: int
    share_url: str
    file_type: str


# -- credentials ------------------------------------------------------------------------------

@dataclass(eq=False, slots=True)
class CertificateTemplate(Row):
    model = "credentials.CertificateTemplate"
    owner: User | None
    name: str
    orientation: str
    primary_color: str
    is_system_default: bool
    background: Media


@dataclass(eq=False, slots=True)
class BadgeTemplate(Row):
    model = "credentials.BadgeTemplate"
    owner: User | None
    name: str
    tier: str
    image: Media


@dataclass(eq=False, slots=True)
class Certificate(Row):
    model = "credentials.Certificate"
    template: CertificateTemplate
    recipient: User
    event: "Event | None"
    course: "Course | None"
    issued_at: datetime
    credits: Decimal
    verification_code: str


@dataclass(eq=False, slots=True)
class Badge(Row):
    model = "credentials.Badge"
    template: BadgeTemplate
    recipient: User
    issued_at: datetime
    event: "Event | None" = None
    course: "Course | None" = None


# -- marketing --------------------------------------------------------------------------------

@dataclass(eq=False, slots=True)
class PromoCode(Row):
    model = "marketing.PromoCode"
    owner: User
    code: str
    discount_type: str
    discount_value: int
    is_active: bool
    valid_from: datetime
    valid_until: datetime | None

    def discount(self, price_cents: int) -> int:
        """What the code takes off a price, in cents."""
        return price_cents * self.discount_value // 100 if self.discount_type == "percent" else self.discount_value


@dataclass(eq=False, slots=True)
class Tag(Row):
    model = "marketing.Tag"
    owner: User
    name: str


@dataclass(eq=False, slots=True)
class ContactList(Row):
    model = "marketing.ContactList"
    owner: User
    name: str
    organization: str


@dataclass(eq=False, slots=True)
class Contact(Row):
    model = "marketing.Contact"
    contact_list: ContactList
    email: str
    first_name: str
    last_name: str
    subscribed_at: datetime
    tags: list[Tag] = field(default_factory=list)


# -- events -----------------------------------------------------------------------------------

@dataclass(eq=False, slots=True)
class Event(Row):
    model = "events.Event"
    owner: User
    title: str
    slug: str
    description: str
    event_type: str
    format: str
    status: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    price_cents: int
    capacity: int | None
    cpd_enabled: bool
    cpd_credits: Decimal
    certificates_enabled: bool
    venue: str
    zoom_meeting_id: str | None = None
    join_url: str | None = None


@dataclass(eq=False, slots=True)
class Speaker(Row):
    model = "events.Speaker"
    user: User | None
    name: str
    headline: str
    bio: str


@dataclass(eq=False, slots=True)
class Session(Row):
    model = "events.Session"
    event: Event
    title: str
    session_type: str
    room: str
    starts_at: datetime
    ends_at: datetime
    speakers: list[Speaker] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class Registration(Row):
    model = "events.Registration"
    event: Event
    user: User | None
    email: str
    first_name: str
    last_name: str
    status: str
    payment_status: str
    amount_paid_cents: int
    promo_code: PromoCode | None
    registered_at: datetime


@dataclass(eq=False, slots=True)
class Attendance(Row):
    model = "events.Attendance"
    registration: Registration
    session: Session
    joined_at: datetime
    left_at: datetime | None
    source: str


# -- engagement -------------------------------------------------------------------------------

@dataclass(eq=False, slots=True)
class Feedback(Row):
    model = "engagement.Feedback"
    event: Event
    user: User
    rating: int
    comment: str
    submitted_at: datetime


# -- learning ---------------------------------------------------------------------------------

@dataclass(eq=False, slots=True)
class Course(Row):
    model = "learning.Course"
    owner: User
    title: str
    slug: str
    format: str
    price_cents: int
    certificates_enabled: bool
    cpd_credits: Decimal
    description: str
    required_session: Session | None


@dataclass(eq=False, slots=True)
class Module(Row):
    model = "learning.Module"
    course: Course
    position: int
    title: str
    content_type: str
    content_url: str
    content_file: Media | None


@dataclass(eq=False, slots=True)
class Quiz(Row):
    model = "learning.Quiz"
    module: Module
    passing_score: int


@dataclass(eq=False, slots=True)
class QuizAttempt(Row):
    model = "learning.QuizAttempt"
    quiz: Quiz
    user: User
    score: int
    passed: bool
    submitted_at: datetime


@dataclass(eq=False, slots=True)
class Enrollment(Row):
    model = "learning.Enrollment"
    course: Course
    user: User
    status: str
    enrolled_at: datetime
    current_module: Module
    completed_at: datetime | None = None


@dataclass(eq=False, slots=True)
class Assignment(Row):
    model = "learning.Assignment"
    course: Course
    module: Module
    title: str
    requires_file_upload: bool
    rubric: list[dict[str, Any]]
    instructions: str


@dataclass(eq=False, slots=True)
class Submission(Row):
    model = "learning.Submission"
    assignment: Assignment
    user: User
    file: Media
    submitted_at: datetime
    grade: int | None
