"""Settings of the stand-in CPD Events platform: a Django project like any other. The engine
reaches it through cpd-demo.toml (it points DATABASES and MEDIA_ROOT at its own database and media
directory before the project starts); on its own it reads DATABASE_URL and MEDIA_ROOT.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

# Only used to sign admin sessions on a local demo; never a production secret.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "cpd-demo-local-only-not-a-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "cpd_platform.accounts",
    "cpd_platform.billing",
    "cpd_platform.integrations",
    "cpd_platform.credentials",
    "cpd_platform.events",
    "cpd_platform.learning",
    "cpd_platform.marketing",
    "cpd_platform.engagement",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "cpd_platform.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cpd_platform" / "templates"],  # the admin's base_site: times in the platform's zone
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/cpd_demo")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# The platform's own timezone: date columns and year tokens are read in it.
TIME_ZONE = "America/New_York"
USE_TZ = True
USE_I18N = False

STATIC_URL = "static/"
MEDIA_URL = "media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
