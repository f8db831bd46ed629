"""What a database's schema says, for the rules: every column of every table a project made (its
partitions through their parent), and single-column foreign keys."""

from builder.postgres.databases import connect
from builder.rules import Column, ForeignKey, Schema

# User tables: ordinary and partitioned ones, not a partition of another, outside the system schemas.
_TABLES = """c.relkind IN ('r', 'p') AND NOT c.relispartition
             AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'"""


def read(url: str) -> Schema:
    with connect(url) as conn:
        columns = [Column(*row) for row in conn.execute(f"""
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, NULL)
              FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE {_TABLES} AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
             ORDER BY n.nspname, c.relname, a.attnum""")]
        keys = [ForeignKey(*row) for row in conn.execute(f"""
            SELECT n.nspname, c.relname, a.attname, pn.nspname, p.relname, pa.attname
              FROM pg_constraint k
              JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
              JOIN pg_class p ON p.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
              JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1]
             WHERE k.contype = 'f' AND cardinality(k.conkey) = 1 AND {_TABLES}
             ORDER BY 1, 2, 3""")]
    return Schema(columns, keys)
