from django.contrib import admin

from .models import Badge, BadgeTemplate, Certificate, CertificateTemplate


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "orientation", "primary_color", "is_system_default"]
    list_filter = ["orientation", "is_system_default"]
    search_fields = ["name", "owner__email"]


@admin.register(BadgeTemplate)
class BadgeTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "tier", "owner", "image"]
    list_filter = ["tier"]
    search_fields = ["name"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["verification_code", "recipient", "awarded_for", "template", "credits", "issued_at"]
    list_filter = ["template", "issued_at"]
    ordering = ["-issued_at"]
    search_fields = ["verification_code", "recipient__email", "event__title", "course__title"]
    list_select_related = ["recipient", "template", "event", "course"]
    ordering = ["-issued_at"]
    date_hierarchy = "issued_at"

    @admin.display(description="awarded for")
    def awarded_for(self, obj):
        return obj.event or obj.course or "–"


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = ["template", "recipient", "event", "course", "issued_at"]
    list_filter = ["template__tier", "issued_at"]
    search_fields = ["recipient__email", "template__name"]
    list_select_related = ["recipient", "template", "event", "course"]
    ordering = ["-issued_at"]
