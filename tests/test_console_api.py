"""The console's JSON API on a real server: every route, anonymous clients, bad input, a busy demo,
two people resetting one demo, a reset while a buyer's client is connected, the login throttle,
CSRF on a session, and the usage log of console and command-line actions with who did them."""

import re
import threading
import time

import psycopg
import pytest
import requests

from builder.postgres import conninfo, locks, marks
from tests.support.builds import build_snapshot
from tests.support.commands import invoke, one_sentence
from tests.support.console import CONSOLE_PASSWORD

ROUTES = [("GET", "/api/demos"), ("POST", "/api/demos"), ("GET", "/api/demos/api_one"),
          ("DELETE", "/api/demos/api_one"), ("POST", "/api/demos/api_one/reset"),
          ("POST", "/api/demos/api_one/extend"), ("POST", "/api/demos/api_one/protect"), ("GET", "/api/log")]


def call(console, method: str, path: str, user: str | None = "alice", json=None, headers=None,
         **kwargs) -> requests.Response:
    headers = {**(console.headers(user) if user else {}), **(headers or {})}
    return requests.request(method, console.base + path, headers=headers, json=json, timeout=120,
                            allow_redirects=False, **kwargs)


def error_of(response: requests.Response, status: int, expected: str) -> str:
    """The answer was JSON with one sentence containing `expected`, with `status`."""
    assert response.status_code == status, (response.status_code, response.text)
    message = response.json()["error"]
    assert expected in message and "\n" not in message and "Traceback" not in message, message
    return message


@pytest.fixture(scope="module")
def api_one(console):
    made = call(console, "POST", "/api/demos", json={"name": "api_one", "prospect": "Acme Health", "ttl": "1h"})
    assert made.status_code == 201, made.text
    yield made.json()["demo"]
    call(console, "DELETE", "/api/demos/api_one")


def test_anonymous_clients_get_401_and_nothing_about_demos(console, api_one):
    for method, path in ROUTES:
        answer = call(console, method, path, user=None, json={"name": "x"})
        error_of(answer, 401, "Log in first")
        assert "api_one" not in answer.text and "Acme" not in answer.text
    error_of(call(console, "GET", "/api/demos", user=None, headers={"Authorization": "Bearer nope"}), 401,
             "That API token is not valid")
    for path in ("/", "/log", "/fresh", "/demos/api_one/url", "/jobs/x"):
        answer = requests.get(console.base + path, allow_redirects=False, timeout=30)
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login/"), (path, answer.status_code)
    login = requests.get(console.base + "/login/", timeout=30)
    assert login.status_code == 200 and 'name="username"' in login.text and 'name="password"' in login.text
    assert "api_one" not in login.text and "Acme" not in login.text and "postgresql://" not in login.text
    forged = requests.post(console.base + "/demos/api_one/reset", timeout=30, allow_redirects=False)
    assert forged.status_code in (302, 403) and "api_one" not in forged.text


def test_every_route_with_a_token(console, api_one):
    assert api_one["status"] == "ready" and api_one["created_by"] == "alice" and api_one["prospect"] == "Acme Health"
    assert any(line.startswith("live") for line in api_one["shows"]), api_one["shows"]  # the product's status hook
    listed = call(console, "GET", "/api/demos").json()["demos"]
    row = next(d for d in listed if d["name"] == "api_one")
    for key in ("name", "prospect", "version", "status", "created_by", "created_at", "reset_by", "reset_at",
                "expires_at", "size_bytes", "connections"):
        assert key in row, key
    assert row["size_bytes"] > 1_000_000 and row["connections"] == 0
    reset = call(console, "POST", "/api/demos/api_one/reset", user="bob")
    assert reset.status_code == 200 and reset.json()["demo"]["reset_by"] == "bob"
    before = reset.json()["demo"]["expires_at"]
    extended = call(console, "POST", "/api/demos/api_one/extend", json={"ttl": "1d"}).json()["demo"]
    assert extended["expires_at"] > before
    assert call(console, "POST", "/api/demos/api_one/protect").json()["demo"]["protected"] is True
    assert call(console, "POST", "/api/demos/api_one/protect", json={"protected": False}).json()["demo"]["protected"] \
        is False
    assert call(console, "GET", "/api/demos/api_one").json()["demo"]["name"] == "api_one"
    made = call(console, "POST", "/api/demos", json={"name": "api_two"})  # expiry on by default
    assert made.status_code == 201 and made.json()["demo"]["expires_at"]
    assert call(console, "DELETE", "/api/demos/api_two").json() == {"dropped": "api_two"}
    error_of(call(console, "GET", "/api/demos/api_two"), 404, "There is no demo named api_two")
    entries = call(console, "GET", "/api/log?demo=api_one").json()["entries"]
    assert [(e["action"], e["by"], e["ok"]) for e in entries[:4]] == [
        ("unprotect", "alice", True), ("protect", "alice", True), ("extend", "alice", True), ("reset", "bob", True)]
    assert set(entries[0]) == {"at", "by", "action", "demo", "seconds", "ok", "detail"}


