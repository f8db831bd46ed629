"""The media encoders and archive, and the plan as data: pure functions, no servers."""

import io
import tarfile
from pathlib import Path

import pytest
from PIL import Image

from builder.errors import UserError
from builder.snapshot import mediafiles
from cpd_events_demo import plan, world
from cpd_events_demo.scenario import art, media
from cpd_platform.credentials import layout as certificate_layout


def ink(data: bytes, background: tuple[int, int, int]) -> tuple[float, int]:
    """The share of an image's pixels that differ from its background, and how many colours it has."""
    pixels = rgba(Image.open(io.BytesIO(data)))
    drawn = [p for p in pixels if p[3] and abs(p[0] - background[0]) + abs(p[1] - background[1])
             + abs(p[2] - background[2]) > 30]
    return len(drawn) / len(pixels), len(set(pixels))


def test_badges_are_medals_with_an_emblem_and_their_label_the_same_bytes_each_time():
    for name, _, color in plan.BADGE_TEMPLATES:
        data = art.badge_png(name, color, world.BADGE_EMBLEMS[name])
        assert data == art.badge_png(name, color, world.BADGE_EMBLEMS[name]), name
        image = Image.open(io.BytesIO(data))
        assert (image.format, image.size, image.mode) == ("PNG", (256, 256), "RGBA")
        covered, colours = ink(data, (0, 0, 0))
        assert 0.4 < covered < 0.95 and colours > 200, (name, covered, colours)
        # The label is written on the banner: white letters on the band across the medal's foot.
        banner = image.crop((40, 170, 216, 196)).convert("RGB")
        assert sum(1 for p in rgba(banner) if min(p) > 230) > 100, name
    emblems = {art.badge_png("X", "#d4a017", emblem) for emblem in art.EMBLEMS}
    assert len(emblems) == len(art.EMBLEMS)


def test_certificate_art_has_a_frame_a_title_lines_and_a_seal_but_no_organisation():
    for landscape in (True, False):
        data = art.certificate_png("#1d4ed8", landscape=landscape)
        assert data == art.certificate_png("#1d4ed8", landscape=landscape)
        image = Image.open(io.BytesIO(data)).convert("RGB")
        assert image.size == ((1600, 1131) if landscape else (1131, 1600))
        covered, colours = ink(data, art.PAPER)
        assert 0.03 < covered < 0.5 and colours > 100, covered
        w, h = image.size
        title = image.crop((int(w * 0.2), int(h * 0.2), int(w * 0.8), int(h * 0.3)))
        assert sum(1 for p in rgba(title) if p[2] > 150 and p[0] < 120) > 2000   # the title, in blue
        # The platform writes the organisation, the recipient and the activity: their places are blank.
        for field in ("organization", "recipient", "activity"):
            x, y = art.FIELDS[field]
            band = image.crop((int(w * (x - 0.15)), int(h * (y - 0.03)), int(w * (x + 0.15)), int(h * (y + 0.02))))
            assert ink(encode(band), art.PAPER)[0] == 0, field
    assert art.certificate_png("#1d4ed8") != art.certificate_png("#0f766e")


def test_the_art_leaves_room_where_the_platform_writes():
    assert art.FIELDS == certificate_layout.FIELDS


def rgba(image: Image.Image) -> list[tuple[int, ...]]:
    raw = image.convert("RGBA").tobytes()
    return [tuple(raw[i:i + 4]) for i in range(0, len(raw), 4)]


def encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


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
