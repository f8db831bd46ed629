from django.db import models


class SnapshotMeta(models.Model):
    """The one row of `cpd_demo_snapshot`: what this database holds and the instant it represents.

    `anchor_at` is the build's anchor at first, then the `now` of the latest rebase;
    `rebase_dates.sql` reads and updates it.
    """

    version = models.CharField(max_length=64, blank=True)
    seed = models.BigIntegerField()
    scale = models.PositiveIntegerField()
    built_at = models.DateTimeField()
    anchor_at = models.DateTimeField()
    rebased_at = models.DateTimeField(null=True, blank=True)
    timezone = models.CharField(max_length=64)

    class Meta:
        db_table = "cpd_demo_snapshot"
