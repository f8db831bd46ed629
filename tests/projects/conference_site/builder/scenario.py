"""The site's demo data, around the anchor it is given: a three-day conference running at it (Tuesday
to Thursday in New York) with its talks, a Thursday meetup series in a date column, and an API token
that expires tomorrow, and the organiser's session."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from builder.models import ApiToken, Conference, Meetup, Talk

NY = ZoneInfo("America/New_York")


def make(anchor: str) -> None:
    at = datetime.fromisoformat(anchor)
    tuesday = (at.astimezone(NY) - timedelta(days=1)).date()
    conference = Conference.objects.create(
        title="Summit", tz="America/New_York", starts=datetime.combine(tuesday, time(9), NY),
        ends=datetime.combine(tuesday + timedelta(days=2), time(17), NY), date_from=tuesday,
        date_to=tuesday + timedelta(days=2))
    for day, hour, hours in ((0, 9, 1), (0, 14, 1), (1, 9, 2), (2, 11, 6)):
        start = datetime.combine(tuesday + timedelta(days=day), time(hour), NY)
        Talk.objects.create(conference=conference, start=start, end=start + timedelta(hours=hours))
    thursday = tuesday + timedelta(days=2)
    Meetup.objects.bulk_create(Meetup(day=thursday + timedelta(weeks=n), at=time(18, 30)) for n in range(-6, 6)
                               if thursday + timedelta(weeks=n) != date(2025, 12, 25))
    ApiToken.objects.create(key="demo-token", expires=at + timedelta(days=1))
    # The organiser was logged in while the data was made: no artifact may carry that session.
    from django.contrib.sessions.models import Session

    Session.objects.create(session_key="organiser-was-logged-in", session_data="e30:x", expire_date=at + timedelta(days=14))
