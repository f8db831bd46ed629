"""What the console answers when something is wrong before or around a view: a body too large
(413, refused on its Content-Length before it is read), an unknown path (404), the control database
unreachable (503: the page says the demo server is unreachable, the API says it in JSON, the
console's output gets one line, never a traceback). Every answer under /api/ is JSON."""

import logging
import sys

import psycopg
from django.db import Error as DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from builder.errors import UserError

log = logging.getLogger("builder.console")
MAX_BODY = 1024 * 1024  # the console's requests are a few hundred bytes; waitress holds it to this too
UNREACHABLE = "The demo server is unreachable: its control database does not answer; try again in a moment."
FULL = "The demo server is full (it takes no more connections): try again in a moment."
TOO_LARGE = f"The request body is larger than the console accepts ({MAX_BODY // 1024} KiB)."


def wants_json(request: HttpRequest) -> bool:
    """The API, and the page script's own requests (its polling, a job's progress, a demo's URL)."""
    path = request.path
    return path.startswith(("/api/", "/fresh", "/jobs/")) or (path.startswith("/demos/") and path.endswith("/url"))


def unreachable(exc: BaseException | None) -> bool:
    """The control database (or the server itself) does not answer: Django's connection failed, or
    the engine's (builder.postgres.databases.connect says "Cannot connect to …")."""
    if isinstance(exc, (DatabaseError, psycopg.OperationalError, psycopg.InterfaceError)):
        return not isinstance(exc, psycopg.errors.QueryCanceled)
    return isinstance(exc, UserError) and str(exc).startswith("Cannot connect to ")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def unavailable(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    response: HttpResponse
    if wants_json(request):
        full = exc is not None and "too many clients" in str(exc)  # Postgres's max_connections reached
        response = JsonResponse({"error": FULL if full else UNREACHABLE}, status=503)
    else:
        response = render(request, "console/unreachable.html", status=503)
    response["Retry-After"] = "15"
    response._has_been_logged = True  # type: ignore[attr-defined]  # our one line instead of Django's
    return response


class Guard:
    """The first middleware: bodies over MAX_BODY refused unread, the control database's absence
    answered as such (a view's exception; anything else is Django's own 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = str(request.META.get("CONTENT_LENGTH") or "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            return JsonResponse({"error": TOO_LARGE if length.isdigit() else "Content-Length is not a number."},
                                status=413 if length.isdigit() else 400)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not unreachable(exc):
            return None
        log.warning("the demo server is unreachable (%s %s): %s", request.method, request.path, first_line(exc))
        return unavailable(request, exc)


class OneLine(logging.Filter):
    """Django's request log: an unreachable database is one line, not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and unreachable(exc):
            record.msg, record.args = "the demo server is unreachable: %s", (first_line(exc),)
            record.exc_info, record.exc_text = None, None
        return True


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": f"There is no {request.path} in the console's API (see GET /api/demos)."},
                            status=404)
    return render(request, "console/missing.html", status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": "The console cannot read that request."}, status=400)
    return HttpResponse("The console cannot read that request.", status=400, content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if unreachable(exc):
        return unavailable(request, exc)
    if wants_json(request):
        return JsonResponse({"error": "The console failed on this request; its output says why."}, status=500)
    return HttpResponse("The console failed on this request; its output says why.", status=500,
                        content_type="text/plain")
