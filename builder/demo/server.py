"""The persistent local demo Postgres behind `invoke demo.*`: an embedded cluster kept in .demo/."""

from pathlib import Path

from builder.postgres.embedded import EmbeddedPostgres
from builder.settings import SETTINGS


def home() -> Path:
    return SETTINGS.home


def server() -> EmbeddedPostgres:
    # The tool's own server: a demo login opens its own demo and nothing else.
    return EmbeddedPostgres(data_dir=home() / "pg", port=SETTINGS.port, durable=True, own_database_only=True)


def default_url(database: str) -> str:
    return server().url(database)


def media_root() -> Path:
    return home() / "media"
