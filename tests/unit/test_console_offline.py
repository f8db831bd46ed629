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


@pytest.mark.parametrize(("args", "env", "expected"), [
    (["serve", "--port", "70000"], {}, "--port 70000 is not a port"),
    (["serve"], {"CPD_DEMO_CONSOLE_TRUSTED_PROXY": "10.0.0.2", "CPD_DEMO_CONSOLE_PROXY_HEADER": "x-real-ip"},
     "CPD_DEMO_CONSOLE_PROXY_HEADER must be x-forwarded-for or forwarded"),
    (["adduser", "--username", "x", "--expires", "30d"], {}, "--expires is the API token's lifetime"),
])
def test_the_console_refuses_bad_settings_in_one_line_before_it_starts(args, env, expected):
    import os

    full = {**os.environ, "CPD_DEMO_CONSOLE_SERVER": "postgresql://nobody@127.0.0.1:1/postgres", **env}
    done = subprocess.run([sys.executable, "-m", "builder.console", *args], cwd=ROOT, env=full, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and done.stderr.startswith("error: "), done.stderr
    assert expected in done.stderr and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
