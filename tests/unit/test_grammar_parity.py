"""The image reads demo names and prospects (CPD_DEMO_DATABASES) as Python does: builder/grammar.py
owns the grammar, the entrypoint gets it baked into constants.env, and both readers take and refuse
the same entries, hostile ones included. Run with bash only: the image has no Python."""

import os
import subprocess
from pathlib import Path

import pytest

from builder import grammar
from builder.errors import UserError
from builder.postgres import databases, marks
from builder.snapshot import image
from builder.snapshot.image import constants_env

PROJECT = Path(__file__).resolve().parents[2]
CONTAINER = PROJECT / "container"
FIRST = "demo"  # POSTGRES_DB

# The entries the entrypoint once took and Python refused, first.
ENTRIES: list[str | bytes] = [
    "pg_acme", "cpd_tmp_x", "cpd_template_v1", "cpd_demo_control", "public", "acme:Acme\x1b[31mRed",
    # Postgres's, the tool's and the image's own names; lengths about the 63-byte limit.
    "postgres", "template0", "template1", "cpd_demo_making", "pg_", "cpd_tmp_", "cpd_templat", "pgacme", "cpd_demo",
    "a" * 63, "a" * 64, "b" * 200, "a" * 62 + "é", "é" * 32,
    # Not identifiers.
    "Acme", "1acme", "acme-1", "ac me", "_acme", "acme;drop", "*", "acme,*", "$(id)", "acme\u00e9", "ａｃｍｅ",
    # Blank, spaces, commas.
    "", " ", " , , ", ",acme,", "\tacme\n", "acme\x0b", "acme\u3000", "acme ,globex", "acme,acme", FIRST,
    f"acme,{FIRST}",
    # Prospects: control characters, escape sequences, format characters, separators, blanks, lengths.
    "acme:", ":Acme", "acme::", "acme:a:b", "acme:Acme Health", "acme: Acme Health ,globex:Globex Care",
    "acme:Acme\tHealth", "acme:Acme\nHealth", "acme:Acme\rHealth", "acme:Acme\x7f", "acme:Acme\x85",
    "acme:Acme\x9b31m", "acme:\x1b]0;title\x07", "acme:Acme\u200bHealth", "acme:\u202eevil", "acme:\ufeffAcme",
    "acme:Acme\u2028", "acme:Acme\u2029", "acme:\U000e0001tag", "acme:\u00ad", "acme: ", "acme:\u3000",
    "acme:\u00a0", "acme:\u00a0Acme", "acme:\u2007 \u3000", "acme:" + "x" * 80, "acme:" + "x" * 81,
    "acme:" + "é" * 80, "acme:" + "é" * 81, "acme:" + "😀" * 80, "acme:" + "😀" * 81,
    "acme:Ærø Sundhed & Søn (Nordic)", "acme:株式会社メディカル", "acme:O'Brien \"Care\" $HOME `id`",
    "acme:Acme,globex:Globex\x1b[0m", "acme:Acme Health,globex", "acme:~!@#%^&*()_+{}|<>?",
    # Bytes that are not UTF-8 (os.environ gives them to Python as lone surrogates).
    b"acme:Acme\xffHealth", b"acme:\xed\xa0\x80", b"acme:\xc3", b"\xffacme", b"acme:\xc3\xa9",
]
# The older form: prospects by position in CPD_DEMO_PROSPECTS.
PAIRS: list[tuple[str, str]] = [
    ("acme,globex", "Acme Health,Globex Care"), ("acme,globex", "Acme Health,Globex\x1bCare"),
    ("acme,globex", ",Globex"), ("acme,globex:Globex", "Acme,Other\x07"), ("acme", "\u3000"), ("acme", "x" * 81),
    ("acme,globex", "Acme,"), ("acme", "Acme,Globex"),
]


@pytest.fixture(scope="module")
def share(tmp_path_factory) -> Path:
    """The image's share directory as snapshot.image makes it, and the entrypoint pointed at it."""
    share = tmp_path_factory.mktemp("share")
    (share / "constants.env").write_text(constants_env(FIRST))
    (share / "tailor.sql").write_text("-- a product's tailoring SQL\n")
    (share / "setup.sh").write_text((CONTAINER / "setup.sh").read_text())
    text = (CONTAINER / "entrypoint.sh").read_text()
    assert "SHARE=/usr/local/share/cpd-demo\n" in text
    (share / "entrypoint.sh").write_text(text.replace("SHARE=/usr/local/share/cpd-demo\n", f"SHARE={share}\n"))
    return share


