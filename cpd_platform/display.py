"""How the admin shows money and times: `$199.00`, and an event's times in the event's own timezone."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib import admin

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}


def money(cents: int | None, currency: str = "usd") -> str:
    if cents is None:
        return "–"
    return f"{SYMBOLS.get((currency or 'usd').lower(), currency.upper() + ' ')}{cents / 100:,.2f}"


def local_time(instant: datetime | None, zone: str) -> str:
    if instant is None:
        return "–"
    return instant.astimezone(ZoneInfo(zone)).strftime("%a %d %b %Y, %H:%M %Z")


def money_column(field: str, description: str, currency_field: str | None = "currency"):
    """An admin list column showing the integer cents in `field` as money."""

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        return money(getattr(obj, field), getattr(obj, currency_field) if currency_field else "usd")

    return column


class MoneyInForms(admin.ModelAdmin):
    """A change form's amounts in cents say what they are as money beside them: 19900 is "$199.00"."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        for name, field in form.base_fields.items():
            if name.endswith("_cents"):
                shown = money(getattr(obj, name), getattr(obj, "currency", "usd")) if obj is not None else ""
                field.help_text = (f"{shown}: " if shown else "") + "the amount in cents (19900 is $199.00)."
        return form
