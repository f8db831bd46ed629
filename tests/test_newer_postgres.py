"""The managed-server tests again on Postgres 16, whose CREATEROLE is narrower than 15's: a login
with it manages only the roles it made (it holds ADMIN OPTION on them), which is what RDS, Cloud
SQL, Azure and Neon give their admin role from 16 on. The binaries are the `pgserver` wheel's (a
test dependency), copied where the unprivileged OS user that runs the clusters can read them (the
interpreter may live under root's home); every client and server binary is taken from there."""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANAGED_TESTS = ("tests/test_named_managed.py", "tests/test_named_budget.py")


@pytest.fixture
def pg16_bindir():
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("the test dependency `pgserver` (Postgres 16 binaries) is not installed: pip install -e '.[test]'")
    package = Path(list(spec.submodule_search_locations)[0])
    home = Path(tempfile.mkdtemp(prefix="cpd-demo-pg16-"))
    try:
        shutil.copytree(package / "pginstall", home / "pgserver" / "pginstall", symlinks=True)
        # The wheel's shared libraries, where the binaries' rpath ($ORIGIN/../../../pgserver.libs) looks.
        shutil.copytree(package.parent / "pgserver.libs", home / "pgserver.libs", symlinks=True)
        for path in (home, *home.rglob("*")):
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o555 if path.is_dir() else path.stat().st_mode | 0o444)
        yield home / "pgserver" / "pginstall" / "bin"
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_every_managed_server_test_passes_on_postgres_16(pg16_bindir):
    bindir = pg16_bindir
    version = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=True)
    assert re.search(r"\b16\.\d+", version.stdout), version.stdout
    # Only this directory is searched (builder/postgres/binaries.py), so the clusters the tests
    # start, pg_dump and pg_restore are all 16.
    env = {**os.environ, "CPD_DEMO_PG_BINDIR": str(bindir)}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *MANAGED_TESTS],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", proc.stdout) and "skipped" not in proc.stdout, proc.stdout[-2000:]
