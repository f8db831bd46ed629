"""The grammar the host tools and the image share: what a demo may be called (the names Postgres
and the tool keep for themselves), and what a prospect may be. Checked before anything is touched.

This module is its one owner: the image's entrypoint reads CPD_DEMO_DATABASES with the values of
`bash_constants`, which snapshot.image bakes into the image (as it bakes clock's duration grammar),
and `read_demo_entries` is the same reader in Python (a unit test runs both over hostile entries).
"""

import functools
import re
import sys
import unicodedata

from builder.errors import UserError
from builder.postgres import databases, marks

NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
TEMPLATE_PREFIX = "cpd_template_"
# The image's database while it makes a demo of CPD_DEMO_DATABASES (renamed to the demo's once made).
IMAGE_WORK_DATABASE = "cpd_demo_making"
# Names Postgres or the tool keeps for itself, never a demo's.
RESERVED_NAMES = frozenset(databases.RESERVED | {marks.CONTROL, "public", IMAGE_WORK_DATABASE})
RESERVED_PREFIXES = ("pg_", databases.WORK_PREFIX, TEMPLATE_PREFIX)
NAME_RULE = ("lowercase letters, digits and _, starting with a letter, at most 63 characters, "
             "not a name Postgres or cpd-demo-db keeps for itself")

PROSPECT_MAX = 80
# A prospect is shown on pages and written to logs: no control characters (escape sequences), format
# characters (bidi overrides, zero widths), line or paragraph separators, or lone surrogates (bytes
# that were not UTF-8).
PROSPECT_REFUSED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
PROSPECT_RULE = (f"1 to {PROSPECT_MAX} characters of plain text, not only spaces: no control characters, "
                 "line breaks or escape sequences")
# Around an entry of CPD_DEMO_DATABASES, its name and its prospect: trimmed (ASCII white space, as bash's
# [:space:] in the C locale).
ENTRY_BLANK = " \t\n\r\f\v"


def validate(name: str | None) -> str:
    """A plain lowercase identifier Postgres keeps whole (the demo's database and its login), not
    one the tool or the server keeps for itself."""
    if not NAME.fullmatch(name or ""):
        raise UserError(f"Demo names are lowercase letters, digits and _, starting with a letter, at most 63 "
                        f"characters (got {name!r}).")
    assert name is not None
    databases.check_name(name, "demo")
    if name in RESERVED_NAMES or name.startswith(RESERVED_PREFIXES):
        raise UserError(f"{name} is a name the tool or Postgres keeps for itself: choose another demo name.")
    return name


def is_demo_name(name: str) -> bool:
    try:
        validate(name)
    except UserError:
        return False
    return True


def _refused_char(ch: str) -> bool:
    return unicodedata.category(ch) in PROSPECT_REFUSED


def check_prospect(prospect: str, color: str) -> None:
    if prospect and (len(prospect) > PROSPECT_MAX or not prospect.strip()):
        raise UserError(f"--prospect must be 1 to {PROSPECT_MAX} characters.")
    if any(_refused_char(ch) for ch in prospect):
        raise UserError("--prospect must be plain text: no control characters, line breaks or escape sequences.")
    if color and not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
        raise UserError(f"--prospect-color must look like #1d4ed8 (got {color!r}).")
    if color and not prospect:
        raise UserError("--prospect-color needs --prospect.")


def is_prospect(prospect: str) -> bool:
    """A prospect given (not empty) that check_prospect takes."""
    try:
        check_prospect(prospect, "")
    except UserError:
        return False
    return bool(prospect)


def read_demo_entries(databases: str, prospects: str = "", first: str = "") -> list[tuple[str, str]]:
    """The demos CPD_DEMO_DATABASES names (`acme,globex`, `acme:Acme Health,globex`; the older
    CPD_DEMO_PROSPECTS gives prospects by position) as (name, prospect) pairs, read as the image's
    entrypoint reads them. `first`: POSTGRES_DB, the image's first demo, which no entry names again."""
    given = prospects.split(",")
    demos: list[tuple[str, str]] = []
    for i, raw in enumerate(databases.split(",")):
        entry = raw.strip(ENTRY_BLANK)
        if not entry:
            continue
        name, colon, prospect = entry.partition(":")
        if not colon:
            prospect = given[i] if i < len(given) else ""
        name, prospect = name.strip(ENTRY_BLANK), prospect.strip(ENTRY_BLANK)
        if not is_demo_name(name):
            raise UserError(f"CPD_DEMO_DATABASES: {name!r} is not a demo name ({NAME_RULE}).")
        if name == first or name in dict(demos):
            raise UserError(f"CPD_DEMO_DATABASES: {name} is named twice (POSTGRES_DB is the first demo).")
        if prospect and not is_prospect(prospect):
            raise UserError(f"CPD_DEMO_DATABASES: {entry!r} names a prospect that is not {PROSPECT_RULE}.")
        demos.append((name, prospect))
    return demos


def _ranges(wanted) -> str:
    """The code points for which `wanted` holds, as bash reads them: "0-31 127-159 173 ...". """
    found, start = [], None
    for code in range(sys.maxunicode + 2):
        hit = code <= sys.maxunicode and wanted(chr(code))
        if hit and start is None:
            start = code
        elif not hit and start is not None:
            found.append(str(start) if start == code - 1 else f"{start}-{code - 1}")
            start = None
    return " ".join(found)


@functools.cache
def bash_constants() -> dict[str, str]:
    """The grammar above as values bash reads (container/entrypoint.sh's cpd_is_demo_name and
    cpd_is_prospect): the name pattern for bash's =~ in the C locale, the reserved names and prefixes,
    and the prospect's bound and character classes as code point ranges (the characters refused, and
    the blank ones: a prospect of blanks only is refused)."""
    return {
        "CPD_DEMO_NAME_PATTERN": f"^{NAME.pattern}$",
        "CPD_DEMO_RESERVED_NAMES": " ".join(sorted(RESERVED_NAMES)),
        "CPD_DEMO_RESERVED_PREFIXES": " ".join(RESERVED_PREFIXES),
        "CPD_DEMO_NAME_RULE": NAME_RULE,
        "CPD_DEMO_WORK_DATABASE": IMAGE_WORK_DATABASE,
        "CPD_DEMO_PROSPECT_MAX": str(PROSPECT_MAX),
        "CPD_DEMO_PROSPECT_REFUSED": _ranges(_refused_char),
        "CPD_DEMO_PROSPECT_BLANK": _ranges(lambda ch: ch.isspace() and not _refused_char(ch)),
        "CPD_DEMO_PROSPECT_RULE": PROSPECT_RULE,
    }
