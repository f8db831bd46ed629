"""Database URLs, read by libpq's own parser (through psycopg), redacted before they are printed.

Every form libpq takes works, including the unix-socket one (`postgresql:///db?host=/run/pg`).
Child processes (pg_dump, pg_restore, psql, the platform's manage.py) never get a password on
their command line: `child_args` splits a URL into a password-free URL and a PGPASSWORD variable.
"""

import os
import re
from urllib.parse import quote, urlencode

from psycopg import conninfo as libpq

from builder.errors import UserError

SCHEMES = ("postgresql://", "postgres://")
# Keys that are secrets: never printed, never on a command line.
SECRET_KEYS = ("password", "sslpassword")
_MASK = "***"


def redact(text: str) -> str:
    """`text` with every password of a URL or key=value connection string replaced by ***.
    Works on strings libpq cannot parse too (a raw '/' in the password), and on error messages."""
    text = re.sub(r"((?:postgres|postgresql)://[^:/?#@\s]*:)[^\s]*@", rf"\g<1>{_MASK}@", text)
    return re.sub(r"((?:ssl)?password=)('[^']*'|[^&\s]*)", rf"\g<1>{_MASK}", text)


def params(url: str) -> dict[str, str]:
    """libpq's parameters of a postgresql:// URL, or one sentence saying what is wrong with it."""
    text = str(url or "").strip()
    if not text.startswith(SCHEMES):
        raise UserError(f"{redact(text) or 'An empty string'} is not a PostgreSQL URL "
                        "(expected postgresql://USER@HOST:PORT/NAME).")
    authority = text.split("://", 1)[1].split("?", 1)[0]
    if "@" in authority.split("/", 1)[-1] and "/" in authority.split("@", 1)[0]:
        raise UserError(f"The database URL {redact(text)} has an unencoded '/' before the host: "
                        "percent-encode special characters in the password (/ as %2F, @ as %40).")
    try:
        found = libpq.conninfo_to_dict(text)
    except Exception:  # libpq's message may quote the password
        raise UserError(f"The database URL {redact(text)} is not valid: check its form "
                        "(postgresql://USER:PASSWORD@HOST:PORT/NAME, special characters percent-encoded).") from None
    port = str(found.get("port") or "")
    if port and not all(p.isdigit() for p in port.split(",")):
        raise UserError(f"The database URL {redact(text)} has an invalid port {port!r}.")
    return {k: str(v) for k, v in found.items() if v is not None}


def database_name(url: str) -> str:
    name = params(url).get("dbname", "")
    if not name:
        raise UserError(f"The database URL {redact(url)} names no database (expected postgresql://HOST/NAME).")
    return name


def make_url(values: dict[str, str]) -> str:
    """A postgresql:// URL from libpq parameters; socket directories and options go in the query."""
    values = dict(values)
    user = quote(values.pop("user", ""), safe="")
    password = values.pop("password", None)
    host = values.pop("host", "")
    port = values.pop("port", "")
    dbname = quote(values.pop("dbname", ""), safe="")
    netloc = ""
    if host and not host.startswith("/") and "," not in host:
        netloc = f"[{host}]" if ":" in host else host
    elif host:
        values["host"] = host
    if port:
        if netloc:
            netloc += f":{port}"
        else:
            values["port"] = port
    auth = user + (":" + quote(password, safe="") if password is not None else "")
    query = "?" + urlencode(sorted(values.items())) if values else ""
    return f"postgresql://{auth + '@' if auth else ''}{netloc}/{dbname}{query}"


def with_database(url: str, name: str) -> str:
    """The same server (user, password, host, options) with another database."""
    return make_url({**params(url), "dbname": name})


def without_password(url: str) -> str:
    return make_url({k: v for k, v in params(url).items() if k not in SECRET_KEYS})


def child_args(url: str) -> tuple[str, dict[str, str]]:
    """(a password-free URL for a child's command line, the environment that carries the secret)."""
    values = params(url)
    env = dict(os.environ)
    if "password" in values:
        env["PGPASSWORD"] = values["password"]
    if "sslpassword" in values:
        env["PGSSLPASSWORD"] = values["sslpassword"]
    return without_password(url), env


def display(url: str) -> str:
    """The URL as printed: password replaced."""
    try:
        values = params(url)
    except UserError:
        return redact(str(url))
    shown = {k: (_MASK if k in SECRET_KEYS else v) for k, v in values.items()}
    return make_url(shown).replace(quote(_MASK, safe=""), _MASK)
