"""The scenario has no models of its own: it fills the platform's."""

from django.apps import apps
from django.db import models


def platform_models() -> list[type[models.Model]]:
    """Every model of the platform's apps (what the scenario fills)."""
    return [m for m in apps.get_models() if m.__module__.startswith("cpd_platform.")]
