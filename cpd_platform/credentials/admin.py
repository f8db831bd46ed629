from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html

from . import rendering
from .models import Badge, BadgeTemplate, Certificate, CertificateTemplate


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "orientation", "primary_color", "is_system_default"]
    list_filter = ["orientation", "is_system_default"]
    search_fields = ["name", "owner__email"]
    readonly_fields = ["preview"]

    @admin.display(description="preview")
    def preview(self, obj):
        organization, signatory = rendering.issuer(obj.owner)
        return rendering.page(obj, organization=organization or "The organizer's name", recipient="Recipient Name",
                              activity="The event or course", signatory=signatory or "The organizer",
                              date="Date of issue")


@admin.register(BadgeTemplate)
class BadgeTemplateAdmin(admin.ModelAdmin):
    list_display = ["emblem", "name", "tier", "owner"]
    list_display_links = ["emblem", "name"]
    list_filter = ["tier"]
    search_fields = ["name"]
    readonly_fields = ["preview"]

    @admin.display(description="image")
    def emblem(self, obj):
        return format_html('<img src="{}" alt="" width="48" height="48">', obj.image.url) if obj.image else "–"

    @admin.display(description="preview")
    def preview(self, obj):
        return format_html('<img src="{}" alt="{}" width="160" height="160">', obj.image.url, obj.name) \
            if obj.image else "–"


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["verification_code", "recipient", "awarded_for", "template", "credits", "issued_at"]
    list_filter = ["template", "issued_at"]
    search_fields = ["verification_code", "recipient__email", "event__title", "course__title"]
    list_select_related = ["recipient", "template", "event", "course"]
    ordering = ["-issued_at"]
    date_hierarchy = "issued_at"
    readonly_fields = ["certificate"]

    @admin.display(description="awarded for")
    def awarded_for(self, obj):
        return obj.event or obj.course or "–"

    @admin.display(description="certificate")
    def certificate(self, obj):
        """The certificate as its recipient sees it, issued by the template's owner or else the organizer."""
        activity = obj.event or obj.course
        organization, signatory = rendering.issuer(obj.template.owner or (activity.owner if activity else None))
        zone = ZoneInfo(obj.event.timezone if obj.event else settings.TIME_ZONE)
        credits = f"{obj.credits:.2f}".rstrip("0").rstrip(".")
        return rendering.page(obj.template, organization=organization, recipient=obj.recipient.get_full_name(),
                              activity=f"{activity} · {credits} CPD credit{'' if credits == '1' else 's'}" if activity else "",
                              signatory=signatory, date=obj.issued_at.astimezone(zone).strftime("%B %-d, %Y"))


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = ["template", "recipient", "event", "course", "issued_at"]
    list_filter = ["template__tier", "issued_at"]
    search_fields = ["recipient__email", "template__name"]
    list_select_related = ["recipient", "template", "event", "course"]
    ordering = ["-issued_at"]
