"""Turn a ``postgresql://user:password@host:port/name`` URL into Django's DATABASES entry."""

from urllib.parse import parse_qs, unquote, urlsplit


class DatabaseURLError(ValueError):
    pass


def parse_database_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "postgresql+psycopg"):
        raise DatabaseURLError(
            f"DATABASE_URL must start with postgresql:// (got scheme {parts.scheme!r})."
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise DatabaseURLError("DATABASE_URL names no database (expected postgresql://HOST/NAME).")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    # A unix-socket directory may come as ?host=/path, as libpq allows.
    host = query.pop("host", None) or unquote(parts.hostname or "")
    try:
        port = parts.port
    except ValueError as exc:
        raise DatabaseURLError(f"DATABASE_URL has an invalid port: {exc}.") from None
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(port or ""),
        "OPTIONS": query,
    }
