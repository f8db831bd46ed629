"""pretix's demo world, made through pretix's own models and services (no fork, no patch), run by
the engine inside pretix's Django as `pretix_demo.scenario:run(seed, scale, anchor, password)`.

Everything is dated around `anchor` (pretix's clock reads it while the scenario runs, so its own
auto-dated columns agree), and every choice comes from the seed:

- organizer "demo", its admin (admin@demo.test, the build's password) in a team with an API token;
- "Liberty Summit <year>" in New York, Thursday 09:00–17:30 about six weeks on, and last year's;
- "Berlin Tech Meetup", a series on Tuesdays 19:00–21:00 in Berlin, ten weeks back and ten on
  (times the scale), so it spans a DST change for most anchors;
- "Open Day <year>" in Berlin, happening at the anchor (the live thing);
- orders paid, pending (still payable) and expired, with JSON in every form (`Z`, `+00:00`,
  `-05:00`, a date, epoch seconds and milliseconds); vouchers expired and valid; a gift card;
- an OAuth integration with an expired and a valid token, the admin's session, a password-reset
  mail sent, a mail queued and one awaiting a retry, a scheduled mail and scheduled exports;
- a check-in list whose rules hold times in `Z` and `+00:00` form and a time of day ("14:00").
"""

import datetime as dt
import random
import sys
from decimal import Decimal
from zoneinfo import ZoneInfo

from pretix_demo import keys

UTC = dt.timezone.utc
NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
PLUGINS = "pretix.plugins.sendmail,pretix.plugins.banktransfer,pretix.plugins.ticketoutputpdf"


def run(seed: int = 1, scale: int = 1, anchor: str | dt.datetime | None = None, password: str = "") -> None:
    """Make the world around `anchor` (an ISO instant; default: now) in one transaction."""
    from django.db import transaction
    from django.utils import timezone
    from django_scopes import scopes_disabled

    if anchor is None:
        at = timezone.now()
    elif isinstance(anchor, str):
        at = dt.datetime.fromisoformat(anchor.replace("Z", "+00:00"))
    else:
        at = anchor
    unpin = pin_clock(at.astimezone(UTC))
    try:
        with scopes_disabled():
            with transaction.atomic():
                world = World(seed, scale, at.astimezone(UTC), password or "demo")
                world.make()
            world.send_reset_mail()  # pretix sends mail once the transaction commits
    finally:
        unpin()
    print(f"pretix demo around {at.astimezone(UTC):%Y-%m-%d %H:%M} UTC (seed {seed}, scale {scale}): "
          + ", ".join(f"{n} {what}" for what, n in world.counts.items()))


def pin_clock(anchor: dt.datetime):
    """pretix's clock (django.utils.timezone.now and every module's own reference to it) reads a
    minute before `anchor`, 100 µs later at each reading, until the returned function is called: what
    pretix dates itself happened just before the anchor, the same at every run of a seed."""
    import django.utils.timezone as tz

    original = tz.now
    readings = [0]

    def pinned() -> dt.datetime:
        readings[0] += 1
        return anchor - dt.timedelta(minutes=1) + dt.timedelta(microseconds=100 * min(readings[0], 500_000))

    modules = [m for m in list(sys.modules.values()) if getattr(m, "now", None) is original]
    for module in modules:
        module.now = pinned  # type: ignore[attr-defined]

    def unpin() -> None:
        for module in modules:
            if getattr(module, "now", None) is pinned:
                module.now = original  # type: ignore[attr-defined]

    return unpin


