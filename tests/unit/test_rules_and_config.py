"""The plug-in interface without a server: a project's config file and its declared rules, compiled
against a schema described by hand. Every mistake a platform developer can make is one sentence
that names the file and the key."""

import re
from pathlib import Path

import pytest

from builder import project as projects
from builder.errors import UserError
from builder.rules import Column, Compiler, ForeignKey, Schema, describe

SCHEMA = Schema(
    columns=[Column("public", "event", "id", "bigint"), Column("public", "event", "starts_at", "timestamp with time zone"),
             Column("public", "event", "tz", "text"), Column("public", "event", "name", "text"),
             Column("public", "event", "status", "text"),
             Column("public", "talk", "id", "bigint"), Column("public", "talk", "event_id", "bigint"),
             Column("public", "talk", "starts_at", "timestamp with time zone"),
             Column("public", "token", "expires", "timestamp with time zone"),
             Column("public", "token", "used_at", "timestamp without time zone"),
             Column("public", "hook", "at", "timestamp with time zone"), Column("public", "hook", "body", "jsonb"),
             Column("public", "outbox", "send_at", "timestamp with time zone"), Column("public", "outbox", "sent", "boolean"),
             Column("public", "session", "expire_date", "timestamp with time zone"),
             Column("shop", "order", "placed", "date"),
             Column("public", "cpd_demo_snapshot", "anchor_at", "timestamp with time zone")],
    foreign_keys=[ForeignKey("public", "talk", "event_id", "public", "event", "id")])

DECLARED = {
    "tables": {"session": "purge", "outbox": {"quiesce": "send_at", "set": {"sent": True}}},
    "columns": {
        "event.starts_at": {"shift": "weeks", "zone": "tz"},
        "talk.starts_at": {"shift": "weeks", "zone": "event_id.tz"},
        "token.expires": "expire", "token.used_at": "null", "outbox.send_at": "expire",
        "hook.at": "days", "hook.body": {"json": "at", "paths": [["a", "b"], ["ts"]]},
        "event.name": {"year_of": "starts_at", "pattern": r"^(Summit )\d+$", "zone": "tz"},
        "shop.order.placed": {"shift": "months", "cycle": "placed"},
    },
    "live": {"roots": ["event.status = live"], "follow": ["talk.event_id"]},
}


def compile_(declared=DECLARED):
    return Compiler(declared, SCHEMA, "rules.toml").compile(skip_tables=("cpd_demo_snapshot",))


def test_every_kind_compiles_to_the_rows_the_rebase_reads():
    rules, undeclared = compile_()
    assert undeclared == []
    by = {(r.schema_name, r.table_name, r.column_name, tuple(r.path)): r for r in rules}
    talk = by[("public", "talk", "starts_at", ())]
    assert (talk.kind, talk.zone_column, talk.zone_sql) == \
        ("weekly", "event_id.tz", '(SELECT p."tz" FROM "public"."event" p WHERE p."id" = t."event_id")')
    assert by[("public", "event", "starts_at", ())].zone_sql == 't."tz"'
    assert by[("public", "token", "expires", ())].kind == "expire" and by[("public", "token", "used_at", ())].kind == "null"
    assert by[("public", "hook", "at", ())].kind == "daily"
    assert {r.path[0] for r in rules if r.kind == "json"} == {"a", "ts"}
    assert by[("shop", "order", "placed", ())].kind == "monthly" and by[("shop", "order", "placed", ())].source == "placed"
    quiesce = next(r for r in rules if r.kind == "quiesce")
    assert (quiesce.table_name, quiesce.source, quiesce.path) == ("outbox", "send_at", ["sent", "true"])
    assert [(r.kind, r.value or r.parent) for r in rules if r.kind.startswith("live")] == \
        [("live_root", "live"), ("live_via", "public.event")]
    assert describe(talk) == "weeks in event_id.tz"
    assert describe(quiesce) == "quiesce: rows due by send_at -> sent = true"


