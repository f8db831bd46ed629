"""The connection budget on a small managed-shaped server (max_connections 20: 3 for superusers, 10
kept for the tool and the console, 7 for demos): the demos' logins never hold more between them,
a new demo that does not fit is refused in one sentence, the console's API answers 503, and
demo.list says where the budget stands."""

import os
import subprocess
import sys

import pytest
import requests

from builder.postgres.embedded import EmbeddedPostgres, free_port
from tests.support.commands import invoke, one_sentence, wait_for_port
from tests.support.console import ARTIFACTS, CONSOLE_PASSWORD, chromium, sign_in
from tests.support.postgres import Managed, one
from tests.support.project import PROJECT


@pytest.fixture(scope="module")
def small():
    with EmbeddedPostgres(settings=("max_connections=20",)) as cluster:
        yield Managed(cluster)


def limits(small: Managed) -> dict[str, int]:
    rows = one(small.url(), "SELECT coalesce(json_object_agg(rolname, rolconnlimit), '{}') FROM pg_roles "
                            "WHERE shobj_description(oid, 'pg_authid') = 'cpd-demo-db named demo login'")
    return dict(rows)


def test_the_demos_logins_never_hold_more_than_the_server_gives_them(small, built, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CPD_DEMO_CONNECTION_LIMIT"] = "3"
    for name in ("b_one", "b_two"):
        made = invoke("demo.new", "--name", name, "--server", small.url(), "--from", str(built), env=env)
        assert made.returncode == 0, made.stderr
    full = invoke("demo.new", "--name", "b_three", "--server", small.url(), "--from", str(built), env=env)
    one_sentence(full, "The server is full: its 2 demo login(s) may hold 6 of the 7 connections it gives demos")
    assert "b_three" not in limits(small)
    listed = invoke("demo.list", "--server", small.url(), env=env)
    assert "the demos' 2 login(s) may hold 6 of the 7 this server gives demos (20 max_connections" in listed.stdout
    assert "1 free" in listed.stdout
    # A reset asking for more gets what the others leave: 7 - 3.
    env["CPD_DEMO_CONNECTION_LIMIT"] = "5"
    reset = invoke("demo.reset", "--name", "b_one", "--server", small.url(), env=env)
    assert reset.returncode == 0, reset.stderr
    assert limits(small) == {"b_one": 4, "b_two": 3}
    assert sum(limits(small).values()) <= 7

    # The console's API on the same server: 503, with the same sentence.
    env["CPD_DEMO_CONNECTION_LIMIT"] = "3"
    env["CPD_DEMO_CONSOLE_PASSWORD"] = CONSOLE_PASSWORD
    made = invoke("console.adduser", "--username", "alice", "--server", small.url(), "--token", env=env)
    assert made.returncode == 0, made.stderr
    token = made.stdout.splitlines()[-1]
    port = free_port()
    with open(tmp_path / "console.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "invoke", "console.serve", "--server", small.url(), "--port",
                                 str(port), "--from", str(built)], cwd=PROJECT, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for_port(port, timeout=60)
            answer = requests.post(f"http://127.0.0.1:{port}/api/demos", json={"name": "b_three"}, timeout=120,
                                   headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 503, answer.text
            message = answer.json()["error"]
            assert message.startswith("The server is full") and "\n" not in message, message
            auth = {"Authorization": f"Bearer {token}"}
            listed = requests.get(f"http://127.0.0.1:{port}/api/demos", timeout=60, headers=auth)
            assert sorted(d["name"] for d in listed.json()["demos"]) == ["b_one", "b_two"]
            # The budget as demo.list gives it: b_one 4 (after its reset), b_two 3, of 7.
            assert listed.json()["budget"] == {"used": 7, "limit": 7, "free": 0, "logins": 2, "reserve": 10,
                                               "superusers": 3, "max_connections": 20}
            page_shows_the_budget(f"http://127.0.0.1:{port}", "7 of 7 connections for demos used · 0 free")
            # The rest of the API on the managed admin login: reset, drop, and a new demo once there is room.
            base = f"http://127.0.0.1:{port}/api/demos"
            assert requests.post(f"{base}/b_one/reset", timeout=120, headers=auth).status_code == 200
            assert requests.delete(f"{base}/b_two", timeout=120, headers=auth).status_code == 200
            made = requests.post(base, json={"name": "b_three"}, timeout=120, headers=auth)
            assert made.status_code == 201, made.text
            assert limits(small) == {"b_one": 3, "b_three": 3}  # the console asks for 3 each
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def page_shows_the_budget(base: str, expected: str) -> None:
    """The console's page, in headless Chromium, shows the budget beside the demos' summary (full: in red)."""
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 700})
        page.goto(base + "/")
        sign_in(page)
        page.wait_for_url(base + "/")
        budget = page.locator("#summary .budget")
        assert expected in budget.inner_text()
        assert "full" in (budget.get_attribute("class") or "")
        assert "20 max_connections, less 3 for superusers and 10 for the tool" in budget.get_attribute("title")
        page.screenshot(path=str(ARTIFACTS / "console-budget.png"))