def bash_reads(share: Path, databases: str | bytes, prospects: str | bytes = "") -> list[tuple[str, str]] | None:
    """The entrypoint's reader (cpd_read_demos) over the variables; None: it refused them."""
    script = (f". {share}/entrypoint.sh; POSTGRES_DB={FIRST}; cpd_read_demos; "
              'for i in "${!DEMO_NAMES[@]}"; do printf "%s\\0%s\\0" "${DEMO_NAMES[$i]}" "${DEMO_PROSPECTS[$i]}"; done')
    env = {b"PATH": os.environb.get(b"PATH", b"/usr/bin:/bin"), b"CPD_DEMO_DATABASES": os.fsencode(databases),
           b"CPD_DEMO_PROSPECTS": os.fsencode(prospects)}
    out = subprocess.run(["bash", "-c", script], env=env, capture_output=True, timeout=30)
    if out.returncode != 0:
        lines = out.stderr.decode(errors="replace").splitlines()
        assert lines and lines[-1].startswith("cpd-demo: CPD_DEMO_DATABASES: "), out.stderr
        assert len(lines) == 1, out.stderr  # one sentence, nothing else (no locale warning either)
        return None
    assert not out.stderr, out.stderr
    fields = [os.fsdecode(f) for f in out.stdout.split(b"\0")[:-1]]
    return list(zip(fields[::2], fields[1::2], strict=True))


def python_reads(databases: str | bytes, prospects: str | bytes = "") -> list[tuple[str, str]] | None:
    try:
        return grammar.read_demo_entries(os.fsdecode(databases), os.fsdecode(prospects), first=FIRST)
    except UserError:
        return None


@pytest.mark.parametrize("entries", ENTRIES, ids=[repr(e)[:40] for e in ENTRIES])
def test_bash_and_python_read_an_entry_alike(share, entries):
    assert bash_reads(share, entries) == python_reads(entries)


@pytest.mark.parametrize("databases, prospects", PAIRS, ids=[repr(p)[:40] for p in PAIRS])
def test_bash_and_python_read_prospects_given_apart_alike(share, databases, prospects):
    assert bash_reads(share, databases, prospects) == python_reads(databases, prospects)


def test_the_readers_refuse_what_the_named_demos_refuse_and_take_the_rest():
    refused = ["pg_acme", "cpd_tmp_x", "cpd_template_v1", "cpd_demo_control", "public", "acme:Acme\x1b[31mRed",
               "a" * 64, "acme:" + "x" * 81, "acme:\u3000", "acme:\u202eevil", FIRST]
    assert all(python_reads(e) is None for e in refused)
    assert python_reads(" acme : Acme Health ,globex,, ") == [("acme", "Acme Health"), ("globex", "")]
    assert python_reads("a" * 63 + ":" + "é" * 80) == [("a" * 63, "é" * 80)]
    # The same grammar as a named demo's (names.validate, check_prospect), not a second one.
    for name in ["pg_acme", "cpd_tmp_x", "cpd_template_v1", "cpd_demo_control", "public", "postgres", "a" * 64]:
        with pytest.raises(UserError):
            grammar.validate(name)


def test_the_reserved_names_are_the_servers_and_the_tools():
    assert databases.RESERVED | {marks.CONTROL, "public", grammar.IMAGE_WORK_DATABASE} <= grammar.RESERVED_NAMES
    assert {"pg_", databases.WORK_PREFIX, grammar.TEMPLATE_PREFIX} == set(grammar.RESERVED_PREFIXES)
    # The 63-byte limit is Postgres's: the name pattern keeps to it.
    assert grammar.NAME.fullmatch("a" * databases.MAX_NAME_BYTES) and not grammar.NAME.fullmatch("a" * 64)


def test_printable_ascii_is_what_the_entrypoints_quick_path_takes_it_for():
    """cpd_is_prospect takes printable ASCII without its loop: none of it refused, only the space blank."""
    ascii_printable = "".join(chr(c) for c in range(0x20, 0x7F))
    assert all(grammar.is_prospect(ch) for ch in ascii_printable if ch != " ")
    values = grammar.bash_constants()
    codes = {c for r in values["CPD_DEMO_PROSPECT_REFUSED"].split() for c in range(int(r.split("-")[0]),
                                                                                     int(r.split("-")[-1]) + 1)}
    blanks = {c for r in values["CPD_DEMO_PROSPECT_BLANK"].split() for c in range(int(r.split("-")[0]),
                                                                                  int(r.split("-")[-1]) + 1)}
    assert not codes & set(range(0x20, 0x7F)) and blanks & set(range(0x20, 0x7F)) == {0x20}
    assert {0x1B, 0x7F, 0x85, 0x200B, 0x202E, 0x2028, 0xFEFF, 0xD800} <= codes and {0x3000, 0xA0} <= blanks


def test_the_image_names_no_grammar_or_mark_of_its_own(share):
    """The values come from constants.env only: none is written again in the image's scripts."""
    values = grammar.bash_constants()
    out = subprocess.run(["bash", "-c", f". {share}/entrypoint.sh; "
                          'printf "%s\\n" "$MAKING" "$MAIN_COMMENT" "$COPY_COMMENT" "$CPD_DEMO_NAME_PATTERN"'],
                         capture_output=True, text=True)
    assert out.stdout.splitlines() == [grammar.IMAGE_WORK_DATABASE, image.MAIN_MARK, image.COPY_MARK,
                                       values["CPD_DEMO_NAME_PATTERN"]]
    for script in CONTAINER.glob("*.sh"):
        text = script.read_text()
        for literal in (grammar.IMAGE_WORK_DATABASE, image.MAIN_MARK, image.COPY_MARK, marks.CONTROL,
                        grammar.NAME.pattern, databases.WORK_PREFIX, grammar.TEMPLATE_PREFIX, "127-159"):
            assert literal not in text, (script.name, literal)
