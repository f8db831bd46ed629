"""pretix as its users reach it: its REST API and its pages, served by its own code on 127.0.0.1,
read with the standard library (what tests/test_plugin_pretix.py checks a restored demo through)."""

import http.cookiejar
import json
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime

from tests.support.commands import wait_for_port
from tests.support.project import PROJECT

PRETIX = PROJECT / "examples" / "pretix"
CONFIG = PRETIX / "cpd-demo.toml"
sys.path.insert(0, str(PRETIX))
from pretix_demo import keys  # noqa: E402  (the demo's fixed names and seed-derived keys: stdlib only)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Site:
    """One pretix server on 127.0.0.1:`port`; `seed` gives the demo's tokens."""

    def __init__(self, port: int, seed: int):
        self.base, self.seed = f"http://127.0.0.1:{port}", seed
        self.org = f"/api/v1/organizers/{keys.ORGANIZER}"

    def request(self, path: str, headers: dict | None = None, data: bytes | None = None,
                opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of one request, redirects not followed."""
        opener = opener or urllib.request.build_opener(_NoRedirect())
        req = urllib.request.Request(self.base + path, headers=headers or {}, data=data)
        try:
            with opener.open(req, timeout=60) as resp:
                return resp.status, resp.headers.get("Location") or "", resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location") or "", exc.read().decode("utf-8", "replace")

    def api(self, path: str) -> dict:
        """GET from pretix's REST API with the organizer team's token."""
        status, _, body = self.request(self.org + path, {"Authorization": f"Token {keys.team_token(self.seed)}"})
        assert status == 200, (path, status, body[:300])
        return json.loads(body)

    def events(self) -> dict[str, dict]:
        return {e["slug"]: e for e in self.api("/events/")["results"]}

    def subevents(self, event: str) -> list[dict]:
        return self.api(f"/events/{event}/subevents/?limit=200")["results"]

    def order(self, event: str, code: str) -> dict:
        return self.api(f"/events/{event}/orders/{code}/")

    def checkin_rules(self, event: str) -> dict:
        return self.api(f"/events/{event}/checkinlists/")["results"][0]["rules"]

    def bearer(self, token: str) -> int:
        """The status of an API call with an OAuth access token."""
        return self.request("/api/v1/organizers/", {"Authorization": f"Bearer {token}"})[0]

    def voucher(self, event: str, code: str) -> tuple[int, str]:
        status, location, _ = self.request(f"/{keys.ORGANIZER}/{event}/redeem?voucher={code}")
        return status, location

    def with_session(self, key: str) -> tuple[int, str]:
        """The control panel with the session cookie a login once had."""
        status, location, _ = self.request("/control/", {"Cookie": f"pretix_session={key}"})
        return status, location

    def login(self, email: str, password: str) -> tuple[int, str, str]:
        """pretix's login form, as a browser fills it in: (status, Location, the dashboard's body)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
        _, _, page = self.request("/control/login", opener=opener)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:300]
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "email": email,
                                       "password": password}).encode()
        status, location, _ = self.request("/control/login", {"Referer": self.base + "/control/login"}, form, opener)
        _, _, dashboard = self.request("/control/", opener=opener)
        return status, location, dashboard


def serve(port: int, env: dict, *target: str) -> subprocess.Popen:
    """pretix's own pages through the engine (`invoke demo.admin --config … TARGET --port P`), answering.
    TARGET: `--database-url URL`, or `--name NAME --server URL` for a named demo."""
    log = tempfile.TemporaryFile("w+")  # its request log: a pipe nobody reads would fill and stop it
    proc = subprocess.Popen([sys.executable, "-m", "invoke", "demo.admin", "--config", str(CONFIG), *target,
                             "--port", str(port)], cwd=PROJECT, env=env, stdout=log, stderr=log, text=True)
    try:
        wait_for_port(port, timeout=60)
    except OSError:
        proc.kill()
        proc.wait()
        log.seek(0)
        raise AssertionError(f"pretix did not start: {log.read()[-2000:]}") from None
    proc.log = log  # type: ignore[attr-defined]
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.log.close()  # type: ignore[attr-defined]
