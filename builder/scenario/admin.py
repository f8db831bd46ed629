from django.contrib import admin

from .models import RebaseRule, SnapshotMeta


@admin.register(SnapshotMeta)
class SnapshotMetaAdmin(admin.ModelAdmin):
    list_display = ["version", "seed", "scale", "anchor_at", "rebased_at", "built_at", "timezone"]


@admin.register(RebaseRule)
class RebaseRuleAdmin(admin.ModelAdmin):
    list_display = ["table_name", "column_name", "kind", "source", "path", "pattern", "value"]
    list_filter = ["kind", "table_name"]
