"""One thing moves as one. Shifts by whole weeks (days) move a value that was past at the anchor by
the whole weeks behind now and an upcoming one by those ahead of it; left to themselves, the two
ends of a thing running at the anchor would move apart. So:

- **Spans**: the dated columns of one row that form an interval (start/end, from/to, opens/closes,
  found by their names, the pairs of [live] and [slots], and the pairs declared in `[spans]`) move
  by one shift, chosen by whether the row's thing was over at the anchor (its end behind it): over,
  it moves as the past does; running or upcoming, as the upcoming does. Its length never changes,
  and a thing running at the anchor is running or upcoming, whole, at every instant.
- **Groups**: the rows that belong to one thing (a conference's talks, a course's modules: through
  a foreign key) keep their place inside it: their spans move by the shift of the thing they belong
  to. Found where a row with a span has one foreign key to a row with a span, for the rows whose span
  lies inside their thing's (a talk in its conference; not a sale that ends before its event);
  declared in `[groups]` ("talk" = "event_id", or a path "slot_id.event_id"; false: none) where it
  cannot be told, for every row.

The compiler sets, on each shift rule concerned, the span, the group and the SQL instant that says
whether its thing was over (`pivot_sql`); the rebase compares it with the anchor.
"""

from typing import Any

from builder.rules.kinds import TIME_TYPES, WALL_CLOCK
from builder.rules.model import Column, Rule, Schema, ident, split_key

# Words that start an interval, and the words that end it, as the parts of a column's name.
STARTS = {"start": ("end", "finish", "stop"), "starts": ("ends",), "started": ("ended", "finished"),
          "begin": ("end",), "begins": ("ends",), "from": ("to", "until", "till", "thru"), "since": ("until",),
          "open": ("close",), "opens": ("closes",), "opened": ("closed",), "joined": ("left",),
          "arrival": ("departure",), "checkin": ("checkout",), "in": ("out",)}

Table = tuple[str, str]


def name_pairs(names: list[str]) -> list[tuple[str, str]]:
    """The (start, end) pairs that the column names show: `starts_at`/`ends_at`, `date_from`/`date_to`."""
    present, out = set(names), []
    for name in names:
        parts = name.split("_")
        for i, part in enumerate(parts):
            for end in STARTS.get(part.lower(), ()):
                other = "_".join(parts[:i] + [end] + parts[i + 1:])
                if other in present and (name, other) not in out:
                    out.append((name, other))
    return out


def instant(col: Column, alias: str, end: bool = False) -> str:
    """SQL of the instant a value of `col` stands for (a date's end: the day after it, at midnight),
    wall-clock values read in the rebase's session zone (the platform's)."""
    value = f"{alias}.{ident(col.name)}"
    if col.type == "timestamp with time zone":
        return value
    if col.type == "timestamp without time zone":
        return f"{value}::timestamptz"
    return f"({value} + 1)::timestamptz" if end else f"{value}::timestamptz"


