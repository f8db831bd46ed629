-- rebase_dates.sql: move every date of a CPD demo database so that the instant it represents
-- (cpd_demo_snapshot.anchor_at) becomes `now`.
--
--   psql -X -v ON_ERROR_STOP=1 -v now='2027-03-01T14:00Z' -f rebase_dates.sql postgresql://.../cpd_demo
--   psql -X -v ON_ERROR_STOP=1 -f rebase_dates.sql ...          (now = the transaction's now())
--
-- Pure SQL (the Docker image has no Python). Guarantees:
--   * every timestamp column moves by exactly (now - anchor_at), so orderings and durations hold;
--   * every date column moves by the difference in calendar days in the platform timezone;
--   * timestamps inside JSON (Zoom webhook bodies: ISO "...Z" strings and *_ts epoch-ms numbers) move too;
--   * names that carry a year ("Future of Medicine 2027") carry the year of their date afterwards;
--   * one UPDATE per table, generated columns skipped, all in one transaction;
--   * idempotent: anchor_at becomes now, so a second run at the same now changes nothing.
\set ON_ERROR_STOP on
\if :{?now}
\else
\set now now
\endif

BEGIN;
-- Whole days are exactly 24 h only in UTC: interval arithmetic must not follow DST.
SET LOCAL TimeZone = 'UTC';
SELECT set_config('cpd_demo.now', (:'now')::timestamptz::text, true) AS target \gset

-- Shift every ISO-8601 UTC string value and every "<key>_ts": <epoch-ms> number inside a JSON value.
-- On the text form: each distinct match becomes a placeholder, then each placeholder its shifted
-- value, so no value is shifted twice (a join at 10:00 shifted by 1 h must not meet the 11:00
-- leave). About twice as fast as walking the tree node by node.
CREATE FUNCTION pg_temp.cpd_shift_json(j jsonb, shift interval) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $fn$
DECLARE
  t text := j::text;
  found text[] := ARRAY[]::text[];
  shifted text[] := ARRAY[]::text[];
  v text;
  m text[];
  i int;
BEGIN
  -- 1. every distinct ISO-8601 UTC string value and every "<key>_ts": <number> token -> a placeholder
  FOR v IN SELECT DISTINCT x #>> '{}' FROM jsonb_path_query(j,
      'strict $.** ? (@.type() == "string" && @ like_regex "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$")') AS x
  LOOP
    found := found || ('"' || v || '"');
    -- Keep sub-second precision when there is some, or repeated rebases would drift.
    shifted := shifted || ('"' || regexp_replace(to_char((v::timestamptz + shift) AT TIME ZONE 'UTC',
                                                         'YYYY-MM-DD"T"HH24:MI:SS.US'), '\.?0+$', '') || 'Z"');
  END LOOP;
  FOR m IN SELECT DISTINCT r FROM regexp_matches(t, '"(\w*_ts)": (-?\d+)', 'g') AS r LOOP
    found := found || ('"' || m[1] || '": ' || m[2]);
    shifted := shifted || ('"' || m[1] || '": ' || round(m[2]::numeric + extract(epoch FROM shift) * 1000)::bigint);
  END LOOP;
  IF cardinality(found) = 0 THEN
    RETURN j;
  END IF;
  FOR i IN 1 .. cardinality(found) LOOP
    t := replace(t, found[i], chr(1) || i || chr(2));
  END LOOP;
  -- 2. placeholders -> shifted values (no shifted value is ever shifted twice)
  FOR i IN 1 .. cardinality(found) LOOP
    t := replace(t, chr(1) || i || chr(2), shifted[i]);
  END LOOP;
  RETURN t::jsonb;
END
$fn$;

DO $rebase$
DECLARE
  meta        cpd_demo_snapshot%ROWTYPE;
  target      timestamptz := current_setting('cpd_demo.now')::timestamptz;
  shift       interval;
  day_shift   integer;
  tbl         record;
  col         record;
  sets        text[];
  token       record;
