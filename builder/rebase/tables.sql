-- tables.sql: one UPDATE per table of the rewriting rules, its dates, JSON and year tokens together,
-- user triggers off: check constraints over two dates see both moved. Rows are named by (tableoid,
-- ctid), so any primary key or none, partitioned tables and generated columns (skipped) all work.

-- One table's UPDATE: where only live or slot rows move, only they are rewritten; at the same now,
-- only the rows a null rule empties.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_table(rel regclass, sch text, tab text) RETURNS void
  LANGUAGE plpgsql AS $f$
DECLARE
  st          record;
  c           record;
  has_live    boolean;
  live_cond   text;
  slot_conds  text[] := ARRAY[]::text[];
  slot_moving text;
  k           integer;
  names       text[] := ARRAY[]::text[];
  exprs       text[] := ARRAY[]::text[];
  sets        text[] := ARRAY[]::text[];
  partial     text[] := ARRAY[]::text[];
  only_live   boolean := true;
  slot_used   boolean := false;
BEGIN
  SELECT * INTO st FROM pg_temp.cpd_rebase_state;
  has_live := EXISTS (SELECT 1 FROM cpd_demo_rule WHERE schema_name = sch AND table_name = tab
                                                    AND kind IN ('live_root', 'live_via'));
  -- Its rows that go with a slot row, by the weeks they move (slot_ks: a few values).
  FOREACH k IN ARRAY st.slot_ks LOOP
    slot_conds := slot_conds || pg_temp.cpd_slot_cond(rel, 't', k, false, 0);
  END LOOP;
  slot_moving := array_to_string(ARRAY(SELECT '(' || slot_conds[x] || ')' FROM generate_subscripts(st.slot_ks, 1) x
                                        WHERE st.slot_ks[x] <> 0 AND slot_conds[x] <> ''), ' OR ');
  -- Hashed once per statement; a plain table's live rows are reached by their ctid directly.
  live_cond := format('(t.tableoid, t.ctid) IN (SELECT part, tid FROM pg_temp.cpd_live WHERE tbl = %s)', rel::oid);

  FOR c IN SELECT * FROM pg_temp.cpd_rebase_columns(rel, sch, tab, has_live, live_cond, st.slot_ks, slot_conds,
                                                    round(extract(epoch FROM st.live) / 86400)::int) LOOP
    names := names || c.col;
    exprs := exprs || c.expr;
    sets := sets || format('%I = %s', c.col, c.expr);
    only_live := only_live AND NOT c.moves_rest;  -- rows other than the live (and slot) ones move too
    IF c.slot_only THEN
      slot_used := true;
      partial := partial || c.col;
    END IF;
  END LOOP;
  IF NOT st.zero THEN
    FOR c IN SELECT * FROM pg_temp.cpd_rebase_json_sets(rel, sch, tab, names, exprs, partial) LOOP
      sets := sets || c.set_sql;
      only_live := only_live AND NOT c.moves_rest;
    END LOOP;
    exprs := pg_temp.cpd_rebase_year_sets(rel, sch, tab, names, exprs);
    sets := sets || exprs;
    only_live := only_live AND cardinality(exprs) = 0;
  END IF;

  IF cardinality(sets) > 0 THEN
    EXECUTE format('UPDATE %s AS t SET %s', rel, array_to_string(sets, ', '))
         || CASE WHEN st.zero THEN ' WHERE ' || (SELECT string_agg(format('t.%I IS NOT NULL', x), ' OR ') FROM unnest(names) x)
                 WHEN NOT only_live THEN ''
                 WHEN slot_used THEN ' WHERE ' || concat_ws(' OR ', CASE WHEN has_live THEN live_cond END, slot_moving)
                 WHEN NOT has_live THEN ''
                 WHEN (SELECT relkind FROM pg_class WHERE oid = rel) = 'p' THEN ' WHERE ' || live_cond
                 ELSE format(' WHERE t.ctid = ANY (ARRAY(SELECT tid FROM pg_temp.cpd_live WHERE tbl = %s))', rel::oid) END;
  END IF;
END $f$;

-- Every table a rewriting rule names, those a rule ranks first (update_rank) first.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_tables() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  st    record;
  tbl   record;
  doing text := '';
BEGIN
  SELECT * INTO st FROM pg_temp.cpd_rebase_state;
  FOR tbl IN SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel, ru.schema_name, ru.table_name
               FROM cpd_demo_rule ru
              WHERE ru.kind = ANY (pg_temp.cpd_rewriting_kinds()) AND (NOT st.zero OR ru.kind = 'null')
              GROUP BY ru.schema_name, ru.table_name
              ORDER BY max(ru.update_rank) DESC, ru.schema_name, ru.table_name LOOP
    CONTINUE WHEN tbl.rel IS NULL;
    doing := format('the rules of %s (%s)', tbl.rel,
                   (SELECT string_agg(format('%s %s', ru.column_name, ru.kind), ', ' ORDER BY ru.column_name, ru.id)
                      FROM cpd_demo_rule ru WHERE ru.schema_name = tbl.schema_name AND ru.table_name = tbl.table_name
                       AND ru.kind = ANY (pg_temp.cpd_rewriting_kinds())));
    PERFORM pg_temp.cpd_rebase_table(tbl.rel, tbl.schema_name, tbl.table_name);
  END LOOP;
EXCEPTION WHEN others THEN
  PERFORM pg_temp.cpd_rebase_failed(doing, SQLSTATE, SQLERRM);
  RAISE;
END $f$;
