"""The engine's runner inside a project's own Django: where seeding through the Django ORM starts.

The host never imports Django. It starts `python -m builder.seed` with the project's interpreter
(its own virtualenv, its own Django) and hands it a request as JSON on stdin, so no secret is on a
command line or in the environment of another process:

    {"action": "migrate" | "seed" | "serve", "config": PATH, "database": {NAME, USER, PASSWORD, HOST, PORT},
     "media_root": DIR, "seed": N, "scale": N, "anchor": ISO, "password": P, "port": N, "now": ISO}

Before Django starts, the project's settings are pointed at that database and media directory and
given the config's overrides (a mail backend that sends nothing, say): the project's files are never
edited. Then it migrates, runs the configured scenario (a management command with its arguments,
or a dotted callable given the seed, scale and anchor it accepts), or serves the project's pages.

Standard library and Django only: the project's virtualenv needs nothing of the engine's.
"""

import importlib
import inspect
import json
import os
import sys
from typing import Any

from builder.project import Project, load


def _fill(text: str, request: dict[str, Any]) -> str:
    values = {name: str(request.get(name, "")) for name in ("seed", "scale", "anchor", "media_root", "password")}
    return text.format(**values)


def _configure(project: Project, request: dict[str, Any], serving: bool = False) -> None:
    for path in reversed(project.path):
        sys.path.insert(0, str(path))
    os.environ["DJANGO_SETTINGS_MODULE"] = project.settings
    from django.conf import settings

    settings.DATABASES["default"] = {**settings.DATABASES.get("default", {}), "ENGINE": "django.db.backends.postgresql",
                                     **request["database"]}
    if request.get("media_root"):
        settings.MEDIA_ROOT = request["media_root"]
    for key, value in project.overrides.items():
        setattr(settings, key, value)
    if serving:
        settings.DEBUG = True  # the project's static files, served by runserver on loopback only
        settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
        if request.get("now"):
            _start_clock_at(request["now"])
    import django

    django.setup()


def _start_clock_at(instant: str) -> None:
    """Django's clock (timezone.now, read by admin pages and templates) starts at `instant` and runs on:
    the pages show what a buyer sees at that hour. Set before the project's modules import it."""
    import time
    from datetime import UTC, datetime, timedelta

    from django.utils import timezone

    start, started = datetime.fromisoformat(instant).astimezone(UTC), time.monotonic()
    timezone.now = lambda: start + timedelta(seconds=time.monotonic() - started)


def run_scenario(project: Project, request: dict[str, Any]) -> None:
    from django.core.management import call_command

    scenario = project.scenario
    for key, value in scenario.env.items():
        os.environ[key] = _fill(value, request)
    if scenario.command:
        args = [_fill(a, request) for a in scenario.command]
        call_command(*args)
        return
    module, _, attr = scenario.callable.partition(":")
    function: Any = importlib.import_module(module)
    for part in attr.split("."):
        function = getattr(function, part)
    offered = {"seed": int(request["seed"]), "scale": int(request["scale"]), "anchor": request.get("anchor"),
               "media_root": request.get("media_root"), "password": request.get("password")}
    accepted = inspect.signature(function).parameters
    function(**{k: v for k, v in offered.items() if k in accepted})


def main() -> int:
    request = json.loads(sys.stdin.read())
    project = load(request["config"])
    action = request["action"]
    _configure(project, request, serving=action == "serve")
    from django.core.management import call_command
    from django.core.management.base import CommandError

    try:
        if action == "migrate":
            call_command("migrate", interactive=False, verbosity=0)
        elif action == "seed":
            run_scenario(project, request)
        elif action == "serve":
            call_command("runserver", f"127.0.0.1:{int(request['port'])}", use_reloader=False)
        else:
            raise CommandError(f"unknown action {action!r}")
    except CommandError as exc:
        print(f"CommandError: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