def test_json_that_no_column_dates_moves_each_time_by_a_shift_in_a_zone():
    rules, _ = compile_({"columns": {"talk.starts_at": "weeks",
                                     "hook.body": {"json": "weeks"}},
                         "tables": {}})
    body = next(r for r in rules if r.column_name == "body")
    assert (body.kind, body.value, body.source, body.path, body.zone_sql) == ("json", "weekly", "", ["*"], "")
    assert describe(body) == "json at anywhere, each by weeks"
    schema = Schema(SCHEMA.columns + [Column("public", "talk", "gates", "jsonb")], SCHEMA.foreign_keys)
    rules, _ = Compiler({"columns": {"talk.gates": {"json": "days", "zone": "event_id.tz", "paths": [["open"]]}}},
                        schema, "rules.toml").compile(skip_tables=("cpd_demo_snapshot",))
    gates = next(r for r in rules if r.column_name == "gates")
    assert (gates.value, gates.path, gates.zone_sql) == \
        ("daily", ["open"], '(SELECT p."tz" FROM "public"."event" p WHERE p."id" = t."event_id")')
    assert describe(gates) == "json at open, each by days in event_id.tz"


def test_an_undeclared_dated_column_is_named_unless_there_is_a_default():
    declared = {**DECLARED, "columns": {k: v for k, v in DECLARED["columns"].items() if k != "token.used_at"}}
    _, undeclared = compile_(declared)
    assert [c.key for c in undeclared] == ["token.used_at"]  # the engine's own tables are never asked for
    rules, undeclared = compile_({**declared, "default": "keep"})
    assert undeclared == [] and any(r.column_name == "used_at" and r.origin == "default" for r in rules)


@pytest.mark.parametrize("columns, message", [
    ({"event.startz": "weeks"}, "event.startz names no column"),
    ({"nope.x": "weeks"}, "there is no table nope"),
    ({"event.starts_at": "fortnightly"}, "unknown rule 'fortnightly'"),
    ({"event.starts_at": {"shift": "hours"}}, "shift must be one of"),
    ({"event.starts_at": {"shift": "weeks", "zone": "nope"}}, "the zone column of event.starts_at, nope"),
    ({"talk.starts_at": {"shift": "weeks", "zone": "id.tz"}}, "which is not a foreign key"),
    ({"talk.starts_at": {"shift": "weeks", "zone": "event_id.nope"}}, "nope is not a column of event"),
    ({"event.starts_at": {"shift": "weeks", "cycle": "starts_at"}}, "a cycle is for months and years only"),
    ({"hook.at": {"json": "at"}}, "is timestamp with time zone, not json"),
    ({"hook.body": {"json": "at", "paths": "everywhere"}}, "paths must be"),
    ({"hook.body": {"json": "at", "zone": "tz"}}, "a zone is for json = weeks or days"),
    ({"hook.body": {"json": "weeks", "zone": "nope"}}, "the zone column of hook.body, nope"),
    ({"event.name": {"year_of": "starts_at", "pattern": "no group"}}, "group 1 is the text before the year"),
    ({"event.starts_at": {"shift": "weeks", "zome": "tz"}}, "unknown setting(s) zome"),
    ({"a.b.c.d": "weeks"}, "is not table.column or schema.table.column"),
])
def test_a_wrong_rule_is_one_sentence_naming_it(columns, message):
    with pytest.raises(UserError, match=re.escape(message)):
        compile_({"columns": columns})


def test_wrong_tables_and_live_rows_are_one_sentence():
    for declared, message in (({"tables": {"outbox": {"quiesce": "send_at"}}}, "quiesce needs set"),
                              ({"tables": {"nope": "purge"}}, "nope names no table"),
                              ({"tables": {"session": "truncate"}}, "must be purge, bookkeeping"),
                              ({"live": {"roots": ["event.status"]}}, "is not 'table.column = value'"),
                              ({"live": {"follow": ["talk.starts_at"]}}, "which is not a foreign key"),
                              ({"colums": {}}, "unknown section(s) colums")):
        with pytest.raises(UserError, match=re.escape(message)):
            compile_(declared)


