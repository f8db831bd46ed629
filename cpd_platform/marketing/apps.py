from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "cpd_platform.marketing"
    label = "marketing"
    default_auto_field = "django.db.models.BigAutoField"
