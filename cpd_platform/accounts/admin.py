from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.urls import reverse
from django.utils.html import format_html_join

from .models import CPDRequirement, Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


# A person's world in the platform: each list filtered to what is theirs (label, admin list, lookup).
WORLD = (("events", "events_event", "owner"), ("courses", "learning_course", "owner"),
         ("registrations", "events_registration", "user"), ("enrollments", "learning_enrollment", "user"),
         ("certificates", "credentials_certificate", "recipient"), ("subscriptions", "billing_subscription", "user"))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "first_name", "last_name", "world", "is_staff", "is_active", "date_joined"]
    readonly_fields = ["world"]
    list_filter = ["is_staff", "is_superuser", "is_active", "profile__role", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [ProfileInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "world"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    @admin.display(description="their world")
    def world(self, obj):
        """Links to what this person sees in the platform: the superuser sees each persona's world."""
        if obj is None or obj.pk is None:
            return "–"
        return format_html_join(" · ", '<a href="{}?{}__id__exact={}">{}</a>',
                                ((reverse(f"admin:{table}_changelist"), field, obj.pk, label)
                                 for label, table, field in WORLD))


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "headline", "organization", "timezone", "onboarding_completed"]
    list_filter = ["role", "onboarding_completed"]
    search_fields = ["user__email", "headline", "organization"]
    list_select_related = ["user"]


@admin.register(CPDRequirement)
class CPDRequirementAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "required_credits", "period_start", "period_end"]
    list_filter = ["period_start"]
    search_fields = ["name", "user__email"]
    list_select_related = ["user"]
