"""The sales engineer's path: demo.up -> demo.reset -> demo.status -> demo.admin in a real browser -> demo.down."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from builder.postgres.embedded import free_port
from tests.support.builds import build_snapshot
from tests.support.commands import invoke, wait_for_port
from tests.support.project import PROJECT

ARTIFACTS = Path(os.environ.get("CPD_DEMO_TEST_ARTIFACTS", PROJECT / "build" / "test-artifacts"))


def run(env: dict, *args: str):
    return invoke(*args, env=env)


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory):
    snaps = tmp_path_factory.mktemp("demo-snaps")
    build_snapshot(snaps)
    # Not under pytest's 0700 temp root: the postgres OS user must reach the demo server's files.
    home = Path(tempfile.mkdtemp(prefix="cpd-demo-home-"))
    os.chmod(home, 0o755)
    env = {**os.environ, "CPD_DEMO_HOME": str(home), "CPD_DEMO_PORT": str(free_port()),
           "CPD_DEMO_SNAPSHOTS": str(snaps)}
    env.pop("DATABASE_URL", None)
    yield env
    run(env, "demo.down")
    shutil.rmtree(home, ignore_errors=True)


def test_demo_up_reset_status_down(demo_env):
    up = run(demo_env, "demo.up")
    assert up.returncode == 0 and "demo Postgres up" in up.stdout, up.stderr
    assert "already running" in run(demo_env, "demo.up").stdout
    reset = run(demo_env, "demo.reset", "--now", "2027-03-01T14:00Z")
    assert reset.returncode == 0, reset.stderr
    out = reset.stdout
    for email in ("admin@cpdevents.com", "organizer.pro@example.com", "attendee.new@example.com",
                  "churned@example.com"):
        assert email in out
    assert "password for every login: cpd-demo-only" in out
    assert re.search(r"live\s+Community Meetup", out) and re.search(r"upcoming\s+Future of Medicine 2027", out)
    status = run(demo_env, "demo.status")
    assert status.returncode == 0 and "data represents 2027-03-01 09:00 EST (14:00 UTC)" in status.stdout
    assert (Path(demo_env["CPD_DEMO_HOME"]) / "media" / "badges" / "certified-expert.png").exists()
    down = run(demo_env, "demo.down")
    assert down.returncode == 0
    gone = run(demo_env, "demo.status")
    assert gone.returncode == 1 and "Cannot connect" in gone.stderr
    # The data is kept: up again, and it is still there.
    assert run(demo_env, "demo.up").returncode == 0
    assert "data represents 2027-03-01 09:00 EST (14:00 UTC)" in run(demo_env, "demo.status").stdout


@contextmanager
def admin_page(demo_env: dict, *now: str):
    """The admin (demo.admin, with `--now` when given) in headless Chromium, logged in: (page, base URL)."""
    playwright = pytest.importorskip("playwright.sync_api")
    chromium = "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("Debian's chromium is not installed")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "invoke", "demo.admin", "--port", str(port), *now], cwd=PROJECT,
                              env=demo_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/admin/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(base + "/admin/login/")
            page.fill("input[name=username]", "admin@cpdevents.com")
            page.fill("input[name=password]", "cpd-demo-only")
            page.click("input[type=submit]")
            page.wait_for_url(base + "/admin/")
            yield page, base
            browser.close()
    finally:
        os.killpg(server.pid, 9)
        server.wait()


def event_rows(page, base: str) -> dict[str, str]:
    page.goto(base + "/admin/events/event/")
    return {r.query_selector("th").inner_text(): r.inner_text() for r in page.query_selector_all("#result_list tbody tr")}


def test_admin_in_a_real_browser(demo_env):
    assert run(demo_env, "demo.up").returncode == 0
    assert run(demo_env, "demo.reset").returncode == 0  # rebased to now: C live, A upcoming
    with admin_page(demo_env) as (page, base):
        # What a buyer sees says CPD Events: no "demo" in the header, the title or the sidebar.
        assert "demo" not in page.title().lower() and "demo" not in page.inner_text("#header").lower()
        assert "demo" not in page.inner_text("#content-main").lower()
        changelists = sorted({a.get_attribute("href") for a in page.query_selector_all("table a")
                              if re.fullmatch(r"/admin/\w+/\w+/", a.get_attribute("href") or "")})
        assert len(changelists) >= 30
        opened = 0
        for href in changelists:
            response = page.goto(base + href)
            assert response.status == 200, href
            assert "Server Error" not in page.content()
            first = page.query_selector("#result_list tbody tr th a, #result_list tbody tr td a")
            if first is None:
                continue
            change = first.get_attribute("href")
            response = page.goto(base + change)
            assert response.status == 200, change
            assert page.query_selector("#content-main form"), change
            opened += 1
        assert opened >= 28
        rows = event_rows(page, base)
        flagship = next(t for t in rows if t.startswith("Future of Medicine"))
        assert "Upcoming" in rows[flagship] and "Published" in rows[flagship]
        assert "Live now" in rows["Community Meetup"] and "\tLive\t" in rows["Community Meetup"]
        assert "Past" in rows["Weekly Health Webinar"]
        # Money as money, times in the event's own timezone.
        assert "$199.00" in rows[flagship] and ("EST" in rows[flagship] or "EDT" in rows[flagship])
        # The meetup runs where it is day now: Chicago, London or Sydney (CPD's live places).
        assert any(zone in rows["Community Meetup"] for zone in ("CST", "CDT", "GMT", "BST", "AEDT", "AEST"))
        for name, path in (("events", "events/event/"), ("registrations", "events/registration/"),
                           ("invoices", "billing/invoice/"), ("certificates", "credentials/certificate/")):
            page.goto(f"{base}/admin/{path}")
            shot = ARTIFACTS / f"admin-{name}.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10_000
        # The props: the badges with their images, a certificate as issued (the organisation written on its art).
        page.goto(f"{base}/admin/credentials/badgetemplate/")
        page.screenshot(path=str(ARTIFACTS / "admin-badges.png"), full_page=False)
        assert len(page.query_selector_all("#result_list img")) == 3
        page.goto(f"{base}/admin/credentials/certificate/?q=attendee.engaged")
        page.click("#result_list tbody tr th a")
        assert "Alice Active" in page.inner_text(".field-certificate")
        page.screenshot(path=str(ARTIFACTS / "admin-certificate.png"), full_page=True)
        page.goto(f"{base}/admin/engagement/feedback/")
        page.screenshot(path=str(ARTIFACTS / "admin-feedback.png"), full_page=False)
        page.goto(f"{base}/admin/billing/invoice/")
        assert "$99.00" in page.content() and "9900" not in page.inner_text("#result_list")


# A buyer in Europe or Asia at 03:00 on a Sunday in New York, and one on Christmas Eve: the admin as
# each sees it (its clock at that instant), the screenshots kept for a person to look at.
AWKWARD = {"sunday-0300": ("2026-12-06T03:00:00-05:00", ("GMT", "BST")),
           "christmas-eve": ("2026-12-24T10:00:00-05:00", ("EST", "CST"))}


@pytest.mark.parametrize("name", list(AWKWARD))
def test_the_admin_at_an_awkward_hour(demo_env, name):
    instant, live_zones = AWKWARD[name]
    assert run(demo_env, "demo.up").returncode == 0
    assert run(demo_env, "demo.reset", "--now", instant).returncode == 0
    with admin_page(demo_env, "--now", instant) as (page, base):
        rows = event_rows(page, base)
        page.screenshot(path=str(ARTIFACTS / f"admin-events-{name}.png"), full_page=False)
        live = [t for t, row in rows.items() if "Live now" in row]
        # The meetup is live where it is day: a breakfast meetup in London at 03:00 New York time.
        assert live == ["Community Meetup"] and any(z in rows["Community Meetup"] for z in live_zones)
        # Nothing else on Christmas Eve; the weekly webinar's last episode past, its next upcoming.
        day = "24 Dec" if name == "christmas-eve" else None
        assert not day or not [t for t, row in rows.items() if day in row and t != "Community Meetup"]
        assert "Past" in rows["Weekly Health Webinar"] and "Upcoming" in rows["Asthma Action Plans"]
        page.goto(base + "/admin/events/event/?q=Community+Meetup")
        page.click("#result_list tbody tr th a")
        page.screenshot(path=str(ARTIFACTS / f"admin-meetup-{name}.png"), full_page=False)
        assert ("London" if name == "sunday-0300" else "Chicago") in page.input_value("#id_venue")
        # Its form speaks its own zone, as its row does: 07:00 in London, 08:00 in Chicago.
        assert page.input_value("#id_starts_at_1") == ("07:00:00" if name == "sunday-0300" else "08:00:00")


def test_demo_admin_killed_leaves_nothing_serving(demo_env):
    """The admin server is the task's own process: killing the task frees the port."""
    assert run(demo_env, "demo.up").returncode == 0
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "demo.admin", "--port", str(port)], cwd=PROJECT,
                            env=demo_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 5
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            break
        assert time.monotonic() < deadline, "something still serves the admin port"
        time.sleep(0.1)
