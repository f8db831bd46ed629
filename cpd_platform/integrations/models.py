from django.conf import settings
from django.db import models


class ZoomConnection(models.Model):
    class Status(models.TextChoices):
        CONNECTED = "connected"
        DISCONNECTED = "disconnected"
        EXPIRED = "expired"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="zoom_connection")
    zoom_user_id = models.CharField(max_length=64)
    connected_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices)

    def __str__(self):
        return f"{self.user} ({self.status})"


class ZoomWebhookEvent(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="zoom_webhooks")
    event_type = models.CharField(max_length=64)
    participant_email = models.EmailField(blank=True)
    occurred_at = models.DateTimeField()
    payload = models.JSONField()

    class Meta:
        ordering = ["occurred_at"]

    def __str__(self):
        return f"{self.event_type} {self.participant_email}"


class ZoomRecording(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="zoom_recordings")
    recording_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField()
    share_url = models.URLField("share URL")
    file_type = models.CharField(max_length=10)

    def __str__(self):
        return self.recording_id
