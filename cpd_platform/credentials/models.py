from django.conf import settings
from django.db import models


class CertificateTemplate(models.Model):
    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape"
        PORTRAIT = "portrait"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="certificate_templates", help_text="Empty: a system template, offered to every organizer.",
    )
    name = models.CharField(max_length=200)
    orientation = models.CharField(max_length=20, choices=Orientation.choices)
    primary_color = models.CharField(max_length=7)
    is_system_default = models.BooleanField(default=False)
    background = models.FileField(upload_to="certificate_templates/", blank=True)

    def __str__(self):
        return self.name


class BadgeTemplate(models.Model):
    class Tier(models.TextChoices):
        GOLD = "gold"
        SILVER = "silver"
        BRONZE = "bronze"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="badge_templates",
    )
    name = models.CharField(max_length=200)
    tier = models.CharField(max_length=10, choices=Tier.choices)
    image = models.FileField(upload_to="badges/")

    def __str__(self):
        return self.name


class Certificate(models.Model):
    template = models.ForeignKey(CertificateTemplate, on_delete=models.PROTECT, related_name="certificates")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates")
    event = models.ForeignKey("events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates")
    course = models.ForeignKey("learning.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates")
    issued_at = models.DateTimeField()
    credits = models.DecimalField("CPD credits", max_digits=6, decimal_places=2, default=0)
    verification_code = models.CharField(max_length=32, unique=True)

    def __str__(self):
        return self.verification_code


class Badge(models.Model):
    template = models.ForeignKey(BadgeTemplate, on_delete=models.PROTECT, related_name="badges")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges")
    issued_at = models.DateTimeField()
    event = models.ForeignKey("events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="badges")
    course = models.ForeignKey("learning.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="badges")

    def __str__(self):
        return f"{self.template} → {self.recipient}"
