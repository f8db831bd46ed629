"""A console on a cluster of its own, which the tests log, proxy and stop: no session key in a
server's statement log (log_statement=all), a client's address from a proxy's header only when that
proxy is the configured one, the control database stopped (503 JSON, a page that says the demo
server is unreachable, no traceback in the console's output), and `console.serve` on a port in use
or a bad host (one line)."""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests

from builder.postgres import databases
from builder.postgres.embedded import EmbeddedPostgres, free_port
from tests.support.commands import invoke, one_sentence, wait_for_port
from tests.support.console import CONSOLE_PASSWORD
from tests.support.project import PROJECT
from tests.test_console_attacks import FromAddress, json_error, sign_in

PROXY = "127.0.0.5"
CHROMIUM = "/usr/bin/chromium"


class Outage:
    def __init__(self, pg, base: str, token: str, log: Path):
        self.pg, self.base, self.token, self.log = pg, base, token, log


@pytest.fixture(scope="module")
def outage(tmp_path_factory):
    """`invoke console.serve` on a cluster that logs every statement, behind a trusted proxy at PROXY."""
    home = Path(tempfile.mkdtemp(prefix="cpd-test-outage-"))  # pytest's own directory is closed to postgres
    os.chmod(home, 0o755)  # the server's OS user makes its cluster inside
    pg = EmbeddedPostgres(data_dir=home / "cluster")  # persistent: stopped and started again by a test
    pg.start()
    try:
        with databases.connect(pg.url()) as conn:
            conn.execute("ALTER SYSTEM SET log_statement = 'all'")
            conn.execute("SELECT pg_reload_conf()")
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(CPD_DEMO_CONSOLE_PASSWORD=CONSOLE_PASSWORD, CPD_DEMO_CONSOLE_TRUSTED_PROXY=PROXY)
        made = invoke("console.adduser", "--username", "erin", "--server", pg.url(), "--token", env=env)
        assert made.returncode == 0, made.stderr
        port = free_port()
        log = tmp_path_factory.mktemp("outage-log") / "console.log"
        snapshots = tmp_path_factory.mktemp("outage-snapshots")
        with open(log, "w") as out:
            proc = subprocess.Popen([sys.executable, "-m", "invoke", "console.serve", "--server", pg.url(), "--port",
                                     str(port), "--from", str(snapshots)], cwd=PROJECT, env=env, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_port(port, timeout=60)
            yield Outage(pg, f"http://127.0.0.1:{port}", made.stdout.splitlines()[-1], log)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        pg.persistent = False  # and its directory goes with it
        pg.stop()
        shutil.rmtree(home, ignore_errors=True)


def test_no_session_key_reaches_the_servers_statement_log(outage):
    browser = requests.Session()
    assert sign_in(browser, outage.base, "erin", CONSOLE_PASSWORD).status_code == 302
    key = browser.cookies["cpd_console_session"]
    assert browser.get(outage.base + "/", timeout=30).status_code == 200
    assert browser.get(outage.base + "/api/demos", timeout=30).status_code == 200
    browser.post(outage.base + "/logout/", timeout=30,
                 headers={"X-CSRFToken": browser.cookies["cpd_console_csrf"], "Referer": outage.base + "/"})
    logged = outage.pg.log_file.read_text(errors="replace")
    assert key not in logged and outage.token not in logged
    assert "console_consolesession" in logged  # the server did log the session's statements...
    assert hashlib.sha256(key.encode()).hexdigest() in logged  # ...by the key's digest


def test_a_proxy_header_counts_only_from_the_configured_proxy(outage):
    proxy = requests.Session()
    proxy.mount("http://", FromAddress(PROXY))
    guesses = [sign_in(proxy, outage.base, "erin", f"guess-{n}", headers={"X-Forwarded-For": "10.9.9.9"}).status_code
               for n in range(6)]
    assert guesses == [200] * 5 + [429], guesses
    # erin, through the same proxy from her own address: heard.
    proxy = requests.Session()
    proxy.mount("http://", FromAddress(PROXY))
    mine = sign_in(proxy, outage.base, "erin", CONSOLE_PASSWORD, headers={"X-Forwarded-For": "10.1.1.1"})
    assert mine.status_code == 302, mine.status_code
    # Anyone else claiming to be 10.9.9.9 is not believed: the header counts from the proxy only.
    direct = sign_in(requests.Session(), outage.base, "erin", CONSOLE_PASSWORD, headers={"X-Forwarded-For": "10.9.9.9"})
    assert direct.status_code == 302


def test_serve_on_a_port_in_use_or_a_bad_host_is_one_line(outage):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    port = outage.base.rsplit(":", 1)[1]
    busy = invoke("console.serve", "--server", outage.pg.url(), "--port", port, env=env, timeout=120)
    one_sentence(busy, f"Cannot listen on 127.0.0.1:{port}")
    elsewhere = invoke("console.serve", "--server", outage.pg.url(), "--host", "192.0.2.1", "--port", port, env=env,
                       timeout=120)  # an address of no interface here: nothing is sent anywhere
    one_sentence(elsewhere, "Cannot listen on 192.0.2.1")


def test_the_control_database_stopped_is_503_json_and_a_page_that_says_so(outage):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    auth = {"Authorization": f"Bearer {outage.token}"}
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = chromium.new_page()
        page.goto(outage.base + "/")
        page.fill("input[name=username]", "erin")
        page.fill("input[name=password]", CONSOLE_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(outage.base + "/")
        outage.pg.stop()
        try:
            for method, path in (("GET", "/api/demos"), ("POST", "/api/demos"), ("GET", "/api/log"),
                                 ("GET", "/api/demos/nosuch")):
                answer = requests.request(method, outage.base + path, headers=auth, json={"name": "x"}, timeout=60)
                json_error(answer, 503, "The demo server is unreachable")
            json_error(requests.get(outage.base + "/api/demos", timeout=60), 401, "Log in first")  # needs no database
            shown = page.goto(outage.base + "/")
            assert shown.status == 503
            assert page.locator("h1").inner_text() == "The demo server is unreachable"
            assert "Server Error" not in page.content()
            stranger = chromium.new_page()  # no session: the form itself needs nothing from the database...
            assert stranger.goto(outage.base + "/login/").status == 200
            stranger.fill("input[name=username]", "erin")
            stranger.fill("input[name=password]", CONSOLE_PASSWORD)
            stranger.click("button[type=submit]")  # ...signing in does
            stranger.wait_for_selector("h1:has-text('The demo server is unreachable')")
        finally:
            outage.pg.persistent = True
            outage.pg.start()
        back = page.goto(outage.base + "/")  # the same session, once the server is back
        assert back.status == 200 and page.url == outage.base + "/" and "unreachable" not in page.content()
        chromium.close()
    assert requests.get(outage.base + "/api/demos", headers=auth, timeout=60).status_code == 200  # back by itself
    output = outage.log.read_text()
    assert "Traceback" not in output, output[-3000:]
    assert re.search(r"the demo server is unreachable .*GET /api/demos", output), output[-2000:]
