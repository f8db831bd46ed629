"""The persistent local demo Postgres behind `invoke demo.*`: an embedded cluster kept in .demo/."""

import os
from pathlib import Path

from builder.postgres.embedded import EmbeddedPostgres

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEMO_DATABASE = "cpd_demo"


def home() -> Path:
    return Path(os.environ.get("CPD_DEMO_HOME") or PROJECT_DIR / ".demo")


def port() -> int:
    return int(os.environ.get("CPD_DEMO_PORT") or 55433)


def server() -> EmbeddedPostgres:
    # The tool's own server: a demo login opens its own demo and nothing else.
    return EmbeddedPostgres(data_dir=home() / "pg", port=port(), durable=True, own_database_only=True)


def default_url() -> str:
    return server().url(DEMO_DATABASE)


def media_root() -> Path:
    return home() / "media"
