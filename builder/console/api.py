"""The console's JSON API (SPEC §9): the same login as the page, or `Authorization: Bearer TOKEN`.
Actions are done before the answer comes back; errors are one sentence: a bad name or ttl 400, an
unknown demo 404, a demo another action holds 409, a server with no connection left for it 503."""

import functools
from collections.abc import Callable

from django.http import HttpRequest, JsonResponse

from builder.clock import parse_duration, utc_now
from builder.console.access import api, body, error
from builder.console.engine import engine
from builder.console.rows import as_json
from builder.errors import ServerFull, UserError
from builder.named import usage
from builder.named.names import check_prospect, validate

DEFAULT_TTL = "1d"  # expiry is on by default


def _text(data: dict, key: str, default: str = "") -> str:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise UserError(f'"{key}" must be a string.')
    return value


def _ttl(data: dict):
    return parse_duration(_text(data, "ttl", DEFAULT_TTL), "ttl")


def _full_is_503(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """A server full (the demos' connection budget, or every slot taken) answers 503 with its sentence."""
    @functools.wraps(view)
    def inner(*args, **kwargs) -> JsonResponse:
        try:
            return view(*args, **kwargs)
        except ServerFull as exc:
            return error(503, str(exc))
    return inner


@api("GET", "POST")
@_full_is_503
def demos(request: HttpRequest) -> JsonResponse:
    eng = engine()
    srv = eng.server(request.user.get_username())
    newest = eng.newest()
    if request.method == "GET":
        now = utc_now()
        return JsonResponse({"demos": [as_json(d, now, newest) for d in srv.demos()], "newest_version": newest,
                             "versions": eng.versions(), "budget": srv.connection_budget().as_json()})
    data = body(request)
    name, prospect = validate(_text(data, "name")), _text(data, "prospect").strip()
    check_prospect(prospect, _text(data, "color"))
    ttl = _ttl(data)
    demo = srv.new(name, eng.ctx.snapshots, _text(data, "version") or "latest", prospect=prospect,
                   color=_text(data, "color"), ttl=ttl, echo=lambda _: None)
    return JsonResponse({"demo": as_json(demo, utc_now(), newest)}, status=201)


@api("GET", "DELETE")
@_full_is_503
def demo(request: HttpRequest, name: str) -> JsonResponse:
    eng = engine()
    srv = eng.server(request.user.get_username())
    validate(name)
    if request.method == "GET":
        return JsonResponse({"demo": as_json(srv.show(name), utc_now(), eng.newest())})
    srv.drop(name, echo=lambda _: None)
    return JsonResponse({"dropped": name})


@api("POST")
@_full_is_503
def reset(request: HttpRequest, name: str) -> JsonResponse:
    """Back to pristine; with {"version": V or "newest"}, moved to that snapshot version."""
    eng = engine()
    srv = eng.server(request.user.get_username())
    validate(name)
    version = _text(body(request), "version") or None
    if version == "newest":
        version = "latest"  # the store's own pointer, read now
    done = srv.reset(name, source=eng.ctx.snapshots if version else None, version=version, echo=lambda _: None)
    return JsonResponse({"demo": as_json(done.demo, utc_now(), eng.newest()), "ended_sessions": done.ended_sessions})


@api("POST")
@_full_is_503
def extend(request: HttpRequest, name: str) -> JsonResponse:
    eng = engine()
    validate(name)
    found = eng.server(request.user.get_username()).extend(name, _ttl(body(request)))
    return JsonResponse({"demo": as_json(found, utc_now(), eng.newest())})


@api("POST")
@_full_is_503
def protect(request: HttpRequest, name: str) -> JsonResponse:
    """Protect from gc ({"protected": false} lifts it)."""
    eng = engine()
    validate(name)
    on = body(request).get("protected", True)
    if not isinstance(on, bool):
        raise UserError('"protected" must be true or false.')
    found = eng.server(request.user.get_username()).protect(name, on)
    return JsonResponse({"demo": as_json(found, utc_now(), eng.newest())})


@api("GET")
@_full_is_503
def log(request: HttpRequest) -> JsonResponse:
    name = request.GET.get("demo") or None
    if name:
        validate(name)
    limit = request.GET.get("limit", "200")
    if not limit.isdigit() or not 1 <= int(limit) <= 10_000:
        raise UserError("limit must be a whole number from 1 to 10000.")
    entries = usage.entries(engine().registry, name, int(limit))
    return JsonResponse({"entries": [e.as_json() for e in entries]})
