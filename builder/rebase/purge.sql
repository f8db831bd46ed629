-- purge.sql: purged tables first, with foreign keys enforced: a purge never leaves a dangling reference.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_purge() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  r     record;
  doing text := '';  -- the rule at work, for an error's sentence
BEGIN
  FOR r IN SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel FROM cpd_demo_rule ru
            WHERE ru.kind = 'purge' ORDER BY ru.id LOOP
    CONTINUE WHEN r.rel IS NULL;
    doing := format('the purge of %s', r.rel);
    EXECUTE format('DELETE FROM %s', r.rel);
  END LOOP;
EXCEPTION WHEN others THEN
  PERFORM pg_temp.cpd_rebase_failed(doing, SQLSTATE, SQLERRM);
  RAISE;
END $f$;
