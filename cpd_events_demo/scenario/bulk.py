"""COPY for volume rows, and the id sequences set past rows written with explicit ids.

`bulk_create` spends most of its time compiling one huge INSERT per batch; COPY streams the same
rows in a fraction of the time.
"""

from collections.abc import Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection, models


def copy_rows(model: type[models.Model], fields: Sequence[models.Field], rows: Iterable[Sequence]) -> None:
    """COPY `rows` (values in the order of `fields`) into the model's table."""
    columns = ", ".join(f'"{fld.column}"' for fld in fields)
    connection.ensure_connection()
    raw = connection.connection  # the psycopg connection, inside Django's transaction
    with raw.cursor() as cur, cur.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for values in rows:
            copy.write_row(values)


def reset_sequences(written: Iterable[type[models.Model]]) -> None:
    """Point each id sequence past the rows written with explicit ids."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(written))
    with connection.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
