from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "cpd_platform.credentials"
    label = "credentials"
    default_auto_field = "django.db.models.BigAutoField"
