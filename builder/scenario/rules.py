"""The rebase rules this scenario writes into its dump: which column moves how when
rebase_dates.sql moves the data to a new `now`. The generic SQL, the digest, the fillfactor step
and the tests read them; none of them knows the scenario.

Every date and time column of the platform's models gets a rule: whole weeks by default (weekday
and time of day hold), whole months for billing, whole years for yearly cycles.
"""

import re

from django.apps import apps
from django.db import models

from builder import plan
from builder.scenario.models import RebaseRule

# Bookkeeping, not content: the digest skips these tables and the rebase never touches them.
NOT_CONTENT = ("django_migrations", "django_session", "cpd_demo_snapshot")

# Billing follows the subscription's billing moment, one whole month at a time.
MONTHLY = {
    ("billing_invoice", "period_start"): "period_start", ("billing_invoice", "period_end"): "period_start",
    ("billing_invoice", "issued_at"): "period_start", ("billing_invoice", "paid_at"): "period_start",
    ("billing_subscription", "current_period_start"): "current_period_start",
    ("billing_subscription", "current_period_end"): "current_period_start",
}
# Yearly cycles: a CPD period is a calendar year; a card expires in a year ("" = calendar years).
YEARLY = {
    ("accounts_cpdrequirement", "period_start"): "period_start",
    ("accounts_cpdrequirement", "period_end"): "period_start",
    ("billing_paymentmethod", "exp_year"): "",
}
# The live event, and what hangs off it, moves with now on the quarter hour; so does the newest sign-up.
LIVE_ROOTS = (("events_event", "status", "live"), ("accounts_user", "email", plan.persona("charlie").email))
LIVE_VIA = (("events_session", "event_id", "events_event"), ("events_registration", "event_id", "events_event"),
            ("events_attendance", "registration_id", "events_registration"))
# Timestamps inside Zoom webhook bodies move with the row's occurred_at.
_ZOOM_OBJECT = ("payload", "object")
ZOOM_PATHS = (
    (("event_ts",), "epoch_ms"),
    ((*_ZOOM_OBJECT, "start_time"), "iso"),
    ((*_ZOOM_OBJECT, "end_time"), "iso"),
    ((*_ZOOM_OBJECT, "participant", "join_time"), "iso"),
    ((*_ZOOM_OBJECT, "participant", "leave_time"), "iso"),
    ((*_ZOOM_OBJECT, "recording_files", "0", "recording_start"), "iso"),
    ((*_ZOOM_OBJECT, "recording_files", "0", "recording_end"), "iso"),
)
# Names carrying a year carry the year of their date: (table, column, prefix, source, zone column).
YEAR_TOKENS = (
    ("events_event", "title", plan.FLAGSHIP.title + " ", "starts_at", "timezone"),
    ("events_event", "slug", plan.FLAGSHIP.title.lower().replace(" ", "-") + "-", "starts_at", "timezone"),
    ("accounts_cpdrequirement", "name", plan.CPD_REQUIREMENT + " ", "period_start", ""),
)


def platform_models() -> list[type[models.Model]]:
    """Every model of the platform's apps (the tables a snapshot carries beside Django's own)."""
    return [m for m in apps.get_models() if m.__module__.startswith("cpd_platform.")]


def rules() -> list[RebaseRule]:
    out = [RebaseRule(table_name=t, kind=RebaseRule.Kind.NOT_CONTENT) for t in NOT_CONTENT]
    for model in platform_models():
        table = model._meta.db_table
        for field in model._meta.concrete_fields:
            column = str(field.column)
            key = (table, column)
            if key in MONTHLY:
                out.append(RebaseRule(table_name=table, column_name=column, kind="monthly", source=MONTHLY[key]))
            elif key in YEARLY:
                out.append(RebaseRule(table_name=table, column_name=column, kind="yearly", source=YEARLY[key]))
            elif isinstance(field, (models.DateTimeField, models.DateField)):
                out.append(RebaseRule(table_name=table, column_name=column, kind="weekly"))
    out += [RebaseRule(table_name=t, column_name=c, kind="live_root", value=v) for t, c, v in LIVE_ROOTS]
    out += [RebaseRule(table_name=t, column_name=c, kind="live_via", parent=p) for t, c, p in LIVE_VIA]
    out += [RebaseRule(table_name="integrations_zoomwebhookevent", column_name="payload", kind="json",
                       path=list(path), source="occurred_at", value=fmt) for path, fmt in ZOOM_PATHS]
    out += [RebaseRule(table_name=t, column_name=c, kind="year_token", pattern=f"^({re.escape(prefix)})\\d+$",
                       source=s, zone_column=z) for t, c, prefix, s, z in YEAR_TOKENS]
    return out
