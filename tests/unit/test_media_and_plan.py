"""The media encoders and archive, and the plan as data: pure functions, no servers."""

import io
import struct
import tarfile
import zlib
from pathlib import Path

import pytest

from builder.errors import UserError
from builder.snapshot import mediafiles
from cpd_events_demo import plan, world
from cpd_events_demo.scenario import media


def test_png_is_valid_and_deterministic():
    data = media.badge_png("#d4a017", size=32)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data == media.badge_png("#d4a017", size=32)
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and struct.unpack(">II", data[16:24]) == (32, 32)
    crc = struct.unpack(">I", data[16 + length:20 + length])[0]
    assert crc == zlib.crc32(data[12:16 + length]) & 0xFFFFFFFF
    assert media.certificate_png("#1d4ed8", landscape=False) != media.certificate_png("#1d4ed8", landscape=True)


def test_pdf_has_a_valid_cross_reference():
    data = media.pdf("Title (with parens)", ["a line", "another \\ line"])
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    xref = int(data.rsplit(b"startxref", 1)[1].split()[0])
    lines = data[xref:].split(b"\n")
    assert lines[0] == b"xref"
    count = int(lines[1].split()[1])
    for number, entry in enumerate(lines[3:2 + count], start=1):
        offset = int(entry[:10])
        assert data[offset:].startswith(b"%d 0 obj" % number), number


def test_the_media_archive_is_reproducible_and_unpacks_marked(tmp_path):
    src = tmp_path / "media"
    (src / "badges").mkdir(parents=True)
    (src / "badges" / "a.png").write_bytes(b"png")
    (src / "b.pdf").write_bytes(b"pdf")
    mediafiles.pack(src, tmp_path / "one.tar.gz")
    (src / "b.pdf").touch()  # a newer mtime changes nothing
    mediafiles.pack(src, tmp_path / "two.tar.gz")
    assert (tmp_path / "one.tar.gz").read_bytes() == (tmp_path / "two.tar.gz").read_bytes()
    staged, count = mediafiles.stage(tmp_path / "one.tar.gz", tmp_path / "out" / "media")
    assert count == 2 and (staged / mediafiles.MARKER).is_file()
    mediafiles.install(staged, tmp_path / "out" / "media")
    assert (tmp_path / "out" / "media" / "badges" / "a.png").read_bytes() == b"png"
    # The tool's own directory may be replaced; anyone else's may not.
    mediafiles.check_target(tmp_path / "out" / "media")
    (tmp_path / "theirs").mkdir()
    (tmp_path / "theirs" / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="did not put there"):
        mediafiles.check_target(tmp_path / "theirs")


def test_an_archive_that_escapes_is_refused(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("../../escaped")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(UserError, match="cannot be unpacked safely"):
        mediafiles.stage(archive, tmp_path / "m" / "media")
    assert not list(tmp_path.rglob("escaped")) and not list((tmp_path / "m").glob(".media.new-*"))


def test_one_persona_registry_every_address_reserved_but_the_admin():
    emails = [p.email for p in plan.PERSONAS]
    assert len(emails) == len(set(emails)) == 8 and plan.persona("pro").first_name == "Sarah"
    for email in emails:
        assert email == "admin@cpdevents.com" or email.endswith("@example.com")
    assert all(domain.endswith(".example") for _, domain in world.ORGANISATIONS)
    assert len(world.ORGANISATIONS) >= 10


def test_scheduled_things_are_on_weekdays_at_office_hours_in_us_zones():
    us = {"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"}
    for spec in (plan.FLAGSHIP, plan.WEBINAR, *world.SERIES, *world.BACKGROUND_EVENTS):
        assert spec.timezone in us, spec.key  # the platform's DST rules: rows move exactly with events
        if spec.event_type in ("conference", "webinar"):
            assert spec.weekday < 5 and "08:00" <= spec.start <= "18:00", spec.key
        for session in spec.sessions:
            assert session.start.endswith((":00", ":15", ":30", ":45")) and session.minutes % 15 == 0
            assert session.day < spec.days
        assert {s.day for s in spec.sessions} == set(range(spec.days)), spec.key  # sessions on each day


def test_the_plans_fixed_numbers():
    assert [(p.code, p.price_cents) for p in plan.PLANS] == [("basic", 0), ("organizer", 2900), ("lms", 4900),
                                                             ("pro", 9900)]
    assert plan.FLAGSHIP.price_cents == 19900 and plan.FLAGSHIP.cpd_credits == 10 and plan.FLAGSHIP.capacity >= 50
    # The plan's three sessions open the day's program, as it names them; the afternoon fills the day.
    assert [(s.title, s.session_type, s.room) for s in plan.FLAGSHIP.sessions[:3]] == [
        ("Keynote", "live", "Main Hall"), ("Breakout A: Ethics", "live", "Room 101"), ("Breakout B: Tech", "recorded", "")]
    assert plan.FLAGSHIP_PLAN_SESSIONS == ("Keynote", "Breakout A: Ethics", "Breakout B: Tech")
    assert not {s.title for s in plan.FLAGSHIP.sessions[3:]} & set(plan.FLAGSHIP_PLAN_SESSIONS)
    assert {c.code: c.discount_value for c in plan.PROMO_CODES} == {"EARLYBIRD25": 25, "COMMUNITY10": 1000,
                                                                    "EXPIRED50": 50}
    assert plan.COURSE_B.price_cents == 49900 and plan.QUIZ_PASSING_SCORE == 70
    assert sum(c["weight"] for c in plan.RUBRIC) == 100


def test_the_readmes_persona_table_is_the_registry():
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    table = readme.split("<!-- personas:start -->")[1].split("<!-- personas:end -->")[0]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.strip().splitlines()[2:]]
    assert rows == [[p.email, p.login_as, p.shows] for p in plan.PERSONAS]
