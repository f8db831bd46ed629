import hashlib
from pathlib import Path

from tests.support.postgres import one, query, snapshot_tables
from tests.support.project import ANCHOR, SEED, manage


def media_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_scale_anchor_give_identical_rows_and_media(demo, dbs):
    again_url, again_media, _ = dbs.seeded()
    first, second = snapshot_tables(demo[0]), snapshot_tables(again_url)
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], f"{table} differs between two builds"
    assert media_hashes(Path(demo[1])) == media_hashes(again_media)


def test_another_seed_gives_other_generated_rows_but_the_same_plan(demo, dbs):
    other_url, _, _ = dbs.seeded(seed=SEED + 1)
    assert snapshot_tables(demo[0])["marketing_contact"] != snapshot_tables(other_url)["marketing_contact"]
    assert query(other_url, "SELECT title FROM events_event ORDER BY id") == \
        query(demo[0], "SELECT title FROM events_event ORDER BY id")


def test_scale_3_multiplies_generated_volumes_only(demo, dbs):
    url3, _, _ = dbs.seeded(scale=3)
    base = demo[0]
    for sql in [
        "SELECT capacity FROM events_event WHERE title LIKE 'Future%%'",
        "SELECT count(*) FROM events_registration r JOIN events_event e ON e.id=r.event_id "
        "WHERE e.title LIKE 'Future%%' AND r.status <> 'confirmed' AND r.email NOT LIKE 'attendee.%%@example.com'",
        "SELECT count(*) FROM events_registration r JOIN events_event e ON e.id=r.event_id "
        "WHERE e.title = 'Sleep Medicine Update'",
        "SELECT count(*) FROM marketing_contact",
        "SELECT count(*) FROM accounts_profile WHERE role = 'attendee' AND user_id NOT IN "
        "(SELECT id FROM accounts_user WHERE email LIKE '%%@example.com' AND email LIKE 'attendee.%%')",
        "SELECT count(*) FROM marketing_contact_tags",
    ]:
        assert one(url3, sql) == 3 * one(base, sql), sql
    for sql in ["SELECT count(*) FROM billing_invoice WHERE status='paid'", "SELECT count(*) FROM events_event",
                "SELECT count(*) FROM billing_plan", "SELECT count(*) FROM marketing_promocode"]:
        assert one(url3, sql) == one(base, sql), sql
    # Attendance scales with the webinar's registrants (drawn, so roughly 3x).
    att1 = one(base, "SELECT count(*) FROM events_attendance")
    att3 = one(url3, "SELECT count(*) FROM events_attendance")
    assert 2.2 * att1 < att3 < 3.8 * att1


def test_sequences_follow_copied_rows(demo):
    """Rows written with explicit ids must not collide with the next ORM insert."""
    for table in ("accounts_user", "events_registration", "marketing_contact", "credentials_certificate"):
        last = one(demo[0], f"SELECT last_value FROM {table}_id_seq")
        assert last == one(demo[0], f"SELECT max(id) FROM {table}"), table


# -- bad input: one sentence, non-zero exit, nothing written ------------------------------------

def _refused(url, *args, expect: str):
    before = one(url, "SELECT count(*) FROM accounts_user")
    proc = manage(url, "create_demo_data", *args, check=False)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and expect in lines[0], proc.stderr
    assert one(url, "SELECT count(*) FROM accounts_user") == before


def test_invalid_anchor(dbs):
    _refused(dbs.empty(), "--anchor", "next tuesday", expect="must be an ISO instant with its offset")


def test_scale_below_one(dbs):
    _refused(dbs.empty(), "--anchor", ANCHOR, "--scale", "0", expect="--scale must be a whole number from 1 to")


def test_non_empty_database_needs_reset(dbs, tmp_path):
    """The product's own command, as its developers run it: --reset replaces the data, the same rows again."""
    url, media = dbs.empty("reset"), tmp_path
    manage(url, "create_demo_data", "--seed", str(SEED), "--anchor", ANCHOR, media_root=str(media))
    _refused(url, "--anchor", ANCHOR, expect="pass --reset")
    before = snapshot_tables(url)
    manage(url, "create_demo_data", "--seed", str(SEED), "--anchor", ANCHOR, "--reset", media_root=str(media))
    after = snapshot_tables(url)
    assert {t: r for t, r in after.items() if t != "django_admin_log"} == \
        {t: r for t, r in before.items() if t != "django_admin_log"}


def test_unreachable_database(dbs):
    proc = manage("postgresql://postgres@127.0.0.1:1/nowhere", "create_demo_data", "--anchor", ANCHOR, check=False)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "Cannot connect to the database" in proc.stderr
