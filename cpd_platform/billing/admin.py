from django.contrib import admin

from cpd_platform.display import MoneyInForms, money_column

from .models import ConnectAccount, Invoice, PaymentMethod, Plan, Subscription


@admin.register(Plan)
class PlanAdmin(MoneyInForms):
    list_display = ["code", "name", "price", "interval", "monthly_event_limit",
                    "includes_courses", "includes_teams"]
    list_filter = ["includes_courses", "includes_teams"]
    search_fields = ["code", "name"]
    price = money_column("price_cents", "price")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "plan", "status", "current_period_start", "current_period_end", "cancel_at_period_end"]
    list_filter = ["status", "plan", "cancel_at_period_end", "current_period_end"]
    search_fields = ["user__email", "stripe_subscription_id"]
    list_select_related = ["user", "plan"]


@admin.register(Invoice)
class InvoiceAdmin(MoneyInForms):
    list_display = ["number", "subscription", "amount", "status", "issued_at", "paid_at"]
    amount = money_column("amount_cents", "amount")
    list_filter = ["status", "issued_at"]
    search_fields = ["number", "stripe_invoice_id", "subscription__user__email"]
    list_select_related = ["subscription__user", "subscription__plan"]
    date_hierarchy = "issued_at"


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    list_display = ["user", "brand", "last4", "exp_month", "exp_year", "is_default"]
    list_filter = ["brand", "is_default"]
    search_fields = ["user__email", "last4"]
    list_select_related = ["user"]


@admin.register(ConnectAccount)
class ConnectAccountAdmin(admin.ModelAdmin):
    list_display = ["user", "stripe_account_id", "charges_enabled", "payouts_enabled"]
    list_filter = ["charges_enabled", "payouts_enabled"]
    search_fields = ["user__email", "stripe_account_id"]
    list_select_related = ["user"]
