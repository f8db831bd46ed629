"""The console in a real browser (Debian's Chromium, headless): an anonymous visitor sees the login
form and nothing else; a logged-in sales engineer creates a demo for a prospect and sees it ready
with its live event, resets it, extends it, protects it, copies its URL, reads the persona logins
and drops it. Screenshots go to build/test-artifacts/ (the best are kept in docs/screenshots/)."""

import re

import pytest
import requests

from builder.named.registry import CONTROL
from builder.postgres import conninfo, databases
from tests.support.console import ARTIFACTS, sign_in, signed_in


@pytest.fixture(scope="module")
def neighbours(console):
    """Other demos on the server, as a team has them: one for a call this afternoon, one expiring soon."""
    made = []
    for name, prospect, ttl in (("globex_1400", "Globex Care", "1d"), ("initech", "Initech Medical Group", "7d")):
        answer = requests.post(console.base + "/api/demos", json={"name": name, "prospect": prospect, "ttl": ttl},
                               headers=console.headers("bob"), timeout=120)
        assert answer.status_code == 201, answer.text
        made.append(name)
    # initech has lived most of its week: the last tenth of its life is "expiring".
    with databases.connect(conninfo.with_database(console.server_url, CONTROL)) as conn:
        conn.execute("UPDATE demo SET created_at = now() - interval '6 days 20 hours', "
                     "expires_at = now() + interval '4 hours' WHERE name = 'initech'")
    yield made
    for name in made:
        requests.delete(f"{console.base}/api/demos/{name}", headers=console.headers("bob"), timeout=120)


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)


def test_an_anonymous_visitor_sees_the_login_form_and_nothing_else(console, browser, neighbours):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(console.base + "/")
    assert page.url.startswith(console.base + "/login/")
    assert page.locator("input[name=username]").count() == 1 and page.locator("input[name=password]").count() == 1
    text = page.content()
    assert not any(name in text for name in neighbours) and "Globex" not in text and "postgresql://" not in text
    for path in ("/log", "/api/demos", "/fresh"):
        response = page.goto(console.base + path)
        assert response.status in (200, 401) and "globex" not in page.content().lower(), path
    page.goto(console.base + "/login/")
    sign_in(page, "alice", "wrong-password")
    assert "do not match" in page.inner_text(".flash")
    shot(page, "login")
    page.close()


def test_a_sales_engineer_makes_resets_extends_protects_and_drops_a_demo(console, browser, neighbours):
    context, page = signed_in(browser, console, width=1500, height=950)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=console.base)

    # New: a name, the prospect, an expiry preset; the page stays usable while it is made.
    page.fill(".newdemo input[name=name]", "acme_0930")
    page.fill(".newdemo input[name=prospect]", "Acme Health")
    page.check(".newdemo input[name=ttl][value='1h']")
    page.click(".newdemo button[name=create]")
    page.wait_for_selector(".job:has-text('acme_0930')")
    row = page.locator("#demo-acme_0930")
    row.locator(".badge.b-ready").wait_for()
    assert "Acme Health" in row.inner_text() and "alice" in row.locator("td.who").first.inner_text()
    sees = row.locator("td.sees").inner_text()
    assert re.search(r"^live\b", sees, re.I | re.M), sees  # the product's live event, from its status hook
    assert re.fullmatch(r"in (1 h|59 min)", row.locator("td.expires").inner_text().strip())
    page.wait_for_selector(".job.j-ok:has-text('Made acme_0930')")
    shot(page, "new")

    # Reset: progress while it runs, then "last reset by alice, just now".
    row.locator("button[name=reset]").click()
    page.wait_for_selector(".job:has-text('acme_0930')")
    shot(page, "resetting")
    page.wait_for_selector(".job.j-ok:has-text('Reset acme_0930')")
    row.locator("td.who >> nth=1").filter(has_text="alice").wait_for()
    assert "just now" in row.locator("td.who").nth(1).inner_text()

    # Extend by a day: 1 h + 1 d.
    row.locator("details.menu summary:has-text('Extend')").click()
    row.locator("button[name=extend][value='1d']").click()
    page.wait_for_selector(".flash:has-text('acme_0930 now expires in 25 h')")
    assert "in 25 h" in page.locator("#demo-acme_0930 td.expires").inner_text()

    # Protect from clean-up.
    page.locator("#demo-acme_0930 details.menu summary[aria-label='More actions']").click()
    page.locator("#demo-acme_0930 button[name=protect]").click()
    page.wait_for_selector(".flash:has-text('protected from clean-up')")
    assert "protected" in page.locator("#demo-acme_0930 td.name").inner_text()

    # Copy the connection URL; read the persona logins.
    page.locator("#demo-acme_0930 details.menu summary[aria-label='More actions']").click()
    page.locator("#demo-acme_0930 button.copy-url").click()
    page.wait_for_selector("#toast.show:has-text('copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert conninfo.params(copied)["user"] == "acme_0930" and conninfo.params(copied)["password"]
    page.locator("#demo-acme_0930 details.menu summary[aria-label='More actions']").click()
    page.locator("#demo-acme_0930 button.show-logins").click()
    dialog = page.locator("dialog#logins")
    assert dialog.is_visible() and dialog.locator("tbody tr").count() >= 3 and "password" in dialog.inner_text()
    page.screenshot(path=str(ARTIFACTS / "console-logins.png"))
    dialog.locator("button:has-text('Close')").click()
    page.wait_for_function("!document.querySelector('#toast').classList.contains('show')")
    page.wait_for_timeout(400)  # its fade
    shot(page, "page")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "console-demos.png"))  # the first screen, as a person sees it

    # Drop, confirmed in a dialog.
    page.locator("#demo-acme_0930 details.menu summary[aria-label='More actions']").click()
    page.locator("#demo-acme_0930 button.ask-drop").click()
    page.locator("dialog#drop button[name=drop]").click()
    page.wait_for_selector(".job.j-ok:has-text('Dropped acme_0930')")
    page.locator("#demo-acme_0930").wait_for(state="detached")
    activity = page.locator("#log").inner_text()
    for action in ("new", "reset", "extend", "protect", "drop"):
        assert re.search(rf"alice\s+{action}\s+acme_0930", activity), (action, activity)
    context.close()
