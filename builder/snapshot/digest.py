"""A content digest of a demo database: same data -> same digest, whatever the anchor.

It is taken right after the scenario is generated, at the scenario's own anchor and before the
rebase to the build's anchor: two builds of the same scenario, seed and scale made on different
days share a digest, which is what lets `publish` skip them. The engine's own tables and those the
rules mark as not content (bookkeeping, purged) are left out; the rest are hashed table by table,
COPY output in primary-key order (any key, or the rows' text where a table has none).
"""

import hashlib

from psycopg import sql

from builder.postgres.databases import connect, table_key, user_tables
from builder.postgres.rebase import not_content


def table_digest(url: str) -> str:
    skip = set(not_content(url))
    digest = hashlib.sha256()
    with connect(url) as conn:
        for schema, table in user_tables(conn):
            if (schema, table) in skip:
                continue
            digest.update(f"\x00table {table_key(schema, table)}\n".encode())
            ident = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
            key = conn.execute("SELECT array_agg(a.attname::text ORDER BY k.ord) FROM pg_index i "
                               "CROSS JOIN unnest(i.indkey) WITH ORDINALITY k(attnum, ord) "
                               "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                               "WHERE i.indrelid = %s::regclass AND i.indisprimary",
                               (ident.as_string(conn),)).fetchone()[0]  # type: ignore[index]
            # Rows in primary-key order; a table without one in the order of its rows' text.
            order = sql.SQL(", ").join(map(sql.Identifier, key)) if key else sql.SQL("t::text")
            query = sql.SQL("COPY (SELECT * FROM {} t ORDER BY {}) TO STDOUT").format(ident, order)
            with conn.cursor().copy(query) as copy:
                for block in copy:
                    digest.update(block)
    return digest.hexdigest()


def content_digest(url: str, media_sha256: str) -> str:
    return hashlib.sha256(f"{table_digest(url)}\n{media_sha256}".encode()).hexdigest()
