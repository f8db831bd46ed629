from django.conf import settings
from django.db import models


class Event(models.Model):
    class EventType(models.TextChoices):
        CONFERENCE = "conference"
        WEBINAR = "webinar"
        MEETUP = "meetup"

    class Format(models.TextChoices):
        IN_PERSON = "in_person"
        ONLINE = "online"
        HYBRID = "hybrid"

    class Status(models.TextChoices):
        DRAFT = "draft"
        PUBLISHED = "published"
        LIVE = "live"
        COMPLETED = "completed"
        CANCELLED = "cancelled"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    event_type = models.CharField(max_length=20, choices=EventType.choices)
    format = models.CharField(max_length=20, choices=Format.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(max_length=64)
    price_cents = models.PositiveIntegerField("price in cents", default=0)
    currency = models.CharField(max_length=3, default="usd")
    capacity = models.PositiveIntegerField(null=True, blank=True)
    cpd_enabled = models.BooleanField("CPD enabled", default=False)
    cpd_credits = models.DecimalField("CPD credits", max_digits=6, decimal_places=2, default=0)
    certificates_enabled = models.BooleanField(default=False)
    venue = models.CharField(max_length=200, blank=True)
    zoom_meeting_id = models.CharField(max_length=32, null=True, blank=True)
    join_url = models.URLField("join URL", null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return self.title


class Speaker(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="speaker"
    )
    name = models.CharField(max_length=200)
    headline = models.CharField(max_length=200, blank=True)
    bio = models.TextField(blank=True)

    def __str__(self):
        return self.name


class Session(models.Model):
    class SessionType(models.TextChoices):
        LIVE = "live"
        RECORDED = "recorded"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    session_type = models.CharField(max_length=20, choices=SessionType.choices)
    room = models.CharField(max_length=100, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    speakers = models.ManyToManyField(Speaker, blank=True, related_name="sessions")

    class Meta:
        ordering = ["starts_at"]

    def __str__(self):
        return f"{self.event}: {self.title}"


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed"
        WAITLISTED = "waitlisted"
        CANCELLED = "cancelled"
        PENDING = "pending"

    class PaymentStatus(models.TextChoices):
        PAID = "paid"
        FREE = "free"
        UNPAID = "unpaid"
        REFUNDED = "refunded"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations"
    )
    email = models.EmailField()
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    payment_status = models.CharField(max_length=20, choices=PaymentStatus.choices)
    amount_paid_cents = models.PositiveIntegerField("amount paid in cents", default=0)
    promo_code = models.ForeignKey(
        "marketing.PromoCode", null=True, blank=True, on_delete=models.SET_NULL, related_name="registrations"
    )
    registered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "email"], name="registration_unique_email")]

    def __str__(self):
        return f"{self.email} @ {self.event}"


class Attendance(models.Model):
    class Source(models.TextChoices):
        ZOOM = "zoom"
        CHECK_IN = "check_in"
        MANUAL = "manual"

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances")
    joined_at = models.DateTimeField()
    # Empty while the attendee is still in the room (the live meetup).
    left_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)

    class Meta:
        ordering = ["joined_at"]

    def __str__(self):
        return f"{self.registration.email} {self.joined_at:%Y-%m-%d %H:%M}"
