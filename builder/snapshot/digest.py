"""A content digest of a demo database: same data -> same digest, whatever the anchor.

It is taken right after the scenario is generated, at the scenario's own anchor and before the
rebase to the build's anchor: two builds of the same scenario, seed and scale made on different
days share a digest, which is what lets `publish` skip them. Tables the scenario's rules mark
as not content (bookkeeping) are left out; the rest are hashed table by table, COPY output in
primary-key order.
"""

import hashlib

from psycopg import sql

from builder.postgres.rebase import not_content
from builder.postgres.server import connect


def table_digest(url: str) -> str:
    skip = set(not_content(url))
    digest = hashlib.sha256()
    with connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for table in tables:
            if table in skip:
                continue
            digest.update(f"\x00table {table}\n".encode())
            query = sql.SQL("COPY (SELECT * FROM {} ORDER BY 1) TO STDOUT").format(sql.Identifier(table))
            with conn.cursor().copy(query) as copy:
                for block in copy:
                    digest.update(block)
    return digest.hexdigest()


def content_digest(url: str, media_sha256: str) -> str:
    return hashlib.sha256(f"{table_digest(url)}\n{media_sha256}".encode()).hexdigest()