def test_slots_compile_with_their_followers_and_the_holidays_of_their_zones_countries():
    slots = {"table": "event", "span": ["starts_at", "starts_at"], "zone": "tz", "settle": 90,
             "follow": ["talk.event_id"], "follow_past": ["talk.event_id"],
             "holidays": {"countries": ["US"], "categories": ["public", "unofficial"], "only": ["Christmas Eve"]}}
    rules, _ = compile_({**DECLARED, "slots": slots})
    root = next(r for r in rules if r.kind == "slot_root")
    assert (root.path, root.zone_sql, root.value) == (["starts_at", "starts_at"], 't."tz"', "90")
    assert [(r.parent, r.condition) for r in rules if r.kind == "slot_via"] == [("public.event", ""),
                                                                                ("public.event", "past")]
    holiday = next(r for r in rules if r.kind == "holiday")
    # Christmas Eve of every year the holidays package knows, and the US zones the rebase looks them up by.
    assert holiday.value == "US" and holiday.path[0] == "1900-12-24" and "2026-12-24" in holiday.path
    assert all(day.endswith("-12-24") for day in holiday.path) and len(holiday.path) == 201
    zones = {r.value for r in rules if r.kind == "holiday_zone"}
    assert {"America/New_York", "America/Chicago", "Pacific/Honolulu"} <= zones and "Europe/London" not in zones
    assert describe(root) == "weekly slot from starts_at to starts_at in tz, settled 90 min after"


def test_wrong_slots_are_one_sentence():
    good = {"table": "event", "span": ["starts_at", "starts_at"]}
    for change, message in (({"table": "nope"}, "nope names no table"),
                            ({"span": ["starts_at"]}, "span must be [start column, end column]"),
                            ({"span": ["starts_at", "ends"]}, "ends, is not a column of event"),
                            ({"settle": -5}, "settle must be the minutes"),
                            ({"follow": ["talk.starts_at"]}, "which is not a foreign key"),
                            ({"every": 7}, "[slots] has unknown setting(s) every"),
                            ({"holidays": {"countries": ["XX"]}}, "the holidays package has no country 'XX'"),
                            ({"holidays": {"countries": ["US"], "only": ["Festivus"]}}, "US has no holiday named Festivus"),
                            ({"holidays": {"country": "US"}}, "[slots.holidays] takes countries, categories and only")):
        with pytest.raises(UserError, match=re.escape(message)):
            compile_({"slots": {**good, **change}})


def test_the_cpd_holidays_in_its_rules_are_the_plans():
    """The rebase skips the plan's holidays and demo.check looks for them: one list, said twice, kept equal."""
    from cpd_events_demo import plan

    cpd = projects.load(str(Path(__file__).parents[2] / "cpd-demo.toml"))
    holidays = cpd.rules["slots"]["holidays"]
    assert (holidays["countries"], tuple(holidays["categories"]), tuple(holidays["only"])) == \
        ([plan.HOLIDAY_COUNTRY], plan.HOLIDAY_CATEGORIES, plan.HOLIDAYS)
    assert cpd.rules["slots"]["settle"] >= plan.FEEDBACK_HOURS * 60


GOOD = """
[project]
settings = "mysite.settings"
timezone = "Europe/Berlin"
database = "shop_demo"
[scenario]
command = ["loaddemo", "--seed", "{seed}"]
anchor = "clock"
env = { DEMO_PASSWORD = "{password}" }
[rules]
default = "weeks"
[demo]
logins = [{ login = "admin", role = "superuser", shows = "everything" }]
"""


def write(tmp_path: Path, text: str, name: str = "cpd-demo.toml") -> str:
    (tmp_path / name).write_text(text)
    return str(tmp_path / name)


def test_a_config_is_read_with_its_defaults(tmp_path):
    found = projects.load(write(tmp_path, GOOD))
    assert (found.settings, found.timezone, found.database, found.name) == \
        ("mysite.settings", "Europe/Berlin", "shop_demo", tmp_path.name)
    assert found.scenario.command == ("loaddemo", "--seed", "{seed}") and found.scenario.anchor == "clock"
    assert found.scenario.fixed_anchor() is None and found.rules == {"default": "weeks"}
    assert found.path == (tmp_path.resolve(),) and found.logins[0]["login"] == "admin"


