from django.apps import AppConfig


class ScenarioConfig(AppConfig):
    """The snapshot machinery's Django side: the create_demo_data command and the metadata row."""

    name = "builder.scenario"
    label = "cpd_demo"
    verbose_name = "CPD demo snapshot"
    default_auto_field = "django.db.models.BigAutoField"
