"""factory_boy factories: the shape of one row of each platform model.

The scenario (`builder/seed.py`) decides counts, relationships and dates; tests use the same
factories. Faker and factory_boy are seeded together by `builder.seed.seed_randomness`.
Dates have no defaults on purpose: every date comes from the scenario's anchor.
"""

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from cpd_platform.accounts.models import CPDRequirement, Profile, User
from cpd_platform.billing.models import ConnectAccount, Invoice, PaymentMethod, Plan, Subscription
from cpd_platform.credentials.models import Badge, BadgeTemplate, Certificate, CertificateTemplate
from cpd_platform.engagement.models import Feedback
from cpd_platform.events.models import Attendance, Event, Registration, Session, Speaker
from cpd_platform.integrations.models import ZoomConnection, ZoomRecording, ZoomWebhookEvent
from cpd_platform.learning.models import (
    Assignment,
    Course,
    Enrollment,
    Module,
    Quiz,
    QuizAttempt,
    Submission,
)
from cpd_platform.marketing.models import Contact, ContactList, PromoCode, Tag


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttributeSequence(
        lambda o, n: f"{o.first_name}.{o.last_name}.{n}@example.org".lower().replace(" ", "").replace("'", "")
    )
    is_active = True
    # Not loginable unless the scenario gives the demo password; stable for a given seed.
    password = factory.Faker("pystr", prefix="!", min_chars=40, max_chars=40)


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    role = Profile.Role.ATTENDEE
    headline = factory.Faker("job")
    organization = factory.Faker("company")
    bio = factory.Faker("paragraph", nb_sentences=2)
    timezone = "America/New_York"
    onboarding_completed = True


class CPDRequirementFactory(DjangoModelFactory):
    class Meta:
        model = CPDRequirement

    user = factory.SubFactory(UserFactory)
    required_credits = 50


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("code",)

    code = Plan.Code.BASIC
    name = factory.LazyAttribute(lambda o: o.code.title())
    currency = "usd"
    interval = "month"
    stripe_product_id = factory.LazyAttribute(lambda o: f"prod_cpd_{o.code}")
    stripe_price_id = factory.LazyAttribute(lambda o: f"price_cpd_{o.code}_monthly")


class SubscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Subscription

    user = factory.SubFactory(UserFactory)
    plan = factory.SubFactory(PlanFactory)
    status = Subscription.Status.ACTIVE
    cancel_at_period_end = False
    stripe_subscription_id = factory.Faker("bothify", text="sub_????????????????", letters="ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789")


class InvoiceFactory(DjangoModelFactory):
    class Meta:
        model = Invoice

    subscription = factory.SubFactory(SubscriptionFactory)
    number = factory.Sequence(lambda n: f"CPD-{n + 1:05d}")
    amount_cents = factory.LazyAttribute(lambda o: o.subscription.plan.price_cents)
    currency = "usd"
    status = Invoice.Status.PAID
    stripe_invoice_id = factory.Faker("bothify", text="in_????????????????", letters="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")


class PaymentMethodFactory(DjangoModelFactory):
    class Meta:
        model = PaymentMethod

    user = factory.SubFactory(UserFactory)
    brand = "visa"
    last4 = "4242"
    exp_month = 8
    is_default = True
    stripe_payment_method_id = factory.Faker("bothify", text="pm_????????????????", letters="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")


