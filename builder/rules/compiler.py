"""The rules a project declares for its dated columns, read from its config, checked against the
schema, and compiled into the rows of the rule table the build writes into the dump (the rebase,
the digest and the checks read those rows; none of them knows the project).

A rule file (or the `[rules]` table of cpd-demo.toml) has these parts, all optional:

    default = "weeks"                     # the rule of a dated column nobody declared (else: refused)
    [tables]                              # whole tables
    "django_session" = "purge"            #   emptied at every rebase (sessions, caches)
    "django_migrations" = "bookkeeping"   #   never moved, not part of the content digest
    "mail_outbox" = { quiesce = "send_at", set = { sent = true } }   # due rows marked done (or delete = true)
    [columns]                             # "table.column" or "schema.table.column"
    "event.starts_at" = { shift = "weeks", zone = "timezone" }      # zone from a column of the row,
    "talk.starts_at" = { shift = "weeks", zone = "event_id.timezone" }   # ... or of the row it points at,
    "ticket.valid_from" = { shift = "weeks", zone = "event(order_id.event_id)" }   # ... or a named zone
    "invoice.issued_at" = { shift = "months", cycle = "period_start" }
    "token.expires" = "expire"            # weeks, days, months, years, keep, null, expire
    "hook.payload" = { json = "occurred_at", paths = [["event_ts"], ["obj", "start_time"]] }   # or paths = "anywhere"
    "gate.rules" = { json = "weeks", zone = "event(event_id)" }   # each timestamp as a weeks rule moves it
    "event.title" = { year_of = "starts_at", pattern = '^(Summit )\\d{4}$', zone = "timezone" }
    [live]                                # rows that contain now, moved with it on the quarter hour
    roots = ["event.status = live", "show: starts <= {anchor} AND ends > {anchor}"]   # a value, or a condition
    follow = ["talk.event_id", "ticket.event_id"]   # rows pointing at a live row (by their foreign key)
    span = ["starts_at", "ends_at"]       # optional: it stays put while it holds now (30 minutes ahead
    zone = "timezone"                     #   at least) at these local hours, else it is placed around now
    hours = ["08:00", "21:00"]            #   in the first of its places where now is at those hours,
    lead = 60                             #   started this many minutes before now's quarter hour
    places = [{ timezone = "America/Chicago", venue = "The Commons Café" }, { timezone = "Europe/London", venue = "…" }]
    [slots]                               # scheduled rows that keep a weekly slot (a series: every week)
    table = "event"                       #   each moves by the weeks that take the k-th slot of its weekday
    span = ["starts_at", "ends_at"]       #   and time after the anchor to the k-th after now (upcoming), or
    zone = "timezone"                     #   before now once its end and `settle` minutes are behind (past)
    settle = 300                          #   (minutes its aftermath takes: certificates, feedback)
    follow = ["talk.event_id", "review.event_id"]   # rows that move with their slot row, whatever their own rule
    follow_past = ["ticket.event_id"]     #   ... with a past one only (what led up to it)
    holidays = { countries = ["US"] }     #   slots on its zone's holidays are skipped (rules/holidays.py)
    [zones]                               # named zones: SQL of one value ({id}), {platform} the platform's zone
    event = "coalesce((SELECT tz FROM event_setting WHERE event_id = {id}), {platform})"
    [spans]                               # pairs of one row that move as one interval, beyond those their
    "workshop" = ["opens", "shuts"]       #   names show (start/end, from/to, …: builder/rules/together.py)
    [groups]                              # rows that keep their place inside the thing they belong to,
    "talk" = "schedule_id.event_id"       #   beyond those one foreign key shows (false: none)

The quiesce of a table takes a due column (`quiesce = "send_at"`; `true`: every row), an optional
SQL condition (`when = "status = 'queued'"`), and `set = { column = value }` or `delete = true`.
A json rule's timestamps move as far as the column it names did (`json = "now"`: as far as now did),
or with `json = "weeks"` / `"days"` each as that shift moves a value of its own (in the rule's zone):
for documents no column of the row dates. A json rule also reads JSON kept in a text column.
Zones, conditions and named zones are SQL the project writes about its own tables (the row is
`t`), run by the rebase as the config says.

A dated column no rule covers takes `default`, unless its name reads like an expiry, a one-time
token or a lockout (kinds.FAIL_CLOSED): those are named until a rule is declared.

Pure Python: no database, no Django. The schema it checks against comes from the caller.
"""

import re
from collections.abc import Iterable
from typing import Any

