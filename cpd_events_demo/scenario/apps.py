from django.apps import AppConfig


class ScenarioConfig(AppConfig):
    """The CPD Events demo's Django side: the create_demo_data command, its factories and media."""

    name = "cpd_events_demo.scenario"
    label = "cpd_events_demo"
    verbose_name = "CPD Events demo scenario"
    default_auto_field = "django.db.models.BigAutoField"
