"""The rebase SQL is one set of files for the host and the image: the entry file psql runs includes
exactly the function files the host runs, in the host's order; every phase is a function in pg_temp."""

import re

from builder.postgres import rebase
from builder.postgres.clients import REBASE_SQL


def test_the_entry_file_includes_the_hosts_files_in_the_hosts_order():
    includes = re.findall(r"^\\ir (\S+)$", REBASE_SQL.read_text(), re.MULTILINE)
    assert tuple(includes) == rebase.FILES


def test_every_sql_file_of_the_folder_is_the_entry_file_or_one_the_host_runs():
    names = {p.name for p in REBASE_SQL.parent.glob("*.sql")}
    assert names == {REBASE_SQL.name, *rebase.FILES}


def test_the_function_files_make_functions_in_pg_temp_only_and_call_nothing_at_load():
    for name in rebase.FILES:
        text = (REBASE_SQL.parent / name).read_text()
        code = re.sub(r"\$f\$.*?\$f\$", "", text, flags=re.DOTALL)  # the bodies
        statements = [s.strip() for s in re.sub(r"--[^\n]*", "", code).split(";") if s.strip()]
        assert statements, name
        for statement in statements:
            assert statement.startswith("CREATE OR REPLACE FUNCTION pg_temp.cpd_"), (name, statement[:80])


def test_the_top_function_calls_every_phase_once_and_each_phase_is_a_few_dozen_lines():
    sql = rebase.functions_sql()
    top = sql[sql.index("FUNCTION pg_temp.cpd_rebase() "):]
    top = top[:top.index("END $f$;")]
    called = re.findall(r"PERFORM pg_temp\.(cpd_rebase_\w+)\(\);", top)
    assert len(called) == len(set(called)) >= 10
    for phase in called:
        assert f"FUNCTION pg_temp.{phase}()" in sql
    for body in re.findall(r"CREATE OR REPLACE FUNCTION.*?END \$f\$;", sql, re.DOTALL):
        assert body.count("\n") <= 80, body[:80]
