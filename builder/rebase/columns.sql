-- columns.sql: the dates and times of one table (weekly, daily, monthly, yearly, expire, null rules),
-- each column's new value as an SQL expression of its row `t`.

-- A weekly (daily) column: whole weeks (days) of wall clock, those past at the anchor rounded down,
-- the others up; in zone_sql ('' for the platform's). The columns of one span (pivot_sql) move as
-- their thing does (over at the anchor: as the past; running or upcoming: as the upcoming).
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_wall_expr(col text, ty text, kind text, zone_sql text, pivot_sql text)
  RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
  st     record;
  past   text;
  future text;
BEGIN
  SELECT * INTO st FROM pg_temp.cpd_rebase_state;
  past := pg_temp.cpd_days_sql(col, ty, zone_sql, CASE WHEN kind = 'weekly' THEN 7 * st.dk_past ELSE st.dd_past END);
  future := pg_temp.cpd_days_sql(col, ty, zone_sql, CASE WHEN kind = 'weekly' THEN 7 * st.dk_future ELSE st.dd_future END);
  IF past = future THEN
    RETURN past;
  ELSIF pivot_sql <> '' THEN
    RETURN format('CASE WHEN (%1$s) <= %2$L::timestamptz THEN %3$s ELSE %4$s END', pivot_sql, st.anchor_at, past, future);
  END IF;
  RETURN format('CASE WHEN t.%1$I <= %2$L THEN %3$s ELSE %4$s END', col,
                CASE WHEN ty = 'date' THEN st.old_local::date::text
                     WHEN ty = 'timestamp without time zone' THEN st.old_local::text
                     ELSE st.anchor_at::text END,
                past, future);
END $f$;

-- A monthly (yearly) column: how many of the row's own cycle boundaries (its source column's; none:
-- calendar years) lie between the old and the new now: the whole months (years) between them, less
-- one where now's position in its month (year) lies before the source's and was not so before, or
-- the other way round. Integer columns move by years.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_calendar_expr(rel regclass, col text, ty text, kind text, src text)
  RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
  st       record;
  src_type text;
  cycle    text;
  src_new  text;
  steps    text;
BEGIN
  SELECT * INTO st FROM pg_temp.cpd_rebase_state;
  IF kind = 'yearly' AND src = '' THEN
    steps := (12 * st.d_years)::text;
  ELSE
    src_type := (SELECT format_type(atttypid, NULL) FROM pg_attribute
                  WHERE attrelid = rel AND attname = src AND NOT attisdropped);
    cycle := CASE WHEN kind = 'monthly' THEN 'DDHH24MISS' ELSE 'MMDDHH24MISS' END;
    src_new := CASE WHEN src_type IN ('date', 'timestamp without time zone') THEN format('t.%I::timestamp', src)
                    ELSE format('(t.%I AT TIME ZONE %L)', src, st.zone) END;
    steps := format('(%s * (%s - ((%L < to_char(%s, %L))::int - (%L < to_char(%s, %L))::int)))',
                    CASE WHEN kind = 'monthly' THEN 1 ELSE 12 END,
                    CASE WHEN kind = 'monthly' THEN st.d_months ELSE st.d_years END,
                    to_char(st.new_local, cycle), src_new, cycle, to_char(st.old_local, cycle), src_new, cycle);
  END IF;
  IF ty IN ('integer', 'smallint', 'bigint') THEN
    RETURN format('t.%I + (%s) / 12', col, steps);
  ELSIF ty = 'date' THEN
    RETURN format('(t.%I + (%s) * interval ''1 month'')::date', col, steps);
  END IF;
  RETURN format('t.%I + (%s) * interval ''1 month''', col, steps);
END $f$;

-- Each dated column of the table that moves: its expression, whether rows other than the live (and
-- slot) ones move (moves_rest), and whether only slot rows do (slot_only). A slot row moves with its
-- slot (slot_ks, slot_conds: the weeks and the SQL for the rows that move by them); a live row
-- (live_cond) by the live interval, its dates by its whole days (live_days).
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_columns(rel regclass, sch text, tab text, has_live boolean, live_cond text,
                                                      slot_ks integer[], slot_conds text[], live_days integer)
  RETURNS TABLE (col text, expr text, moves_rest boolean, slot_only boolean) LANGUAGE plpgsql AS $f$
DECLARE
  st       record;
  r        record;
  zone_sql text;
  still    boolean;
  moved    text;
  si       integer;
BEGIN
  SELECT * INTO st FROM pg_temp.cpd_rebase_state;
  FOR r IN SELECT ru.*, format_type(a.atttypid, NULL) AS type_name FROM cpd_demo_rule ru
             JOIN pg_attribute a ON a.attrelid = rel AND a.attname = ru.column_name
                                AND NOT a.attisdropped AND a.attgenerated = ''
            WHERE ru.schema_name = sch AND ru.table_name = tab
              AND ru.kind IN ('weekly', 'daily', 'monthly', 'yearly', 'expire', 'null')
              AND (NOT st.zero OR ru.kind = 'null')
            ORDER BY ru.column_name LOOP
    col := r.column_name;
    moves_rest := true;
    slot_only := false;
    IF r.kind = 'expire' THEN
      expr := CASE WHEN r.type_name = 'date' THEN format('t.%I + %s', col, round(extract(epoch FROM st.exact) / 86400)::int)
                   ELSE format('t.%I + %L::interval', col, st.exact) END;
    ELSIF r.kind = 'null' THEN
      expr := 'NULL';
    ELSIF r.kind IN ('monthly', 'yearly') THEN
      expr := pg_temp.cpd_rebase_calendar_expr(rel, col, r.type_name, r.kind, r.source);
    ELSE
      -- The row's own zone, where it has one: its wall clock is what holds.
      zone_sql := pg_temp.cpd_zone_sql(r.zone_sql, st.zone, '');
      expr := pg_temp.cpd_rebase_wall_expr(col, r.type_name, r.kind, zone_sql, r.pivot_sql);
      still := expr = format('t.%I', col);
      moved := '';
      IF coalesce(slot_conds[1], '') <> '' THEN  -- a slot row moves with its slot, the others by the rule
        FOR si IN 1 .. cardinality(slot_ks) LOOP
          CONTINUE WHEN slot_ks[si] = 0 AND still;  -- the column's own rule leaves it too
          moved := moved || format(' WHEN %s THEN %s', slot_conds[si],
                                   pg_temp.cpd_days_sql(col, r.type_name, zone_sql, 7 * slot_ks[si]));
        END LOOP;
      END IF;
      IF moved <> '' THEN
        expr := format('CASE%s ELSE %s END', moved, expr);
      END IF;
      moves_rest := NOT still;
      slot_only := still AND expr <> format('t.%I', col);  -- slot rows only
      IF has_live AND r.type_name <> 'date' AND st.live <> interval '0' THEN
        expr := format('CASE WHEN %1$s THEN t.%2$I + %3$L::interval ELSE %4$s END', live_cond, col, st.live, expr);
      ELSIF has_live AND r.type_name = 'date' AND live_days <> 0 THEN
        -- A date of a live row moves by the whole days its row does.
        expr := format('CASE WHEN %1$s THEN t.%2$I + %3$s ELSE %4$s END', live_cond, col, live_days, expr);
      ELSIF has_live AND r.type_name <> 'date' AND expr <> format('t.%I', col) THEN
        expr := format('CASE WHEN %1$s THEN t.%2$I ELSE %3$s END', live_cond, col, expr);  -- it stays put
      END IF;
      CONTINUE WHEN expr = format('t.%I', col);
    END IF;
    RETURN NEXT;
  END LOOP;
END $f$;
