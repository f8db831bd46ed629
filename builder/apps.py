from django.apps import AppConfig


class BuilderConfig(AppConfig):
    """The snapshot machinery's Django side: the create_demo_data command and the metadata row."""

    name = "builder"
    label = "builder"
    default_auto_field = "django.db.models.BigAutoField"
