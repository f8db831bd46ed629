"""What a named demo may be called and what its prospect may be (the grammar of builder.grammar,
which the image shares), and the name of a snapshot version's template."""

import unicodedata

from builder.errors import UserError
from builder.grammar import TEMPLATE_PREFIX, check_prospect, validate

__all__ = ["TEMPLATE_PREFIX", "check_person", "check_prospect", "printable", "template_name", "validate"]

PERSON_MAX = 64
UNPRINTABLE = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")  # controls, invisible formatting, line breaks


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
