"""The console's pieces that need no server: its migrations match its models; what a person types as
`--by` is checked and what a log prints escaped."""

import subprocess
import sys
from pathlib import Path

import pytest

from builder.errors import UserError
from builder.named.names import check_person, printable

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import os
from builder.console import boot
boot.CONTEXT = boot.Context(server_url="postgresql://nobody:x@127.0.0.1:1/postgres", secret_key="offline")
os.environ["DJANGO_SETTINGS_MODULE"] = "builder.console.settings"
import django
django.setup()
from django.core.management import call_command
call_command("makemigrations", "console", "--check", "--dry-run", verbosity=1)
"""


def test_the_console_migrations_match_its_models():
    # Its own process: Django is set up once per process, on the console's settings.
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", CHECK], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "No changes detected" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("by", ["a\nb", "\x1b[31mred", "tab\there", "rtl\u202eevil", "x" * 65, "", "   "])
def test_by_refuses_what_is_not_printable_or_too_long(by):
    with pytest.raises(UserError, match="--by must be"):
        check_person(by)


def test_by_keeps_ordinary_names_and_a_log_escapes_the_rest():
    assert check_person("  María O'Neil ") == "María O'Neil"
    assert check_person("ci-nightly@team") == "ci-nightly@team"
    assert printable("plain") == "plain"
    assert printable("a\nb\x1b[2J\u202e") == "a\\nb\\x1b[2J\\u202e"