BEGIN
  SELECT * INTO meta FROM cpd_demo_snapshot ORDER BY id LIMIT 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'cpd_demo_snapshot has no row: this is not a CPD demo database';
  END IF;
  shift := target - meta.anchor_at;
  day_shift := (target AT TIME ZONE meta.timezone)::date - (meta.anchor_at AT TIME ZONE meta.timezone)::date;
  PERFORM set_config('cpd_demo.shift', shift::text, false);
  PERFORM set_config('cpd_demo.previous_anchor', meta.anchor_at::text, false);
  IF shift = interval '0' THEN
    RETURN;  -- already at this now: change nothing
  END IF;

  -- pg_catalog rather than information_schema: the same facts, a fraction of the planning time.
  -- Partitions are reached through their parent, so they are skipped here.
  FOR tbl IN
    SELECT c.oid, c.relname AS table_name
      FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace
       AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND c.relname NOT IN ('cpd_demo_snapshot', 'django_migrations', 'django_session')
       AND EXISTS (SELECT 1 FROM pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                      AND a.atttypid IN ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype,
                                         'json'::regtype, 'jsonb'::regtype))
     ORDER BY c.relname
  LOOP
    sets := ARRAY[]::text[];
    FOR col IN
      SELECT a.attname AS column_name, format_type(a.atttypid, NULL) AS data_type
        FROM pg_attribute a
       WHERE a.attrelid = tbl.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
       ORDER BY a.attnum
    LOOP
      CASE col.data_type
        WHEN 'timestamp with time zone', 'timestamp without time zone' THEN
          sets := sets || format('%1$I = %1$I + %2$L::interval', col.column_name, shift);
        WHEN 'date' THEN
          sets := sets || format('%1$I = %1$I + %2$s', col.column_name, day_shift);
        WHEN 'jsonb' THEN
          sets := sets || format('%1$I = pg_temp.cpd_shift_json(%1$I, %2$L::interval)', col.column_name, shift);
        WHEN 'json' THEN
          sets := sets || format('%1$I = pg_temp.cpd_shift_json(%1$I::jsonb, %2$L::interval)::json',
                                 col.column_name, shift);
        ELSE
          -- Year tokens: a trailing year in a name follows the date it belongs to.
          FOR token IN
            SELECT * FROM (VALUES
              ('events_event', 'title', '\d{4}$', '',
               'extract(year FROM ((starts_at + %1$L::interval) AT TIME ZONE timezone))'),
              ('events_event', 'slug', '-\d{4}$', '-',
               'extract(year FROM ((starts_at + %1$L::interval) AT TIME ZONE timezone))'),
              ('accounts_cpdrequirement', 'name', '\d{4}$', '',
               'extract(year FROM (period_start + %2$s))')
            ) AS rules(table_name, column_name, pattern, prefix, year_sql)
            WHERE rules.table_name = tbl.table_name AND rules.column_name = col.column_name
          LOOP
            sets := sets || format('%1$I = regexp_replace(%1$I, %2$L, %3$L || (%4$s)::int::text)',
                                   col.column_name, token.pattern, token.prefix,
                                   format(token.year_sql, shift, day_shift));
          END LOOP;
      END CASE;
    END LOOP;
    IF array_length(sets, 1) > 0 THEN
      EXECUTE format('UPDATE %I SET %s', tbl.table_name, array_to_string(sets, ', '));
    END IF;
  END LOOP;

  UPDATE cpd_demo_snapshot SET anchor_at = target, rebased_at = now() WHERE id = meta.id;
END
$rebase$;

COMMIT;

SELECT format('cpd-demo %s: rebased by %s (anchor %s -> %s)',
              coalesce(nullif(version, ''), 'unversioned'), current_setting('cpd_demo.shift', true),
              current_setting('cpd_demo.previous_anchor', true), anchor_at) AS rebase
  FROM cpd_demo_snapshot;
