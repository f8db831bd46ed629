-- slot_rows.sql: the rows that keep a weekly slot (slot_root), listed in the temp table cpd_slot with
-- the weeks each moves, and the keys of those their following rows point at (slot_via, cpd_slot_key).

-- Slot rows (not live): each moves by whole weeks of its own wall clock. Its phase in the week (ph:
-- seconds after a whole number of weeks from the scenario's anchor), the slot it holds (c), and the
-- first slot it may take at the old and the new now (j_old, j_new): for an upcoming row the first
-- at or after now, for a past one the last whose end and settle (l) are behind now. Without
-- holidays it moves by j_new - j_old; with them (its zone's country has some) it keeps its place
-- among the slots that fall on none (cpd_slot_weeks).
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_slot_rows() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  st       record;
  r        record;
  zone_sql text;
  doing    text := '';
BEGIN
  SELECT * INTO st FROM pg_temp.cpd_rebase_state;
  IF st.zero OR NOT EXISTS (SELECT 1 FROM cpd_demo_rule WHERE kind = 'slot_root') THEN
    RETURN;
  END IF;
  CREATE TEMP TABLE IF NOT EXISTS cpd_slot (tbl oid, part oid, tid tid, k integer, past boolean,
                                           PRIMARY KEY (tbl, part, tid)) ON COMMIT DROP;
  TRUNCATE pg_temp.cpd_slot;
  CREATE TEMP TABLE IF NOT EXISTS cpd_holiday (country text, day date, PRIMARY KEY (country, day)) ON COMMIT DROP;
  TRUNCATE pg_temp.cpd_holiday;
  INSERT INTO pg_temp.cpd_holiday SELECT DISTINCT ru.value, d::date FROM cpd_demo_rule ru, unnest(ru.path) d
   WHERE ru.kind = 'holiday';
  FOR r IN SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel, ru.* FROM cpd_demo_rule ru
            WHERE ru.kind = 'slot_root' LOOP
    CONTINUE WHEN r.rel IS NULL;
    doing := format('the slot rows of %s (slot_root, %s .. %s)', r.rel, r.path[1], r.path[2]);
    zone_sql := pg_temp.cpd_zone_sql(r.zone_sql, st.zone, quote_literal(st.zone));
    EXECUTE format('INSERT INTO pg_temp.cpd_slot SELECT %1$s, t.tableoid, t.ctid, CASE WHEN c.country IS NULL '
                   'THEN c.j_new - c.j_old ELSE pg_temp.cpd_slot_weeks(c.country, a.s_local, '
                   '  %7$s - a.s_local::date, floor(a.s / 604800)::bigint, c.j_old, c.j_new, '
                   '  c.past) END, c.past '
                   'FROM %2$s t, LATERAL (SELECT %3$s AS z) z, '
                   'LATERAL (SELECT %4$s AT TIME ZONE z.z AS s_local, '
                   '  extract(epoch FROM (%4$s AT TIME ZONE z.z) - ($1 AT TIME ZONE z.z)) AS s, '
                   '  extract(epoch FROM ($2 AT TIME ZONE z.z) - ($1 AT TIME ZONE z.z)) AS w_old, '
                   '  extract(epoch FROM ($3 AT TIME ZONE z.z) - ($1 AT TIME ZONE z.z)) AS w_new, '
                   '  extract(epoch FROM %5$s - %4$s) + 60 * %6$s AS l) a, '
                   'LATERAL (SELECT a.s - 604800 * floor(a.s / 604800) AS ph) p, '
                   'LATERAL (SELECT a.s < a.w_old AS past, '
                   '  (CASE WHEN a.s < a.w_old THEN ceil((a.w_old - p.ph - a.l) / 604800) - 1 '
                   '        ELSE ceil((a.w_old - p.ph) / 604800) END)::bigint AS j_old, '
                   '  (CASE WHEN a.s < a.w_old THEN ceil((a.w_new - p.ph - a.l) / 604800) - 1 '
                   '        ELSE ceil((a.w_new - p.ph) / 604800) END)::bigint AS j_new, '
                   '  (SELECT ru.source FROM cpd_demo_rule ru WHERE ru.kind = ''holiday_zone'' AND ru.value = z.z '
                   '    LIMIT 1) AS country) c '
                   'WHERE %4$s IS NOT NULL AND %5$s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_temp.cpd_live l '
                   '  WHERE l.tbl = %1$s AND l.part = t.tableoid AND l.tid = t.ctid) ON CONFLICT DO NOTHING',
                   r.rel::oid, r.rel, zone_sql, pg_temp.cpd_instant_sql(r.rel, r.path[1], 'z.z', false, false),
                   pg_temp.cpd_instant_sql(r.rel, r.path[2], 'z.z', true, false), r.value::int,
                   pg_temp.cpd_instant_sql(r.rel, r.path[2], 'z.z', false, true))
      USING st.scenario_anchor_at, st.anchor_at, st.target;
  END LOOP;
  -- What follows them is not listed row by row: a row of a following table is one whose foreign key
  -- is in the set of keys of its parent's rows with that k (hashed once per statement), to any depth.
  -- The slot rows' keys are kept by value: their table's own UPDATE may come first (new ctids).
  doing := 'the rows that follow a slot row (slot_via)';
  CREATE TEMP TABLE IF NOT EXISTS cpd_slot_key (col text, val text, k integer, past boolean) ON COMMIT DROP;
  TRUNCATE pg_temp.cpd_slot_key;
  FOR r IN SELECT DISTINCT to_regclass(format('%I.%I', split_part(ru.parent, '.', 1), split_part(ru.parent, '.', 2))) AS rel,
                  ru.parent_key FROM cpd_demo_rule ru WHERE ru.kind = 'slot_via' LOOP
    CONTINUE WHEN r.rel IS NULL OR NOT EXISTS (SELECT 1 FROM pg_temp.cpd_slot s WHERE s.tbl = r.rel);
    EXECUTE format('INSERT INTO pg_temp.cpd_slot_key SELECT %1$L, p.%1$I::text, s.k, s.past FROM %2$s p '
                   'JOIN pg_temp.cpd_slot s ON s.tbl = %3$s AND s.part = p.tableoid AND s.tid = p.ctid',
                   r.parent_key, r.rel, r.rel::oid);
  END LOOP;
  UPDATE pg_temp.cpd_rebase_state SET slot_ks = ARRAY(SELECT DISTINCT s.k FROM pg_temp.cpd_slot s ORDER BY 1);
EXCEPTION WHEN others THEN
  PERFORM pg_temp.cpd_rebase_failed(doing, SQLSTATE, SQLERRM);
  RAISE;
END $f$;
