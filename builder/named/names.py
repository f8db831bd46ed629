"""What a named demo may be called, and what a prospect may be: checked before anything is touched."""

import re
import unicodedata

from builder.errors import UserError
from builder.postgres import marks, server

NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
TEMPLATE_PREFIX = "cpd_template_"
PROSPECT_MAX = 80
PERSON_MAX = 64
UNPRINTABLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")  # controls, invisible formatting, line breaks


def validate(name: str | None) -> str:
    """A plain lowercase identifier Postgres keeps whole (the demo's database and its login), not
    one the tool or the server keeps for itself."""
    if not NAME.fullmatch(name or ""):
        raise UserError(f"Demo names are lowercase letters, digits and _, starting with a letter, at most 63 "
                        f"characters (got {name!r}).")
    assert name is not None
    server.check_name(name, "demo")
    if name.startswith(TEMPLATE_PREFIX) or name == marks.CONTROL or name.startswith("pg_") or name == "public":
        raise UserError(f"{name} is a name the tool or Postgres keeps for itself: choose another demo name.")
    return name


def check_prospect(prospect: str, color: str) -> None:
    if prospect and (len(prospect) > PROSPECT_MAX or not prospect.strip()):
        raise UserError(f"--prospect must be 1 to {PROSPECT_MAX} characters.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in prospect):
        raise UserError("--prospect must be plain text: no control characters, line breaks or escape sequences.")
    if color and not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        raise UserError(f"--prospect-color must look like #1d4ed8 (got {color!r}).")
    if color and not prospect:
        raise UserError("--prospect-color needs --prospect.")


def check_person(by: str, flag: str = "--by") -> str:
    """Who a command runs for, as the usage log keeps it: printable text (no control characters,
    escape sequences or line breaks: a log line must not forge another or steer a terminal),
    1 to PERSON_MAX characters."""
    text = by.strip()
    if not text or len(text) > PERSON_MAX:
        raise UserError(f"{flag} must be 1 to {PERSON_MAX} characters (got {len(text)}).")
    if any(unicodedata.category(ch) in UNPRINTABLE for ch in text):
        raise UserError(f"{flag} must be printable text: no control characters, line breaks or escape sequences "
                        f"(got {printable(text)}).")
    return text


def printable(text: str) -> str:
    """Text as a terminal may show it: every unprintable character escaped (\\n, \\x1b, \\u202e)."""
    if not any(unicodedata.category(ch) in UNPRINTABLE for ch in text):
        return text
    return "".join(ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in UNPRINTABLE
                   else ch for ch in text)


def template_name(version: str) -> str:
    return TEMPLATE_PREFIX + version.lower().replace("-", "_")
