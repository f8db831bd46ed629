from django.conf import settings
from django.db import models


class Plan(models.Model):
    class Code(models.TextChoices):
        BASIC = "basic"
        ORGANIZER = "organizer"
        LMS = "lms"
        PRO = "pro"

    code = models.CharField(max_length=20, choices=Code.choices, unique=True)
    name = models.CharField(max_length=100)
    price_cents = models.PositiveIntegerField("price in cents")
    currency = models.CharField(max_length=3, default="usd")
    interval = models.CharField(max_length=10, default="month")
    monthly_event_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
    includes_courses = models.BooleanField(default=False)
    includes_teams = models.BooleanField(default=False)
    stripe_product_id = models.CharField(max_length=64, blank=True)
    stripe_price_id = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return self.name


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active"
        PAST_DUE = "past_due"
        CANCELED = "canceled"
        TRIALING = "trialing"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=20, choices=Status.choices)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    cancel_at_period_end = models.BooleanField(default=False)
    stripe_subscription_id = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"{self.user} – {self.plan}"


class Invoice(models.Model):
    class Status(models.TextChoices):
        PAID = "paid"
        OPEN = "open"
        UNCOLLECTIBLE = "uncollectible"
        VOID = "void"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(max_length=32, unique=True)
    amount_cents = models.PositiveIntegerField("amount in cents")
    currency = models.CharField(max_length=3, default="usd")
    status = models.CharField(max_length=20, choices=Status.choices)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    issued_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    stripe_invoice_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number


class PaymentMethod(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payment_methods")
    brand = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    exp_month = models.PositiveSmallIntegerField()
    exp_year = models.PositiveSmallIntegerField()
    is_default = models.BooleanField(default=False)
    stripe_payment_method_id = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"{self.brand} •••• {self.last4}"


class ConnectAccount(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connect_account")
    stripe_account_id = models.CharField(max_length=64)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)

    def __str__(self):
        return self.stripe_account_id