class Together:
    """Finds the spans and groups of one compiled rule set and marks its shift rules with them."""

    def __init__(self, schema: Schema, rules: list[Rule], declared_spans: Any, declared_groups: Any, fail):
        self.schema, self.rules, self.fail = schema, rules, fail
        self.shift: dict[tuple[str, str, str], Rule] = {
            (r.schema_name, r.table_name, r.column_name): r for r in rules if r.kind in WALL_CLOCK}
        self.spans: dict[Table, list[tuple[Column, Column]]] = {}
        self.groups: dict[Table, list[str]] = {}
        self.ambiguous: dict[Table, list[str]] = {}
        self.declared_groups: set[Table] = set()
        self._find_spans(declared_spans or {})
        self._find_groups(declared_groups or {})

    # -- spans -------------------------------------------------------------------------------------
    def _table(self, key: str) -> Table:
        schema, table = split_key(key, 2)
        if self.schema.find(schema, table) is None:
            raise self.fail(f"{key} names no table of the schema.")
        return schema, table

    def _pair(self, table: Table, start: str, end: str, what: str) -> tuple[Column, Column]:
        cols = []
        for name in (start, end):
            col = self.schema.find(*table, name)
            if col is None or col.type not in TIME_TYPES:
                raise self.fail(f"{what} of {table[1]}: {name} is not a date or timestamp column of it.")
            cols.append(col)
        return cols[0], cols[1]

    def _add_span(self, table: Table, pair: tuple[Column, Column]) -> None:
        start, end = pair
        rules = [self.shift.get((*table, c.name)) for c in pair]
        if rules[0] is None or rules[1] is None or rules[0].kind != rules[1].kind:
            return  # not both moved by one kind of whole-week (day) shift: nothing to keep together
        if any(start.name in (s.name, e.name) or end.name in (s.name, e.name) for s, e in self.spans.get(table, [])):
            return  # each column in one span only
        self.spans.setdefault(table, []).append(pair)

    def _find_spans(self, declared: Any) -> None:
        if not isinstance(declared, dict):
            raise self.fail("[spans] maps a table to its [start, end] columns (or a list of such pairs, or false).")
        off = set()
        for key, value in declared.items():
            table = self._table(str(key))
            if value is False:
                off.add(table)
                continue
            pairs = [value] if isinstance(value, list) and value and all(isinstance(v, str) for v in value) else value
            if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
                raise self.fail(f"[spans] {key} must be [start, end], a list of such pairs, or false.")
            for start, end in pairs:
                pair = self._pair(table, str(start), str(end), "[spans]")
                kinds = {self.shift[(*table, c.name)].kind if (*table, c.name) in self.shift else "" for c in pair}
                if len(kinds) != 1 or "" in kinds:
                    raise self.fail(f"[spans] {key}: {start} and {end} must both move by weeks or both by days.")
                self._add_span(table, pair)
        for rule in self.rules:  # the pairs [live] and [slots] name
            if rule.kind in ("live_span", "slot_root"):
                table = (rule.schema_name, rule.table_name)
                if table not in off and rule.path[0] != rule.path[1]:
                    self._add_span(table, self._pair(table, rule.path[0], rule.path[1], "the span"))
        for table in sorted({(s, t) for s, t, _ in self.shift} - off):
            cols = self.schema.table_columns(*table)
            for start, end in name_pairs([c.name for c in cols if c.type in TIME_TYPES]):
                self._add_span(table, (self.schema.find(*table, start), self.schema.find(*table, end)))  # type: ignore[arg-type]

    # -- groups ------------------------------------------------------------------------------------
    def _find_groups(self, declared: Any) -> None:
        if not isinstance(declared, dict):
            raise self.fail('[groups] maps a table to the foreign key of the thing its rows belong to ("event_id", '
                            'a path "slot_id.event_id", or false).')
        for key, value in declared.items():
            table = self._table(str(key))
            if value is False:
                self.groups[table] = []
                continue
            if not isinstance(value, str) or not value:
                raise self.fail(f"[groups] {key} must be a foreign key of {table[1]} (or a path of them), or false.")
            self._hops(table, value)  # checked now: one sentence at --check, not at a restore
            self.groups[table] = value.split(".")
            self.declared_groups.add(table)
        for table in self.spans:
            if table in self.groups:
                continue
            parents = []
            for col in self.schema.table_columns(*table):
                key = self.schema.foreign_key(*table, col.name)
                if key and (key.parent_schema, key.parent) != table and (key.parent_schema, key.parent) in self.spans:
                    parents.append(col.name)
            if len(parents) == 1:
                self.groups[table] = parents
            elif parents:
                self.ambiguous[table] = parents

    def _hops(self, table: Table, path: str) -> list[tuple[Table, str, Table, str]]:
        """(child table, its key column, parent table, the parent's key column) along a group's path."""
        hops, here = [], table
        for via in path.split("."):
            if self.schema.find(*here, via) is None:
                raise self.fail(f"[groups] {table[1]}: {via} is not a column of {here[1]}.")
            key = self.schema.foreign_key(*here, via)
            if key is None:
                raise self.fail(f"[groups] {table[1]}: {here[1]}.{via} is not a foreign key.")
            parent = (key.parent_schema, key.parent)
            hops.append((here, via, parent, key.parent_column))
            here = parent
        return hops

    # -- the instant that decides --------------------------------------------------------------------
    def span_end(self, table: Table, alias: str, pair: tuple[Column, Column] | None = None) -> str | None:
        spans = self.spans.get(table)
        if pair is None and not spans:
            lone = [c for c in self.schema.table_columns(*table) if (*table, c.name) in self.shift]
            return instant(lone[0], alias) if len(lone) == 1 else None
        start, end = pair or spans[0]  # type: ignore[index]
        return f"coalesce({instant(end, alias, end=True)}, {instant(start, alias)})"

    def pivot(self, table: Table, alias: str, pair: tuple[Column, Column] | None = None, seen: tuple = ()) -> str | None:
        """SQL of the instant that says whether the thing the row `alias` of `table` is part of was over.
        A group found by its key holds a row only while its span lies inside its thing's (a sale that
        ends before its event is a thing of its own); a declared one holds every row."""
        if table in seen:
            raise self.fail(f"[groups] go round in a circle through {table[1]}.")
        own = self.span_end(table, alias, pair)
        path = self.groups.get(table)
        if not path:
            return own
        depth = len(seen)
        inner = None
        hops = self._hops(table, ".".join(path))
        for i, (_, via, parent, parent_key) in reversed(list(enumerate(hops))):
            child_alias = alias if i == 0 else f"g{depth}_{i - 1}"
            here = f"g{depth}_{i}"
            if inner is None:
                inner = self.pivot(parent, here, None, (*seen, table))
                if inner is None:
                    raise self.fail(f"[groups] {table[1]} belongs to {parent[1]}, which has no span to keep its place in.")
                whole = self.spans.get(parent)
                if table not in self.declared_groups and pair and whole:
                    start, end = whole[0]
                    inside = (f"{instant(pair[0], alias)} >= {instant(start, here)} AND "
                              f"{instant(pair[1], alias, end=True)} <= {instant(end, here, end=True)}")
                    inner = f"CASE WHEN {inside} THEN {inner} END"
            inner = (f"(SELECT {inner} FROM {ident(parent[0])}.{ident(parent[1])} {here} "
                     f"WHERE {here}.{ident(parent_key)} = {child_alias}.{ident(via)})")
        return f"coalesce({inner}, {own})" if own else inner

    def rank(self, table: Table, seen: tuple = ()) -> int:
        path = self.groups.get(table)
        if not path or table in seen:
            return 0
        return 1 + self.rank(self._hops(table, ".".join(path))[-1][2], (*seen, table))

    def apply(self) -> None:
        """Mark every shift rule of a span, or of a row that belongs to a thing, with what decides its shift."""
        for (schema, table, column), rule in self.shift.items():
            key = (schema, table)
            pair = next((p for p in self.spans.get(key, []) if column in (p[0].name, p[1].name)), None)
            grouped = bool(self.groups.get(key)) and (pair is not None or key in self.declared_groups)
            if pair is None and not grouped:
                continue
            rule.span = f"{pair[0].name}..{pair[1].name}" if pair else ""
            rule.belongs_to = ".".join(self.groups[key]) if grouped else ""
            rule.pivot_sql = (self.pivot(key, "t", pair) if grouped else self.span_end(key, "t", pair)) or ""
            rule.update_rank = self.rank(key) if grouped else 0

    def lines(self) -> list[str]:
        """What `snapshot.rules` says of them."""
        out = [f"span: {t}.{s.name} .. {e.name}" for (_, t), pairs in sorted(self.spans.items()) for s, e in pairs]
        out += [f"group: {t} rows keep their place in the {self._hops((sc, t), '.'.join(path))[-1][2][1]} "
                f"they belong to (by {'.'.join(path)}{'' if (sc, t) in self.declared_groups else ', where inside it'})"
                for (sc, t), path in sorted(self.groups.items()) if path]
        out += [f"group?: {t} points at several things with spans ({', '.join(cols)}): name the one its rows belong "
                "to in [groups]" for (_, t), cols in sorted(self.ambiguous.items())]
        return out
