from django.db import migrations, models


class Migration(migrations.Migration):
    """Tokens that can expire and be told apart by their first characters; sessions keyed by a
    digest (the sessions Django kept by their key in clear are ended: everyone signs in again)."""

    dependencies = [("console", "0001_initial"), ("sessions", "0001_initial")]

    operations = [
        migrations.AddField("apitoken", "prefix", models.CharField(blank=True, default="", max_length=12)),
        migrations.AddField("apitoken", "expires_at", models.DateTimeField(blank=True, null=True)),
        migrations.CreateModel(
            name="ConsoleSession",
            fields=[
                ("session_key", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
            ],
            options={"verbose_name": "session", "verbose_name_plural": "sessions", "abstract": False},
        ),
        migrations.RunSQL("DELETE FROM django_session", migrations.RunSQL.noop),
    ]
