from django.contrib import admin
from django.utils import timezone

from cpd_platform.display import MoneyInForms, local_time, money, money_column

from .models import Attendance, Event, Registration, Session, Speaker


class InItsOwnZone(MoneyInForms):
    """An event's (a session's) change form shows and reads its times in the event's own timezone,
    as its list does, not the platform's: a London meetup starts at 07:00 there."""

    def zone_of(self, obj) -> str:
        return obj.timezone

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        with timezone.override(self.zone_of(obj) if obj else None):
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()  # inside the zone: the template reads the times now
            return response


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["title", "session_type", "room", "starts_at", "ends_at"]


@admin.register(Event)
class EventAdmin(InItsOwnZone):
    list_display = ["title", "owner", "status", "timing", "starts", "ends", "price", "capacity", "cpd_credits"]
    ordering = ["-starts_at"]
    list_filter = ["status", "event_type", "format", "cpd_enabled", "starts_at"]
    search_fields = ["title", "slug", "venue", "owner__email"]
    list_select_related = ["owner"]
    date_hierarchy = "starts_at"
    inlines = [SessionInline]
    price = money_column("price_cents", "price")

    @admin.display(description="now")
    def timing(self, obj):
        now = timezone.now()
        if now < obj.starts_at:
            return "Upcoming"
        return "Live now" if now <= obj.ends_at else "Past"

    @admin.display(description="starts (local)", ordering="starts_at")
    def starts(self, obj):
        return local_time(obj.starts_at, obj.timezone)

    @admin.display(description="ends (local)", ordering="ends_at")
    def ends(self, obj):
        return local_time(obj.ends_at, obj.timezone)


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "headline", "user"]
    search_fields = ["name", "headline", "user__email"]
    list_select_related = ["user"]


@admin.register(Session)
class SessionAdmin(InItsOwnZone):
    list_display = ["title", "event", "session_type", "room", "starts", "ends"]
    list_filter = ["session_type", "starts_at"]
    search_fields = ["title", "event__title", "room"]
    list_select_related = ["event"]
    filter_horizontal = ["speakers"]

    def zone_of(self, obj) -> str:
        return obj.event.timezone

    @admin.display(description="starts (event's time)", ordering="starts_at")
    def starts(self, obj):
        return local_time(obj.starts_at, obj.event.timezone)

    @admin.display(description="ends (event's time)", ordering="ends_at")
    def ends(self, obj):
        return local_time(obj.ends_at, obj.event.timezone)


@admin.register(Registration)
class RegistrationAdmin(MoneyInForms):
    list_display = ["email", "event", "status", "payment_status", "paid", "promo_code", "registered_at"]
    list_filter = ["status", "payment_status", "event", "registered_at"]
    search_fields = ["email", "first_name", "last_name", "event__title"]
    list_select_related = ["event", "promo_code"]
    raw_id_fields = ["user"]
    date_hierarchy = "registered_at"
    ordering = ["-registered_at"]

    @admin.display(description="paid", ordering="amount_paid_cents")
    def paid(self, obj):
        return money(obj.amount_paid_cents, obj.event.currency)


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["registration", "session", "joined_at", "left_at", "source"]
    list_filter = ["source", "joined_at"]
    search_fields = ["registration__email", "registration__event__title"]
    list_select_related = ["registration__event", "session__event"]
    raw_id_fields = ["registration"]
