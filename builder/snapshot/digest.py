"""A content digest of a demo database: same data -> same digest, whatever the anchor.

Two builds of the same scenario, seed and scale made on different days must share a digest
(that is what lets `publish` skip them), so the digest is taken with the data rebased to one
fixed canonical instant: the database is rebased there, hashed table by table (COPY output in
primary-key order), and rebased back to its anchor.
"""

import hashlib

from psycopg import sql

from builder.clock import parse_instant
from builder.postgres import rebase
from builder.postgres.server import connect, scalar

CANONICAL_NOW = parse_instant("2000-01-01T00:00:00Z")
NOT_CONTENT = ("django_migrations", "django_session", "cpd_demo_snapshot")


def table_digest(url: str) -> str:
    digest = hashlib.sha256()
    with connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for table in tables:
            if table in NOT_CONTENT:
                continue
            digest.update(f"\x00table {table}\n".encode())
            query = sql.SQL("COPY (SELECT * FROM {} ORDER BY 1) TO STDOUT").format(sql.Identifier(table))
            with conn.cursor().copy(query) as copy:
                for block in copy:
                    digest.update(block)
    return digest.hexdigest()


def content_digest(url: str, media_sha256: str) -> str:
    """The digest at the canonical instant (two rebases: there and back to the anchor)."""
    with connect(url) as conn:
        anchor = scalar(conn, "SELECT anchor_at FROM cpd_demo_snapshot")
        rebased_at = scalar(conn, "SELECT rebased_at FROM cpd_demo_snapshot")
    rebase.run(url, CANONICAL_NOW)
    try:
        tables = table_digest(url)
    finally:
        rebase.run(url, anchor)
        with connect(url) as conn:
            conn.execute("UPDATE cpd_demo_snapshot SET rebased_at = %s", (rebased_at,))
    return hashlib.sha256(f"{tables}\n{media_sha256}".encode()).hexdigest()
