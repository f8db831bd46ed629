from django.contrib import admin

from .models import Feedback


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["event", "user", "rating", "comment", "submitted_at"]
    list_filter = ["rating", "event", "submitted_at"]
    search_fields = ["comment", "user__email", "event__title"]
    list_select_related = ["event", "user"]
    ordering = ["-submitted_at"]
