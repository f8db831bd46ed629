"""A project's tailoring SQL is plain SQL the engine runs whole in its own transaction: the CPD
demo's is, and one written for psql (its own commands, its own transaction) is refused in one
sentence before any demo is touched."""

import dataclasses
from pathlib import Path

import pytest

from builder import hooks
from builder import project as projects
from builder.errors import UserError

CPD = projects.load(str(Path(__file__).parents[2] / "cpd-demo.toml"))


def test_the_cpd_demos_tailoring_is_plain_sql():
    text = hooks.tailoring(CPD)
    assert text is not None and "$prospect$" in text
    assert "cpd-demo: tailor body" not in text  # no markers to cut it by


@pytest.mark.parametrize("written", ["\\set ON_ERROR_STOP on\nUPDATE t SET a = 1;\n",
                                     "BEGIN;\nUPDATE t SET a = 1;\nCOMMIT;\n",
                                     "  commit ;\n", "start transaction;\n"])
def test_a_tailoring_file_written_for_psql_is_refused_in_one_sentence(tmp_path, written):
    path = tmp_path / "tailor.sql"
    path.write_text(written)
    with pytest.raises(UserError, match=r"must be plain SQL, which the engine runs in its own transaction") as refused:
        hooks.tailoring(dataclasses.replace(CPD, tailor=path))
    assert "\n" not in str(refused.value)


def test_a_plpgsql_block_is_plain_sql(tmp_path):
    path = tmp_path / "tailor.sql"
    path.write_text("DO $x$\nBEGIN\n  UPDATE t SET a = 1;\nEND\n$x$;\n")
    assert hooks.tailoring(dataclasses.replace(CPD, tailor=path)) == path.read_text()
