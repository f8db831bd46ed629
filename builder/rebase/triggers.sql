-- triggers.sql: user triggers off while the tables move (check constraints over two dates still see
-- both moved), on again before the quiesce.

-- A superuser sets session_replication_role; anyone else (a managed server's admin) turns off each
-- trigger of the moved tables it owns, one by one, and lists how to turn them on again.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_triggers_off() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  r     record;
  again text[] := ARRAY[]::text[];
  doing text := '';
BEGIN
  IF (SELECT is_super FROM pg_temp.cpd_rebase_state) THEN
    PERFORM set_config('session_replication_role', 'replica', true);  -- user triggers do not fire
    RETURN;
  END IF;
  doing := 'turning the user triggers of the moved tables off';
  FOR r IN SELECT tg.tgrelid::regclass AS rel, tg.tgname FROM pg_trigger tg
            WHERE NOT tg.tgisinternal AND tg.tgenabled = 'O' AND tg.tgparentid = 0
              AND tg.tgrelid IN (SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) FROM cpd_demo_rule ru
                                  WHERE ru.kind = ANY (pg_temp.cpd_rewriting_kinds()))
              AND pg_has_role((SELECT c.relowner FROM pg_class c WHERE c.oid = tg.tgrelid), 'MEMBER')
            ORDER BY 1, 2 LOOP
    EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', r.rel, r.tgname);
    again := again || format('ALTER TABLE %s ENABLE TRIGGER %I', r.rel, r.tgname);
  END LOOP;
  UPDATE pg_temp.cpd_rebase_state SET muted = again;
EXCEPTION WHEN others THEN
  PERFORM pg_temp.cpd_rebase_failed(doing, SQLSTATE, SQLERRM);
  RAISE;
END $f$;

-- Foreign keys enforced again (for the quiesce's deletes), the triggers turned off turned on.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_triggers_on() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  s record;
  e text;
BEGIN
  SELECT * INTO s FROM pg_temp.cpd_rebase_state;
  IF s.is_super THEN
    PERFORM set_config('session_replication_role', 'origin', true);  -- only a superuser may set it at all
  END IF;
  FOREACH e IN ARRAY s.muted LOOP
    EXECUTE e;
  END LOOP;
END $f$;
