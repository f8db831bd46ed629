"""The persistent local demo Postgres behind `invoke demo.*`: an embedded cluster kept in .demo/."""

import os
from pathlib import Path

from builder.embedded import EmbeddedPostgres

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEMO_DIR = Path(os.environ.get("CPD_DEMO_HOME", PROJECT_DIR / ".demo"))
DEMO_PORT = int(os.environ.get("CPD_DEMO_PORT", "55433"))
DEMO_DATABASE = "cpd_demo"


def server() -> EmbeddedPostgres:
    return EmbeddedPostgres(data_dir=DEMO_DIR / "pg", port=DEMO_PORT, durable=True)


def default_url() -> str:
    return server().url(DEMO_DATABASE)


def media_root() -> Path:
    return DEMO_DIR / "media"