def test_bad_input_is_400_and_an_unknown_demo_404(console, api_one):
    error_of(call(console, "POST", "/api/demos", json={"name": "Bad-Name"}), 400, "Demo names are lowercase")
    error_of(call(console, "POST", "/api/demos", json={"name": "ok_name", "ttl": "soon"}), 400, "is not a duration")
    error_of(call(console, "POST", "/api/demos", json={"name": "ok_name", "prospect": "A\x1b[31mB"}), 400, "plain text")
    error_of(call(console, "POST", "/api/demos", json={"name": 7}), 400, '"name" must be a string')
    error_of(call(console, "POST", "/api/demos", json={"name": "api_one"}), 400, "exists already")
    error_of(call(console, "POST", "/api/demos", data=b"{not json", headers={"Content-Type": "application/json"}),
             400, "JSON object")
    error_of(call(console, "POST", "/api/demos/api_one/extend", json={"ttl": "0s"}), 400, "is not a duration")
    error_of(call(console, "POST", "/api/demos/api_one/protect", json={"protected": "yes"}), 400, "true or false")
    error_of(call(console, "POST", "/api/demos/Bad-Name/reset"), 400, "Demo names are lowercase")
    error_of(call(console, "GET", "/api/log?demo=Bad-Name"), 400, "Demo names are lowercase")
    for method, path in ROUTES[2:7]:
        error_of(call(console, method, path.replace("api_one", "nosuch"), json={"ttl": "1h"}), 404,
                 "There is no demo named nosuch")
    error_of(call(console, "PUT", "/api/demos"), 405, "answers GET and POST only")


def test_a_demo_another_action_holds_is_409_naming_who(console, api_one):
    held = locks.take_or_refuse(conninfo.with_database(console.server_url, marks.CONTROL), "api_one",
                                doing="resetting by carol")
    try:
        for method, path in (("POST", "/api/demos/api_one/reset"), ("DELETE", "/api/demos/api_one")):
            message = error_of(call(console, method, path), 409, "carol is resetting api_one")
            assert "try again" in message
        row = next(d for d in call(console, "GET", "/api/demos").json()["demos"] if d["name"] == "api_one")
        assert row["status"] == "busy" and row["busy_with"] == "resetting by carol"
    finally:
        held.release()
    refused = call(console, "GET", "/api/log?demo=api_one").json()["entries"][0]
    assert (refused["action"], refused["ok"]) == ("drop", False) and "carol is resetting" in refused["detail"]


def test_two_people_resetting_one_demo_one_runs_the_other_is_told_who(console, api_one):
    answers = {}

    def reset_as(user: str) -> None:
        answers[user] = call(console, "POST", "/api/demos/api_one/reset", user=user)

    first = threading.Thread(target=reset_as, args=("alice",))
    first.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # bob clicks while alice's reset is running
        row = next(d for d in call(console, "GET", "/api/demos", user="bob").json()["demos"] if d["name"] == "api_one")
        if row["busy_with"]:
            break
    reset_as("bob")
    first.join()
    assert answers["alice"].status_code == 200, answers["alice"].text
    error_of(answers["bob"], 409, "alice is resetting api_one")


def test_a_reset_while_a_buyers_client_is_connected_ends_it_and_the_log_says_so(console, api_one):
    url = invoke("demo.url", "--name", "api_one", "--server", console.server_url).stdout.splitlines()[-1]
    buyer = psycopg.connect(url, autocommit=True)
    reset = call(console, "POST", "/api/demos/api_one/reset")
    assert reset.status_code == 200 and reset.json()["ended_sessions"] == 1
    with pytest.raises(psycopg.OperationalError):
        buyer.execute("SELECT 1")
    buyer.close()
    entry = call(console, "GET", "/api/log?demo=api_one").json()["entries"][0]
    assert entry["action"] == "reset" and "ended 1 open session(s)" in entry["detail"]


