"""The engine's runner inside a project's own Django: where seeding through the Django ORM starts.

The host never imports Django. It runs this one file by its path with the project's interpreter
(its own virtualenv, its own Django) and hands it a request as JSON on stdin, so no secret is on a
command line or in the environment of another process:

    {"action": "migrate" | "seed" | "serve",
     "project": {"settings", "path": [DIR], "overrides": {}, "database": {}, "host", "home", "timezone",
                 "scenario": {"command": [...], "callable", "env": {}}},
     "database": {NAME, USER, PASSWORD, HOST, PORT}, "media_root": DIR,
     "seed": N, "scale": N, "anchor": ISO, "password": P, "port": N, "now": ISO,
     "prefix": "/open/NAME", "cookies": TAG, "watch_parent": true}

Before Django starts, the project's settings get the engine's database as their whole default entry
(ENGINE, NAME, OPTIONS, TEST: nothing of the project's own), the config's database settings over
it, that media directory and the config's overrides (a mail backend that sends nothing, say): the
project's files are never edited. Then it migrates, runs the configured scenario (a management
command with its arguments, or a dotted callable given the seed, scale and anchor it accepts), or
serves the project's pages as a buyer sees them (DEBUG off, at the host the project answers; under
`prefix` where the console passes them on from its own address, with cookies of their own; ended
with the process that started it where `watch_parent` is given).

Standard library and Django only, and nothing of the engine's: the project's virtualenv needs
nothing of ours, and no package of the engine's shadows one of the project's.
"""

import importlib
import inspect
import json
import mimetypes
import os
import posixpath
import sys
from typing import Any

# Run by its path, Python put this file's folder first on sys.path: take it away, so a project's own
# `settings`, `project` or `hooks` module is never ours.
if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

PLACEHOLDERS = ("seed", "scale", "anchor", "media_root", "password")


def _fill(text: str, request: dict[str, Any]) -> str:
    values = {name: str(request.get(name, "")) for name in PLACEHOLDERS}
    return text.format(**values)


