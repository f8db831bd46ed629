"""A demo prepared for an instant keeps it, and `demo.open` shows a named demo: a pinned demo
survives a keep-live round with its instant (and follows now again once reset without --now);
`demo.list` and `demo.open` say so; `demo.open` serves the demo's own pages with its media (the
prospect's certificate art: no 404) and no DEBUG page, or links to `[demo] open_url`."""

import os
import re
import time
from datetime import UTC, datetime

import pytest
import requests

from builder.named.pages import answers
from builder.postgres.embedded import free_port
from tests.support.commands import invoke, one_sentence, start_invoke_until
from tests.support.postgres import one
from tests.support.project import PROJECT, named_server

PIN = datetime(2026, 12, 10, 14, 30, tzinfo=UTC)  # 09:30 in New York: tomorrow's call


def quiet(*_):
    pass


def anchor(srv, name: str):
    return one(srv.at(name), "SELECT anchor_at FROM cpd_demo_snapshot")


@pytest.fixture(scope="module")
def demos(pg, built):
    srv = named_server(pg.url())
    srv.new("pinned_call", str(built), now=PIN, prospect="Lakeside Clinic", echo=quiet)
    srv.new("follows_now", str(built), echo=quiet)
    yield srv
    for name in ("pinned_call", "follows_now"):
        srv.drop(name, echo=quiet)


def config_with(tmp_path, extra: str) -> str:
    """The CPD demo's config, its paths made absolute, with `extra` added to its [demo] section."""
    text = (PROJECT / "cpd-demo.toml").read_text()
    text = text.replace('path = ["."]', f'path = ["{PROJECT}"]')
    text = text.replace('"cpd_events_demo/', f'"{PROJECT}/cpd_events_demo/')
    text = text.replace("[demo]\n", f"[demo]\n{extra}\n")
    path = tmp_path / "cpd-demo.toml"
    path.write_text(text)
    return str(path)


def test_a_pinned_demo_survives_a_keep_live_round_with_its_instant(demos, pg):
    assert demos.show("pinned_call").pinned_at == PIN and demos.show("follows_now").pinned_at is None
    assert anchor(demos, "pinned_call") == PIN
    before = anchor(demos, "follows_now")
    proc = invoke("demo.keep-live", "--server", pg.url(), "--every", "1s", "--rounds", "1")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"pinned_call: pinned at 2026-12-10 14:30 UTC: left at that instant", proc.stdout), proc.stdout
    assert anchor(demos, "pinned_call") == PIN
    assert anchor(demos, "follows_now") > before

    listing = invoke("demo.list", "--server", pg.url())
    assert listing.returncode == 0, listing.stderr
    line = next(ln for ln in listing.stdout.splitlines() if ln.startswith("pinned_call "))
    assert " pinned " in line, line
    assert " pinned " not in next(ln for ln in listing.stdout.splitlines() if ln.startswith("follows_now "))


def test_demo_open_serves_the_demos_pages_with_its_media_and_its_clock_at_the_pin(demos, pg, tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CPD_DEMO_HOME"] = str(tmp_path / "home")
    out = tmp_path / "open.log"
    with open(out, "w") as log:
        proc = start_invoke_until(["demo.open", "--name", "pinned_call", "--server", pg.url(), "--port", str(port)],
                                  lambda: answers(port), env=env, stdout=log,
                                  stderr=log, timeout=90)
    try:
        base = f"http://127.0.0.1:{port}"
        art = one(demos.at("pinned_call"), "SELECT background FROM credentials_certificatetemplate t "
                  "JOIN accounts_user u ON u.id = t.owner_id WHERE u.email = 'organizer.pro@example.com'")
        assert art, "the prospect's template has its art"
        picture = requests.get(f"{base}/media/{art}", timeout=30)
        assert picture.status_code == 200 and picture.headers["Content-Type"].startswith("image/")
        home = requests.get(base + "/", timeout=30)
        assert home.status_code == 200 and "/admin/login/" in home.url
        missing = requests.get(base + "/no-such-page/", timeout=30)
        assert missing.status_code == 404 and "URLconf" not in missing.text and "DEBUG" not in missing.text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    said = out.read_text()
    assert f"its clock at {PIN.isoformat()} (the instant the demo was prepared for)" in said, said


def test_demo_open_links_to_open_url_where_the_platform_runs_elsewhere(demos, pg, tmp_path):
    config = config_with(tmp_path, 'open_url = "https://{name}.demo.example.com/"')
    proc = invoke("demo.open", "--name", "follows_now", "--server", pg.url(), "--config", config)
    assert proc.returncode == 0, proc.stderr
    assert "https://follows_now.demo.example.com/" in proc.stdout
    gone = invoke("demo.open", "--name", "nosuchdemo", "--server", pg.url(), "--config", config)
    assert "There is no demo named nosuchdemo" in one_sentence(gone, "no demo")


def test_a_bad_open_url_is_one_sentence(tmp_path):
    config = config_with(tmp_path, 'open_url = "https://demo.example.com/"')
    proc = invoke("demo.open", "--name", "x", "--config", config)
    assert "open_url must be an http(s) address with {name}" in one_sentence(proc, "open_url")


def test_reset_without_now_follows_now_again(demos):
    demos.reset("pinned_call", echo=quiet)
    assert demos.show("pinned_call").pinned_at is None
    assert anchor(demos, "pinned_call") > PIN or abs((anchor(demos, "pinned_call") - datetime.now(UTC))
                                                     .total_seconds()) < 300


def test_a_demos_pages_started_on_demand_stop_when_idle(demos):
    from builder.named import pages
    from tests.support.project import CPD

    opened = pages.Pages(CPD, idle=1.0)
    demo = demos.show("follows_now")
    port = opened.start("follows_now", demos.demo_url("follows_now"), None, pages.clock(demo), "/open/follows_now")
    try:
        assert answers(port) and opened.port("follows_now") == port
        page = requests.get(f"http://127.0.0.1:{port}/admin/login/", timeout=30)
        assert page.status_code == 200 and 'action="/open/follows_now/admin/login/' in page.text  # under its prefix
        assert opened.start("follows_now", demos.demo_url("follows_now"), None, None, "/open/follows_now") == port
        assert opened.stop_idle() == []
        time.sleep(1.5)
        assert opened.stop_idle() == ["follows_now"]
        assert not answers(port) and opened.port("follows_now") is None
    finally:
        opened.stop_all()


def test_demo_admin_on_a_database_prepared_for_an_instant_starts_there(demos, built, tmp_path):
    demos.new("prepared", str(built), now=PIN, echo=quiet)
    port = free_port()
    out = tmp_path / "admin.log"
    try:
        with open(out, "w") as log:
            proc = start_invoke_until(["demo.admin", "--database-url", demos.demo_url("prepared"), "--port", str(port)],
                                      lambda: answers(port), stdout=log, stderr=log, timeout=90)
        try:
            assert requests.get(f"http://127.0.0.1:{port}/admin/login/", timeout=30).status_code == 200
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        demos.drop("prepared", echo=quiet)
    said = out.read_text()
    assert f"its clock at {PIN.isoformat()} (the instant the demo was prepared for)" in said, said
    assert "postgresql://" not in said or "***" in said  # no password printed