def local(zone: ZoneInfo, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def iso_z(t: dt.datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def iso_offset(t: dt.datetime) -> str:
    return t.astimezone(UTC).isoformat()


class World:
    """The demo's organizer and what it holds, made step by step (`make`)."""

    def __init__(self, seed: int, scale: int, anchor: dt.datetime, password: str):
        self.seed, self.scale, self.anchor, self.password = seed, scale, anchor, password
        self.rnd = random.Random(seed)
        self.counts: dict[str, int] = {}
        # Made by the steps below, in order.
        self.org = self.admin = self.summit = self.summit_item = self.meetup = self.meetup_item = self.pending = None
        self.subevents: list = []

    def make(self) -> None:
        for step in (self.organizer, self.events, self.series, self.live_event, self.orders, self.vouchers,
                     self.checkin_rules, self.integration, self.session, self.outbox, self.schedules):
            step()

    # -- who -------------------------------------------------------------------------------------
    def organizer(self) -> None:
        from pretix.base.models import Organizer, Team, User
        from pretix.base.settings import GlobalSettingsObject

        # A demo never phones home when its cron runs (exchange rates are off in pretix.cfg).
        GlobalSettingsObject().settings.set("update_check_perform", False)
        self.org = Organizer.objects.create(name="Demo Events", slug=keys.ORGANIZER)
        self.org.settings.timezone = "America/New_York"
        self.admin = User.objects.create_user(keys.ADMIN_EMAIL, self.password, fullname="Demo Admin",
                                              timezone="America/New_York")
        self.admin.last_login = self.anchor - dt.timedelta(hours=2)
        self.admin.save(update_fields=["last_login"])
        team = Team.objects.create(organizer=self.org, name="Admins", all_events=True, all_event_permissions=True,
                                   all_organizer_permissions=True)
        team.members.add(self.admin)
        team.tokens.create(name="demo api", token=keys.team_token(self.seed))

    def event(self, slug: str, name: str, zone: ZoneInfo, start: dt.datetime, end: dt.datetime,
              series: bool = False):
        from pretix.base.models import Event, Item

        event = Event.objects.create(organizer=self.org, slug=slug, name=name, currency="EUR", date_from=start,
                                     date_to=end, live=True, plugins=PLUGINS, has_subevents=series,
                                     presale_start=self.anchor - dt.timedelta(weeks=8))
        event.settings.timezone = zone.key
        event.settings.locale = "en"
        item = Item.objects.create(event=event, name="Ticket", default_price=Decimal("49.00"), admission=True)
        self.counts["events"] = self.counts.get("events", 0) + 1
        return event, item

    # -- what happens when -------------------------------------------------------------------------
    def events(self) -> None:
        from pretix.base.models import Quota

        day = next_weekday(self.anchor.astimezone(NY).date() + dt.timedelta(weeks=6), 3)  # a Thursday
        self.summit, self.summit_item = self.event(keys.SUMMIT, f"Liberty Summit {day.year}", NY,
                                                   local(NY, day, 9), local(NY, day, 17, 30))
        self.summit.date_admission = local(NY, day, 8, 15)
        self.summit.save()
        quota = Quota.objects.create(event=self.summit, name="All", size=500)
        quota.items.add(self.summit_item)
        # pretix's log keeps JSON in a text column; these two times are in both UTC forms.
        self.summit.log_action("pretix.event.changed", user=self.admin,
                               data={"date_from": iso_offset(self.summit.date_from),
                                     "presale_start": iso_z(self.summit.presale_start)})
        last = next_weekday(day - dt.timedelta(weeks=52), 3)
        self.event(keys.SUMMIT_PAST, f"Liberty Summit {last.year}", NY, local(NY, last, 9), local(NY, last, 17, 30))

    def series(self) -> None:
        from pretix.base.models import Quota, SubEvent

        first = next_weekday(self.anchor.astimezone(BERLIN).date() - dt.timedelta(weeks=10 * self.scale), 1)
        self.meetup, item = self.event(keys.MEETUP, "Berlin Tech Meetup", BERLIN, local(BERLIN, first, 19),
                                       local(BERLIN, first, 21), series=True)
        for i in range(20 * self.scale + 1):
            day = first + dt.timedelta(weeks=i)
            sub = SubEvent.objects.create(event=self.meetup, name=f"Berlin Tech Meetup #{i + 1}", active=True,
                                          date_from=local(BERLIN, day, 19), date_to=local(BERLIN, day, 21))
            quota = Quota.objects.create(event=self.meetup, subevent=sub, name=f"Meetup #{i + 1}", size=40)
            quota.items.add(item)
            self.subevents.append(sub)
        self.meetup_item = item
        self.counts["meetups"] = len(self.subevents)

    def live_event(self) -> None:
        here = self.anchor.astimezone(BERLIN)
        start = here.replace(minute=here.minute // 15 * 15, second=0, microsecond=0) - dt.timedelta(hours=1)
        self.event(keys.OPEN_DAY, f"Open Day {here.year}", BERLIN, start, start + dt.timedelta(hours=4))

    # -- money -------------------------------------------------------------------------------------
    def order(self, event, item, code: str, status: str, when: dt.datetime, expires: dt.datetime,
              subevent=None, api_meta: dict | None = None):
        from pretix.base.models import Order, OrderPosition

        order = Order.objects.create(event=event, code=code, status=status, email=f"{code.lower()}@example.org",
                                     locale="en", datetime=when, expires=expires, total=item.default_price,
                                     sales_channel=self.org.sales_channels.get(identifier="web"),
                                     api_meta=api_meta or {})
        OrderPosition.objects.create(order=order, item=item, subevent=subevent, price=item.default_price,
                                     attendee_name_parts={"_scheme": "full", "full_name": f"Guest {code}"},
                                     positionid=1)
        order.create_transactions(is_new=True)
        self.counts["orders"] = self.counts.get("orders", 0) + 1
        return order

    def orders(self) -> None:
        from pretix.base.models import Order

        for i in range(8 * self.scale):
            when = self.anchor - dt.timedelta(days=self.rnd.randint(1, 40), minutes=self.rnd.randint(0, 600))
            self.order(self.summit, self.summit_item, "P" + keys.derive(self.seed, f"o{i}", 4, keys.UPPER),
                       Order.STATUS_PAID, when, when + dt.timedelta(days=14))
        for i, sub in enumerate(self.subevents[:10 * self.scale]):
            when = sub.date_from - dt.timedelta(days=3)
            self.order(self.meetup, self.meetup_item, "M" + keys.derive(self.seed, f"m{i}", 4, keys.UPPER),
                       Order.STATUS_PAID, when, when + dt.timedelta(days=14), subevent=sub)
        synced = self.anchor - dt.timedelta(days=2, hours=3)
        api_meta = {  # an integration's notes: JSON times in every form it may write them
            "crm": {"synced_at": iso_z(synced), "next_sync": iso_offset(self.anchor + dt.timedelta(days=5))},
            "followup_at": synced.astimezone(NY).isoformat(),
            "followup_date": (self.anchor + dt.timedelta(days=7)).date().isoformat(),
            "imported_epoch_s": int(synced.timestamp()),
            "imported_epoch_ms": int(synced.timestamp() * 1000),
            "note": "call back at 14:00",
        }
        self.pending = self.order(self.summit, self.summit_item, keys.PENDING_ORDER, Order.STATUS_PENDING,
                                  self.anchor - dt.timedelta(days=1), self.anchor + dt.timedelta(days=5),
                                  api_meta=api_meta)
        self.order(self.summit, self.summit_item, keys.EXPIRED_ORDER, Order.STATUS_EXPIRED,
                   self.anchor - dt.timedelta(days=20), self.anchor - dt.timedelta(days=6))

    def vouchers(self) -> None:
        from pretix.base.models import GiftCard, Voucher

        for code, valid in ((keys.EXPIRED_VOUCHER, -3), (keys.VALID_VOUCHER, 10)):
            Voucher.objects.create(event=self.summit, code=code, item=self.summit_item, max_usages=5,
                                   valid_until=self.anchor + dt.timedelta(days=valid))
        GiftCard.objects.create(issuer=self.org, secret=keys.derive(self.seed, "giftcard", 12).upper(),
                                currency="EUR", expires=self.anchor - dt.timedelta(days=1))

    def checkin_rules(self) -> None:
        from pretix.base.models import CheckinList

        noon = self.summit.date_from + dt.timedelta(hours=3)
        rules = {"or": [  # admission from an hour before doors, until noon, or after 14:00 local
            {"isAfter": [{"var": "now"}, {"buildTime": ["custom", iso_z(noon - dt.timedelta(hours=4))]}, 0]},
            {"isBefore": [{"var": "now"}, {"buildTime": ["custom", iso_offset(noon)]}, 0]},
            {"isAfter": [{"var": "now"}, {"buildTime": ["customtime", "14:00"]}, 0]},
        ]}
        CheckinList.objects.create(event=self.summit, name="Main entrance", all_products=True, rules=rules)

    # -- credentials -------------------------------------------------------------------------------
    def integration(self) -> None:
        from pretix.api.models import OAuthAccessToken, OAuthApplication

        app = OAuthApplication.objects.create(name="Demo integration", redirect_uris="http://127.0.0.1/cb",
                                              client_type="confidential", authorization_grant_type="authorization-code",
                                              client_id=keys.derive(self.seed, "client", 40))
        for which, delta in (("expired", -dt.timedelta(days=1)), ("valid", dt.timedelta(days=30))):
            token = OAuthAccessToken.objects.create(user=self.admin, application=app, scope="read",
                                                    token=keys.oauth_token(self.seed, which),
                                                    expires=self.anchor + delta)
            token.organizers.add(self.org)

    def session(self) -> None:
        """The admin's control-panel session, under the key the seed gives (a session store would draw
        its own key for one it has not seen)."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore
        from django.contrib.sessions.models import Session

        data = {SESSION_KEY: str(self.admin.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: self.admin.get_session_auth_hash(), "pretix_auth_long_session": True,
                "pretix_auth_login_time": int(self.anchor.timestamp()),
                "pretix_auth_last_used": int(self.anchor.timestamp())}
        Session.objects.create(session_key=keys.session_key(self.seed), session_data=SessionStore().encode(data),
                               expire_date=self.anchor + dt.timedelta(days=14))

    # -- what would fire ---------------------------------------------------------------------------
    def outbox(self) -> None:
        from pretix.base.models.mail import OutgoingMail

        common = {"organizer": self.org, "event": self.summit, "sender": "pretix-demo@localhost"}
        OutgoingMail.objects.create(**common, order=self.pending, subject="Your ticket reminder",
                                    body_plain="See you at the summit.", to=["pendok@example.org"],
                                    status=OutgoingMail.STATUS_QUEUED)
        OutgoingMail.objects.create(**common, subject="Retry me", body_plain="retry", to=["retry@example.org"],
                                    status=OutgoingMail.STATUS_AWAITING_RETRY,
                                    retry_after=self.anchor + dt.timedelta(hours=2))
        OutgoingMail.objects.create(**common, subject="In flight", body_plain="sending", to=["flight@example.org"],
                                    status=OutgoingMail.STATUS_INFLIGHT,
                                    inflight_since=self.anchor - dt.timedelta(minutes=5))

    def schedules(self) -> None:
        from pretix.base.models.exports import ScheduledEventExport, ScheduledOrganizerExport
        from pretix.plugins.sendmail.models import Rule, ScheduledMail

        rule = Rule.objects.create(event=self.summit, subject="Doors open soon", template="Hello!",
                                   send_date=self.anchor + dt.timedelta(hours=1), date_is_absolute=True,
                                   restrict_to_status=["p", "n__valid_if_pending"])
        if not ScheduledMail.objects.filter(rule=rule).exists():
            ScheduledMail.objects.create(rule=rule, event=self.summit, computed_datetime=rule.send_date)
        weekly = {"schedule_rrule": "DTSTART:20240101T000000\nRRULE:FREQ=WEEKLY;BYDAY=MO",
                  "schedule_rrule_time": dt.time(9, 0), "owner": self.admin, "export_identifier": "orderlist",
                  "locale": "en", "mail_template": "See attached"}
        exports = [ScheduledEventExport(event=self.meetup, export_form_data={"_format": "xlsx"},
                                        mail_subject="Weekly meetup orders", **weekly),
                   ScheduledOrganizerExport(organizer=self.org, timezone="America/New_York",
                                            export_form_data={"_format": "xlsx", "all_events": True},
                                            mail_subject="Weekly summit orders", **weekly)]
        for export in exports:
            export.compute_next_run()
            export.save()

    def send_reset_mail(self) -> None:
        """A password-reset mail, sent through pretix: its link must be dead in every restored demo."""
        self.admin.refresh_from_db()
        self.admin.send_password_reset()
