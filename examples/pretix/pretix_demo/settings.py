"""pretix's own settings for its demo: pretix is installed from PyPI as it is, and this module only
points it at the config file beside it and keeps its mail on disk.

The engine sets DATABASES (and MEDIA_ROOT) before Django starts; pretix's own developers run it the
same way with DJANGO_SETTINGS_MODULE=pretix_demo.settings and PRETIX_DATABASE_* in the environment.
"""

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
os.environ.setdefault("PRETIX_CONFIG_FILE", str(HERE / "pretix.cfg"))
os.environ.setdefault("PRETIX_PRETIX_DATADIR", str(HERE / "data"))

from pretix.settings import *  # noqa: E402,F403
from pretix.settings import DATA_DIR  # noqa: E402

# pretix hard-codes SMTP: a demo writes every mail it sends to a file instead (one file per mail).
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("PRETIX_DEMO_MAIL_DIR") or os.path.join(DATA_DIR, "mail")
# DEBUG (the engine serves with it) would make pretix's runserver start a Vite dev server (node).
VITE_DEV_MODE = False
