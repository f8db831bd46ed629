"""The engine on a real project no one here wrote: pretix 2026.8.0 from PyPI, in its own virtualenv
with its own Django, plugged in through examples/pretix/cpd-demo.toml only (no fork, no patch).

Built through the config, published to S3 (moto's server on 127.0.0.1), restored from S3 at
instants between the US and the EU DST changes of both seasons and at 03:00 on a Saturday in New
York, and checked through pretix's own REST API and pages served by its own code (`invoke
demo.admin`): local times of scheduled things, year-bearing names, JSON in both UTC forms. The
checks that need pretix's clock to be the restore's instant (expired tokens and vouchers, the
build's reset link and session, pretix's own cron sending nothing) run on a restore to real now.
Then the image is baked and run, and a named demo is served with its own login.
"""

import os
import secrets
import subprocess
import time
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import psycopg
import pytest

from builder.clock import parse_instant
from builder.postgres import conninfo
from builder.postgres.embedded import free_port
from builder.settings import DEFAULT_PASSWORD
from builder.store import manifest as mf
from tests.support.commands import invoke
from tests.support.images import BASE_IMAGE
from tests.support.postgres import one, query
from tests.support.pretix import CONFIG, PRETIX, Site, instant, keys, serve, stop
from tests.support.s3 import BUCKET, CREDS

UTC = timezone.utc
NY, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
SEED = 7
ANCHOR = datetime(2026, 10, 14, 14, 0, tzinfo=UTC)  # a Wednesday, 10:00 in New York, before both autumn changes
PREFIX = f"s3://{BUCKET}/pretix"
# Each side of a season's two DST changes, and a Saturday night in New York (read in its timezone).
INSTANTS = {
    "spring: US on summer time, EU not yet": ("2027-03-20T16:00:00Z", -4),
    "autumn: EU back on winter time, US not yet": ("2027-11-03T15:00:00Z", -5),
    "03:00 on a Saturday in New York": ("2027-01-16T03:00", -5),
}


@pytest.fixture(scope="module")
def pretix(tmp_path_factory):
    """pretix's virtualenv (examples/pretix/setup makes it when missing: a clean clone needs nothing
    else), and the directory pretix's mail is written to meanwhile."""
    made = subprocess.run([str(PRETIX / "setup")], capture_output=True, text=True, timeout=900)
    assert made.returncode == 0, made.stderr[-2000:]
    assert (PRETIX / ".venv" / ".complete").exists()
    return tmp_path_factory.mktemp("pretix-mail")


def environment(mail) -> dict:
    """This process's environment (S3's variables included), pretix's mail into `mail`."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "PRETIX_DEMO_MAIL_DIR": str(mail)}


@pytest.fixture(scope="module")
def snapshot(pretix, s3, tmp_path_factory):
    """One build of pretix's demo through its config, published to S3: (local directory, version)."""
    env = environment(pretix)
    output = tmp_path_factory.mktemp("pretix-snapshots")
    built = invoke("snapshot.build", "--config", str(CONFIG), "--provider", "embedded", "--seed", str(SEED),
                   "--anchor", ANCHOR.isoformat(), "--output", str(output), env=env)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr
    assert "pretix demo around 2026-10-14 14:00 UTC (seed 7, scale 1): 4 events, 21 meetups, 20 orders" in built.stdout
    version = built.stdout.split("built ", 1)[1].split()[0]
    published = invoke("snapshot.publish", "--config", str(CONFIG), "--to", PREFIX, "--version", version,
                       "--from", str(output), env=env)
    assert published.returncode == 0, published.stderr
    for proc in (built, published):
        assert DEFAULT_PASSWORD not in proc.stdout + proc.stderr and CREDS["AWS_SECRET_ACCESS_KEY"] not in proc.stderr
    return output, version


