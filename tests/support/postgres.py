"""Reading and making databases on the tests' own clusters: a query's rows, one value, a whole
database's rows, migrated empty and seeded databases, and a login shaped like a managed server's admin."""

import os
from pathlib import Path

import psycopg

from builder.clock import parse_instant
from builder.postgres import databases, rebase
from builder.postgres.embedded import EmbeddedPostgres
from builder.snapshot import build as building
from builder.snapshot.build import BuildOptions
from tests.support.project import ANCHOR, CPD, SEED


def query(url: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def one(url: str, sql: str, params=()):
    rows = query(url, sql, params)
    assert len(rows) == 1, f"expected one row, got {len(rows)}: {sql}"
    return rows[0] if len(rows[0]) > 1 else rows[0][0]


def snapshot_tables(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (the snapshot row without built_at)."""
    out = {}
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'django_migrations' "
            "ORDER BY 1")]
        for t in tables:
            cols = "version, seed, scale, anchor_at, rebased_at, timezone" if t == "cpd_demo_snapshot" else "*"
            out[t] = conn.execute(f'SELECT {cols} FROM "{t}" ORDER BY 1').fetchall()
    return out


class Managed:
    """An embedded cluster shaped like a managed server (RDS, Cloud SQL, Azure, Neon, Supabase): its
    admin login `master` has CREATEDB and CREATEROLE, the grants those providers give their admin
    role, and owns `postgres`; no superuser. The superuser makes it once; tests use only `master`."""

    def __init__(self, cluster: EmbeddedPostgres):
        from builder.postgres.scram import verifier

        self.cluster = cluster
        self.password = "master-" + os.urandom(9).hex()
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE ROLE cloud_admin NOLOGIN")
            conn.execute("GRANT pg_signal_backend, pg_read_all_stats, pg_read_all_settings, pg_monitor TO cloud_admin")
            conn.execute(f"CREATE ROLE master LOGIN CREATEDB CREATEROLE IN ROLE cloud_admin "
                         f"PASSWORD '{verifier(self.password)}'")
            conn.execute("ALTER DATABASE postgres OWNER TO master")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://master:{self.password}@127.0.0.1:{self.cluster.port}/{database}"


class Databases:
    """Databases on one cluster made from its migrated template: empty, copied, or seeded."""

    def __init__(self, pg, template, tmp_path_factory):
        self.pg, self.template, self.tmp = pg, template, tmp_path_factory
        self.count = 0

    def empty(self, prefix: str = "t") -> str:
        """A new migrated, empty database; returns its URL."""
        self.count += 1
        name = f"{prefix}_{self.count}"
        databases.create_database(self.pg.url(), name, template=self.template)
        return self.pg.url(name)

    def copy(self, url: str, prefix: str = "copy") -> str:
        self.count += 1
        name = f"{prefix}_{self.count}"
        databases.create_database(self.pg.url(), name, template=psycopg.conninfo.conninfo_to_dict(url)["dbname"])
        return self.pg.url(name)

    def seeded(self, seed: int = SEED, scale: int = 1, anchor: str = ANCHOR, prefix: str = "seeded",
               ) -> tuple[str, Path, str]:
        """The engine's seed stage (the scenario, the engine's tables) rebased to `anchor`:
        (url, media root, what the scenario printed)."""
        url = self.empty(prefix)
        media = self.tmp.mktemp("media")
        lines: list[str] = []
        options = BuildOptions(seed=seed, scale=scale, config=str(CPD.file))
        when = parse_instant(anchor, zone="UTC")
        assert when is not None
        building.seed(CPD, url, options, when, media, building.compile_rules(CPD, url), echo=lines.append)
        rebase.run(url, when)
        with databases.connect(url) as conn:  # as a build leaves it: the rebase to its anchor is part of it
            conn.execute("UPDATE cpd_demo_snapshot SET rebased_at = NULL")
        return url, media, "\n".join(lines)


def work_databases_on(admin: str) -> list[str]:
    """The tool's work databases on the server of `admin` (staging, retired, scratch), named demos'
    spares aside (made ahead of time, they outlive the command that ordered them)."""
    from builder.postgres import work_databases

    return [d for d in databases.databases_like(admin, databases.WORK_PREFIX)
            if not d.startswith(work_databases.prefix(work_databases.SPARE))]
