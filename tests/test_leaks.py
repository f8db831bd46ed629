"""Secrets stay secret: never printed (any URL form), never on a child process's command line,
never in a manifest."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.support.commands import invoke
from tests.support.project import ANCHOR, PROJECT

SECRET = "pw-that-must-not-leak-7731"


@pytest.mark.parametrize("url", [
    f"postgresql://postgres:{SECRET}@127.0.0.1:1/x",
    f"postgresql://postgres@127.0.0.1:1/x?password={SECRET}",
    f"postgresql://postgres:{SECRET[:5]}/{SECRET[5:]}@127.0.0.1:1/x",  # a raw '/' in the password
    f"postgresql://postgres:{SECRET}@127.0.0.1:notaport/x",
], ids=["userinfo", "query parameter", "raw slash", "bad port"])
def test_passwords_in_any_url_form_are_never_printed(built, url):
    for task in ("snapshot.restore", "demo.status", "snapshot.rebase"):
        proc = invoke(task, *(["--from", str(built)] if task == "snapshot.restore" else []), "--database-url", url)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        out = proc.stdout + proc.stderr
        assert SECRET not in out and SECRET[:5] not in out and SECRET[5:] not in out, out


def test_no_child_process_sees_the_password_on_its_command_line(built, pg):
    """pg_restore, pg_dump and the project's Django get the password by environment or stdin: sample
    every command line while a restore and a build run on the test cluster, with its real password."""
    url = pg.url("leak_target")
    secret = pg.password
    seen, done = [], threading.Event()

    def sample():
        while not done.is_set():
            for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
                try:
                    args = cmdline.read_bytes().split(b"\0")
                except OSError:
                    continue
                if args and (b"pg_" in args[0] or b"psql" in args[0] or b"builder/django_runner.py" in b" ".join(args)):
                    seen.append(b" ".join(args).decode(errors="replace"))

    thread = threading.Thread(target=sample)
    thread.start()
    try:
        restored = subprocess.run([sys.executable, "-m", "invoke", "snapshot.restore", "--from", str(built),
                                   "--database-url", url], cwd=PROJECT, capture_output=True, text=True)
        building = subprocess.run([sys.executable, "-m", "invoke", "snapshot.build", "--output", str(built / "b"),
                                   "--anchor", ANCHOR], cwd=PROJECT, capture_output=True, text=True,
                                  env={**os.environ, "DATABASE_URL": url})
    finally:
        done.set()
        thread.join()
    assert restored.returncode == 0 and building.returncode == 0, restored.stderr + building.stderr
    assert any("pg_restore" in s for s in seen) and any("pg_dump" in s for s in seen)
    assert any("builder/django_runner.py" in s for s in seen)  # the project's Django ran, and was sampled
    assert not [s for s in seen if secret in s]
    assert secret not in restored.stdout + restored.stderr + building.stdout + building.stderr


def test_no_secret_in_logs_or_manifests(tmp_path):
    db_password, aws_secret = "db-pass-never-printed", "aws-secret-never-printed"
    env = {"AWS_SECRET_ACCESS_KEY": aws_secret, "CPD_DEMO_PASSWORD": "custom-persona-pass"}
    built = invoke("snapshot.build", "--provider", "embedded", "--output", str(tmp_path), "--anchor", ANCHOR,
                   env_extra=env)
    assert built.returncode == 0, built.stderr
    failed = invoke("snapshot.restore", "--from", str(tmp_path), "--database-url",
                    f"postgresql://postgres:{db_password}@127.0.0.1:1/x", env_extra=env)
    assert failed.returncode == 1
    everything = built.stdout + built.stderr + failed.stdout + failed.stderr
    manifests = list(tmp_path.rglob("manifest.json"))
    assert manifests
    for f in manifests:
        everything += f.read_text()
        assert json.loads(f.read_text())["demo_password_is_default"] is False
    for secret in (db_password, aws_secret, "custom-persona-pass"):
        assert secret not in everything