def restore(pg, name: str, now: str | None = None) -> str:
    """`invoke snapshot.restore` from S3 into database `name`, rebased to `now` (default: real now)."""
    url = pg.url(name)
    proc = invoke("snapshot.restore", "--config", str(CONFIG), "--from", PREFIX, "--database-url", url,
                  *(["--now", now] if now else []))
    assert proc.returncode == 0, proc.stdout[-1500:] + proc.stderr
    assert "live now:   Open Day" in proc.stdout and "logins:" in proc.stdout  # the config's status and logins
    return url


def restored_now(url: str) -> datetime:
    return one(url, "SELECT anchor_at FROM cpd_demo_snapshot")


# -- what holds at any instant -----------------------------------------------------------------------
def check_calendar(site: Site, now: datetime, summit_offset: int) -> None:
    events = site.events()
    summit, past, live = events[keys.SUMMIT], events[keys.SUMMIT_PAST], events[keys.OPEN_DAY]
    for event in (summit, past):
        start = instant(event["date_from"]).astimezone(ZoneInfo(event["timezone"]))
        assert (event["timezone"], start.strftime("%a %H:%M")) == ("America/New_York", "Thu 09:00"), event
        assert event["name"]["en"] == f"Liberty Summit {start.year}"
    assert instant(past["date_to"]) < now < instant(summit["date_from"])
    # Built in November (UTC-5): across the spring change the summit is at 09:00 on summer time.
    assert instant(summit["date_from"]).astimezone(NY).utcoffset() == timedelta(hours=summit_offset)
    start, end = instant(live["date_from"]), instant(live["date_to"])
    assert start <= now < end and start.minute % 15 == 0 and end - start == timedelta(hours=4)
    assert live["name"]["en"] == f"Open Day {start.astimezone(BERLIN).year}"

    meetups = sorted(instant(s["date_from"]).astimezone(BERLIN) for s in site.subevents(keys.MEETUP))
    assert len(meetups) == 21 and {m.strftime("%a %H:%M") for m in meetups} == {"Tue 19:00"}
    assert {m.utcoffset() for m in meetups} == {timedelta(hours=1), timedelta(hours=2)}  # across a DST change
    gaps = [(b.date() - a.date()).days for a, b in pairwise(meetups)]
    skipped = [i for i, gap in enumerate(gaps) if gap != 7]
    # Every week around now ([slots]: docs/plug-in.md): a week is missing only while its own meetup
    # runs and settles (19:00 to 22:00 in Berlin), where the plain weeks rule would skip one at any instant.
    assert all(gaps[i] == 14 and meetups[i] + timedelta(weeks=1) <= now < meetups[i] + timedelta(weeks=1, hours=3)
               for i in skipped), gaps
    assert meetups[0] < now < meetups[-1]


