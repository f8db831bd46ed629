-- now.sql: the first phase. Is this a demo database this rebase can read; the instant to rebase to
-- (the setting cpd_demo.now); the transaction's settings; the per-rebase constants, one row of the temp
-- table cpd_rebase_state that every later phase reads (and the live span's phase amends).

-- The format of the engine's tables the dump carries (cpd_demo_snapshot.format_version), checked
-- before anything is read. A dump made before the number was written is format 1 if it has the
-- columns format 1 relies on. NULL when the snapshot table has no row.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_format() RETURNS integer LANGUAGE plpgsql AS $f$
DECLARE
  expected CONSTANT integer := 1;  -- builder/postgres/meta.py FORMAT_VERSION (a unit test holds them equal)
  dumped   integer;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'cpd_demo_snapshot'::regclass AND NOT attisdropped
                AND attname = 'format_version') THEN
    EXECUTE 'SELECT format_version FROM cpd_demo_snapshot ORDER BY id LIMIT 1' INTO dumped;
  ELSIF (SELECT count(*) FROM pg_attribute WHERE attrelid = 'cpd_demo_rule'::regclass AND NOT attisdropped
            AND attname IN ('schema_name', 'zone_sql', 'condition', 'parent_key', 'pivot_sql', 'update_rank')) = 6 THEN
    dumped := 1;
  ELSE
    RAISE EXCEPTION 'this demo database was built by an older version of cpd-demo-db: build it again';
  END IF;
  IF dumped <> expected THEN
    RAISE EXCEPTION 'this demo database''s tables are of format %, and this rebase reads format %: %', dumped, expected,
      CASE WHEN dumped < expected THEN 'build it again' ELSE 'rebase it with the version of cpd-demo-db that built it' END;
  END IF;
  RETURN dumped;
END $f$;

CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_now() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  given      text := current_setting('cpd_demo.now');
  meta       record;
  zone       text;
  target     timestamptz;
  base_local timestamp;
  old_local  timestamp;
  new_local  timestamp;
BEGIN
  IF to_regclass('cpd_demo_snapshot') IS NULL OR to_regclass('cpd_demo_rule') IS NULL THEN
    RAISE EXCEPTION 'cpd_demo_snapshot or cpd_demo_rule is missing: this is not a demo database';
  END IF;
  PERFORM pg_temp.cpd_rebase_format();
  SELECT * INTO meta FROM cpd_demo_snapshot ORDER BY id LIMIT 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'cpd_demo_snapshot has no row: this is not a demo database';
  END IF;
  -- One-off UPDATEs whose estimates (subqueries per row) would have the JIT compile for seconds what runs
  -- for less: never worth it here.
  PERFORM set_config('jit', 'off', true);
  -- Tables are named by oid::regclass in every phase; pg_temp goes last so that nothing shadows them.
  PERFORM set_config('search_path', format('%I, pg_catalog, pg_temp',
                     (SELECT relnamespace FROM pg_class WHERE oid = 'cpd_demo_snapshot'::regclass)::regnamespace), true);
  zone := meta.timezone;

  IF lower(btrim(given)) = 'now' THEN
    target := now();
  ELSIF given ~ '^\s*[0-9]{4}-[0-9]{2}-[0-9]{2}' THEN
    PERFORM set_config('TimeZone', zone, true);  -- no offset given: the platform's wall clock
    target := given::timestamptz;
    PERFORM set_config('TimeZone', 'UTC', true);
  ELSE
    RAISE EXCEPTION 'now % is not an ISO 8601 instant (e.g. 2027-03-01T14:00Z)', quote_literal(given);
  END IF;
  -- Calendar arithmetic in every phase is done in the platform's wall clock: in this session's
  -- timezone, `timestamptz + interval 'N days'` keeps the local time of day across DST.
  PERFORM set_config('TimeZone', zone, true);
  -- For the report: the shift to the second, signed, and both anchors in UTC.
  PERFORM set_config('cpd_demo.shift', CASE WHEN target > meta.anchor_at THEN '+' || date_trunc('second', target - meta.anchor_at)
                                            WHEN target < meta.anchor_at THEN '-' || date_trunc('second', meta.anchor_at - target)
                                            ELSE '00:00:00' END, false);
  PERFORM set_config('cpd_demo.previous_anchor', to_char(meta.anchor_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"'), false);

  -- Every shift is the difference between "scenario anchor -> now" and "scenario anchor -> the anchor
  -- the data represents today".
  base_local := meta.scenario_anchor_at AT TIME ZONE zone;
  old_local := meta.anchor_at AT TIME ZONE zone;
  new_local := target AT TIME ZONE zone;
  CREATE TEMP TABLE IF NOT EXISTS cpd_rebase_state (
    snapshot_id bigint, anchor_at timestamptz, scenario_anchor_at timestamptz, zone text, target timestamptz,
    zero boolean, is_super boolean, old_local timestamp, new_local timestamp,
    dk_past integer, dk_future integer, dd_past integer, dd_future integer,
    live interval, exact interval, d_months integer, d_years integer,
    muted text[] DEFAULT '{}', slot_ks integer[] DEFAULT '{}', place_id bigint, place_path text[]) ON COMMIT DROP;
  TRUNCATE pg_temp.cpd_rebase_state;
  INSERT INTO pg_temp.cpd_rebase_state (snapshot_id, anchor_at, scenario_anchor_at, zone, target, zero, is_super,
                                        old_local, new_local, dk_past, dk_future, dd_past, dd_future, live, exact,
                                        d_months, d_years)
  VALUES (meta.id, meta.anchor_at, meta.scenario_anchor_at, zone, target,
          -- Already at this now: nothing moves, but what logs in never survives a restore (purge, null
          -- and quiesce run at every rebase, whatever the shift).
          target = meta.anchor_at,
          (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
          old_local, new_local,
          floor(extract(epoch FROM new_local - base_local) / 604800) - floor(extract(epoch FROM old_local - base_local) / 604800),
          ceil(extract(epoch FROM new_local - base_local) / 604800) - ceil(extract(epoch FROM old_local - base_local) / 604800),
          floor(extract(epoch FROM new_local - base_local) / 86400) - floor(extract(epoch FROM old_local - base_local) / 86400),
          ceil(extract(epoch FROM new_local - base_local) / 86400) - ceil(extract(epoch FROM old_local - base_local) / 86400),
          -- Live rows move by an exact number of seconds (no calendar): the quarter hour of now.
          make_interval(secs => extract(epoch FROM date_bin('15 minutes', target, timestamptz '2000-01-01') -
                                                   date_bin('15 minutes', meta.anchor_at, timestamptz '2000-01-01'))),
          make_interval(secs => extract(epoch FROM target - meta.anchor_at)),
          (extract(year FROM new_local) * 12 + extract(month FROM new_local))
            - (extract(year FROM old_local) * 12 + extract(month FROM old_local)),
          extract(year FROM new_local) - extract(year FROM old_local));
END $f$;
