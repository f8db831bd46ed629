-- json_rules.sql: timestamps inside the JSON values of one table (json rules): each path moves by its
-- source column's own shift (or now's), or as a shift kind moves a value of its own (value weekly,
-- daily). `names`, `exprs`: the table's moved columns and their new values; `partial`: those only
-- slot rows move. One SET per column, and whether it changes rows a slot does not move (moves_rest).
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_json_sets(rel regclass, sch text, tab text, names text[], exprs text[],
                                                        partial text[])
  RETURNS TABLE (set_sql text, moves_rest boolean) LANGUAGE plpgsql AS $f$
DECLARE
  st       record;
  r        record;
  j        record;
  src_type text;
  val      text;
  e        text;
  k_past   integer;
  k_future integer;
  step     text;
  delta    text;
  src_new  text;
BEGIN
  SELECT * INTO st FROM pg_temp.cpd_rebase_state;
  FOR r IN SELECT DISTINCT ru.column_name, format_type(a.atttypid, NULL) AS type_name FROM cpd_demo_rule ru
             JOIN pg_attribute a ON a.attrelid = rel AND a.attname = ru.column_name AND NOT a.attisdropped
            WHERE ru.schema_name = sch AND ru.table_name = tab AND ru.kind = 'json'
            ORDER BY 1 LOOP
    -- jsonb as it is, json cast, JSON kept in text read with a try-cast (text that is not JSON stays).
    src_type := CASE WHEN r.type_name = 'jsonb' THEN '' WHEN r.type_name = 'json' THEN '::jsonb' ELSE 'text' END;
    val := CASE WHEN src_type = 'text' THEN format('pg_temp.cpd_jsonb(t.%I)', r.column_name)
                ELSE format('t.%I', r.column_name) || src_type END;
    e := val;
    moves_rest := false;  -- does it change rows a slot does not move?
    FOR j IN SELECT ru.path, ru.source, ru.value, ru.zone_sql FROM cpd_demo_rule ru
              WHERE ru.schema_name = sch AND ru.table_name = tab AND ru.kind = 'json'
                AND ru.column_name = r.column_name ORDER BY ru.id LOOP
      IF j.value IN ('weekly', 'daily') THEN
        -- Each timestamp moves as that shift moves a value of its own, in the rule's zone.
        k_past := CASE WHEN j.value = 'weekly' THEN 7 * st.dk_past ELSE st.dd_past END;
        k_future := CASE WHEN j.value = 'weekly' THEN 7 * st.dk_future ELSE st.dd_future END;
        CONTINUE WHEN k_past = 0 AND k_future = 0;
        moves_rest := true;
        step := format('%L::timestamptz, %s, %s, %s', st.anchor_at, k_past, k_future,
                       pg_temp.cpd_zone_sql(j.zone_sql, st.zone, quote_literal(st.zone)));
        IF j.path = ARRAY['*'] THEN
          e := format('pg_temp.cpd_json_anywhere(%s, NULL, %s)', e, step);
        ELSE
          e := format('jsonb_set_lax(%s, %L, pg_temp.cpd_json_wall(%s #> %L, %s), false, ''return_target'')',
                      e, j.path, val, j.path, step);
        END IF;
        CONTINUE;
      END IF;
      IF j.source = '' THEN
        delta := format('%L::interval', st.exact);
        moves_rest := true;
      ELSE
        src_new := exprs[array_position(names, j.source::text)];
        CONTINUE WHEN src_new IS NULL;  -- the source does not move: neither does the JSON
        moves_rest := moves_rest OR NOT j.source::text = ANY(partial);
        delta := format('make_interval(secs => extract(epoch FROM (%s) - t.%I))', src_new, j.source);
      END IF;
      IF j.path = ARRAY['*'] THEN
        e := format('pg_temp.cpd_json_anywhere(%s, %s)', e, delta);
      ELSE
        -- Each path read from the column as it was (paths are independent), written into the result.
        e := format('jsonb_set_lax(%s, %L, pg_temp.cpd_json_value(%s #> %L, %s), false, ''return_target'')',
                    e, j.path, val, j.path, delta);
      END IF;
    END LOOP;
    CONTINUE WHEN e = val;
    set_sql := CASE WHEN src_type = 'text'
                    THEN format('%1$I = CASE WHEN %2$s IS NULL OR %2$s = (%3$s) THEN t.%1$I ELSE (%3$s)::text END',
                                r.column_name, val, e)
                    ELSE format('%I = %s', r.column_name, e || CASE WHEN r.type_name = 'json' THEN '::json' ELSE '' END) END;
    RETURN NEXT;
  END LOOP;
END $f$;