from builder.errors import UserError
from builder.rules import holidays
from builder.rules.kinds import PLAIN, SHIFTS, fails_closed
from builder.rules.model import Column, Rule, Schema, ident, split_key, sql_text
from builder.rules.together import Together

SECTIONS = ("default", "tables", "columns", "live", "slots", "zones", "spans", "groups")


class Compiler:
    """Turns the declared rules into rule rows for one schema; every mistake is one sentence."""

    def __init__(self, declared: dict[str, Any], schema: Schema, where: str = "the rules"):
        self.declared, self.schema, self.where = declared, schema, where
        unknown = set(declared) - set(SECTIONS)
        if unknown:
            raise UserError(f"{where}: unknown section(s) {', '.join(sorted(unknown))} (expected {', '.join(SECTIONS)}).")
        self.zones = declared.get("zones", {})
        if not isinstance(self.zones, dict) or not all(isinstance(v, str) and "{id}" in v for v in self.zones.values()):
            raise UserError(f"{where}: [zones] maps names to SQL expressions that use {{id}}.")

    def fail(self, message: str) -> UserError:
        return UserError(f"{self.where}: {message}")

    def column(self, key: str) -> Column:
        schema, table, name = split_key(key, 3)
        found = self.schema.find(schema, table, name)
        if found is None and key.count(".") == 2 and self.schema.find("public", schema) \
                and not self.schema.find(schema, table):
            raise self.fail(f"{key} is a path of two foreign keys: a key here is table.column (one foreign key); "
                            f"list each hop on its own ({schema}.{table}, then the rows that point at its table).")
        if found is None:
            raise self.fail(f"{key} names no column of the schema" +
                            ("" if self.schema.find(schema, table) else f" (there is no table {table})") + ".")
        return found

    def table(self, key: str) -> tuple[str, str]:
        schema, table = split_key(key, 2)
        if self.schema.find(schema, table) is None:
            raise self.fail(f"{key} names no table of the schema.")
        return schema, table

    def sibling(self, col: Column, name: str, what: str) -> Column:
        found = self.schema.find(col.schema, col.table, name)
        if found is None:
            raise self.fail(f"the {what} of {col.key}, {name}, is not a column of {col.table}.")
        return found

    # -- columns ---------------------------------------------------------------------------------
    def path_sql(self, col: Column, path: str, what: str) -> str:
        """SQL for a column of the row ("name") or of the row it points at ("fk.name")."""
        if "." not in path:
            return f"t.{ident(self.sibling(col, path, what).name)}"
        via, name = path.split(".", 1)
        self.sibling(col, via, f"{what}'s foreign key")
        key = self.schema.foreign_key(col.schema, col.table, via)
        if key is None:
            raise self.fail(f"{col.key}'s {what} goes through {via}, which is not a foreign key.")
        if self.schema.find(key.parent_schema, key.parent, name) is None:
            raise self.fail(f"{col.key}'s {what} {name} is not a column of {key.parent}.")
        return (f"(SELECT p.{ident(name)} FROM {ident(key.parent_schema)}.{ident(key.parent)} p "
                f"WHERE p.{ident(key.parent_column)} = t.{ident(via)})")

    def zone(self, col: Column, spec: str, rule: Rule) -> None:
        """`zone = "timezone"` (a column of the row), `"event_id.timezone"` (of the row it points at),
        or `"event(order_id.event_id)"`: the named zone `event` of that value."""
        named = re.fullmatch(r"(\w+)\(([\w.]+)\)", spec)
        if named:
            if named.group(1) not in self.zones:
                raise self.fail(f"{col.key}'s zone {named.group(1)} is not in [zones].")
            value = self.path_sql(col, named.group(2), "zone's value")
            rule.zone_sql = self.zones[named.group(1)].replace("{id}", value).replace(
                "{platform}", "current_setting('TimeZone')")
        else:
            rule.zone_sql = self.path_sql(col, spec, "zone column")
        rule.zone_column = spec

    def column_rule(self, key: str, spec: Any, origin: str = "columns") -> list[Rule]:
        col = self.column(key)
        base = Rule(table_name=col.table, column_name=col.name, schema_name=col.schema, kind="", origin=origin)
        if isinstance(spec, str):
            spec = {"shift": spec} if spec in SHIFTS else {"rule": spec}
        if not isinstance(spec, dict):
            raise self.fail(f"the rule of {key} must be a name (weeks, keep, null, …) or a table of settings.")
        spec = dict(spec)
        if "rule" in spec:
            name = spec.pop("rule")
            if name not in PLAIN:
                raise self.fail(f"{key}: unknown rule {name!r} (expected one of {', '.join(PLAIN)}, or json, "
                                "year_of).")
            base.kind = PLAIN[name]
        elif "shift" in spec:
            shift = spec.pop("shift")
            if shift not in SHIFTS:
                raise self.fail(f"{key}: shift must be one of {', '.join(SHIFTS)} (got {shift!r}).")
            base.kind = SHIFTS[shift]
            if "cycle" in spec:
                if base.kind not in ("monthly", "yearly"):
                    raise self.fail(f"{key}: a cycle is for months and years only.")
                base.source = self.sibling(col, spec.pop("cycle"), "cycle column").name
            elif base.kind == "monthly":
                base.source = col.name
            if "zone" in spec:
                self.zone(col, spec.pop("zone"), base)
        elif "json" in spec:
            return self.json_rules(col, spec, base)
        elif "year_of" in spec:
            if col.type not in ("text", "character varying", "json", "jsonb"):
                raise self.fail(f"{key} is {col.type}: a year token lives in text (year_of is for a name that "
                                "carries a year).")
            base.kind = "year_token"
            base.source = self.sibling(col, spec.pop("year_of"), "year's date column").name
            pattern = spec.pop("pattern", r"^(.*\D)\d{4}$")
            try:
                if re.compile(pattern).groups < 1:
                    raise re.error("no group")
            except re.error:
                raise self.fail(f"{key}: pattern {pattern!r} must be a regular expression whose group 1 is the text "
                                "before the year.") from None
            base.pattern = pattern
            if "zone" in spec:
                self.zone(col, spec.pop("zone"), base)
        else:
            raise self.fail(f"the rule of {key} needs one of: shift, rule, json, year_of.")
        if spec:
            raise self.fail(f"{key}: unknown setting(s) {', '.join(sorted(spec))}.")
        return [base]

    def json_rules(self, col: Column, spec: dict, base: Rule) -> list[Rule]:
        follows = spec.pop("json")
        if follows in ("weeks", "days"):
            base.value = SHIFTS[follows]  # each timestamp moves as that shift moves a value of its own
            if "zone" in spec:
                self.zone(col, spec.pop("zone"), base)
        elif "zone" in spec:
            raise self.fail(f"{col.key}: a zone is for json = weeks or days (each timestamp on its own).")
        elif follows != "now":
            base.source = self.sibling(col, follows, "column its timestamps follow").name
        paths = spec.pop("paths", "anywhere")
        if spec:
            raise self.fail(f"{col.key}: unknown setting(s) {', '.join(sorted(spec))}.")
        if col.type not in ("json", "jsonb", "text", "character varying"):
            raise self.fail(f"{col.key} is {col.type}, not json, jsonb or text.")
        base.kind = "json"
        if paths == "anywhere":
            return [Rule(**{**base.__dict__, "path": ["*"]})]
        if not isinstance(paths, list) or not paths or not all(isinstance(p, list) and p for p in paths):
            raise self.fail(f'{col.key}: paths must be "anywhere" or a list of paths, each a list of keys.')
        return [Rule(**{**base.__dict__, "path": [str(k) for k in p]}) for p in paths]

    # -- tables and live rows ----------------------------------------------------------------------
    def table_rule(self, key: str, spec: Any) -> Rule:
        schema, table = self.table(key)
        rule = Rule(table_name=table, schema_name=schema, kind="", origin="tables")
        if spec in ("purge", "bookkeeping"):
            rule.kind = spec
            return rule
        if isinstance(spec, dict) and "quiesce" in spec:
            spec = dict(spec)
            rule.kind = "quiesce"
            due = spec.pop("quiesce")
            if due is not True:
                rule.source = self.sibling(Column(schema, table, "", ""), due, "due column").name
            rule.condition = str(spec.pop("when", ""))
            if spec.pop("delete", False):
                rule.value = "delete"
            else:
                done = spec.pop("set", None)
                if not isinstance(done, dict) or len(done) != 1:
                    raise self.fail(f"{key}: quiesce needs set = {{ column = value }} (one column) or delete = true.")
                (column, value), = done.items()
                self.sibling(Column(schema, table, "", ""), column, "done column")
                rule.path = [column, sql_text(value)]
            if spec:
                raise self.fail(f"{key}: unknown setting(s) {', '.join(sorted(spec))}.")
            return rule
        raise self.fail(f"the rule of table {key} must be purge, bookkeeping or {{ quiesce = … }}.")

    def live_rules(self, live: dict) -> list[Rule]:
        out = []
        for root in live.get("roots", []):
            condition = re.fullmatch(r"\s*([\w.]+)\s*:\s*(.+?)\s*", str(root), flags=re.DOTALL)
            if condition:
                schema, table = self.table(condition.group(1))
                out.append(Rule(table_name=table, schema_name=schema, kind="live_root",
                                condition=condition.group(2), origin="live"))
                continue
            match = re.fullmatch(r"\s*([\w.]+)\s*=\s*(.+?)\s*", str(root))
            if not match:
                raise self.fail(f"live root {root!r} is not 'table.column = value' or 'table: condition'.")
            col = self.column(match.group(1))
            out.append(Rule(table_name=col.table, schema_name=col.schema, column_name=col.name, kind="live_root",
                            value=match.group(2), origin="live"))
        out += self.follow_rules(live.get("follow", []), "live")
        unknown = set(live) - {"roots", "follow", "span", "zone", "hours", "places", "lead"}
        if unknown:
            raise self.fail(f"[live] has unknown setting(s) {', '.join(sorted(unknown))}.")
        if "span" in live:
            out += self.live_place_rules(live, out)
        return out

    def live_place_rules(self, live: dict, roots: list[Rule]) -> list[Rule]:
        """`span` (the live thing's start and end columns, in the first root's table), `zone` (its
        timezone column), `hours` (the local hours now may fall in while it is live) and `places`
        (where it may be, in order: the columns set on it when it moves): a live thing stays put
        while it still holds now at those hours, else it is placed around now in the first place
        where now is at those hours."""
        first = next((r for r in roots if r.kind == "live_root"), None)
        if first is None:
            raise self.fail("[live] span needs a live root.")
        schema, table = first.schema_name, first.table_name  # the live thing: the first root's table
        anchor = Column(schema, table, "", "")
        span = live.get("span")
        if not isinstance(span, list) or len(span) != 2:
            raise self.fail("[live] span must be [start column, end column].")
        for name in span:
            self.sibling(anchor, str(name), "live span")
        zone = self.sibling(anchor, str(live.get("zone", "")), "live zone column").name
        hours = live.get("hours", ["00:00", "23:59"])
        if not (isinstance(hours, list) and len(hours) == 2
                and all(re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", str(h)) for h in hours)):
            raise self.fail('[live] hours must be ["HH:MM", "HH:MM"].')
        lead = live.get("lead", 0)
        if not isinstance(lead, int) or not 0 <= lead <= 24 * 60:
            raise self.fail("[live] lead must be the minutes it has run when placed around now (0 to 1440).")
        out = [Rule(table_name=table, schema_name=schema, kind="live_span", path=[str(n) for n in span],
                    zone_column=zone, pattern=f"{hours[0]}-{hours[1]}", value=str(lead), origin="live")]
        for place in live.get("places", []):
            if not isinstance(place, dict) or zone not in place:
                raise self.fail(f"[live] each place sets its zone column {zone} (and any other columns).")
            for name in place:
                self.sibling(anchor, str(name), "live place's column")
            out.append(Rule(table_name=table, schema_name=schema, kind="live_place", value=str(place[zone]),
                            path=[x for name, v in place.items() for x in (str(name), sql_text(v))], origin="live"))
        return out

    def follow_rules(self, follows: Any, section: str) -> list[Rule]:
        """Rows that go with a live (slot) row: by a foreign key pointing at one, to a fixed point."""
        if not isinstance(follows, list):
            raise self.fail(f"[{section}] follow must be a list of table.column foreign keys.")
        out = []
        for follow in follows:
            col = self.column(str(follow))
            key = self.schema.foreign_key(col.schema, col.table, col.name)
            if key is None:
                raise self.fail(f"{section} rows follow {follow}, which is not a foreign key.")
            out.append(Rule(table_name=col.table, schema_name=col.schema, column_name=col.name, kind=f"{section}_via",
                            parent=f"{key.parent_schema}.{key.parent}", parent_key=key.parent_column, origin=section))
        return out

    def slot_rules(self, slots: dict) -> list[Rule]:
        """`table` and `span` (its start and end columns), `zone` (where its wall clock is), `settle`
        (minutes after its end that what follows it may come) and `follow`: see the module's doc."""
        if not slots:
            return []
        unknown = set(slots) - {"table", "span", "zone", "settle", "follow", "follow_past", "holidays"}
        if unknown:
            raise self.fail(f"[slots] has unknown setting(s) {', '.join(sorted(unknown))}.")
        schema, table = self.table(str(slots.get("table", "")))
        span = slots.get("span")
        if not isinstance(span, list) or len(span) != 2:
            raise self.fail("[slots] span must be [start column, end column].")
        start, end = (self.sibling(Column(schema, table, "", ""), str(n), "slot span") for n in span)
        settle = slots.get("settle", 0)
        if not isinstance(settle, int) or isinstance(settle, bool) or not 0 <= settle <= 3 * 24 * 60:
            raise self.fail("[slots] settle must be the minutes after its end that its aftermath takes (0 to 4320).")
        root = Rule(table_name=table, schema_name=schema, kind="slot_root", path=[start.name, end.name],
                    value=str(settle), origin="slots")
        if "zone" in slots:
            self.zone(start, str(slots["zone"]), root)
        out = [root, *self.follow_rules(slots.get("follow", []), "slot")]
        for rule in self.follow_rules(slots.get("follow_past", []), "slot"):
            out.append(rule)
            rule.condition = "past"  # with a past slot row only: what led up to it (an upcoming one's keeps its rule)
        if "holidays" in slots:
            out += holidays.rules(slots["holidays"], schema, table)
        return out

    # -- the whole -------------------------------------------------------------------------------
    def compile(self, skip_tables: Iterable[str] = (), strict: bool = False) -> tuple[list[Rule], list[Column]]:
        """(every rule row, the dated columns no rule covers). `skip_tables`: the engine's own. The
        default never covers a column whose name reads like an expiry, a one-time token or a lockout,
        and, `strict`, none at all."""
        skip = set(skip_tables)
        rules = [self.table_rule(k, v) for k, v in self.declared.get("tables", {}).items()]
        whole = {(r.schema_name, r.table_name) for r in rules if r.kind in ("purge", "bookkeeping")}
        for key, spec in self.declared.get("columns", {}).items():
            rules += self.column_rule(key, spec)
        rules += self.live_rules(self.declared.get("live", {}))
        rules += self.slot_rules(self.declared.get("slots", {}))
        covered = {(r.schema_name, r.table_name, r.column_name) for r in rules if r.column_name}
        undeclared = [c for c in self.schema.columns if c.dated and c.table not in skip
                      and (c.schema, c.table) not in whole and (c.schema, c.table, c.name) not in covered]
        default = self.declared.get("default")
        if default is not None and not strict:
            for col in undeclared:
                if not fails_closed(col.name):
                    rules += self.column_rule(col.key, default if col.type not in ("json", "jsonb") else "keep",
                                              origin="default")
            undeclared = [c for c in undeclared if fails_closed(c.name)]
        self.together = Together(self.schema, rules, self.declared.get("spans"), self.declared.get("groups"), self.fail)
        self.together.apply()
        return rules, undeclared


def describe(rule: Rule) -> str:
    """A rule as a person reads it: "weeks in timezone", "months on period_start", "json follows occurred_at"."""
    names = {v: k for k, v in PLAIN.items()}
    zone = ""
    if rule.zone_column:
        zone = f" in {rule.zone_column}"
    if rule.kind in SHIFTS.values():
        cycle = f" on {rule.source}" if rule.source and rule.kind in ("monthly", "yearly") else ""
        together = (f", span {rule.span}" if rule.span else "") + (f", with its {rule.belongs_to}" if rule.belongs_to else "")
        return f"{names[rule.kind]}{cycle}{zone}{together}"
    if rule.kind == "json":
        where = "anywhere" if rule.path == ["*"] else "/".join(rule.path)
        if rule.value:
            return f"json at {where}, each by {names[rule.value]}{zone}"
        return f"json at {where}, following {rule.source or 'now'}"
    if rule.kind == "year_token":
        return f"year of {rule.source}{zone}"
    if rule.kind == "live_root":
        return f"live where {rule.condition or f'{rule.column_name} = {rule.value}'}"
    if rule.kind == "live_via":
        return f"live with its {rule.parent}"
    if rule.kind == "live_span":
        return f"live from {rule.path[0]} to {rule.path[1]} at {rule.pattern} local ({rule.zone_column})"
    if rule.kind == "slot_root":
        return f"weekly slot from {rule.path[0]} to {rule.path[1]}{zone}, settled {rule.value} min after"
    if rule.kind == "slot_via":
        return f"in its {rule.parent}'s slot" + (" (a past one's)" if rule.condition == "past" else "")
    if rule.kind == "live_place":
        return f"live place {rule.value}"
    if rule.kind == "quiesce":
        action = "deleted" if rule.value == "delete" else f"{rule.path[0]} = {rule.path[1]}"
        when = f" where {rule.condition}" if rule.condition else ""
        return f"quiesce: rows due{' by ' + rule.source if rule.source else ''}{when} -> {action}"
    return names.get(rule.kind, rule.kind)
