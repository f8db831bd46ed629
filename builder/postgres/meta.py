"""The engine's own tables in every demo database: what the data represents (`cpd_demo_snapshot`,
one row) and how each column moves (`cpd_demo_rule`). A build writes them after the scenario ran;
the rebase, the digest, the checks and the tools read them. They are made by plain SQL, so a
project adds nothing to its INSTALLED_APPS or its migrations.
"""

from dataclasses import dataclass
from datetime import datetime

import psycopg

from builder.errors import UserError
from builder.postgres import conninfo
from builder.postgres.databases import connect
from builder.rules import Rule

SNAPSHOT_TABLE = "cpd_demo_snapshot"
RULE_TABLE = "cpd_demo_rule"
TABLES = (SNAPSHOT_TABLE, RULE_TABLE)
# The format of these tables a build writes (the snapshot row's format_version): the rebase SQL reads
# only its own (builder/rebase/now.sql; a unit test holds the two equal). A new column or a new
# meaning of one is a new number.
FORMAT_VERSION = 1
DDL = f"""
CREATE TABLE IF NOT EXISTS {SNAPSHOT_TABLE} (
  id bigint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  version text NOT NULL DEFAULT '', project text NOT NULL DEFAULT '', seed bigint NOT NULL, scale integer NOT NULL,
  built_at timestamptz NOT NULL, anchor_at timestamptz NOT NULL, scenario_anchor_at timestamptz NOT NULL,
  rebased_at timestamptz, timezone text NOT NULL, prospect text NOT NULL DEFAULT '', format_version integer NOT NULL);
CREATE TABLE IF NOT EXISTS {RULE_TABLE} (
  id bigserial PRIMARY KEY, schema_name text NOT NULL DEFAULT 'public', table_name text NOT NULL,
  column_name text NOT NULL DEFAULT '', kind text NOT NULL, source text NOT NULL DEFAULT '',
  path text[] NOT NULL DEFAULT '{{}}', pattern text NOT NULL DEFAULT '', zone_column text NOT NULL DEFAULT '',
  parent text NOT NULL DEFAULT '', parent_key text NOT NULL DEFAULT '',
  value text NOT NULL DEFAULT '', zone_sql text NOT NULL DEFAULT '', condition text NOT NULL DEFAULT '',
  origin text NOT NULL DEFAULT '', span text NOT NULL DEFAULT '', belongs_to text NOT NULL DEFAULT '',
  pivot_sql text NOT NULL DEFAULT '', update_rank integer NOT NULL DEFAULT 0);
"""


@dataclass(frozen=True)
class Snapshot:
    version: str
    project: str
    seed: int
    scale: int
    built_at: datetime
    anchor_at: datetime
    scenario_anchor_at: datetime
    rebased_at: datetime | None
    timezone: str
    prospect: str


def write(url: str, snapshot: Snapshot, rules: list[Rule]) -> None:
    """The engine's tables, made and filled in one transaction (replacing what a previous build wrote)."""
    columns = Rule.columns()
    with connect(url) as conn, conn.transaction():
        conn.execute(DDL)
        conn.execute(f"TRUNCATE {SNAPSHOT_TABLE}, {RULE_TABLE} RESTART IDENTITY")
        conn.execute(f"INSERT INTO {SNAPSHOT_TABLE} (version, project, seed, scale, built_at, anchor_at, "
                     "scenario_anchor_at, rebased_at, timezone, prospect, format_version) "
                     "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                     (snapshot.version, snapshot.project, snapshot.seed, snapshot.scale, snapshot.built_at,
                      snapshot.anchor_at, snapshot.scenario_anchor_at, snapshot.rebased_at, snapshot.timezone,
                      snapshot.prospect, FORMAT_VERSION))
        with conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {RULE_TABLE} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                            [rule.row() for rule in rules])


def read(conn: psycopg.Connection, url: str) -> Snapshot:
    """The snapshot row, or one sentence if `url` is not a demo database."""
    try:
        row = conn.execute(f"SELECT version, project, seed, scale, built_at, anchor_at, scenario_anchor_at, rebased_at, "
                           f"timezone, prospect FROM {SNAPSHOT_TABLE}").fetchone()
    except psycopg.errors.UndefinedTable:
        conn.rollback()
        row = None
    except psycopg.errors.UndefinedColumn:
        raise UserError(f"{conninfo.display(url)} was built by an older version of this tool: build it again.") from None
    if row is None:
        raise UserError(f"{conninfo.display(url)} is not a demo database (no {SNAPSHOT_TABLE} row).")
    return Snapshot(*row)


def rules(url: str, kinds: tuple[str, ...] | None = None) -> list[Rule]:
    columns = Rule.columns()
    with connect(url) as conn:
        query = f"SELECT {', '.join(columns)} FROM {RULE_TABLE}"
        rows = conn.execute(query + (" WHERE kind = ANY(%s)" if kinds else "") + " ORDER BY id",
                            (list(kinds),) if kinds else None).fetchall()
    return [Rule(**dict(zip(columns, row, strict=True))) for row in rows]
