"""The console as the tests reach it: served on the session's cluster (the `console` fixture), its
users' password, and a sales engineer signed in to it in headless Chromium."""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.project import PROJECT

CONSOLE_PASSWORD = "console-test-pass"
ARTIFACTS = Path(os.environ.get("CPD_DEMO_TEST_ARTIFACTS", PROJECT / "build" / "test-artifacts"))
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT = 60_000  # ms: a first demo restores its template once


class Console:
    """A console served on the session's cluster: its base URL, its users' API tokens, its snapshots."""

    def __init__(self, base: str, tokens: dict[str, str], snapshots: Path, server_url: str):
        self.base, self.tokens, self.snapshots, self.server_url = base, tokens, snapshots, server_url

    def headers(self, user: str = "alice") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}


@contextlib.contextmanager
def chromium() -> Iterator:
    """Debian's Chromium, headless, through Playwright (skips the test without either)."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def signed_in(browser, console: Console, width: int = 1400, height: int = 900, user: str = "alice", **context):
    """A new browser context signed in to the console as `user` (its list in front): (context, page).
    `context`: more of Playwright's context options (a time zone, permissions)."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, **context)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(console.base + "/")
    sign_in(page, user)
    page.wait_for_url(console.base + "/")
    return ctx, page


def sign_in(page, user: str = "alice", password: str = CONSOLE_PASSWORD) -> None:
    """The console's sign-in form, on the page now, filled in and sent."""
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