def _configure(request: dict[str, Any], serving: bool = False) -> None:
    project = request["project"]
    for path in reversed(project.get("path", [])):
        sys.path.insert(0, str(path))
    os.environ["DJANGO_SETTINGS_MODULE"] = project["settings"]
    from django.conf import settings

    settings.DATABASES["default"] = {"ENGINE": "django.db.backends.postgresql", **project.get("database", {}),
                                     **request["database"]}
    if request.get("media_root"):
        settings.MEDIA_ROOT = request["media_root"]
    for key, value in project.get("overrides", {}).items():
        setattr(settings, key, value)
    if serving:
        settings.DEBUG = False  # the pages as a buyer sees them: no debug page lists the project's URLs
        if project.get("timezone"):
            settings.TIME_ZONE = project["timezone"]  # the platform's zone is the pages' current zone
        project["host"] = project.get("host") or _own_host(settings)
        settings.ALLOWED_HOSTS = [h.split(":")[0] for h in (project["host"], "127.0.0.1", "localhost") if h]
        port = int(request["port"])
        settings.CSRF_TRUSTED_ORIGINS = [*getattr(settings, "CSRF_TRUSTED_ORIGINS", []),
                                         f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
        settings.WSGI_APPLICATION = "cpd_demo_runner.application"
        sys.modules["cpd_demo_runner"] = sys.modules[__name__]
        if request.get("now"):
            _start_clock_at(request["now"])
        if request.get("prefix"):
            _mount(settings, str(request["prefix"]).rstrip("/"), str(request.get("cookies") or "demo"))
    import django

    django.setup()


def _url_path(url: str) -> str:
    """The path of a STATIC_URL or MEDIA_URL ("static/" and "/static/" alike: "/static/"; "" for none or a full URL)."""
    if not url or "://" in url or url.startswith("//"):
        return ""
    return "/" + url.lstrip("/")


def _mount(settings: Any, prefix: str, cookies: str) -> None:
    """The pages under `prefix` (the console passes /open/NAME/… on, the prefix taken off): every link
    the project makes starts with it, its static files and media are served here, and its cookies
    are its own (named for the demo, sent back only under the prefix), never the console's."""
    _MOUNT["prefix"] = prefix
    _MOUNT["static"] = _url_path(str(getattr(settings, "STATIC_URL", "") or ""))
    _MOUNT["media"] = _url_path(str(getattr(settings, "MEDIA_URL", "") or ""))
    settings.FORCE_SCRIPT_NAME = prefix
    if _MOUNT["static"]:
        settings.STATIC_URL = prefix + _MOUNT["static"]
    if _MOUNT["media"]:
        settings.MEDIA_URL = prefix + _MOUNT["media"]
    settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME = f"{cookies}_session", f"{cookies}_csrftoken"
    settings.SESSION_COOKIE_PATH = settings.CSRF_COOKIE_PATH = prefix + "/"


_MOUNT: dict[str, str] = {}


def _own_host(settings: Any) -> str:
    """The host the project answers, from its settings where it answers only its own: its SITE_URL's,
    else the first of its ALLOWED_HOSTS that names one host ("": it answers the loopback host)."""
    from urllib.parse import urlsplit

    site = str(getattr(settings, "SITE_URL", "") or "")
    if site.startswith(("http://", "https://")) and urlsplit(site).hostname not in ("localhost", "127.0.0.1"):
        return urlsplit(site).netloc
    allowed = list(getattr(settings, "ALLOWED_HOSTS", []))
    if any(h in ("*", "localhost", "127.0.0.1", ".localhost") for h in allowed):
        return ""
    named = [h for h in allowed if h and "*" not in h and not h.startswith(".")]
    return named[0] if named else ""


def _start_clock_at(instant: str) -> None:
    """Django's clock (timezone.now, read by admin pages and templates) starts at `instant` and runs on:
    the pages show what a buyer sees at that hour. Set before the project's modules import it."""
    import time
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone

    start, started = datetime.fromisoformat(instant).astimezone(UTC), time.monotonic()
    timezone.now = lambda: start + timedelta(seconds=time.monotonic() - started)


def application(environ: dict, start_response: Any) -> Any:
    """The project's WSGI application as the tool serves it: asked at the host it answers, its media
    served from the demo's media directory, and `/` leading to its home page where it has none."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    project = _REQUEST["project"]
    if project.get("host"):
        # Asked at the host it answers; its redirects to that host come back to where the browser is.
        asked, environ["HTTP_HOST"] = environ.get("HTTP_HOST", ""), project["host"]
        start_response = _redirects_to(asked, project["host"], start_response)
    path = environ.get("PATH_INFO", "/")
    prefix = _MOUNT.get("prefix", "")
    if prefix:
        environ["SCRIPT_NAME"] = prefix
        static = _MOUNT["static"]
        if len(static) > 1 and path.startswith(static):
            return _static(path[len(static):], start_response)
    media_url = _MOUNT["media"] if prefix else str(getattr(settings, "MEDIA_URL", "") or "")
    if media_url.startswith("/") and len(media_url) > 1 and path.startswith(media_url) and settings.MEDIA_ROOT:
        return _media(path[len(media_url):], str(settings.MEDIA_ROOT), start_response)
    if path == "/" and _no_home_page():
        home = prefix + (project.get("home") or "/admin/")
        start_response("302 Found", [("Location", home), ("Content-Length", "0")])
        return [b""]
    global _APP
    if _APP is None:
        _APP = get_wsgi_application()
    return _APP(environ, start_response)


_APP: Any = None
_REQUEST: dict[str, Any] = {}


def _redirects_to(asked: str, own: str, start_response: Any) -> Any:
    def start(status: str, headers: list, *rest: Any) -> Any:
        headers = [(k, v.replace(f"//{own}/", f"//{asked}/", 1) if k.lower() == "location" else v) for k, v in headers]
        return start_response(status, headers, *rest)

    return start if asked else start_response


def _no_home_page() -> bool:
    """`/` leads somewhere: to the config's home where it names one, else where the project has no page at `/`."""
    from django.urls import Resolver404, resolve

    if _REQUEST["project"].get("home"):
        return True
    try:
        resolve("/")
    except Resolver404:
        return True
    return False


def _static(relative: str, start_response: Any) -> list[bytes]:
    """One of the project's static files, found as runserver finds them (a plain 404 otherwise)."""
    from django.apps import apps

    found = None
    if apps.is_installed("django.contrib.staticfiles"):
        from django.contrib.staticfiles import finders

        found = finders.find(posixpath.normpath("/" + relative).lstrip("/"))
    return _file(found if isinstance(found, str) else "", start_response)


def _media(relative: str, root: str, start_response: Any) -> list[bytes]:
    """One file under the media directory, or a plain 404 (never a path outside it)."""
    clean = posixpath.normpath("/" + relative).lstrip("/")
    full = os.path.realpath(os.path.join(root, clean))
    return _file(full if root and full.startswith(os.path.realpath(root) + os.sep) else "", start_response)


def _file(full: str, start_response: Any) -> list[bytes]:
    if not full or not os.path.isfile(full):
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [b"Not found"]
    with open(full, "rb") as handle:
        body = handle.read()
    kind = mimetypes.guess_type(full)[0] or "application/octet-stream"
    start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))])
    return [body]


def run_scenario(request: dict[str, Any]) -> None:
    from django.core.management import call_command

    scenario = request["project"]["scenario"]
    for key, value in scenario.get("env", {}).items():
        os.environ[key] = _fill(value, request)
    if scenario.get("command"):
        args = [_fill(a, request) for a in scenario["command"]]
        call_command(*args)
        return
    module, _, attr = scenario["callable"].partition(":")
    function: Any = importlib.import_module(module)
    for part in attr.split("."):
        function = getattr(function, part)
    offered = {"seed": int(request["seed"]), "scale": int(request["scale"]), "anchor": request.get("anchor"),
               "media_root": request.get("media_root"), "password": request.get("password")}
    accepted = inspect.signature(function).parameters
    function(**{k: v for k, v in offered.items() if k in accepted})


def _watch_parent() -> None:
    """End this server when the process that started it (the console) is gone."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main() -> int:
    request = json.loads(sys.stdin.read())
    if request.get("watch_parent"):
        _watch_parent()
    _REQUEST.update(request)
    action = request["action"]
    _configure(request, serving=action == "serve")
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        if action == "migrate":
            call_command("migrate", interactive=False, verbosity=0)
        elif action == "seed":
            run_scenario(request)
        elif action == "serve":
            from django.apps import apps

            # DEBUG is off: the static files are served as runserver does for --insecure.
            insecure = {"insecure_serving": True} if apps.is_installed("django.contrib.staticfiles") else {}
            call_command("runserver", f"127.0.0.1:{int(request['port'])}", use_reloader=False, **insecure)
        else:
            raise CommandError(f"unknown action {action!r}")
    except CommandError as exc:
        print(f"CommandError: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
