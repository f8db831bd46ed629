"""The console: its page with 50 demos on the server (time over HTTP, and the statements it sends,
which must not grow with the number of demos), and a reset through its API beside `invoke
demo.reset --name` on the same demo."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests

from benchmarks.common import Row, build, median_of
from builder.named.demos import DemoServer
from builder.postgres.embedded import EmbeddedPostgres, free_port

PROJECT = Path(__file__).resolve().parent.parent
DEMOS = 50
PASSWORD = "bench-console-pass"


def _env(url: str, snapshots: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({"CPD_DEMO_CONSOLE_SERVER": url, "CPD_DEMO_SNAPSHOTS": str(snapshots),
                "CPD_DEMO_CONSOLE_PASSWORD": PASSWORD})
    return env


def statements(url: str, snapshots: Path) -> int:
    """Statements the page sends (Django's and the engine's), counted in this process."""
    from builder.console import boot

    if boot.CONTEXT is None:
        boot.prepare(boot.Context(server_url=url, snapshots=str(snapshots), allowed_hosts=("testserver",)))
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="bench"))  # type: ignore[arg-type]  # the console's own User
    client.get("/")  # warm: the project's hooks, the store listing
    count = 0
    original = psycopg.Cursor.execute

    def counting(self, *args, **kwargs):
        nonlocal count
        count += 1
        return original(self, *args, **kwargs)

    psycopg.Cursor.execute = counting  # type: ignore[method-assign]
    try:
        assert client.get("/").status_code == 200
    finally:
        psycopg.Cursor.execute = original  # type: ignore[method-assign]
    return count


def measure(repeat: int = 3) -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="cpd-bench-console-"))
    rows: list[Row] = []
    try:
        snapshots = work / "snapshots"
        build(provider="embedded", scale=1, output=snapshots, echo=lambda m: None)
        with EmbeddedPostgres() as pg:
            url = pg.url()
            env = _env(url, snapshots)
            demos = DemoServer(url, by="bench")
            for i in range(5):
                demos.new(f"d{i:02d}", str(snapshots), echo=lambda m: None)
            made = subprocess.run([sys.executable, "-m", "builder.console", "adduser", "--username", "bench",
                                   "--token"], cwd=PROJECT, env=env, capture_output=True, text=True, check=True)
            token = made.stdout.splitlines()[-1]
            few = statements(url, snapshots)
            for i in range(5, DEMOS):
                demos.new(f"d{i:02d}", str(snapshots), echo=lambda m: None)
            many = statements(url, snapshots)
            rows.append(Row("console", f"console page: statements sent, {DEMOS} demos", many,
                            "the same page with 5 demos", few, unit="stmts", goal="fixed (1.00x)"))
            port = free_port()
            proc = subprocess.Popen([sys.executable, "-m", "builder.console", "serve", "--port", str(port)],
                                    cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            base = f"http://127.0.0.1:{port}"
            try:
                for _ in range(300):
                    try:
                        requests.get(base + "/login/", timeout=1)
                        break
                    except requests.ConnectionError:
                        time.sleep(0.1)
                browser = requests.Session()
                form = browser.get(base + "/login/", timeout=30).text
                csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
                browser.post(base + "/login/", data={"username": "bench", "password": PASSWORD,
                                                     "csrfmiddlewaretoken": csrf}, timeout=30)
                browser.get(base + "/", timeout=30)  # warm
                page = median_of(max(repeat, 5), None, lambda: browser.get(base + "/", timeout=30).raise_for_status())
                cli_list = median_of(repeat, None, lambda: subprocess.run(
                    [sys.executable, "-m", "invoke", "demo.list", "--server", url], cwd=PROJECT, env=env,
                    capture_output=True, check=True))
                rows.append(Row("console", f"console page (the demo list), {DEMOS} demos", page * 1000,
                                "invoke demo.list, same server", cli_list * 1000, unit="ms", goal="< 300 ms"))
                headers = {"Authorization": f"Bearer {token}"}
                api = median_of(repeat, None, lambda: requests.post(base + "/api/demos/d00/reset", headers=headers,
                                                                    timeout=120).raise_for_status())
                cli = median_of(repeat, None, lambda: subprocess.run(
                    [sys.executable, "-m", "invoke", "demo.reset", "--name", "d00", "--server", url], cwd=PROJECT,
                    env=env, capture_output=True, check=True))
                rows.append(Row("console", "reset through the API (POST /api/demos/NAME/reset), scale 1", api,
                                "invoke demo.reset --name (a fresh process)", cli, goal="≤ 1.1x"))
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows
