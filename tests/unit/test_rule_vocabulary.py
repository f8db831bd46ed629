"""The rule vocabulary has one owner (builder/rules/kinds.py): every kind the rebase SQL names is in
it and every kind in it is one the SQL or the compiler knows; the rule table's DDL has a column for
each field of the rule row and no other; the SQL checks the format it relies on."""

import re

from builder.postgres import meta
from builder.postgres.rebase import functions_sql
from builder.rules import KINDS, REWRITING, Rule

SQL = functions_sql()


def kinds_the_sql_names() -> set[str]:
    named = set(re.findall(r"kind = '{1,2}([a-z_]+)'{1,2}", SQL))
    for group in re.findall(r"kind IN \(([^)]*)\)", SQL):
        named |= set(re.findall(r"'([a-z_]+)'", group))
    rewriting = re.search(r"cpd_rewriting_kinds\(\) RETURNS text\[\].*?ARRAY\[([^]]*)\]", SQL, re.DOTALL)
    assert rewriting is not None
    named |= set(re.findall(r"'([a-z_]+)'", rewriting.group(1)))
    for literal in re.findall(r"r\.kind IN \(([^)]*)\)|r\.kind = '([a-z_]+)'|j\.value IN \(([^)]*)\)", SQL):
        named |= set(re.findall(r"[a-z_]+", " ".join(literal))) & set(KINDS)
    return named


def test_every_kind_the_sql_names_is_in_the_vocabulary():
    assert kinds_the_sql_names() - set(KINDS) == set()


def test_every_kind_of_the_vocabulary_is_read_by_the_sql_or_never_moves_a_value():
    unread = set(KINDS) - kinds_the_sql_names()
    # keep never moves a value; bookkeeping tables are only left out of the digest (the host reads them).
    assert unread == {"keep", "bookkeeping"}, unread


def test_the_kinds_that_rewrite_are_the_ones_the_sql_updates_table_by_table():
    listed = re.search(r"cpd_rewriting_kinds\(\) RETURNS text\[\].*?ARRAY\[([^]]*)\]", SQL, re.DOTALL)
    assert listed is not None
    assert tuple(re.findall(r"'([a-z_]+)'", listed.group(1))) == REWRITING
    # Spelled once: the tables the rebase updates, and their triggers, are those of that list.
    assert len(re.findall(r"'weekly', 'daily', 'monthly', 'yearly', 'expire', 'null', 'json'", SQL)) == 1
    updated = re.search(r"WHERE ru\.kind = ANY \(pg_temp\.cpd_rewriting_kinds\(\)\) AND \(NOT st\.zero OR ru\.kind = 'null'\)"
                        r"\s+GROUP BY", SQL)
    assert updated is not None


def test_the_rule_tables_ddl_is_the_rule_row():
    block = meta.DDL[meta.DDL.index(f"CREATE TABLE IF NOT EXISTS {meta.RULE_TABLE}"):]
    body = block[block.index("(") + 1:block.rindex(")")]
    columns = re.findall(r"(?:^|,)\s*([a-z_]+) [a-z]", body)
    assert sorted(columns) == sorted(["id", *Rule.columns()])  # the writer names each column


def test_the_sql_reads_the_format_the_build_writes():
    expected = re.search(r"expected CONSTANT integer := (\d+);", SQL)
    assert expected is not None and int(expected.group(1)) == meta.FORMAT_VERSION
    assert "format_version integer NOT NULL" in meta.DDL


def test_a_dump_without_the_format_number_is_read_by_the_columns_it_relies_on():
    checked = re.search(r"attname IN \(([^)]*)\)\) = (\d+) THEN\s+dumped := 1;", SQL)
    assert checked is not None and meta.FORMAT_VERSION >= 1
    names = re.findall(r"'([a-z_]+)'", checked.group(1))
    assert len(names) == int(checked.group(2)) and set(names) <= set(Rule.columns())
    assert {"pivot_sql", "update_rank"} <= set(names)  # format 1's contract
