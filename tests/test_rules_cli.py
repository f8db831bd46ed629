"""`invoke snapshot.rules`: every dated column of the project's schema with its rule and where it
comes from; `--check` passes on the CPD demo and names a column a new migration added without a rule;
a build refuses such a schema before its scenario runs."""

import shutil

from builder.postgres import databases
from tests.support.commands import invoke, one_sentence
from tests.support.project import CPD, PROJECT


def test_the_cpd_demo_declares_every_dated_column(pg, template_db):
    proc = invoke("snapshot.rules", "--check", "--database-url", pg.url(template_db))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "events_event.starts_at" in out and "weeks in timezone, span starts_at..ends_at  [columns]" in out
    assert "events_session.starts_at" in out and "weeks in event_id.timezone, span starts_at..ends_at, with its event_id" in out
    assert ("group: events_session rows keep their place in the events_event they belong to (by event_id, where inside it)"
            in out)
    assert "django_session.expire_date" in out and "purge (the table)" in out
    assert "integrations_zoomwebhookevent.payload" in out and "json at event_ts, following occurred_at" in out
    assert "billing_paymentmethod.exp_year" in out and "years" in out
    assert "cpd_demo_snapshot" not in out  # the engine's own tables are never asked for
    assert out.splitlines()[-1].endswith("0 without a rule")


def test_a_new_dated_column_without_a_rule_is_named_and_stops_the_build(built, dbs, tmp_path):
    restored = dbs.pg.url("rules_added")
    assert invoke("snapshot.restore", "--from", str(built), "--database-url", restored).returncode == 0
    with databases.connect(restored) as conn:  # what a new migration of the platform would do
        conn.execute("ALTER TABLE events_event ADD COLUMN doors_open_at timestamptz")
    proc = invoke("snapshot.rules", "--check", "--database-url", restored)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "no rule: events_event.doors_open_at" in proc.stdout
    assert "events_event.doors_open_at" in proc.stdout.split("no rule:")[0] and "NO RULE" in proc.stdout
    assert "1 dated column(s) have no declared rule" in proc.stderr
    assert invoke("snapshot.rules", "--database-url", restored).returncode == 0  # listing alone never fails

    # The same project with one rule taken away: the build stops before the scenario, naming it.
    project = tmp_path / "project"
    shutil.copytree(PROJECT / "cpd_events_demo", project / "cpd_events_demo")
    rules = (project / "cpd_events_demo" / "rules.toml").read_text()
    (project / "cpd_events_demo" / "rules.toml").write_text(
        rules.replace('"engagement_feedback.submitted_at" = "weeks"\n', ""))
    config = CPD.file.read_text().replace('path = ["."]', f'path = ["{PROJECT}"]')
    (project / "cpd-demo.toml").write_text(config)
    proc = invoke("snapshot.build", "--config", str(project / "cpd-demo.toml"), "--provider", "embedded",
                  "--output", str(tmp_path / "out"))
    line = one_sentence(proc, "1 dated column(s) have no rule: engagement_feedback.submitted_at")
    assert "cpd_events_demo/rules.toml" in line and "seed" not in proc.stdout.split("→ rules")[-1]