def test_the_usage_log_records_console_and_cli_actions_with_who(console, api_one):
    server = ("--server", console.server_url)
    assert invoke("demo.reset", "--name", "api_one", *server, "--by", "dave").returncode == 0
    assert invoke("demo.extend", "--name", "api_one", "--ttl", "1h", *server).returncode == 0  # the OS user
    assert invoke("demo.protect", "--name", "api_one", *server, "--by", "erin").returncode == 0
    one_sentence(invoke("demo.extend", "--name", "nosuch", *server), "There is no demo named nosuch")
    assert invoke("demo.gc", *server, "--by", "nightly").returncode == 0
    kept = invoke("demo.keep-live", *server, "--rounds", "1", "--every", "1s", "--by", "cron")
    assert kept.returncode == 0, kept.stderr
    shown = invoke("demo.log", "--name", "api_one", *server)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].split()[:4] == ["WHEN", "WHO", "ACTION", "DEMO"]
    assert re.search(r"\bdave\s+reset\s+api_one\s+[\d.]+\s+ok", shown.stdout), shown.stdout
    assert re.search(r"\berin\s+protect\s+api_one\s+[\d.]+\s+ok", shown.stdout), shown.stdout
    assert re.search(r"\balice\s+new\s+api_one\s+[\d.]+\s+ok: for Acme Health", shown.stdout), shown.stdout
    entries = call(console, "GET", "/api/log").json()["entries"]
    whos = {(e["by"], e["action"]) for e in entries}
    assert {("dave", "reset"), ("erin", "protect"), ("nightly", "gc"), ("alice", "new"), ("cron", "keep-live")} <= whos
    round_ = next(e for e in entries if e["action"] == "keep-live")
    assert re.match(r"round 1: rebased \d+ of \d+ demo\(s\)", round_["detail"]) and round_["demo"] is None
    import getpass
    assert (getpass.getuser(), "extend") in whos
    invoke("demo.protect", "--name", "api_one", "--off", *server)


def test_a_session_needs_its_csrf_token_and_wrong_passwords_are_slowed_down(console, api_one):
    browser = requests.Session()
    form = browser.get(console.base + "/login/", timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    logged = browser.post(console.base + "/login/", data={"username": "alice", "password": CONSOLE_PASSWORD,
                                                          "csrfmiddlewaretoken": token}, timeout=30)
    assert logged.status_code == 200 and "api_one" in logged.text  # the page, after the redirect
    assert browser.get(console.base + "/api/demos", timeout=30).status_code == 200
    error_of(browser.post(console.base + "/api/demos/api_one/protect", json={"protected": False}, timeout=30), 403,
             "CSRF")
    page_token = re.search(r'name="csrf-token" content="([^"]+)"', logged.text).group(1)
    ok = browser.post(console.base + "/api/demos/api_one/protect", json={"protected": False}, timeout=30,
                      headers={"X-CSRFToken": page_token, "Referer": console.base + "/"})
    assert ok.status_code == 200, ok.text
    assert browser.post(console.base + "/demos/api_one/reset", timeout=30).status_code == 403  # a form without it
    guesser = requests.Session()
    started = time.monotonic()
    for attempt in range(6):
        form = guesser.get(console.base + "/login/", timeout=30).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        answer = guesser.post(console.base + "/login/", data={"username": "bob", "password": f"guess-{attempt}",
                                                              "csrfmiddlewaretoken": token}, timeout=30)
        assert answer.status_code == (200 if attempt < 5 else 429), (attempt, answer.status_code)
    assert "Too many wrong passwords" in answer.text and time.monotonic() - started >= 2.5
    right = guesser.post(console.base + "/login/", data={"username": "bob", "password": CONSOLE_PASSWORD,
                                                         "csrfmiddlewaretoken": token}, timeout=30)
    assert right.status_code == 429  # even the right password waits its turn


def test_moving_a_demo_to_the_newest_snapshot(console, api_one):
    before = call(console, "GET", "/api/demos/api_one").json()["demo"]["version"]
    newer = build_snapshot(console.snapshots, seed=777).version  # the nightly build publishes a new version
    moved = call(console, "POST", "/api/demos/api_one/reset", json={"version": "newest"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["demo"]["version"] == newer != before
    error_of(call(console, "POST", "/api/demos/api_one/reset", json={"version": "20990101T000000Z-deadbeef"}), 400,
             "20990101T000000Z-deadbeef")
    entry = call(console, "GET", "/api/log?demo=api_one").json()["entries"][1]
    assert entry["action"] == "reset" and f"moved from {before} to {newer}" in entry["detail"]
