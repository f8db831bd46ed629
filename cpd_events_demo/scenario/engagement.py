"""6. Engagement: for every event, its registrations (as its policy says), attendance, Zoom's log
and recording, feedback; then course enrollments, quiz attempts and submissions."""

from collections import Counter

from cpd_events_demo.scenario import zoom
from cpd_events_demo.scenario.attendance import attendance, check_ins, feedback
from cpd_events_demo.scenario.context import Context
from cpd_events_demo.scenario.enrollments import enrollments
from cpd_events_demo.scenario.registrations import registrations


def create_engagement(ctx: Context) -> str:
    counts: Counter[str] = Counter()
    for key, event in ctx.events.items():
        spec, sessions = ctx.specs[key], ctx.sessions[key]
        regs = ctx.registrations[key] = ctx.drawn.many(registrations(ctx, spec, event))
        over = event.ends_at < ctx.anchor
        if event.status == "live":
            came = check_ins(ctx, sessions[0], regs)
        elif over:
            came = attendance(ctx, spec, sessions, regs)
        else:
            came = []
        ctx.attendance[key] = ctx.drawn.many(came)
        counts["registrations"] += len(regs)
        counts["attendance"] += len(came)
        if over and spec.zoom_log:
            counts["webhooks"] += len(ctx.drawn.many(zoom.webhooks(ctx, ctx.zoom[spec.owner], event, came)))
        if over and event.join_url:
            ctx.drawn.many([zoom.recording(ctx, event)])
        if over:
            counts["feedback"] += len(ctx.drawn.many(feedback(ctx, spec, event, came)))
    enrolled, attempts, submissions = enrollments(ctx)
    ctx.enrollments = ctx.drawn.many(enrolled)
    ctx.drawn.many(attempts)
    ctx.drawn.many(submissions)
    return (f"{counts['registrations']} registrations, {counts['attendance']} attendance records, "
            f"{counts['webhooks']} Zoom webhooks, {counts['feedback']} feedback, {len(enrolled)} enrollments, "
            f"{len(attempts)} quiz attempts, {len(submissions)} submissions")
