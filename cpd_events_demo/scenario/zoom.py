"""Zoom's side of an online event: its webhook bodies, in Zoom's own format (meeting started and
ended, each participant's join and leave, the recording), and its cloud recording."""

from datetime import datetime, timedelta, timezone

from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.context import Context

RECORDING_BYTES = 184_223_744


def zoom_time(instant: datetime) -> str:
    """Zoom's own format: UTC, to the second, with Z."""
    return instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_ms(instant: datetime) -> int:
    return int(instant.timestamp()) * 1000


def webhooks(ctx: Context, host: r.ZoomConnection, event: r.Event, attended: list[r.Attendance],
             ) -> list[r.ZoomWebhookEvent]:
    start, end = event.starts_at, event.ends_at
    meeting = {"id": event.zoom_meeting_id, "uuid": ctx.token(22) + "==", "host_id": host.zoom_user_id,
               "topic": event.title, "type": 8, "start_time": zoom_time(start), "timezone": event.timezone,
               "duration": int((end - start).total_seconds() // 60)}
    account_id = ctx.token(22)
    hooks = []

    def hook(kind: str, at: datetime, reg: r.Registration | None = None, extra: dict | None = None) -> None:
        body: dict[str, object] = dict(meeting)
        if reg is not None:
            body["participant"] = {
                "user_id": str(ctx.rng.randint(16_000_000, 16_999_999)),
                "user_name": f"{reg.first_name} {reg.last_name}".strip(), "id": ctx.token(22),
                "participant_uuid": ctx.token(22), "email": reg.email, "registrant_id": ctx.token(22),
                **(extra or {})}
        else:
            body.update(extra or {})
        hooks.append(r.ZoomWebhookEvent(event, kind, reg.email if reg else "", at, {
            "event": kind, "event_ts": epoch_ms(at), "payload": {"account_id": account_id, "object": body}}))

    hook("meeting.started", start - timedelta(minutes=3, seconds=ctx.rng.randrange(60)))
    for a in sorted(attended, key=lambda a: (a.joined_at, a.registration.email)):
        reg, left = a.registration, a.left_at or a.joined_at
        hook("meeting.participant_joined", a.joined_at, reg, {"join_time": zoom_time(a.joined_at)})
        hook("meeting.participant_left", left, reg, {"leave_time": zoom_time(left), "leave_reason": "left the meeting"})
    ended = end + timedelta(minutes=2, seconds=ctx.rng.randrange(60))
    hook("meeting.ended", ended, extra={"end_time": zoom_time(ended)})
    hook("recording.completed", end + timedelta(minutes=21, seconds=ctx.rng.randrange(60)), extra={
        "recording_count": 1, "total_size": RECORDING_BYTES, "share_url": f"https://zoom.us/rec/share/{ctx.token(40)}",
        "recording_files": [{"id": ctx.token(36), "recording_start": zoom_time(start), "recording_end": zoom_time(end),
                             "file_type": "MP4", "file_size": RECORDING_BYTES, "status": "completed",
                             "recording_type": "shared_screen_with_speaker_view"}]})
    return hooks


def recording(ctx: Context, event: r.Event) -> r.ZoomRecording:
    return r.ZoomRecording(event, ctx.token(22) + "==", event.starts_at,
                           int((event.ends_at - event.starts_at).total_seconds() // 60),
                           f"https://zoom.us/rec/share/{ctx.token(40)}", "MP4")
