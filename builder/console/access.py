"""Who may use the console: the login form and its throttle on wrong passwords, API tokens, and the
API's answers to anyone else (401) and to every error (JSON, one sentence, the status it deserves).

Nothing about demos reaches a client that is not logged in: the page redirects to the login form,
which names no demo, and the API answers 401 before it looks anything up.
"""

import functools
import json
import re
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.core import signing
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from builder.console.guard import unreachable
from builder.console.models import ApiToken, LoginFailure, digest
from builder.errors import Busy, NotFound, UserError

FREE_TRIES = 5                     # wrong passwords for one user from one address before waits begin
WINDOW = timedelta(minutes=15)     # how long a wrong password counts
LONGEST_WAIT = 900                 # seconds
FAILURE_DELAY = 0.5                # seconds every wrong password costs its sender
MAX_DEPTH = 16                     # nesting of a JSON body (the API's bodies are flat)
DEVICE_COOKIE = "cpd_console_device"
DEVICE_AGE = 180 * 86400           # seconds a browser stays known after its user signed in there
DEVICE_SALT = "cpd-demo console device"


def address(request: HttpRequest) -> str:
    """Where the request came from: the peer, or (when CPD_DEMO_CONSOLE_TRUSTED_PROXY names the proxy)
    the address that proxy puts in its header, which waitress puts here for the proxy's requests only."""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


def device(request: HttpRequest, username: str) -> str:
    """The browser's own mark when `username` has signed in with it before ("" otherwise): a signed
    cookie, so no guesser can make one for someone else."""
    try:
        found = signing.loads(request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_AGE)
    except signing.BadSignature:
        return ""
    if not isinstance(found, dict) or found.get("u") != username or not isinstance(found.get("n"), str):
        return ""
    return found["n"][:32]


def throttle_key(request: HttpRequest, username: str) -> str:
    """What wrong passwords for `username` are counted against: the browser it signed in with before
    (its usual one, whatever the address), else the address the try comes from."""
    known = device(request, username)
    return f"device:{known}" if known else address(request)


def wait_for(username: str, where: str) -> int:
    """Seconds before another try for this user from this address is heard (0: now). Keyed on both:
    guesses from one place never slow down the user signing in from another, nor anyone else there."""
    recent = LoginFailure.objects.filter(username=username, address=where, at__gte=timezone.now() - WINDOW)
    over = recent.count() - FREE_TRIES
    if over < 0:
        return 0
    last = recent.order_by("-at").values_list("at", flat=True).first()
    if last is None:
        return 0
    left = min(LONGEST_WAIT, 15 * 2 ** over) - (timezone.now() - last).total_seconds()
    return max(0, int(left + 0.999))


class Login(LoginView):
    """Django's login form, slowed down for a guesser: each wrong password costs half a second, and
    after five in a quarter of an hour for one user from one address each further try from there
    must wait, twice as long every time, up to a quarter of an hour. The right password from
    anywhere else is heard at once, and from a browser the user signed in with before, always
    (its wrong passwords count on their own)."""

    template_name = "console/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150]
        where = throttle_key(request, username)
        wait = wait_for(username, where)
        if wait:
            return render(request, self.template_name, {"form": self.get_form_class()(request),
                                                        "throttled": wait}, status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form again: a wrong password
            LoginFailure.objects.filter(at__lt=timezone.now() - WINDOW).delete()
            LoginFailure.objects.create(username=username, address=where)
            time.sleep(FAILURE_DELAY)
        else:
            LoginFailure.objects.filter(username=username, address=where).delete()
            mark = {"u": username, "n": device(request, username) or secrets.token_urlsafe(16)}
            response.set_cookie(DEVICE_COOKIE, signing.dumps(mark, salt=DEVICE_SALT), max_age=DEVICE_AGE,
                                httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
        return response


def error(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="cpd-demo console"'
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.path.startswith("/api/"):
        return error(403, "This request has no valid CSRF token: send the X-CSRFToken header with a session, "
                          "or use Authorization: Bearer TOKEN.")
    return render(request, "console/expired.html", status=403)


def _bearer(request: HttpRequest):
    """(user, whether a bearer token was sent)."""
    header = str(request.META.get("HTTP_AUTHORIZATION", ""))
    if not header.lower().startswith("bearer "):
        return None, False
    now = timezone.now()
    token = ApiToken.objects.select_related("user").filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now), digest=digest(header[7:].strip()[:200]),
        user__is_active=True).first()
    if token is None:  # unknown, revoked, expired, or its user disabled
        return None, True
    if token.last_used_at is None or timezone.now() - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user, True


def body(request: HttpRequest) -> dict:
    """The request's JSON object ({} when it sent none)."""
    if not request.body:
        return {}
    if nesting(request.body) > MAX_DEPTH:
        raise UserError(f"The request body nests deeper than {MAX_DEPTH} levels: the API's bodies are flat objects.")
    try:
        found = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise UserError("The request body must be a JSON object.") from None
    if not isinstance(found, dict):
        raise UserError("The request body must be a JSON object.")
    return found


def nesting(raw: bytes) -> int:
    """How deep the arrays and objects of a JSON text go (brackets inside strings do not count), read
    before the parser, whose recursion a deep body would exhaust."""
    text = re.sub(rb'"(?:[^"\\]|\\.)*"', b'""', raw)
    depth = deepest = 0
    for char in re.findall(rb"[\[\]{}]", text):
        depth += 1 if char in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def _unused(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


def api(*methods: str) -> Callable:
    """An API view: a session (with its CSRF token) or a bearer token, else 401; errors as JSON."""

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def inner(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user, bearer = _bearer(request)
            if bearer:
                if user is None:
                    return error(401, "That API token is not valid (unknown, revoked, expired, or its user disabled): "
                                      "`invoke console.adduser --token` makes one.")
                request.user = user
            elif not request.user.is_authenticated:
                return error(401, "Log in first: the console's session, or Authorization: Bearer TOKEN.")
            else:  # a browser's session: the same CSRF rule as its forms
                refused = CsrfViewMiddleware(_unused).process_view(request, view, args, kwargs)
                if refused is not None:
                    return refused
            if request.method not in methods:
                return error(405, f"{request.path} answers {' and '.join(methods)} only.")
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                return error(404, str(exc))
            except Busy as exc:
                return error(409, str(exc))
            except UserError as exc:
                if unreachable(exc):
                    raise  # the guard answers 503
                return error(400, str(exc))

        return inner

    return wrap
