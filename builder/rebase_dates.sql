-- rebase_dates.sql: move the dates of a CPD demo database so that it represents `now`.
--
--   psql -X -v ON_ERROR_STOP=1 -v now='2027-03-01T14:00Z' -f rebase_dates.sql postgresql://.../cpd_demo
--   psql -X -v ON_ERROR_STOP=1 -f rebase_dates.sql ...          (now = the transaction's now())
--
-- Pure SQL: the Docker image has no Python. A `now` without an offset is read in the platform
-- timezone. What moves how is not known here: the scenario wrote it into the dump as rules
-- (table cpd_demo_rule, one row per table and column), read by this file, the digest and the tests:
--
--   weekly      whole weeks of wall-clock time in the platform timezone, counted from the scenario's
--               own anchor: values that were past at it by whole weeks rounded down, future ones
--               rounded up. Weekday, time of day and DST hold; the past stays past, the upcoming
--               upcoming, and the newest past activity is at most a week older than it was built.
--   live_root,  rows that are live (e.g. the event whose status is 'live', and the rows that point at
--   live_via    it) move with `now` on the quarter hour instead: they keep containing now.
--   monthly     whole months, counted on the row's own billing moment (its source column): invoices
--               and billing periods stay on their billing day and time.
--   yearly      whole years, counted on the row's own cycle (source; none = calendar years); also
--               moves integer year columns.
--   json        a timestamp inside a JSON value (a path) moves with its row's source column: an ISO
--               string to the second with Z, or epoch milliseconds.
--   year_token  the year in a text (a pattern) becomes the year of its source, in the row's zone.
--
-- One UPDATE per table, in one transaction. Idempotent: a second run at the same now changes
-- nothing. Every shift is computed from the scenario's anchor, so rebases compose: rebasing back
-- to a database's earlier anchor restores it exactly.
\set ON_ERROR_STOP on
\if :{?now}
\else
\set now now
\endif

BEGIN;
SELECT set_config('cpd_demo.now', :'now', true) AS now_given \gset
-- cpd-demo: rebase body begins (the scenario runs this part inside its own transaction)
DO $rebase$
DECLARE
  given       text := current_setting('cpd_demo.now');
  meta        record;
  home        oid;
  zone        text;
  target      timestamptz;
  base_local  timestamp;
  old_local   timestamp;
  new_local   timestamp;
  old_weeks   float8;
  new_weeks   float8;
  dk_past     integer;
  dk_future   integer;
  live        interval;
  d_months    integer;
  d_years     integer;
  tbl         record;
  r           record;
  j           record;
  added       bigint;
  n           bigint;
  has_live    boolean;
  only_live   boolean;
  live_cond   text;
  col_type    text;
  src_type    text;
  names       text[];
  exprs       text[];
  sets        text[];
  e           text;
  past        text;
  future      text;
  steps       text;
  src_new     text;
  delta       text;
  val         text;
  zone_sql    text;
  cycle       text;
BEGIN
  IF to_regclass('cpd_demo_snapshot') IS NULL OR to_regclass('cpd_demo_rule') IS NULL THEN
    RAISE EXCEPTION 'cpd_demo_snapshot or cpd_demo_rule is missing: this is not a CPD demo database';
  END IF;
  SELECT * INTO meta FROM cpd_demo_snapshot ORDER BY id LIMIT 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'cpd_demo_snapshot has no row: this is not a CPD demo database';
  END IF;
  home := (SELECT relnamespace FROM pg_class WHERE oid = 'cpd_demo_snapshot'::regclass);
  -- Tables are named by oid::regclass below; pg_temp goes last so that nothing shadows them.
  PERFORM set_config('search_path', format('%I, pg_catalog, pg_temp', home::regnamespace), true);
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
  -- Calendar arithmetic below is done in the platform's wall clock: in this session's timezone,
  -- `timestamptz + interval 'N days'` keeps the local time of day across DST.
  PERFORM set_config('TimeZone', zone, true);
  -- For the report: the shift to the second, signed, and both anchors in UTC.
  PERFORM set_config('cpd_demo.shift', CASE WHEN target > meta.anchor_at THEN '+' || date_trunc('second', target - meta.anchor_at)
                                            WHEN target < meta.anchor_at THEN '-' || date_trunc('second', meta.anchor_at - target)
                                            ELSE '00:00:00' END, false);
  PERFORM set_config('cpd_demo.previous_anchor', to_char(meta.anchor_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"'), false);
  IF target = meta.anchor_at THEN
    RETURN;  -- already at this now: change nothing
  END IF;

  -- Per-rebase constants: every shift is the difference between "scenario anchor -> now" and
  -- "scenario anchor -> the anchor the data represents today".
  base_local := meta.scenario_anchor_at AT TIME ZONE zone;
  old_local := meta.anchor_at AT TIME ZONE zone;
  new_local := target AT TIME ZONE zone;
  old_weeks := extract(epoch FROM old_local - base_local) / 604800;
  new_weeks := extract(epoch FROM new_local - base_local) / 604800;
  dk_past := floor(new_weeks) - floor(old_weeks);
  dk_future := ceil(new_weeks) - ceil(old_weeks);
  -- Live rows move by an exact number of seconds (no calendar): the quarter hour of now.
  live := make_interval(secs => extract(epoch FROM date_bin('15 minutes', target, timestamptz '2000-01-01') -
                                                   date_bin('15 minutes', meta.anchor_at, timestamptz '2000-01-01')));
  d_months := (extract(year FROM new_local) * 12 + extract(month FROM new_local))
            - (extract(year FROM old_local) * 12 + extract(month FROM old_local));
  d_years := extract(year FROM new_local) - extract(year FROM old_local);

  -- The live rows: roots by value, then every row that points at a live row, to a fixed point.
  CREATE TEMP TABLE IF NOT EXISTS cpd_live (tbl oid, id bigint, PRIMARY KEY (tbl, id)) ON COMMIT DROP;
  TRUNCATE pg_temp.cpd_live;
  FOR r IN SELECT c.oid AS rel, ru.* FROM cpd_demo_rule ru
             JOIN pg_class c ON c.relname = ru.table_name AND c.relnamespace = home
            WHERE ru.kind = 'live_root' LOOP
    EXECUTE format('INSERT INTO pg_temp.cpd_live SELECT %s, id FROM %s WHERE %I = %L ON CONFLICT DO NOTHING',
                   r.rel, r.rel::regclass, r.column_name, r.value);
  END LOOP;
  LOOP
    added := 0;
    FOR r IN SELECT c.oid AS rel, p.oid AS parent_rel, ru.* FROM cpd_demo_rule ru
               JOIN pg_class c ON c.relname = ru.table_name AND c.relnamespace = home
               JOIN pg_class p ON p.relname = ru.parent AND p.relnamespace = home
              WHERE ru.kind = 'live_via' LOOP
      EXECUTE format('INSERT INTO pg_temp.cpd_live SELECT %s, t.id FROM %s t JOIN pg_temp.cpd_live l '
                     'ON l.tbl = %s AND l.id = t.%I ON CONFLICT DO NOTHING',
                     r.rel, r.rel::regclass, r.parent_rel, r.column_name);
      GET DIAGNOSTICS n = ROW_COUNT;
      added := added + n;
    END LOOP;
    EXIT WHEN added = 0;
  END LOOP;

  FOR tbl IN SELECT c.oid AS rel, ru.table_name FROM cpd_demo_rule ru
               JOIN pg_class c ON c.relname = ru.table_name AND c.relnamespace = home
              WHERE ru.kind IN ('weekly', 'monthly', 'yearly', 'json', 'year_token')
              GROUP BY c.oid, ru.table_name ORDER BY ru.table_name LOOP
    has_live := EXISTS (SELECT 1 FROM cpd_demo_rule WHERE table_name = tbl.table_name
                                                      AND kind IN ('live_root', 'live_via'));
    live_cond := format('t.id IN (SELECT id FROM pg_temp.cpd_live WHERE tbl = %s)', tbl.rel);  -- hashed once
    only_live := true;
    names := ARRAY[]::text[];
    exprs := ARRAY[]::text[];
    sets := ARRAY[]::text[];

    -- 1. Dates and times: each column's new value as an expression (json and year tokens use them).
    FOR r IN SELECT ru.*, format_type(a.atttypid, NULL) AS type_name FROM cpd_demo_rule ru
               JOIN pg_attribute a ON a.attrelid = tbl.rel AND a.attname = ru.column_name
                                  AND NOT a.attisdropped AND a.attgenerated = ''
              WHERE ru.table_name = tbl.table_name AND ru.kind IN ('weekly', 'monthly', 'yearly')
              ORDER BY ru.column_name LOOP
      col_type := r.type_name;
      IF r.source <> '' THEN
        src_type := (SELECT format_type(atttypid, NULL) FROM pg_attribute
                      WHERE attrelid = tbl.rel AND attname = r.source AND NOT attisdropped);
      END IF;
      IF r.kind = 'weekly' THEN
        -- What does not move is left out: most rebases of a live demo move only the live rows.
        past := CASE WHEN dk_past = 0 THEN format('t.%I', r.column_name)
                     WHEN col_type = 'date' THEN format('t.%I + %s', r.column_name, 7 * dk_past)
                     ELSE format('t.%I + %L::interval', r.column_name, (7 * dk_past) || ' days') END;
        future := CASE WHEN dk_future = 0 THEN format('t.%I', r.column_name)
                       WHEN col_type = 'date' THEN format('t.%I + %s', r.column_name, 7 * dk_future)
                       ELSE format('t.%I + %L::interval', r.column_name, (7 * dk_future) || ' days') END;
        IF past = future THEN
          e := past;
        ELSE
          e := format('CASE WHEN t.%1$I <= %2$L THEN %3$s ELSE %4$s END', r.column_name,
                      CASE WHEN col_type = 'date' THEN old_local::date::text ELSE meta.anchor_at::text END,
                      past, future);
        END IF;
        IF e <> format('t.%I', r.column_name) THEN
          only_live := false;  -- rows other than the live ones move too
        END IF;
        IF has_live AND col_type <> 'date' AND live <> interval '0' THEN
          e := format('CASE WHEN %1$s THEN t.%2$I + %3$L::interval ELSE %4$s END', live_cond, r.column_name,
                      live, e);
        END IF;
        CONTINUE WHEN e = format('t.%I', r.column_name);
      ELSE
        -- monthly / yearly: how many of the row's own cycle boundaries lie between the old and the
        -- new now: the whole months (years) between them, less one where now's position in its
        -- month (year) lies before the source's and was not so before, or the other way round.
        IF r.kind = 'yearly' AND r.source = '' THEN
          steps := (12 * d_years)::text;
        ELSE
          cycle := CASE WHEN r.kind = 'monthly' THEN 'DDHH24MISS' ELSE 'MMDDHH24MISS' END;
          src_new := CASE WHEN src_type = 'date' THEN format('t.%I::timestamp', r.source)
                          ELSE format('(t.%I AT TIME ZONE %L)', r.source, zone) END;
          steps := format('(%s * (%s - ((%L < to_char(%s, %L))::int - (%L < to_char(%s, %L))::int)))',
                          CASE WHEN r.kind = 'monthly' THEN 1 ELSE 12 END,
                          CASE WHEN r.kind = 'monthly' THEN d_months ELSE d_years END,
                          to_char(new_local, cycle), src_new, cycle, to_char(old_local, cycle), src_new, cycle);
        END IF;
        IF col_type IN ('integer', 'smallint', 'bigint') THEN
          e := format('t.%I + (%s) / 12', r.column_name, steps);
        ELSIF col_type = 'date' THEN
          e := format('(t.%I + (%s) * interval ''1 month'')::date', r.column_name, steps);
        ELSE
          e := format('t.%I + (%s) * interval ''1 month''', r.column_name, steps);
        END IF;
        only_live := false;
      END IF;
      names := names || r.column_name::text;
      exprs := exprs || e;
      sets := sets || format('%I = %s', r.column_name, e);
    END LOOP;

    -- 2. Timestamps inside JSON values: each path moves by its source column's own shift.
    FOR r IN SELECT DISTINCT ru.column_name, format_type(a.atttypid, NULL) AS type_name FROM cpd_demo_rule ru
               JOIN pg_attribute a ON a.attrelid = tbl.rel AND a.attname = ru.column_name AND NOT a.attisdropped
              WHERE ru.table_name = tbl.table_name AND ru.kind = 'json' ORDER BY 1 LOOP
      e := format('t.%I', r.column_name) || CASE WHEN r.type_name = 'json' THEN '::jsonb' ELSE '' END;
      FOR j IN SELECT ru.path, ru.source, ru.value FROM cpd_demo_rule ru
                WHERE ru.table_name = tbl.table_name AND ru.kind = 'json' AND ru.column_name = r.column_name
                ORDER BY ru.id LOOP
        src_new := exprs[array_position(names, j.source::text)];
        CONTINUE WHEN src_new IS NULL;  -- the source does not move: neither does the JSON
        delta := format('make_interval(secs => extract(epoch FROM (%s) - t.%I))', src_new, j.source);
        val := format('(t.%I #>> %L)', r.column_name, j.path);
        IF j.value = 'epoch_ms' THEN
          val := format('to_jsonb(%s::bigint + (extract(epoch FROM %s) * 1000)::bigint)', val, delta);
        ELSE
          val := format('to_jsonb(to_char((%s::timestamptz + %s) AT TIME ZONE ''UTC'', ''YYYY-MM-DD"T"HH24:MI:SS"Z"''))',
                        val, delta);
        END IF;
        e := format('jsonb_set_lax(%s, %L, %s, false, ''return_target'')', e, j.path, val);
      END LOOP;
      CONTINUE WHEN e = format('t.%I', r.column_name) || CASE WHEN r.type_name = 'json' THEN '::jsonb' ELSE '' END;
      sets := sets || format('%I = %s', r.column_name,
                             e || CASE WHEN r.type_name = 'json' THEN '::json' ELSE '' END);
      only_live := false;
    END LOOP;

    -- 3. Year tokens: the year in a text follows its source date, in the row's zone if it has one.
    FOR r IN SELECT ru.* FROM cpd_demo_rule ru
              WHERE ru.table_name = tbl.table_name AND ru.kind = 'year_token' ORDER BY ru.id LOOP
      src_new := coalesce(exprs[array_position(names, r.source)], format('t.%I', r.source));
      src_type := (SELECT format_type(atttypid, NULL) FROM pg_attribute
                    WHERE attrelid = tbl.rel AND attname = r.source AND NOT attisdropped);
      zone_sql := CASE WHEN r.zone_column <> '' THEN format('t.%I', r.zone_column) ELSE quote_literal(zone) END;
      IF src_type = 'date' THEN
        val := format('extract(year FROM %s)', src_new);
      ELSE
        val := format('extract(year FROM (%s) AT TIME ZONE %s)', src_new, zone_sql);
      END IF;
      sets := sets || format('%1$I = regexp_replace(t.%1$I, %2$L, ''\1'' || (%3$s)::bigint::text)',
                             r.column_name, r.pattern, val);
      only_live := false;
    END LOOP;

    IF cardinality(sets) > 0 THEN
      EXECUTE format('UPDATE %s AS t SET %s', tbl.rel::regclass, array_to_string(sets, ', '))
           || CASE WHEN only_live AND has_live THEN ' WHERE ' || live_cond ELSE '' END;
    END IF;
  END LOOP;

  UPDATE cpd_demo_snapshot SET anchor_at = target, rebased_at = now() WHERE id = meta.id;
END
$rebase$;
-- cpd-demo: rebase body ends
COMMIT;
-- cpd-demo: report
SELECT format('cpd-demo %s: rebased by %s (anchor %s -> %s)',
              coalesce(nullif(version, ''), 'unversioned'), current_setting('cpd_demo.shift', true),
              current_setting('cpd_demo.previous_anchor', true),
              to_char(anchor_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"')) AS rebase
  FROM cpd_demo_snapshot;
