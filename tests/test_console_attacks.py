"""The console under attack, on a real server over real HTTP: tokens that can be revoked, expire, and
die with a password change or a disabled user; a login throttle that slows a guesser without locking
the user out from elsewhere; bodies refused before they are read; JSON for every API answer;
`--by` refused when it is not printable, and `demo.log` escaping what it prints."""

import json
import os
import re
import socket
import tempfile
import time
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from builder.named.registry import CONTROL
from builder.postgres import conninfo, databases
from tests.support.commands import invoke, one_sentence
from tests.support.console import CONSOLE_PASSWORD

NEW_PASSWORD = "console-other-pass"


class FromAddress(HTTPAdapter):
    """Requests that leave from another loopback address (127.0.0.2 is this machine too)."""

    def __init__(self, source: str):
        self.source = source
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


def browser_from(source: str = "127.0.0.1") -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(source))
    return session


def sign_in(session: requests.Session, base: str, username: str, password: str, headers=None) -> requests.Response:
    """The login form as a browser posts it (its CSRF token first); 302 signed in, 200 wrong, 429 wait."""
    form = session.get(base + "/login/", timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    return session.post(base + "/login/", data={"username": username, "password": password,
                                                "csrfmiddlewaretoken": token},
                        headers={"Referer": base + "/login/", **(headers or {})}, timeout=30, allow_redirects=False)


def console_user(console, *args: str, password: str = CONSOLE_PASSWORD):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CPD_DEMO_CONSOLE_PASSWORD"] = password
    return invoke(*args, "--server", console.server_url, env=env)


def token_of(made) -> str:
    assert made.returncode == 0, made.stderr
    return made.stdout.splitlines()[-1]


def status(console, token: str) -> int:
    return requests.get(console.base + "/api/demos", headers={"Authorization": f"Bearer {token}"},
                        timeout=30).status_code


def json_error(response: requests.Response, code: int, expected: str) -> str:
    assert response.status_code == code, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    message = response.json()["error"]
    assert expected in message and "\n" not in message and "Traceback" not in message, message
    return message


def test_tokens_are_revoked_expire_and_die_with_a_password_change_or_a_disabled_user(console):
    first = token_of(console_user(console, "console.adduser", "--username", "carol", "--token"))
    kept = console_user(console, "console.adduser", "--username", "carol", "--token")
    assert "has that password already" in kept.stdout and "1 API token(s) are kept" in kept.stdout, kept.stdout
    second = token_of(kept)
    brief = token_of(console_user(console, "console.adduser", "--username", "carol", "--token", "--expires", "10s"))
    made_at = time.monotonic()  # it expires before made_at + 10 s (it was issued before the command returned)
    assert status(console, first) == status(console, brief) == status(console, second) == 200

    listed = console_user(console, "console.users")
    assert listed.returncode == 0, listed.stderr
    carol = listed.stdout[listed.stdout.index("carol"):]
    for token in (first, brief, second):
        assert token[:12] in carol and token not in listed.stdout  # named by its start, never shown whole
    assert re.search(r"^alice\s+active\s+last login", listed.stdout, re.M), listed.stdout
    assert "last used 20" in carol and re.search(r"expire[sd] 20", carol) and "no expiry" in carol

    time.sleep(max(0.0, made_at + 10.5 - time.monotonic()))
    expired = requests.get(console.base + "/api/demos", headers={"Authorization": f"Bearer {brief}"}, timeout=30)
    json_error(expired, 401, "expired")

    revoked = console_user(console, "console.revoke", "--username", "carol", "--token", first[:12])
    assert revoked.returncode == 0 and "revoked 1 API token(s) of carol" in revoked.stdout, revoked.stdout
    assert status(console, first) == 401 and status(console, second) == 200
    one_sentence(console_user(console, "console.revoke", "--username", "carol", "--token", "cpdc_nope"),
                 "has no API token starting")
    one_sentence(console_user(console, "console.revoke", "--username", "nosuch"), "There is no console user")
    one_sentence(console_user(console, "console.adduser", "--username", "carol", "--expires", "soon", "--token"),
                 "--expires")

    browser = browser_from()
    assert sign_in(browser, console.base, "carol", CONSOLE_PASSWORD).status_code == 302
    assert browser.get(console.base + "/api/demos", timeout=30).status_code == 200
    disabled = console_user(console, "console.disable", "--username", "carol")
    assert disabled.returncode == 0 and "disabled the console user carol" in disabled.stdout, disabled.stdout
    assert status(console, second) == 401
    assert browser.get(console.base + "/api/demos", timeout=30).status_code == 401  # its session too
    assert sign_in(browser_from(), console.base, "carol", CONSOLE_PASSWORD).status_code == 200  # refused
    assert "DISABLED" in console_user(console, "console.users").stdout
    assert console_user(console, "console.enable", "--username", "carol").returncode == 0
    assert status(console, second) == 200

    browser = browser_from()
    assert sign_in(browser, console.base, "carol", CONSOLE_PASSWORD).status_code == 302
    changed = console_user(console, "console.adduser", "--username", "carol", password=NEW_PASSWORD)
    assert changed.returncode == 0, changed.stderr
    assert "sessions are ended and its 2 API token(s) revoked" in changed.stdout, changed.stdout  # one had expired
    assert status(console, second) == 401
    assert browser.get(console.base + "/api/demos", timeout=30).status_code == 401
    assert sign_in(browser_from(), console.base, "carol", NEW_PASSWORD).status_code == 302


def test_a_user_guessed_at_from_one_address_still_signs_in_from_another(console):
    assert console_user(console, "console.adduser", "--username", "dave").returncode == 0
    desk = browser_from("127.0.0.1")  # dave's own browser, at the address the guesser will use
    assert sign_in(desk, console.base, "dave", CONSOLE_PASSWORD).status_code == 302
    desk.cookies.pop("cpd_console_session")  # signed out (the browser stays known)
    guesser = browser_from("127.0.0.1")
    answers = [sign_in(guesser, console.base, "dave", f"guess-{n}").status_code for n in range(7)]
    assert answers == [200] * 5 + [429] * 2, answers
    # A forged proxy header changes nothing: no trusted proxy is configured.
    forged = sign_in(guesser, console.base, "dave", CONSOLE_PASSWORD, headers={"X-Forwarded-For": "127.0.0.9"})
    assert forged.status_code == 429
    # dave from elsewhere: the right password, heard at once.
    started = time.monotonic()
    elsewhere = sign_in(browser_from("127.0.0.2"), console.base, "dave", CONSOLE_PASSWORD)
    assert elsewhere.status_code == 302 and elsewhere.headers["Location"] == "/", elsewhere.status_code
    assert time.monotonic() - started < 2
    # dave at his own desk, the guesser's address: his browser is known, so he is heard too.
    assert sign_in(desk, console.base, "dave", CONSOLE_PASSWORD).status_code == 302
    # A mark the guesser makes up is not believed: it is signed.
    guesser.cookies.set("cpd_console_device", "eyJ1IjoiZGF2ZSIsIm4iOiJ4In0:forged:signature")
    assert sign_in(guesser, console.base, "dave", "guess-again").status_code == 429
    # Nor does anyone else at the guesser's address wait for his guesses.
    assert sign_in(browser_from("127.0.0.1"), console.base, "alice", CONSOLE_PASSWORD).status_code == 302


def console_pid(console) -> int:
    port = console.base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"builder.console" in args and b"serve" in args and port.encode() in args:
                return int(entry.name)
    raise AssertionError("the console's process was not found")


def spooled(pid: int) -> list[str]:
    """Files the process holds in the temporary directory, deleted or not (waitress's spooled bodies)."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(tempfile.gettempdir() + "/tmp") or target.endswith("(deleted)"):
            found.append(target)
    return found


def raw(console, head: str, body_chunks=(), wait: float = 5) -> tuple[bytes, float]:
    """Send a request's head (and then what body it can), return the answer and how long it took."""
    port = int(console.base.rsplit(":", 1)[1])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(head.encode())
        for chunk in body_chunks:
            try:
                sock.sendall(chunk)
            except OSError:  # the console answered and closed: the rest is never read
                break
        answer = b""
        try:
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                got = sock.recv(65536)
                if not got:
                    break
                answer += got
        except (TimeoutError, ConnectionResetError):
            pass
    return answer, time.monotonic() - started


def test_a_50_mb_unauthenticated_post_is_refused_at_once_with_nothing_spooled(console):
    pid = console_pid(console)
    before = spooled(pid)
    head = ("POST /api/demos HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {50 * 1024 * 1024}\r\n\r\n")
    answer, took = raw(console, head)  # not a byte of the body sent: the answer comes on the head alone
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"application/json" in answer and b'"error": "The request body is larger' in answer, answer
    assert took < 2, took
    # A body that does not say its length (chunked) is cut off at the limit, held in memory.
    chunk = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
    head = "POST /api/demos HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    answer, took = raw(console, head, (chunk for _ in range(48)))
    assert answer.startswith(b"HTTP/1.1 413") and b"application/json" in answer, answer[:200]
    assert spooled(pid) == before, spooled(pid)
    # And the console still answers.
    assert requests.get(console.base + "/api/demos", headers=console.headers(), timeout=30).status_code == 200


def test_every_api_answer_is_json(console):
    auth = console.headers()
    json_error(requests.get(console.base + "/api/nosuch", headers=auth, timeout=30), 404, "/api/nosuch")
    json_error(requests.get(console.base + "/api/demos/a/b/c", timeout=30), 404, "There is no /api/demos/a/b/c")
    deep = "[" * 100_000 + "]" * 100_000
    json_error(requests.post(console.base + "/api/demos", data=deep, timeout=30,
                             headers={**auth, "Content-Type": "application/json"}), 400, "nests deeper")
    value: object = 1
    for _ in range(20):
        value = [value]
    nested = json.dumps({"name": "x", "ttl": value, "note": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})
    json_error(requests.post(console.base + "/api/demos", data=nested, timeout=30,
                             headers={**auth, "Content-Type": "application/json"}), 400, "nests deeper")
    answer, _ = raw(console, "POST /api/demos HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000000\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"].startswith("The request body is larger")
    json_error(requests.get(console.base + "/api/demos", headers={**auth, "Host": "evil.example"}, timeout=30), 400,
               "cannot read that request")  # a host it does not answer to
    page = requests.get(console.base + "/nosuch", timeout=30)
    assert page.status_code == 404 and "text/html" in page.headers["Content-Type"]


def test_by_must_be_printable_and_the_log_prints_escaped(console):
    server_flag = ("--server", console.server_url)
    one_sentence(invoke("demo.extend", "--name", "nosuch", *server_flag, "--by", "mallory\n2026-01-01 forged line"),
                 "--by must be printable text")
    one_sentence(invoke("demo.gc", *server_flag, "--by", "\x1b[2J\x1b[31mred"), "--by must be printable text")
    one_sentence(invoke("demo.gc", *server_flag, "--by", "x" * 65), "--by must be 1 to 64 characters")
    one_sentence(invoke("demo.gc", *server_flag, "--by", " "), "--by must be 1 to 64 characters")
    # A line written before names were checked (or by another tool) is shown escaped.
    with databases.connect(conninfo.with_database(console.server_url, CONTROL)) as conn:
        conn.execute("INSERT INTO usage (by, action, demo, seconds, ok, detail) VALUES "
                     "(%s, 'gc', NULL, 0.1, true, %s)", ("old\x1b[31m\nforged", "bell\x07 and\r\nmore"))
    shown = invoke("demo.log", *server_flag)
    assert shown.returncode == 0, shown.stderr
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout and "\r" not in shown.stdout
    assert "old\\x1b[31m\\nforged" in shown.stdout and "bell\\x07 and\\r\\nmore" in shown.stdout, shown.stdout


def test_the_fixed_console_task_names_and_flags_exist():
    """SPEC §9 names them: scripts outside the project call them."""
    import inspect

    import tasks

    fixed = {"console.serve": {"server", "host", "port"}, "console.adduser": {"username", "server", "token"},
             "console.revoke": {"username"}, "console.disable": {"username"}, "console.enable": {"username"},
             "console.users": set()}
    for name, flags in fixed.items():
        assert name in tasks.ns.task_names, name
        assert flags <= set(inspect.signature(tasks.ns[name].body).parameters), name