@pytest.mark.parametrize("change, message", [
    (("[project]", "[projekt]"), "unknown section(s) projekt"),
    (('timezone = "Europe/Berlin"', 'timezone = "Europe/Atlantis"'), "is not a known timezone"),
    (('database = "shop_demo"', 'database = "Shop Demo"'), "must be a lowercase identifier"),
    (('anchor = "clock"', 'anchor = "yesterday"'), "anchor must be now, clock or an ISO instant"),
    (('anchor = "clock"', 'anchor = "2025-01-15T10:00"'), "with its offset"),
    (('"{seed}"]', '"{seed}", "{sed}"]'), "{sed} is not a placeholder"),
    (('"{seed}"]', '"{seed}", "--password", "{password}"]'), "{password} may go in env, never on the command line"),
    (('command = ["loaddemo", "--seed", "{seed}"]', 'callable = "nodots"'), "callable must look like"),
    (('command = ["loaddemo", "--seed", "{seed}"]', ""), "needs a command or a callable"),
    (('settings = "mysite.settings"', 'settings = "my site"'), "must name the Django settings module"),
    (('database = "shop_demo"', 'database = "shop_demo"\npython = "no/such/venv"'), "neither an interpreter nor"),
    (('default = "weeks"', 'file = "missing.toml"'), "file missing.toml does not exist"),
    (("[demo]", "[demo]\nchecks = 3"), "checks must be a string"),
])
def test_a_wrong_config_is_one_sentence_naming_the_file_and_key(tmp_path, change, message):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(UserError, match=re.escape(message)) as caught:
        projects.load(path)
    assert str(tmp_path) in str(caught.value)


def test_bad_toml_and_a_missing_file_are_one_sentence(tmp_path):
    with pytest.raises(UserError, match="is not valid TOML"):
        projects.load(write(tmp_path, "[project\n"))
    with pytest.raises(UserError, match="does not exist"):
        projects.load(str(tmp_path / "nope.toml"))


def test_rules_in_a_file_of_their_own(tmp_path):
    write(tmp_path, '[columns]\n"event.starts_at" = "weeks"\n', "rules.toml")
    found = projects.load(write(tmp_path, GOOD.replace('default = "weeks"', 'file = "rules.toml"')))
    assert found.rules == {"columns": {"event.starts_at": "weeks"}} and found.rules_file == tmp_path / "rules.toml"


def test_the_cpd_demos_own_config_declares_every_dated_column_explicitly():
    """No default: a new dated column of the stand-in platform stops the build until it is declared."""
    cpd = projects.load(str(Path(__file__).parents[2] / "cpd-demo.toml"))
    assert "default" not in cpd.rules and len(cpd.rules["columns"]) >= 35
    assert cpd.scenario.fixed_anchor() is not None and cpd.tailor is not None and cpd.tailor.exists()


def test_the_cpd_meetups_places_in_its_rules_are_the_plans():
    """The rule moves the live meetup among the plan's places: one list, said twice, kept equal."""
    from cpd_events_demo import plan

    cpd = projects.load(str(Path(__file__).parents[2] / "cpd-demo.toml"))
    live = cpd.rules["live"]
    assert [(p["timezone"], p["venue"]) for p in live["places"]] == list(plan.MEETUP_PLACES)
    assert tuple(live["hours"]) == plan.MEETUP_HOURS and live["span"] == ["starts_at", "ends_at"]


FAIL_CLOSED_SCHEMA = Schema(columns=[
    Column("public", "apitoken", "key", "text"), Column("public", "apitoken", "expires", "timestamp with time zone"),
    Column("public", "apitoken", "created", "timestamp with time zone"),
    Column("public", "account", "last_login", "timestamp with time zone"),
    Column("public", "account", "locked_until", "timestamp with time zone"),
    Column("public", "account", "password_reset_sent", "timestamp with time zone"),
    Column("public", "account", "otp_valid_until", "timestamp with time zone"),
    Column("public", "account", "joined", "date")])


def test_an_expiry_a_one_time_token_or_a_lockout_never_falls_to_the_default():
    rules, undeclared = Compiler({"default": "weeks"}, FAIL_CLOSED_SCHEMA, "rules.toml").compile()
    assert sorted(c.key for c in undeclared) == ["account.last_login", "account.locked_until",
                                                 "account.otp_valid_until", "account.password_reset_sent",
                                                 "apitoken.expires"]
    assert sorted(r.column_name for r in rules if r.origin == "default") == ["created", "joined"]
    declared = {"default": "weeks", "columns": {"apitoken.expires": "expire", "account.last_login": "weeks",
                                                "account.locked_until": "null", "account.password_reset_sent": "null",
                                                "account.otp_valid_until": "expire"}}
    assert Compiler(declared, FAIL_CLOSED_SCHEMA, "rules.toml").compile()[1] == []


