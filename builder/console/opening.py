"""Open: a demo's own pages from the console, for a signed-in user only. Where the project names
`[demo] open_url`, a link there; else the console starts the project's pages for that demo on a
free loopback port (on the first request; stopped when idle) and passes /open/NAME/… on to them.

The project's pages get the request without the console's cookies (its session never leaves the
console) and set cookies of their own, under /open/NAME/ only. Their own login and CSRF checks
stand: the console adds a login in front and takes nothing away."""

import http.client

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from builder.console.engine import engine
from builder.errors import NotFound, UserError
from builder.named import pages
from builder.named.names import validate

HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "trailers",
       "transfer-encoding", "upgrade", "content-length", "set-cookie", "server", "date"}
WAIT = 120  # seconds a page of the project may take


def prefix(name: str) -> str:
    return f"/open/{name}"


@login_required
def enter(request: HttpRequest, name: str) -> HttpResponse:
    return redirect(prefix(name) + "/")


@csrf_exempt  # the project's own CSRF check guards its forms; the console's cookie is not sent on
@login_required
def open_demo(request: HttpRequest, name: str, rest: str = "") -> HttpResponse:
    eng = engine()
    try:
        validate(name)
        link = pages.link(eng.project, name)
        if link:
            eng.server(request.user.get_username()).show(name)
            return redirect(link)
        port = eng.pages.port(name) or _start(request, name)
    except NotFound as exc:
        return render(request, "console/cannot_open.html", {"eng": eng, "why": str(exc)}, status=404)
    except UserError as exc:
        return render(request, "console/cannot_open.html", {"eng": eng, "why": str(exc)}, status=409)
    return _pass_on(request, port, "/" + rest)


def _start(request: HttpRequest, name: str) -> int:
    eng = engine()
    srv = eng.server(request.user.get_username())
    demo = srv.show(name)
    if demo.status() not in ("ready", "expiring"):
        raise UserError(f"{name} cannot be opened now: it is {demo.status()}"
                        + (f" ({demo.problem})" if demo.problem else "") + ".")
    url = srv.demo_url(name, demo)
    media = pages.media_of(srv, demo, eng.ctx.snapshots)
    return eng.pages.start(name, url, media, pages.clock(demo), prefix(name))


def _headers(request: HttpRequest, port: int) -> dict[str, str]:
    """The browser's headers for the project's server: its own host, the console's cookies left out,
    and an Origin of the console's own page read as the project's (a foreign one is passed as it is)."""
    out = {}
    for key, value in request.META.items():
        if key.startswith("HTTP_") and key not in ("HTTP_HOST", "HTTP_COOKIE", "HTTP_ORIGIN", "HTTP_CONNECTION") \
                and not key.startswith("HTTP_X_FORWARDED"):
            out[key[5:].replace("_", "-").title()] = value
    if request.META.get("CONTENT_TYPE"):
        out["Content-Type"] = request.META["CONTENT_TYPE"]
    own = f"http://127.0.0.1:{port}"
    out["Host"] = f"127.0.0.1:{port}"
    origin = request.META.get("HTTP_ORIGIN")
    if origin:
        out["Origin"] = own if origin == f"{request.scheme}://{request.get_host()}" else origin
    if "Referer" in out and out["Referer"].startswith(f"{request.scheme}://{request.get_host()}/"):
        out["Referer"] = own + out["Referer"][len(f"{request.scheme}://{request.get_host()}"):]
    theirs = {k: v for k, v in request.COOKIES.items()
              if k not in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)}
    if theirs:
        out["Cookie"] = "; ".join(f"{k}={v}" for k, v in theirs.items())
    return out


def _pass_on(request: HttpRequest, port: int, path: str) -> HttpResponse:
    query = request.META.get("QUERY_STRING", "")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        conn.request(request.method or "GET", path + (f"?{query}" if query else ""),
                     body=request.body if request.method not in ("GET", "HEAD") else None,
                     headers=_headers(request, port))
        answer = conn.getresponse()
        body = answer.read()
    except OSError:
        return HttpResponse("The demo's pages did not answer: try again in a moment.", status=502,
                            content_type="text/plain")
    finally:
        conn.close()
    response = HttpResponse(body, status=answer.status, content_type=answer.getheader("Content-Type"))
    own = f"http://127.0.0.1:{port}"
    for key, value in answer.getheaders():
        lower = key.lower()
        if lower in HOP or lower == "content-type":
            continue
        if lower == "location" and value.startswith(own):
            value = value[len(own):] or "/"
        response[key] = value
    for value in answer.headers.get_all("Set-Cookie") or []:
        response.cookies.load(value)
    return response
