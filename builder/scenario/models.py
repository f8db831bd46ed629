from django.contrib.postgres.fields import ArrayField
from django.db import models


class SnapshotMeta(models.Model):
    """The one row of `cpd_demo_snapshot`: what this database holds and the instant it represents.

    `anchor_at` is the instant the data represents: the build's anchor at first, then the `now` of
    the latest rebase. `scenario_anchor_at` is the instant the scenario was generated around; every
    rebase counts its whole weeks, months and years from it, so rebases compose exactly.
    """

    version = models.CharField(max_length=64, blank=True)
    seed = models.BigIntegerField()
    scale = models.PositiveIntegerField()
    built_at = models.DateTimeField()
    anchor_at = models.DateTimeField()
    scenario_anchor_at = models.DateTimeField()
    rebased_at = models.DateTimeField(null=True, blank=True)
    timezone = models.CharField(max_length=64)
    prospect = models.CharField(max_length=80, blank=True, default="")  # set by a tailored demo

    class Meta:
        db_table = "cpd_demo_snapshot"


class RebaseRule(models.Model):
    """How one column moves when rebase_dates.sql moves the data to a new `now` (see that file).
    The scenario writes these into the dump; the rebase, the digest and the tests read them."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly"
        MONTHLY = "monthly"
        YEARLY = "yearly"
        JSON = "json"
        YEAR_TOKEN = "year_token"
        LIVE_ROOT = "live_root"
        LIVE_VIA = "live_via"
        NOT_CONTENT = "not_content"

    table_name = models.CharField(max_length=63)
    column_name = models.CharField(max_length=63, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # monthly/yearly: the column whose cycle is counted; json/year_token: the column it follows.
    source = models.CharField(max_length=63, blank=True)
    path = ArrayField(models.CharField(max_length=100), default=list, blank=True)  # json: where in the value
    pattern = models.TextField(blank=True)  # year_token: regex, group 1 kept, the digits after it replaced
    zone_column = models.CharField(max_length=63, blank=True)  # year_token: the row's own timezone column
    parent = models.CharField(max_length=63, blank=True)  # live_via: the table the column points at
    value = models.CharField(max_length=200, blank=True)  # live_root: the value; json: iso or epoch_ms

    class Meta:
        db_table = "cpd_demo_rule"
        ordering = ["table_name", "column_name", "id"]

    def __str__(self):
        return f"{self.table_name}.{self.column_name}: {self.kind}"
