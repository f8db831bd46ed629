"""What the rules speak of: the schema's columns and foreign keys, and one row of the rule table
(cpd_demo_rule) the build writes into the dump. Pure Python: no database, no Django."""

from dataclasses import dataclass, field, fields

from builder.errors import UserError
from builder.rules.kinds import DATED_TYPES


@dataclass(frozen=True)
class Column:
    """A column of the schema, as the database describes it."""

    schema: str
    table: str
    name: str
    type: str

    @property
    def dated(self) -> bool:
        return self.type in DATED_TYPES

    @property
    def key(self) -> str:
        return f"{self.table}.{self.name}" if self.schema == "public" else f"{self.schema}.{self.table}.{self.name}"


@dataclass(frozen=True)
class ForeignKey:
    schema: str
    table: str
    column: str
    parent_schema: str
    parent: str
    parent_column: str


@dataclass
class Schema:
    """What the rules are checked against: every column of every table, and single-column foreign keys."""

    columns: list[Column]
    foreign_keys: list[ForeignKey] = field(default_factory=list)

    def find(self, schema: str, table: str, column: str | None = None) -> Column | None:
        for c in self.columns:
            if c.schema == schema and c.table == table and (column is None or c.name == column):
                return c
        return None

    def table_columns(self, schema: str, table: str) -> list[Column]:
        return [c for c in self.columns if c.schema == schema and c.table == table]

    def foreign_key(self, schema: str, table: str, column: str) -> ForeignKey | None:
        return next((k for k in self.foreign_keys if (k.schema, k.table, k.column) == (schema, table, column)), None)


@dataclass
class Rule:
    """One row of the rule table (cpd_demo_rule). The common fields are typed; what a kind alone
    needs lives in source, path, pattern, value and condition (kinds.py says which)."""

    table_name: str
    kind: str
    column_name: str = ""
    schema_name: str = "public"
    source: str = ""
    path: list[str] = field(default_factory=list)
    pattern: str = ""
    zone_column: str = ""  # the zone as declared (for the listing); zone_sql is what runs
    parent: str = ""
    parent_key: str = ""
    value: str = ""
    zone_sql: str = ""    # the row's zone as an SQL expression of the row `t` ("" = the platform's)
    condition: str = ""   # live roots by condition, quiesce's `when` (SQL of the row, {anchor} allowed)
    origin: str = ""  # where it comes from: "columns", "tables", "live", "default"
    # One thing moves as one (a shift rule): the span this column is part of ("starts_at..ends_at"),
    # the thing its row belongs to (a foreign-key path, "event_id"), and the instant, as SQL of the
    # row `t`, that says whether its thing is over at the anchor ("" = the column's own value).
    span: str = ""
    belongs_to: str = ""
    pivot_sql: str = ""
    # Tables of a higher rank are rewritten first: a row that keeps its place inside another reads
    # that one before it moves.
    update_rank: int = 0

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def row(self) -> tuple:
        return tuple(getattr(self, name) for name in self.columns())


def split_key(key: str, parts: int) -> list[str]:
    """'table.column' -> ['public', 'table', 'column']; 'schema.table.column' as it is."""
    pieces = key.split(".")
    if len(pieces) == parts - 1:
        return ["public", *pieces]
    if len(pieces) == parts:
        return pieces
    what = "table.column or schema.table.column" if parts == 3 else "table or schema.table"
    raise UserError(f"The rule key {key!r} is not {what}.")


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def sql_text(value: object) -> str:
    """A config value as the text Postgres reads for the column (true/false, numbers, strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
