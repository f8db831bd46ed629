-- quiesce.sql: outbox and scheduled jobs. What is due by now after the shift (and meets the rule's
-- condition) is marked done (path: column, value) or deleted: nothing fires because of a rebase.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_quiesce() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  st    record;
  r     record;
  done  text;
  doing text := '';
BEGIN
  SELECT * INTO st FROM pg_temp.cpd_rebase_state;
  FOR r IN SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel, ru.* FROM cpd_demo_rule ru
            WHERE ru.kind = 'quiesce' ORDER BY ru.id LOOP
    CONTINUE WHEN r.rel IS NULL;
    doing := format('the quiesce of %s', r.rel);
    done := ' WHERE ' || concat_ws(' AND ', CASE WHEN r.source <> '' THEN format('t.%I <= %L', r.source, st.target) END,
                                          nullif(replace(r.condition, '{anchor}', quote_literal(st.target) || '::timestamptz'), ''),
                                          CASE WHEN r.value <> 'delete' THEN format('t.%I IS DISTINCT FROM %L', r.path[1], r.path[2]) END,
                                          'true');
    IF r.value = 'delete' THEN
      EXECUTE format('DELETE FROM %s t', r.rel) || done;
    ELSE
      EXECUTE format('UPDATE %s t SET %I = %L', r.rel, r.path[1], r.path[2]) || done;
    END IF;
  END LOOP;
EXCEPTION WHEN others THEN
  PERFORM pg_temp.cpd_rebase_failed(doing, SQLSTATE, SQLERRM);
  RAISE;
END $f$;
