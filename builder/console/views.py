"""The console's page and its forms. Long actions (new, reset, move, drop) start a background job
and come straight back to the page, which polls their progress; short ones (extend, protect) are
done before the page comes back. Every form carries its CSRF token; every view needs a login."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from builder.clock import format_duration, parse_duration, utc_now
from builder.console.engine import engine
from builder.console.jobs import JOBS
from builder.console.rows import STATUS_TEXT, Row, relative, version_label
from builder.errors import UserError
from builder.named import usage
from builder.named.names import check_prospect, validate

PRESETS = {"1h": "1 hour", "1d": "1 day", "7d": "7 days"}
LOG_ON_PAGE = 12
FINISHED_SHOWN = 3  # finished actions' banners on the page (the activity table keeps them all)


def _banners(request: HttpRequest) -> list:
    """The actions running now, and the few finished since this user signed in (newest first)."""
    last_login = getattr(request.user, "last_login", None)
    signed_in = last_login.timestamp() if last_login is not None else 0.0
    shown, finished = [], 0
    for job in JOBS.recent():
        if job.running:
            shown.append(job)
        elif finished < FINISHED_SHOWN and job.started + job.seconds >= signed_in:
            shown.append(job)
            finished += 1
    return shown


def _state(request: HttpRequest) -> dict:
    """Everything the page shows: the demos (one query), the recent log, the jobs, the versions."""
    eng = engine()
    srv = eng.server(request.user.get_username())
    now = utc_now()
    newest = eng.newest()
    demos = srv.demos()
    rows = [Row.of(d, now, newest, JOBS.running_on(d.name), eng.project.timezone, eng.project.open_url) for d in demos]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    entries = usage.entries(srv.registry, limit=LOG_ON_PAGE)
    jobs = _banners(request)
    on_version: dict[str, int] = {}
    for d in demos:
        on_version[d.version] = on_version.get(d.version, 0) + 1
    return {"eng": eng, "rows": rows, "now": now, "newest": newest, "jobs": jobs,
            "log": [(e, relative(e.at, now)) for e in entries], "presets": PRESETS,
            "versions": [(v, version_label(v), on_version.get(v, 0), v == newest) for v in reversed(eng.versions())],
            "summary": [(STATUS_TEXT[s], counts[s], s) for s in STATUS_TEXT if counts.get(s)],
            "budget": srv.connection_budget(),
            "busy": any(r.status in ("busy", "making", "dropping") for r in rows) or any(j.running for j in jobs)}


@login_required
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    return render(request, "console/page.html", _state(request))


@login_required
@require_GET
def fresh(request: HttpRequest) -> JsonResponse:
    """The parts of the page that change, for its script to swap in."""
    state = _state(request)
    return JsonResponse({"busy": state["busy"],
                         "table": render_to_string("console/_rows.html", state, request),
                         "jobs": render_to_string("console/_jobs.html", state, request),
                         "log": render_to_string("console/_log.html", state, request),
                         "summary": render_to_string("console/_summary.html", state, request),
                         "versions": render_to_string("console/_versions.html", state, request)})


@login_required
@require_GET
def full_log(request: HttpRequest) -> HttpResponse:
    eng = engine()
    name = request.GET.get("demo") or None
    if name:
        try:
            validate(name)
        except UserError:
            name = None
    now = utc_now()
    entries = usage.entries(eng.registry, name, limit=500)
    return render(request, "console/log.html", {"eng": eng, "demo": name,
                                                "log": [(e, relative(e.at, now)) for e in entries]})


def _back(request: HttpRequest, name: str = "") -> HttpResponse:
    return redirect("/" + (f"#demo-{name}" if name else ""))


def _ttl(value: str):
    if value not in PRESETS:
        raise UserError(f"Choose how long to keep it: {', '.join(PRESETS.values())}.")
    return parse_duration(value, "expiry")


def _refuse_if_running(name: str) -> None:
    job = JOBS.running_on(name)
    if job is not None:
        raise UserError(f"{job.by} is {job.title.split(' ')[0].lower()} {name} right now: "
                        "try again when it has finished.")


@login_required
@require_POST
def new(request: HttpRequest) -> HttpResponse:
    eng = engine()
    by = request.user.get_username()
    name = request.POST.get("name", "").strip()
    prospect = " ".join(request.POST.get("prospect", "").split())
    try:
        validate(name)
        check_prospect(prospect, "")
        ttl = _ttl(request.POST.get("ttl", "1d"))
        _refuse_if_running(name)
        if eng.registry.demo(name) is not None:
            raise UserError(f"There is a demo named {name} already: reset it, or choose another name.")
    except UserError as exc:
        messages.error(request, str(exc))
        return _back(request)
    srv = eng.server(by)

    def work(echo) -> str:
        srv.new(name, eng.ctx.snapshots, "latest", prospect=prospect, ttl=ttl, echo=echo)
        return (f"for {prospect}, " if prospect else "") + f"ready; expires in {format_duration(ttl)}"

    JOBS.start("new", name, by, work)
    return _back(request, name)


def _demo_action(request: HttpRequest, name: str) -> str:
    validate(name)
    return engine().server(request.user.get_username()).show(name).name


@login_required
@require_POST
def reset(request: HttpRequest, name: str) -> HttpResponse:
    eng = engine()
    by = request.user.get_username()
    version = request.POST.get("version", "").strip() or None
    try:
        _demo_action(request, name)
        _refuse_if_running(name)
        if version is not None and version not in eng.versions():
            raise UserError(f"There is no snapshot version {version} to move to.")
    except UserError as exc:
        messages.error(request, str(exc))
        return _back(request, name)
    srv = eng.server(by)

    def work(echo) -> str:
        done = srv.reset(name, source=eng.ctx.snapshots if version else None, version=version, echo=echo)
        said = [f"moved from {done.version_before} to {done.demo.version}" if done.moved else "pristine again"]
        if done.ended_sessions:
            said.append(f"ended {done.ended_sessions} open session(s) on {name}: its clients must reconnect")
        return "; ".join(said)

    JOBS.start("move" if version else "reset", name, by, work)
    return _back(request, name)


@login_required
@require_POST
def drop(request: HttpRequest, name: str) -> HttpResponse:
    by = request.user.get_username()
    try:
        _demo_action(request, name)
        _refuse_if_running(name)
        if request.POST.get("confirm") != name:
            raise UserError(f"To drop {name}, confirm its name.")
    except UserError as exc:
        messages.error(request, str(exc))
        return _back(request, name)
    srv = engine().server(by)

    def work(echo) -> str:
        srv.drop(name, echo=echo)
        return "its database and login are gone"

    JOBS.start("drop", name, by, work)
    return _back(request)


@login_required
@require_POST
def extend(request: HttpRequest, name: str) -> HttpResponse:
    try:
        _demo_action(request, name)
        ttl = _ttl(request.POST.get("ttl", ""))
        demo = engine().server(request.user.get_username()).extend(name, ttl)
        messages.success(request, f"{name} now expires {relative(demo.expires_at, utc_now())}.")
    except UserError as exc:
        messages.error(request, str(exc))
    return _back(request, name)


@login_required
@require_POST
def protect(request: HttpRequest, name: str) -> HttpResponse:
    on = request.POST.get("on", "1") == "1"
    try:
        _demo_action(request, name)
        engine().server(request.user.get_username()).protect(name, on)
        messages.success(request, f"{name} is {'protected from' if on else 'no longer protected from'} clean-up.")
    except UserError as exc:
        messages.error(request, str(exc))
    return _back(request, name)


@login_required
@require_GET
def demo_url(request: HttpRequest, name: str) -> JsonResponse:
    """The demo's connection URL with its password, for the copy button (never cached)."""
    try:
        validate(name)
        url = engine().server(request.user.get_username()).demo_url(name)
    except UserError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    response = JsonResponse({"url": url})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def job(request: HttpRequest, key: str) -> JsonResponse:
    found = JOBS.get(key)
    if found is None:
        return JsonResponse({"error": "That job is no longer known (the console keeps them ten minutes)."}, status=404)
    return JsonResponse(found.as_json())
