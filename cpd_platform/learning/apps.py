from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "cpd_platform.learning"
    label = "learning"
    default_auto_field = "django.db.models.BigAutoField"
