"""factory_boy factories: the shape of one row of each model the scenario writes one at a time
(the plan's singular items; `persist.py` creates them from the rows the steps drew).

The steps decide every value, count, relationship and date; volume rows (users, registrations,
attendance...) go in by COPY instead. factory_boy is seeded by the writer all the same, so a
default a factory draws is deterministic too. Dates have no defaults on purpose.
"""

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from cpd_platform.accounts.models import CPDRequirement, Profile, User
from cpd_platform.billing.models import ConnectAccount, Plan, Subscription
from cpd_platform.credentials.models import BadgeTemplate, CertificateTemplate
from cpd_platform.events.models import Event, Session, Speaker
from cpd_platform.integrations.models import ZoomConnection
from cpd_platform.learning.models import Assignment, Course, Module, Quiz
from cpd_platform.marketing.models import ContactList, PromoCode, Tag

TOKEN = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789"


def token(prefix: str, length: int, letters: str = TOKEN) -> factory.Faker:
    return factory.Faker("bothify", text=prefix + "?" * length, letters=letters)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.first_name}.{o.last_name}@example.org".lower().replace(" ", ""))
    is_active = True
    # Not loginable unless the scenario gives the demo password; stable for a given seed.
    password = factory.Faker("pystr", prefix="!", min_chars=40, max_chars=40)


class ProfileFactory(DjangoModelFactory[Profile]):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    role = Profile.Role.ATTENDEE
    headline = factory.Faker("job")
    organization = factory.Faker("company")
    timezone = "America/New_York"
    onboarding_completed = True


class CPDRequirementFactory(DjangoModelFactory[CPDRequirement]):
    class Meta:
        model = CPDRequirement

    user = factory.SubFactory(UserFactory)
    name = "Medical Board"
    required_credits = 50


class PlanFactory(DjangoModelFactory[Plan]):
    class Meta:
        model = Plan
        django_get_or_create = ("code",)

    code = Plan.Code.BASIC
    name = factory.LazyAttribute(lambda o: o.code.title())
    currency = "usd"
    interval = "month"
    stripe_product_id = factory.LazyAttribute(lambda o: f"prod_cpd_{o.code}")
    stripe_price_id = factory.LazyAttribute(lambda o: f"price_cpd_{o.code}_monthly")


class SubscriptionFactory(DjangoModelFactory[Subscription]):
    class Meta:
        model = Subscription

    user = factory.SubFactory(UserFactory)
    plan = factory.SubFactory(PlanFactory)
    status = Subscription.Status.ACTIVE
    cancel_at_period_end = False
    stripe_subscription_id = token("sub_", 16)


class ConnectAccountFactory(DjangoModelFactory[ConnectAccount]):
    class Meta:
        model = ConnectAccount

    user = factory.SubFactory(UserFactory)
    stripe_account_id = token("acct_1", 16, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
    charges_enabled = True
    payouts_enabled = True


class ZoomConnectionFactory(DjangoModelFactory[ZoomConnection]):
    class Meta:
        model = ZoomConnection

    user = factory.SubFactory(UserFactory)
    zoom_user_id = token("", 22)
    status = ZoomConnection.Status.CONNECTED


class CertificateTemplateFactory(DjangoModelFactory[CertificateTemplate]):
    class Meta:
        model = CertificateTemplate

    name = factory.Faker("catch_phrase")
    orientation = CertificateTemplate.Orientation.LANDSCAPE
    primary_color = "#1d4ed8"
    is_system_default = False


class BadgeTemplateFactory(DjangoModelFactory[BadgeTemplate]):
    class Meta:
        model = BadgeTemplate

    name = factory.Faker("catch_phrase")
    tier = BadgeTemplate.Tier.BRONZE


class ContactListFactory(DjangoModelFactory[ContactList]):
    class Meta:
        model = ContactList

    owner = factory.SubFactory(UserFactory)
    name = factory.Faker("catch_phrase")


class TagFactory(DjangoModelFactory[Tag]):
    class Meta:
        model = Tag

    owner = factory.SubFactory(UserFactory)
    name = factory.Faker("word")


class PromoCodeFactory(DjangoModelFactory[PromoCode]):
    class Meta:
        model = PromoCode

    owner = factory.SubFactory(UserFactory)
    code = factory.Sequence(lambda n: f"PROMO{n}")
    discount_type = PromoCode.DiscountType.PERCENT
    discount_value = 10
    is_active = True


class EventFactory(DjangoModelFactory[Event]):
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


class SpeakerFactory(DjangoModelFactory[Speaker]):
    class Meta:
        model = Speaker

    name = factory.Faker("name")
    headline = factory.Faker("job")
    bio = factory.Faker("paragraph", nb_sentences=3)


class SessionFactory(DjangoModelFactory[Session]):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Faker("catch_phrase")
    session_type = Session.SessionType.LIVE


class CourseFactory(DjangoModelFactory[Course]):
    class Meta:
        model = Course

    owner = factory.SubFactory(UserFactory)
    title = factory.Faker("catch_phrase")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    format = Course.Format.ONLINE
    price_cents = 0
    certificates_enabled = True


class ModuleFactory(DjangoModelFactory[Module]):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Faker("sentence", nb_words=3)
    content_type = Module.ContentType.VIDEO


class QuizFactory(DjangoModelFactory[Quiz]):
    class Meta:
        model = Quiz

    module = factory.SubFactory(ModuleFactory, content_type=Module.ContentType.QUIZ)
    passing_score = 70


class AssignmentFactory(DjangoModelFactory[Assignment]):
    class Meta:
        model = Assignment

    course = factory.SubFactory(CourseFactory)
    title = factory.Faker("sentence", nb_words=2)


ALL = (UserFactory, ProfileFactory, CPDRequirementFactory, PlanFactory,
       SubscriptionFactory, ConnectAccountFactory, ZoomConnectionFactory,
       CertificateTemplateFactory, BadgeTemplateFactory, ContactListFactory, TagFactory, PromoCodeFactory,
       EventFactory, SpeakerFactory, SessionFactory, CourseFactory, ModuleFactory, QuizFactory, AssignmentFactory)
