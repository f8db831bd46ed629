from django.contrib import admin

from cpd_platform.display import money

from .models import Contact, ContactList, PromoCode, Tag


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "owner", "discount", "is_active", "valid_from", "valid_until"]
    list_filter = ["is_active", "discount_type", "valid_until"]
    search_fields = ["code"]
    list_select_related = ["owner"]

    @admin.display(description="discount", ordering="discount_value")
    def discount(self, obj):
        return f"{obj.discount_value}% off" if obj.discount_type == "percent" else f"{money(obj.discount_value)} off"


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "owner"]
    search_fields = ["name"]


@admin.register(ContactList)
class ContactListAdmin(admin.ModelAdmin):
    list_display = ["name", "owner"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["email", "first_name", "last_name", "contact_list", "subscribed_at"]
    list_filter = ["contact_list", "tags", "subscribed_at"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["contact_list"]