def test_strict_counts_every_column_the_default_covers_as_without_a_rule():
    declared = {"default": "weeks", "columns": {"apitoken.expires": "expire"}}
    _, undeclared = Compiler(declared, FAIL_CLOSED_SCHEMA, "rules.toml").compile(strict=True)
    assert "apitoken.created" in {c.key for c in undeclared} and "apitoken.expires" not in {c.key for c in undeclared}


def test_a_two_hop_follow_is_one_sentence_that_says_what_a_key_is():
    declared = {**DECLARED, "live": {"roots": ["event.status = live"], "follow": ["talk.event_id.id"]}}
    with pytest.raises(UserError, match=r"talk\.event_id\.id is a path of two foreign keys: .*list each hop"):
        Compiler(declared, SCHEMA, "rules.toml").compile()


def test_spans_and_groups_are_found_by_names_and_foreign_keys_and_can_be_declared():
    schema = Schema(columns=[
        Column("public", "event", "id", "bigint"), Column("public", "event", "date_from", "timestamp with time zone"),
        Column("public", "event", "date_to", "timestamp with time zone"),
        Column("public", "event", "presale_start", "timestamp with time zone"),
        Column("public", "event", "presale_end", "timestamp with time zone"),
        Column("public", "slot", "id", "bigint"), Column("public", "slot", "event_id", "bigint"),
        Column("public", "slot", "opens", "timestamp with time zone"),
        Column("public", "slot", "shuts", "timestamp with time zone"),
        Column("public", "talk", "slot_id", "bigint"), Column("public", "talk", "begin", "date"),
        Column("public", "talk", "end", "date")],
        foreign_keys=[ForeignKey("public", "slot", "event_id", "public", "event", "id"),
                      ForeignKey("public", "talk", "slot_id", "public", "slot", "id")])
    found = Compiler({"default": "weeks"}, schema, "rules.toml")
    rules, _ = found.compile()
    spans = {(r.table_name, r.column_name): r.span for r in rules if r.span}
    assert spans == {("event", "date_from"): "date_from..date_to", ("event", "date_to"): "date_from..date_to",
                     ("event", "presale_start"): "presale_start..presale_end",
                     ("event", "presale_end"): "presale_start..presale_end",
                     ("talk", "begin"): "begin..end", ("talk", "end"): "begin..end"}
    assert not any(r.belongs_to for r in rules)  # the slot has no span its names show: the talk has no group
    declared = {"default": "weeks", "spans": {"slot": ["opens", "shuts"]}, "groups": {"talk": "slot_id"}}
    rules, _ = Compiler(declared, schema, "rules.toml").compile()
    by = {(r.table_name, r.column_name): r for r in rules}
    assert by[("slot", "opens")].belongs_to == "event_id"  # found: one key to a row with a span
    assert by[("talk", "end")].belongs_to == "slot_id" and '"event"' in by[("talk", "end")].pivot_sql
    assert by[("talk", "end")].update_rank == 2 and by[("slot", "shuts")].update_rank == 1
    with pytest.raises(UserError, match=r"\[groups\] talk: slot_id\.nope is not a foreign key|nope is not a column"):
        Compiler({"default": "weeks", "groups": {"talk": "slot_id.nope"}}, schema, "rules.toml").compile()
    with pytest.raises(UserError, match=r"\[spans\] of slot: nope is not a date or timestamp column"):
        Compiler({"default": "weeks", "spans": {"slot": ["opens", "nope"]}}, schema, "rules.toml").compile()


def test_a_rule_a_column_of_its_type_cannot_take_is_refused_by_name():
    with pytest.raises(UserError, match=r"shop\.order\.placed is date: a year token lives in text"):
        Compiler({"columns": {"shop.order.placed": {"year_of": "placed"}}}, SCHEMA, "rules.toml").compile()
    with pytest.raises(UserError, match=r"shop\.order\.placed is date, not json, jsonb or text"):
        Compiler({"columns": {"shop.order.placed": {"json": "now"}}}, SCHEMA, "rules.toml").compile()