def check_json(site: Site) -> None:
    """JSON times moved with their row, each in the form it was written; a time of day left alone."""
    pending = site.order(keys.SUMMIT, keys.PENDING_ORDER)
    shift = instant(pending["datetime"]) - (ANCHOR - timedelta(days=1))  # the order's own move
    assert shift >= timedelta(weeks=1)
    synced = ANCHOR - timedelta(days=2, hours=3) + shift
    meta = pending["api_meta"]
    assert meta["crm"]["synced_at"] == synced.strftime("%Y-%m-%dT%H:%M:%S.000Z")  # the `Z` form
    assert meta["crm"]["next_sync"] == (ANCHOR + timedelta(days=5) + shift).isoformat()  # the `+00:00` form
    followup = meta["followup_at"]
    assert followup.endswith("-04:00") and instant(followup) == synced  # its own offset, as written
    assert meta["followup_date"] == (ANCHOR + timedelta(days=7) + shift).date().isoformat()
    assert (meta["imported_epoch_s"], meta["imported_epoch_ms"]) == (int(synced.timestamp()),
                                                                     int(synced.timestamp()) * 1000)
    assert meta["note"] == "call back at 14:00"

    summit = instant(site.events()[keys.SUMMIT]["date_from"])
    times = [rule["buildTime"] for clause in site.checkin_rules(keys.SUMMIT)["or"]
             for rule in next(iter(clause.values())) if isinstance(rule, dict) and "buildTime" in rule]
    assert times == [["custom", (summit - timedelta(hours=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")],
                     ["custom", (summit + timedelta(hours=3)).astimezone(UTC).isoformat()],
                     ["customtime", "14:00"]]


@pytest.mark.parametrize("when", INSTANTS.values(), ids=INSTANTS.keys())
def test_restored_from_s3_at_instants_across_dst_pretix_shows_its_calendar(pg, snapshot, pretix, when):
    text, summit_offset = when
    url = restore(pg, f"pretix_at_{secrets.token_hex(3)}", text)
    now = restored_now(url)
    assert now == parse_instant(text, zone="America/New_York")
    port = free_port()
    server = serve(port, environment(pretix), "--database-url", url)
    try:
        site = Site(port, SEED)
        check_calendar(site, now, summit_offset)
        check_json(site)
    finally:
        stop(server)


# -- what needs pretix's clock to be the restore's instant -------------------------------------------
def runperiodic(url: str, env: dict) -> subprocess.CompletedProcess:
    """pretix's own cron, as pretix's developers run it against a database (its settings module and
    PRETIX_DATABASE_* in the environment): not through the engine."""
    values = conninfo.params(url)
    database = {"NAME": values["dbname"], "USER": values["user"], "PASSWORD": values["password"],
                "HOST": values["host"], "PORT": values["port"]}
    cron_env = {**env, "DJANGO_SETTINGS_MODULE": "pretix_demo.settings", "PYTHONPATH": str(PRETIX),
                **{f"PRETIX_DATABASE_{k}": str(v) for k, v in database.items()}}
    return subprocess.run([str(PRETIX / ".venv" / "bin" / "python"), "-m", "pretix", "runperiodic"], cwd=PRETIX,
                          env=cron_env, capture_output=True, text=True, timeout=300)


def test_restored_to_now_credentials_stay_dead_and_nothing_fires(pg, snapshot, pretix):
    env, mail = environment(pretix), pretix
    url = restore(pg, "pretix_now")
    now = restored_now(url)
    assert abs(datetime.now(UTC) - now) < timedelta(minutes=5)
    # The config's own checks (demo.check) on the database, before anyone logs in.
    checked = invoke("demo.check", "--config", str(CONFIG), "--database-url", url)
    assert checked.returncode == 0 and "all 6 checks passed" in checked.stdout, checked.stdout + checked.stderr
    reset_link = one(url, "SELECT substring(body_plain FROM '/control/forgot/recover[^\\s]+') FROM "
                          "pretixbase_outgoingmail WHERE subject ILIKE '%%password%%'")
    # Signed minutes ago (pretix's reset links last three days): only the rebase can have killed it.
    signed = datetime(2001, 1, 1) + timedelta(seconds=int(reset_link.split("token=")[1].split("-")[0], 36))
    assert timedelta(0) <= datetime.now(NY).replace(tzinfo=None) - signed < timedelta(hours=1)
    port = free_port()
    server = serve(port, env, "--database-url", url)
    try:
        site = Site(port, SEED)
        assert site.bearer(keys.oauth_token(SEED, "expired")) == 401  # expired a day before the build
        assert site.bearer(keys.oauth_token(SEED, "valid")) == 200
        assert site.voucher(keys.SUMMIT, keys.EXPIRED_VOUCHER) == (302, f"/{keys.ORGANIZER}/{keys.SUMMIT}/?voucher_invalid")
        assert site.voucher(keys.SUMMIT, keys.VALID_VOUCHER)[0] == 200
        assert site.request(reset_link)[:2] == (302, "/control/forgot")  # the build's reset link is dead
        assert site.with_session(keys.session_key(SEED)) == (302, "/control/login?next=/control/")
        pending = site.order(keys.SUMMIT, keys.PENDING_ORDER)
        assert pending["status"] == "n" and instant(pending["expires"]) - now > timedelta(days=4)  # still payable
        expired = site.order(keys.SUMMIT, keys.EXPIRED_ORDER)
        assert expired["status"] == "e" and instant(expired["expires"]) < now
        status, location, dashboard = site.login(keys.ADMIN_EMAIL, DEFAULT_PASSWORD)
        assert (status, location) == (302, "/control/") and keys.ADMIN_EMAIL in dashboard
        assert site.login(keys.ADMIN_EMAIL, "not-the-password")[:2] == (200, "")
    finally:
        stop(server)

    # What was queued or scheduled at the build is never sent by pretix's own cron after the rebase.
    outbox = dict(query(url, "SELECT subject, status FROM pretixbase_outgoingmail"))
    assert outbox == {"Your ticket reminder": "aborted", "Retry me": "aborted", "In flight": "aborted",
                      "Reset your password": "sent"}
    sent_before = set(mail.iterdir())
    cron = runperiodic(url, env)
    assert cron.returncode == 0, cron.stderr[-2000:]
    assert set(mail.iterdir()) == sent_before
    assert dict(query(url, "SELECT subject, status FROM pretixbase_outgoingmail")) == outbox
    assert query(url, "SELECT state FROM sendmail_scheduledmail") == [("scheduled",)]


# -- the rules, the image, a named demo ----------------------------------------------------------------
def test_every_dated_column_of_pretix_is_declared_or_defaulted(pg, snapshot, tmp_path):
    url = restore(pg, "pretix_rules", ANCHOR.isoformat())  # at its own anchor: nothing moves
    # The admin was logged in while the scenario ran: that session is not in the snapshot at all, and a
    # restore at the anchor itself purges too.
    assert query(url, "SELECT session_key FROM django_session") == []
    listed = invoke("snapshot.rules", "--config", str(CONFIG), "--database-url", url, "--check")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    # pretix's 176 date, timestamp and JSON columns, and two text columns that carry dates.
    assert lines[-1] == "178 column(s); 0 without a rule"
    row = {line.split()[0]: line for line in lines[1:-1]
           if not line.startswith(("live rows:", "slot rows:", "span:", "group:", "group?:"))}
    assert len(row) == 178 and "live rows: live where date_from <= {anchor}" in listed.stdout
    assert "slot rows: weekly slot from date_from to date_to in event(event_id), settled 60 min after" in listed.stdout
    assert row["pretixbase_event.date_from"].endswith("weeks in event(id), span date_from..date_to  [columns]")
    assert row["pretixbase_checkinlist.rules"].endswith("json at anywhere, each by weeks in event(event_id)  [columns]")
    assert row["pretixapi_oauthaccesstoken.expires"].endswith("expire  [columns]")
    assert row["pretixbase_invoice.date"].endswith("weeks  [default]")
    assert row["pretixbase_device.info"].endswith("keep  [default]")
    assert row["pretixbase_event.name"].split()[1:3] == ["text", "year"]
    # Without the default, pretix's undeclared columns are named, and a build would refuse them.
    strict = tmp_path / "cpd-demo.toml"
    strict.write_text(CONFIG.read_text().replace('python = ".venv"', f'python = "{PRETIX / ".venv"}"')
                      .replace('file = "rules.toml"', f'file = "{tmp_path / "rules.toml"}"'))
    (tmp_path / "rules.toml").write_text((PRETIX / "rules.toml").read_text().replace('default = "weeks"', ""))
    refused = invoke("snapshot.rules", "--config", str(strict), "--database-url", url, "--check")
    assert refused.returncode == 1 and "no rule: pretixbase_invoice.date" in refused.stdout
    assert refused.stderr.strip().startswith("error: ") and "dated column(s) have no declared rule" in refused.stderr


def test_the_image_of_the_snapshot_serves_it_rebased(docker_client, snapshot):
    output, version = snapshot
    repository = f"cpd-demo-pretix-test-{secrets.token_hex(3)}"
    baked = invoke("snapshot.image", "--config", str(CONFIG), "--from", str(output), "--version", version,
                   "--repository", repository, "--base-image", BASE_IMAGE)
    assert baked.returncode == 0, baked.stdout[-2000:] + baked.stderr
    port = free_port()
    container = docker_client.containers.run(f"{repository}:{version}", detach=True, network_mode="host",
                                             command=["-p", str(port), "-c", "listen_addresses=127.0.0.1"],
                                             environment={"POSTGRES_DB": "pretix_demo"})
    try:
        url = f"postgresql://postgres:{DEFAULT_PASSWORD}@127.0.0.1:{port}/pretix_demo"
        conn = None
        for _ in range(300):
            try:
                conn = psycopg.connect(url, connect_timeout=2, autocommit=True)
                break
            except psycopg.OperationalError:
                container.reload()
                assert container.status == "running", container.logs().decode()[-2000:]
                time.sleep(0.1)
        assert conn is not None, container.logs().decode()[-2000:]
        with conn:
            now = conn.execute("SELECT anchor_at FROM cpd_demo_snapshot").fetchone()[0]
            assert abs(datetime.now(UTC) - now) < timedelta(minutes=5)
            local, name = conn.execute(
                "SELECT to_char(date_from AT TIME ZONE 'America/New_York', 'Dy HH24:MI'), name FROM pretixbase_event "
                "WHERE slug = 'summit' AND date_from > %s", (now,)).fetchone()
            assert local == "Thu 09:00" and name.startswith("Liberty Summit ")
            assert conn.execute("SELECT count(*) FROM pretixbase_event WHERE date_from <= %s AND date_to > %s",
                                (now, now)).fetchone()[0] == 1
            assert conn.execute("SELECT count(*) FROM django_session").fetchone()[0] == 0
        assert f"cpd-demo {version}: rebased by" in container.logs().decode()
    finally:
        container.remove(force=True)
        for tag in (version, "latest"):
            docker_client.images.remove(f"{repository}:{tag}", force=True)


def test_a_named_demo_serves_pretix_with_its_own_login(pg, snapshot, pretix):
    name = f"pretix_{secrets.token_hex(3)}"
    named = ("--config", str(CONFIG), "--server", pg.url(), "--name", name)
    made = invoke("demo.new", *named, "--from", PREFIX)
    assert made.returncode == 0, made.stdout[-1500:] + made.stderr
    assert "live now:   Open Day" in made.stdout and keys.ADMIN_EMAIL in made.stdout
    try:
        port = free_port()
        server = serve(port, environment(pretix), "--name", name, "--server", pg.url())
        try:
            site = Site(port, SEED)
            status, location, dashboard = site.login(keys.ADMIN_EMAIL, DEFAULT_PASSWORD)
            assert (status, location) == (302, "/control/") and keys.ADMIN_EMAIL in dashboard
            assert site.events()[keys.SUMMIT]["name"]["en"].startswith("Liberty Summit ")
        finally:
            stop(server)
        # pretix kept its session through the demo's own login, in the demo's own database.
        demo_url = invoke("demo.url", *named).stdout.splitlines()[-1]
        assert conninfo.params(demo_url)["user"] == name and one(demo_url, "SELECT session_user") == name
        assert one(demo_url, "SELECT count(*) FROM django_session") >= 1
    finally:
        assert invoke("demo.drop", *named).returncode == 0


def test_the_manifest_names_the_project_and_keeps_no_secret(snapshot):
    output, version = snapshot
    manifest = mf.read(output / version)
    assert manifest["project"] == "pretix-demo" and manifest["database"] == "pretix_demo"
    assert manifest["anchor_at"].startswith("2026-10-14T14:00") and manifest["seed"] == SEED
    # The admin's session was purged before pg_dump: no artifact carries one.
    assert manifest["row_counts"]["pretixbase_subevent"] == 21 and manifest["row_counts"]["django_session"] == 0
    text = (output / version / mf.MANIFEST).read_text()
    assert DEFAULT_PASSWORD not in text and keys.team_token(SEED) not in text
