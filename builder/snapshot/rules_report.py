"""`snapshot.rules`: every dated column of a project's schema (date, timestamp, JSON), with the rule
its config gives it and where that rule comes from; the ones with none are named. The schema is
read from a database given (migrated or restored), else from a throwaway one the project migrates."""

from collections.abc import Callable
from contextlib import ExitStack

from builder.postgres import meta, providers, schema
from builder.project import Project
from builder.rules import Compiler, describe, fails_closed
from builder.snapshot import django_side

ROW_KINDS = ("live_", "slot_", "holiday")  # rules of whole rows and calendars (listed apart), not of a column


def where(project: Project) -> str:
    file = project.rules_file
    return str(file.relative_to(project.root)) if file.is_relative_to(project.root) else str(file)


def report(project: Project, database_url: str | None, echo: Callable[[str], None],
           strict: bool = False) -> tuple[list[str], list[str]]:
    """(the listing's lines, the dated columns without a rule: `strict`, without one of their own)."""
    with ExitStack() as stack:
        if database_url is None:
            echo("→ migrating a throwaway database to read the schema")
            db = stack.enter_context(providers.provide("auto", echo=lambda m: None))
            database_url = stack.enter_context(db.scratch_database(project.database))
            django_side.run(project, "migrate", database_url)
        found = schema.read(database_url)
    compiler = Compiler(project.rules, found, where(project))
    rules, undeclared = compiler.compile(skip_tables=meta.TABLES, strict=strict)
    by_column: dict[tuple[str, str, str], list[str]] = {}
    by_table: dict[tuple[str, str], str] = {}
    for rule in rules:
        if rule.column_name and not rule.kind.startswith(ROW_KINDS):
            by_column.setdefault((rule.schema_name, rule.table_name, rule.column_name), []).append(
                f"{describe(rule)}  [{rule.origin}]")
        elif not rule.column_name and not rule.kind.startswith(ROW_KINDS):
            by_table[(rule.schema_name, rule.table_name)] = f"{describe(rule)} (the table)  [tables]"
    missing = {c.key for c in undeclared}
    rows = []
    for column in found.columns:
        if column.table in meta.TABLES:
            continue
        said = by_column.get((column.schema, column.table, column.name))
        table_rule = by_table.get((column.schema, column.table))
        if not (column.dated or said):
            continue
        shown = said[0] if said else table_rule or ("NO RULE" if column.key in missing else "")
        if column.key in missing and fails_closed(column.name) and not strict:
            shown += " (reads like an expiry, a one-time token or a lockout: the default never covers it)"
        rows.append((column.key, column.type, shown))
    live = [describe(r) + f" ({r.table_name})" for r in rules if r.kind.startswith("live_")]
    slots = [describe(r) + f" ({r.table_name})" for r in rules if r.kind.startswith("slot_")]
    slots += [f"clear of {r.value}'s holidays{': ' + r.pattern if r.pattern else ''} ({len(r.path)} days)"
              for r in rules if r.kind == "holiday"]
    width = max((len(k) for k, _, _ in rows), default=10)
    lines = [f"{'column':<{width}}  {'type':<27}  rule  [declared in {where(project)}: columns, tables or default]"]
    lines += [f"{key:<{width}}  {kind:<27}  {rule}" for key, kind, rule in rows]
    lines += [f"live rows: {'; '.join(live)}"] if live else []
    lines += [f"slot rows: {'; '.join(slots)}"] if slots else []
    lines += compiler.together.lines()
    lines.append(f"{len(rows)} column(s); {len(missing)} without a rule")
    return lines, sorted(missing)
