"""The scenario's calendar: instants around the anchor, in the platform timezone unless told
otherwise; scheduled things on weekdays at local times, activity at human hours, billing on its day."""

import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from cpd_events_demo import world

UTC = timezone.utc


def floor_quarter(instant: datetime) -> datetime:
    return instant.replace(minute=instant.minute - instant.minute % 15, second=0, microsecond=0)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and wall-clock time `months` later (the day must exist in every month: 1–28)."""
    index = moment.year * 12 + moment.month - 1 + months
    return moment.replace(year=index // 12, month=index % 12 + 1)


class Calendar:
    def __init__(self, anchor: datetime, zone: str, rng: random.Random):
        self.anchor, self.tz, self.rng = anchor, ZoneInfo(zone), rng
        local = anchor.astimezone(self.tz).date()
        self.monday = local - timedelta(days=local.weekday())

    def at(self, week: int, weekday: int, hhmm: str, zone: str | None = None) -> datetime:
        """`hhmm` local time (in `zone`, else the platform's) on `weekday` of `week` (0: the anchor's week)."""
        day = self.monday + timedelta(days=7 * week + weekday)
        hour, minute = (int(x) for x in hhmm.split(":"))
        return datetime.combine(day, time(hour, minute), ZoneInfo(zone) if zone else self.tz).astimezone(UTC)

    def ago(self, days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
        return self.anchor - timedelta(days=days, hours=hours, minutes=minutes)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def quiet(self, instant: datetime) -> bool:
        """Inside the platform's DST-change hours, where a wall-clock time would not survive a rebase."""
        return instant.astimezone(self.tz).hour in world.QUIET_HOURS

    def human(self, start: datetime, end: datetime, zone: str, skew: float = 1.0) -> datetime:
        """An instant in [start, end] at a human hour in `zone`, to the second; skew > 1 favours the end."""
        end = min(end, self.anchor - timedelta(minutes=3)) if start < self.anchor else end
        if end <= start:
            return start.replace(microsecond=0)
        span = (end - start).total_seconds()
        tz = ZoneInfo(zone)
        for _ in range(30):
            offset = span * (self.rng.random() ** (1 / skew))
            day = (start + timedelta(seconds=offset)).astimezone(tz).date()
            hour = self.rng.choices(range(24), weights=world.HOUR_WEIGHTS)[0]
            moment = datetime.combine(day, time(hour, self.rng.randrange(60), self.rng.randrange(60)), tz)
            moment = moment.astimezone(UTC)
            if start <= moment <= end and not self.quiet(moment):
                return moment
        moment = start + timedelta(seconds=int(span * self.rng.random()))
        while self.quiet(moment):
            moment -= timedelta(hours=1)
        return moment.replace(microsecond=0)

    def billing_moments(self, day: int, hhmm: str, first: int, last: int) -> list[datetime]:
        """The billing moments (day of month, local time) from `first` to `last` months after the
        latest one at or before the anchor (0 = that one)."""
        local = self.anchor.astimezone(self.tz)
        hour, minute = (int(x) for x in hhmm.split(":"))
        moment = datetime(local.year, local.month, day, hour, minute, tzinfo=self.tz)
        if moment > local:
            moment = add_months(moment, -1)
        return [add_months(moment, k).astimezone(UTC) for k in range(first, last + 1)]
