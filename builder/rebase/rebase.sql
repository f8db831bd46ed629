-- rebase.sql: the rebase, phase by phase, and its report.

-- The snapshot row records the now the data represents; a second run at the same now changes nothing,
-- its record included.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_record() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  st record;
BEGIN
  SELECT * INTO st FROM pg_temp.cpd_rebase_state;
  IF NOT st.zero THEN
    UPDATE cpd_demo_snapshot SET anchor_at = st.target, rebased_at = now() WHERE id = st.snapshot_id;
  END IF;
END $f$;

-- The whole rebase, inside the caller's transaction: the instant to rebase to is the setting
-- cpd_demo.now (an ISO 8601 instant, or 'now').
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM pg_temp.cpd_rebase_now();           -- a demo database of this format; the constants
  PERFORM pg_temp.cpd_rebase_purge();         -- purge, foreign keys enforced
  PERFORM pg_temp.cpd_rebase_triggers_off();
  PERFORM pg_temp.cpd_rebase_live_rows();     -- live_root, live_via
  PERFORM pg_temp.cpd_rebase_live_span();     -- live_span: stay put, or move around now
  PERFORM pg_temp.cpd_rebase_slot_rows();     -- slot_root, slot_via, holidays
  PERFORM pg_temp.cpd_rebase_tables();        -- the shifts, expire, null, json, year_token: one UPDATE per table
  PERFORM pg_temp.cpd_rebase_triggers_on();
  PERFORM pg_temp.cpd_rebase_quiesce();
  PERFORM pg_temp.cpd_rebase_live_place();    -- live_place
  PERFORM pg_temp.cpd_rebase_record();
END $f$;

-- The report line of the last rebase in this session (after its transaction).
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_report() RETURNS text LANGUAGE plpgsql STABLE AS $f$
BEGIN
  RETURN (SELECT format('cpd-demo %s: rebased by %s (anchor %s -> %s)',
                        coalesce(nullif(version, ''), 'unversioned'), current_setting('cpd_demo.shift', true),
                        current_setting('cpd_demo.previous_anchor', true),
                        to_char(anchor_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"'))
            FROM cpd_demo_snapshot ORDER BY id LIMIT 1);
END $f$;
