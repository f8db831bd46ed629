from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import CPDRequirement, Profile, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["-date_joined"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "profile__role", "date_joined"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [ProfileInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


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
