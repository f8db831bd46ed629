"""Open from the console, in a real browser (Debian's Chromium, headless): a sales engineer opens a
prospect's named demo and sees its own pages, its admin with the prospect's framed certificate
(every picture loads: no 404 among the page's requests), each demo's "as of" on the console, and
no DEBUG page anywhere. Screenshots go to build/test-artifacts/ (the best kept in docs/screenshots/)."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from builder import hooks
from tests.support.console import ARTIFACTS, TIMEOUT, sign_in, signed_in
from tests.support.project import CPD, named_server

SHOTS = ARTIFACTS  # the best are kept in docs/screenshots/
NEW_YORK = "America/New_York"  # the platform's zone: the console shows its times there
PROSPECT = "St Mary's Regional"
SUPERUSER = "admin@cpdevents.com"
PASSWORD = "cpd-demo-only"  # the documented demo password the test builds use
CALL = (datetime.now(UTC) + timedelta(days=1)).replace(hour=14, minute=30, second=0, microsecond=0)  # 09:30 New York
DEBUG_MARKS = ("URLconf", "DEBUG = True", "Traceback", "Page not found (404)", "Django tried these URL patterns")


@pytest.fixture(scope="module")
def stmarys(console):
    """A prospect's demo made from the console, and beside it one prepared for tomorrow's 09:30 call (pinned)."""
    answer = requests.post(console.base + "/api/demos", json={"name": "stmarys", "prospect": PROSPECT, "ttl": "1d"},
                           headers=console.headers("bob"), timeout=180)
    assert answer.status_code == 201, answer.text
    srv = named_server(console.server_url, by="maria", status=hooks.status(CPD))  # as `demo.new --now` makes it
    srv.new("acme_0930", str(console.snapshots), now=CALL, prospect="Acme Health", echo=lambda *_: None)
    yield "stmarys"
    requests.delete(f"{console.base}/api/demos/stmarys", headers=console.headers("bob"), timeout=120)
    srv.drop("acme_0930", echo=lambda *_: None)


def test_open_is_behind_the_console_login(console, stmarys):
    answer = requests.get(f"{console.base}/open/stmarys/admin/", allow_redirects=False, timeout=30)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login/"), answer.status_code
    media = requests.get(f"{console.base}/open/stmarys/media/anything.png", allow_redirects=False, timeout=30)
    assert media.status_code == 302 and "/login/" in media.headers["Location"]


def test_open_shows_the_prospects_demo_with_its_framed_certificate(console, browser, stmarys):
    context, page = signed_in(browser, console, timezone_id=NEW_YORK)
    row = page.locator("#demo-stmarys")
    assert re.search(r"as of \d{1,2} \w{3} \d{4} \d\d:\d\d E[SD]T", row.locator("td.sees").inner_text())
    assert row.locator(".tag.pinned").count() == 0
    pinned = page.locator("#demo-acme_0930 td.sees")
    assert f"as of {CALL.astimezone(ZoneInfo('America/New_York')):%d %b %Y %H:%M}".replace("as of 0", "as of ") \
        in pinned.inner_text() and pinned.locator(".tag.pinned").count() == 1
    listed = {d["name"]: d for d in requests.get(console.base + "/api/demos", headers=console.headers(),
                                                 timeout=30).json()["demos"]}
    assert listed["acme_0930"]["pinned"] is True and listed["stmarys"]["pinned"] is False
    assert datetime.fromisoformat(listed["acme_0930"]["data_as_of"]) == CALL
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "console-as-of.png"))

    with context.expect_page() as opened:
        row.locator("a.open").click()
    demo = opened.value
    demo.set_default_timeout(TIMEOUT)
    failed: list[str] = []
    demo.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    demo.wait_for_load_state()
    assert "/open/stmarys/admin/login/" in demo.url, demo.url
    demo.fill("input[name=username]", SUPERUSER)
    demo.fill("input[name=password]", PASSWORD)
    demo.click("input[type=submit]")
    demo.wait_for_url(re.compile(r".*/open/stmarys/admin/$"))
    assert "Administration" in demo.title() and demo.locator("#user-tools").count() == 1
    demo.screenshot(path=str(SHOTS / "open-admin.png"))

    media: list[str] = []
    demo.on("response", lambda r: media.append(f"{r.status} {r.url}") if "/media/" in r.url else None)
    demo.goto(f"{console.base}/open/stmarys/admin/credentials/certificatetemplate/?q=St+Mary")
    demo.locator("#result_list tbody tr th a").first.click()
    demo.wait_for_load_state("networkidle")
    text = demo.inner_text("body")
    assert f"{PROSPECT} Standard Certificate" in demo.input_value("input[name=name]"), text[:400]
    assert PROSPECT in text  # the platform writes the organisation onto the art
    assert media and all(m.startswith("200 ") for m in media), media
    assert all("/open/stmarys/media/" in m for m in media), media
    demo.screenshot(path=str(SHOTS / "open-certificate.png"), full_page=True)
    assert not failed, failed
    context.close()


def test_no_debug_page_anywhere_open_serves(console, browser, stmarys):
    context, page = signed_in(browser, console, timezone_id=NEW_YORK)
    for path in ("/open/stmarys/no-such-page/", "/open/stmarys/admin/no-such-app/", "/open/stmarys/",
                 "/open/nosuchdemo/admin/"):
        answer = page.goto(console.base + path)
        text = page.content()
        assert not any(mark in text for mark in DEBUG_MARKS), (path, text[:300])
        assert answer.status in (200, 302, 404), (path, answer.status)
    page.goto(console.base + "/open/stmarys/")
    assert "/open/stmarys/admin/" in page.url  # `/` leads to the admin
    context.close()


def in_the_admin(browser, console, zone: str):
    """A buyer's browser in `zone`, signed in to the console, then to the demo's admin as the superuser."""
    context, page = signed_in(browser, console, timezone_id=NEW_YORK)
    context.close()
    context = browser.new_context(viewport={"width": 1400, "height": 900}, timezone_id=zone)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(console.base + "/open/stmarys/admin/")
    sign_in(page)
    page.wait_for_url(re.compile(r".*/open/stmarys/admin/login/.*"))
    page.fill("input[name=username]", SUPERUSER)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r".*/open/stmarys/admin/$"))
    return context, page


LISTS = ("events/event", "events/registration", "events/session", "credentials/certificate", "billing/invoice",
         "billing/plan", "billing/subscription", "accounts/user", "accounts/profile", "learning/course",
         "learning/enrollment", "marketing/promocode", "accounts/cpdrequirement")


def test_the_pages_read_as_a_buyers_at_a_laptops_width(console, browser, stmarys):
    context, page = in_the_admin(browser, console, "Europe/London")  # five hours ahead of the platform
    assert "CPD requirements" in page.inner_text("body") and "Cpd " not in page.inner_text("body")
    wide = {}
    for path in LISTS:
        page.goto(f"{console.base}/open/stmarys/admin/{path}/")
        cut = page.evaluate("""() => {
            const table = document.querySelector('#result_list');
            return [document.documentElement.scrollWidth - window.innerWidth,
                    table ? table.getBoundingClientRect().right - window.innerWidth : 0];
        }""")
        if max(cut) > 0:
            wide[path] = max(cut)
            page.screenshot(path=str(ARTIFACTS / f"wide-{path.replace('/', '-')}.png"))
        assert "Cpd " not in page.inner_text("#content"), path
    assert not wide, wide  # px beyond a 1400 px window
    page.goto(f"{console.base}/open/stmarys/admin/events/event/")
    assert "CPD credits" in page.text_content("#result_list thead")
    assert re.search(r"\$\d", page.inner_text("#result_list tbody"))  # prices as money
    page.locator("#result_list tbody tr th a").first.click()
    page.wait_for_load_state("load")
    body = page.inner_text("#content")
    assert "CPD enabled" in body and "CPD credits" in body and "Price in cents" in body
    assert re.search(r"\$[\d,]+\.\d\d: the amount in cents", body), body[:600]
    assert "ahead of server time" not in body and "behind server time" not in body

    # The superuser sees each persona's world: a user's events, registrations, certificates.
    page.goto(f"{console.base}/open/stmarys/admin/accounts/user/?q=attendee.engaged")
    page.locator("#result_list tbody tr").first.locator("a:has-text('certificates')").click()
    page.wait_for_url(re.compile(r".*/credentials/certificate/\?recipient__id__exact=\d+"))
    assert page.locator("#result_list tbody tr").count() >= 1
    page.screenshot(path=str(SHOTS / "open-persona-certificates.png"))
    context.close()


def test_the_console_keeps_its_snapshot_card_and_banners_current_and_has_its_icon(console, browser, stmarys):
    icon = requests.get(console.base + "/favicon.ico", timeout=30)
    assert icon.status_code == 200 and icon.headers["Content-Type"].startswith("image/svg")
    context, page = signed_in(browser, console, timezone_id=NEW_YORK)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.reload()
    count = int(re.search(r"(\d+) demos?", page.inner_text("#versions")).group(1))

    page.fill(".newdemo input[name=name]", "banners")
    page.click(".newdemo button[name=create]")
    page.wait_for_selector(".job.j-ok:has-text('Made banners')")
    page.wait_for_function(f"document.querySelector('#versions').innerText.includes('{count + 1} demos')")
    for _ in range(3):  # three resets: their banners do not pile up beyond three finished ones
        page.wait_for_selector("#demo-banners button[name=reset]:not([disabled])")
        page.locator("#demo-banners button[name=reset]").click()
        page.wait_for_load_state()
        page.wait_for_selector(".job.j-running", state="detached")
    page.wait_for_selector("#demo-banners button[name=reset]:not([disabled])")
    assert page.locator(".job").count() <= 3
    assert not missing, missing

    page.click("form[action='/logout/'] button")
    sign_in(page)
    page.wait_for_url(console.base + "/")
    assert page.locator(".job").count() == 0  # a new sign-in starts with no old banners
    context.close()
    requests.delete(f"{console.base}/api/demos/banners", headers=console.headers("bob"), timeout=120)