class ConnectAccountFactory(DjangoModelFactory):
    class Meta:
        model = ConnectAccount

    user = factory.SubFactory(UserFactory)
    stripe_account_id = factory.Faker("bothify", text="acct_1????????????????", letters="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
    charges_enabled = True
    payouts_enabled = True


class ZoomConnectionFactory(DjangoModelFactory):
    class Meta:
        model = ZoomConnection

    user = factory.SubFactory(UserFactory)
    zoom_user_id = factory.Faker("bothify", text="??????????????????????", letters="ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789")
    status = ZoomConnection.Status.CONNECTED


class CertificateTemplateFactory(DjangoModelFactory):
    class Meta:
        model = CertificateTemplate

    name = factory.Faker("catch_phrase")
    orientation = CertificateTemplate.Orientation.LANDSCAPE
    primary_color = "#1d4ed8"
    is_system_default = False


class BadgeTemplateFactory(DjangoModelFactory):
    class Meta:
        model = BadgeTemplate

    name = factory.Faker("catch_phrase")
    tier = BadgeTemplate.Tier.BRONZE


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    owner = factory.SubFactory(UserFactory)
    title = factory.Faker("catch_phrase")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    event_type = Event.EventType.WEBINAR
    format = Event.Format.ONLINE
    status = Event.Status.PUBLISHED
    timezone = "America/New_York"
    price_cents = 0
    currency = "usd"


class SpeakerFactory(DjangoModelFactory):
    class Meta:
        model = Speaker

    name = factory.Faker("name")
    headline = factory.Faker("job")
    bio = factory.Faker("paragraph", nb_sentences=3)


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Faker("catch_phrase")
    session_type = Session.SessionType.LIVE


class RegistrationFactory(DjangoModelFactory):
    """A generated guest registration (no account) unless `user` is given."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = None
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttributeSequence(
        lambda o, n: f"{o.first_name}.{o.last_name}.{n}@example.net".lower().replace(" ", "").replace("'", "")
    )
    status = Registration.Status.CONFIRMED
    payment_status = Registration.PaymentStatus.FREE
    amount_paid_cents = 0


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    registration = factory.SubFactory(RegistrationFactory)
    source = Attendance.Source.ZOOM


class ZoomWebhookEventFactory(DjangoModelFactory):
    class Meta:
        model = ZoomWebhookEvent

    event = factory.SubFactory(EventFactory)
    event_type = "meeting.participant_joined"
    participant_email = ""
    payload = factory.LazyFunction(dict)


class ZoomRecordingFactory(DjangoModelFactory):
    class Meta:
        model = ZoomRecording

    event = factory.SubFactory(EventFactory)
    recording_id = factory.Faker("uuid4")
    duration_minutes = 60
    share_url = factory.LazyAttribute(lambda o: f"https://zoom.us/rec/share/{o.recording_id}")
    file_type = "MP4"


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    owner = factory.SubFactory(UserFactory)
    title = factory.Faker("catch_phrase")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    format = Course.Format.ONLINE
    price_cents = 0
    certificates_enabled = True


class ModuleFactory(DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Faker("sentence", nb_words=3)
    content_type = Module.ContentType.VIDEO


class QuizFactory(DjangoModelFactory):
    class Meta:
        model = Quiz

    module = factory.SubFactory(ModuleFactory, content_type=Module.ContentType.QUIZ)
    passing_score = 70


class QuizAttemptFactory(DjangoModelFactory):
    class Meta:
        model = QuizAttempt

    quiz = factory.SubFactory(QuizFactory)
    user = factory.SubFactory(UserFactory)
    score = 80
    passed = factory.LazyAttribute(lambda o: o.score >= o.quiz.passing_score)


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    course = factory.SubFactory(CourseFactory)
    user = factory.SubFactory(UserFactory)
    status = Enrollment.Status.IN_PROGRESS


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    course = factory.SubFactory(CourseFactory)
    title = factory.Faker("sentence", nb_words=2)
    requires_file_upload = True
    rubric = factory.LazyFunction(list)


class SubmissionFactory(DjangoModelFactory):
    class Meta:
        model = Submission

    assignment = factory.SubFactory(AssignmentFactory)
    user = factory.SubFactory(UserFactory)


class PromoCodeFactory(DjangoModelFactory):
    class Meta:
        model = PromoCode
        django_get_or_create = ("code",)

    owner = factory.SubFactory(UserFactory)
    code = factory.Faker("bothify", text="PROMO##", letters="ABCDEFGHJKLMNPQRSTUVWXYZ")
    discount_type = PromoCode.DiscountType.PERCENT
    discount_value = 10
    is_active = True


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("owner", "name")

    owner = factory.SubFactory(UserFactory)
    name = factory.Faker("word")


class ContactListFactory(DjangoModelFactory):
    class Meta:
        model = ContactList

    owner = factory.SubFactory(UserFactory)
    name = factory.Faker("catch_phrase")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    contact_list = factory.SubFactory(ContactListFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttributeSequence(
        lambda o, n: f"{o.first_name[0]}{o.last_name}.{n}@example.com".lower().replace(" ", "").replace("'", "")
    )


class FeedbackFactory(DjangoModelFactory):
    class Meta:
        model = Feedback

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    rating = 4
    comment = factory.Faker("sentence", nb_words=8)


class CertificateFactory(DjangoModelFactory):
    class Meta:
        model = Certificate

    template = factory.SubFactory(CertificateTemplateFactory)
    recipient = factory.SubFactory(UserFactory)
    credits = 0
    verification_code = factory.Faker("bothify", text="CPD-????-????", letters="ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


class BadgeFactory(DjangoModelFactory):
    class Meta:
        model = Badge

    template = factory.SubFactory(BadgeTemplateFactory)
    recipient = factory.SubFactory(UserFactory)
