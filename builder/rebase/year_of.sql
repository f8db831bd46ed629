-- year_of.sql: the year in a text (year_token: a pattern) follows its source date, in the row's zone if
-- it has one. `names`, `exprs`: the table's moved columns and their new values. One SET per rule.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_year_sets(rel regclass, sch text, tab text, names text[], exprs text[])
  RETURNS text[] LANGUAGE plpgsql AS $f$
DECLARE
  st       record;
  r        record;
  src_new  text;
  src_type text;
  zone_sql text;
  sets     text[] := ARRAY[]::text[];
BEGIN
  SELECT * INTO st FROM pg_temp.cpd_rebase_state;
  FOR r IN SELECT ru.* FROM cpd_demo_rule ru
            WHERE ru.schema_name = sch AND ru.table_name = tab AND ru.kind = 'year_token'
            ORDER BY ru.id LOOP
    src_new := coalesce(exprs[array_position(names, r.source)], format('t.%I', r.source));
    src_type := (SELECT format_type(atttypid, NULL) FROM pg_attribute
                  WHERE attrelid = rel AND attname = r.source AND NOT attisdropped);
    zone_sql := pg_temp.cpd_zone_sql(r.zone_sql, st.zone, quote_literal(st.zone));
    sets := sets || format('%1$I = regexp_replace(t.%1$I, %2$L, ''\1'' || (%3$s)::bigint::text)', r.column_name, r.pattern,
                           CASE WHEN src_type IN ('date', 'timestamp without time zone') THEN format('extract(year FROM %s)', src_new)
                                ELSE format('extract(year FROM (%s) AT TIME ZONE %s)', src_new, zone_sql) END);
  END LOOP;
  RETURN sets;
END $f$;
