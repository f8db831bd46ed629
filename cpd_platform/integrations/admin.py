from django.contrib import admin

from .models import ZoomConnection, ZoomRecording, ZoomWebhookEvent


@admin.register(ZoomConnection)
class ZoomConnectionAdmin(admin.ModelAdmin):
    list_display = ["user", "zoom_user_id", "status", "connected_at"]
    list_filter = ["status", "connected_at"]
    search_fields = ["user__email", "zoom_user_id"]
    list_select_related = ["user"]


@admin.register(ZoomWebhookEvent)
class ZoomWebhookEventAdmin(admin.ModelAdmin):
    list_display = ["event_type", "participant_email", "event", "occurred_at"]
    list_filter = ["event_type", "occurred_at"]
    search_fields = ["participant_email", "event__title"]
    list_select_related = ["event"]
    date_hierarchy = "occurred_at"


@admin.register(ZoomRecording)
class ZoomRecordingAdmin(admin.ModelAdmin):
    list_display = ["recording_id", "event", "started_at", "duration_minutes", "file_type"]
    list_filter = ["file_type", "started_at"]
    search_fields = ["recording_id", "event__title"]
    list_select_related = ["event"]
