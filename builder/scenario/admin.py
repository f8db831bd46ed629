from django.contrib import admin

from .models import SnapshotMeta


@admin.register(SnapshotMeta)
class SnapshotMetaAdmin(admin.ModelAdmin):
    list_display = ["version", "seed", "scale", "anchor_at", "rebased_at", "built_at", "timezone"]
