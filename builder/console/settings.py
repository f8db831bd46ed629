"""Django settings of the console, from what `boot.prepare` found (never read at import by host code)."""

from pathlib import Path

from builder.console.boot import SCHEMA, context
from builder.postgres import conninfo
from builder.settings import SETTINGS

HERE = Path(__file__).resolve().parent
CTX = context()

SECRET_KEY = CTX.secret_key
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", *CTX.allowed_hosts, *SETTINGS.console_allowed_hosts]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "builder.console",
]
MIDDLEWARE = [
    "builder.console.guard.Guard",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "builder.console.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]


def _database() -> dict:
    """The control database of the demo server, the console's tables in their own schema."""
    values = conninfo.params(conninfo.with_database(CTX.server_url, "cpd_demo_control"))
    options = {k: v for k, v in values.items() if k not in ("dbname", "user", "password", "host", "port")}
    options["options"] = f"-c search_path={SCHEMA}"
    options["application_name"] = "cpd-demo console"
    return {"ENGINE": "django.db.backends.postgresql", "NAME": values.get("dbname", ""),
            "USER": values.get("user", ""), "PASSWORD": values.get("password", ""), "HOST": values.get("host", ""),
            "PORT": values.get("port", ""), "OPTIONS": options, "CONN_MAX_AGE": 300, "CONN_HEALTH_CHECKS": True}


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = False

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
SESSION_ENGINE = "builder.console.sessions"  # keyed by a digest, never the cookie's value
SESSION_COOKIE_AGE = 12 * 3600  # a working day
SESSION_COOKIE_NAME = "cpd_console_session"
CSRF_COOKIE_NAME = "cpd_console_csrf"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SETTINGS.console_secure_cookies
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "builder.console.access.csrf_failure"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # as guard.MAX_BODY

STATIC_URL = "/static/"
STATIC_DIR = HERE / "static"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line": {"()": "builder.console.guard.OneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["one_line"]}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"},
                "builder.console": {"handlers": ["console"], "level": "INFO"}},
}
