"""Where snapshot versions live: a local directory or S3, behind one contract (`Store`)."""

from pathlib import Path

from builder.store.base import Store


def open_store(location: str | Path) -> Store:
    location = str(location)
    if location.startswith("s3://"):
        from builder.store.s3 import S3Store

        return S3Store.from_url(location)
    from builder.store.local import LocalStore

    return LocalStore(location)


__all__ = ["Store", "open_store"]
