-- rebase_dates.sql: move the dates of a demo database so that it represents `now`.
--
--   psql -X -v ON_ERROR_STOP=1 -v now='2027-03-01T14:00Z' -f rebase_dates.sql postgresql://.../demo
--   psql -X -v ON_ERROR_STOP=1 -f rebase_dates.sql ...          (now = the transaction's now())
--
-- Pure SQL: the Docker image has no Python. A `now` without an offset is read in the platform
-- timezone (the snapshot row's). What moves how is not known here: the build compiled the
-- project's declared rules into the dump (table cpd_demo_rule, one row per table and column, any
-- schema), read by this file, the digest and the tests:
--
--   weekly      whole weeks of wall-clock time, counted from the scenario's own anchor: values that
--   daily       were past at it by whole weeks (days) rounded down, future ones rounded up. Weekday,
--               time of day and DST hold, in the platform's timezone or the row's own (zone_sql: an
--               expression of the row `t` the build compiled from the config); the past stays past.
--   slot_root,  scheduled rows that keep a weekly slot, and the rows that go with them (slot_via),
--   slot_via    whatever their own weekly (daily) rule: each moves by the whole weeks that take the
--               k-th slot of its weekday and local time after the scenario's anchor to the k-th at or
--               after now (upcoming rows), or the k-th before now whose end and `settle` minutes lie
--               behind now (past ones). A weekly series so has an episode every week around now;
--               only while an episode's own slot and its aftermath run is this week's absent.
--   live_root,  rows that contain now (a column's value or a condition, e.g. the event whose status
--   live_via    is 'live', and the rows that point at it, to a fixed point) move with `now` on the
--               quarter hour instead.
--   monthly     whole months, counted on the row's own billing moment (its source column).
--   yearly      whole years, counted on the row's own cycle (source; none = calendar years); also
--               moves integer year columns.
--   expire      exactly as far as now moved: what had expired stays expired, what had not keeps
--               its distance to now (tokens, reset links, trials).
--   null        emptied (one-time tokens, password-reset times).
--   json        timestamps inside a JSON value (at a path, or anywhere: path '*') move as far as
--               their row's source column did (or as now did): ISO strings in the form they were
--               written (Z, +00:00, another offset, none, date only, fractions kept) and, at a path,
--               epoch seconds or milliseconds. JSON kept in a text column is read where it parses and
--               written back, when it moved, in jsonb's own form (keys in its order, its spacing).
--               A json rule of a shift kind (value weekly, daily) moves each timestamp as that shift
--               moves a value of its own, in the rule's zone: for documents no column dates.
--   year_token  the year in a text (a pattern) becomes the year of its source, in the row's zone.
--   purge       a whole table emptied (sessions, caches); it runs before the shifts.
--   quiesce     outbox and scheduled-job rows due by now after the shift (and meeting the rule's
--               condition) are marked done (path: column, value) or deleted: nothing fires because of a
--               rebase.
--   keep, bookkeeping: never moved (bookkeeping tables are left out of the content digest too).
--
-- One UPDATE per table, in one transaction, user triggers off (session_replication_role for a superuser,
-- each trigger of a table it owns for an owner): check
-- constraints over two dates see both moved. Tables are named by oid, rows by (tableoid, ctid), so
-- any primary key or none, partitioned tables and generated columns (skipped) all work.
-- Idempotent: a second run at the same now changes nothing. Every shift is computed from the
-- scenario's anchor, so rebases compose: rebasing back to an earlier anchor restores it exactly
-- (what null, purge and quiesce removed excepted).
\set ON_ERROR_STOP on
\if :{?now}
\else
\set now now
\endif

BEGIN;
SELECT set_config('cpd_demo.now', :'now', true) AS now_given \gset
-- cpd-demo: rebase body begins (the host runs this part inside its own transaction)
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
  dk_past     integer;
  dk_future   integer;
  dd_past     integer;
  dd_future   integer;
  live        interval;
  exact       interval;
  d_months    integer;
  d_years     integer;
  super       boolean;
  muted       text[] := ARRAY[]::text[];
  tbl         record;
  r           record;
  j           record;
  added       bigint;
  n           bigint;
  has_live    boolean;
  only_live   boolean;
  live_cond   text;
  src_type    text;
  names       text[];
  exprs       text[];
  sets        text[];
  e           text;
  k_past      integer;
  k_future    integer;
  step        text;
  zone_sql    text;
  past        text;
  future      text;
  steps       text;
  src_new     text;
  delta       text;
  val         text;
  cycle       text;
  done        text;
  span        record;
  keep        boolean;
  place_id    bigint;
  root_start  timestamptz;
  place_path  text[];
  has_slot    boolean;
  slot_ks     integer[];
  slot_conds  text[];
  slot_moving text;
  slot_used   boolean;
  partial     text[];
  still       boolean;
  j_all       boolean;
  si          integer;
  k           integer;
  moved       text;
  zero        boolean;
  doing       text := '';  -- the rule at work, for an error's sentence
  live_days   integer;
BEGIN
  IF to_regclass('cpd_demo_snapshot') IS NULL OR to_regclass('cpd_demo_rule') IS NULL THEN
    RAISE EXCEPTION 'cpd_demo_snapshot or cpd_demo_rule is missing: this is not a demo database';
  END IF;
  -- The rule table's layout is this file's contract with the build: an older dump lacks columns.
  IF (SELECT count(*) FROM pg_attribute WHERE attrelid = 'cpd_demo_rule'::regclass AND NOT attisdropped
         AND attname IN ('schema_name', 'zone_sql', 'condition', 'parent_key', 'pivot_sql', 'update_rank')) < 6 THEN
    RAISE EXCEPTION 'this demo database was built by an older version of cpd-demo-db: build it again';
  END IF;
  SELECT * INTO meta FROM cpd_demo_snapshot ORDER BY id LIMIT 1 FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'cpd_demo_snapshot has no row: this is not a demo database';
  END IF;
  -- One-off UPDATEs whose estimates (subqueries per row) would have the JIT compile for seconds what runs
  -- for less: never worth it here.
  PERFORM set_config('jit', 'off', true);
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
  -- Already at this now: nothing moves, but what logs in never survives a restore (purge, null and
  -- quiesce run at every rebase, whatever the shift).
  zero := target = meta.anchor_at;

  -- Per-rebase constants: every shift is the difference between "scenario anchor -> now" and
  -- "scenario anchor -> the anchor the data represents today".
  base_local := meta.scenario_anchor_at AT TIME ZONE zone;
  old_local := meta.anchor_at AT TIME ZONE zone;
  new_local := target AT TIME ZONE zone;
  dk_past := floor(extract(epoch FROM new_local - base_local) / 604800) - floor(extract(epoch FROM old_local - base_local) / 604800);
  dk_future := ceil(extract(epoch FROM new_local - base_local) / 604800) - ceil(extract(epoch FROM old_local - base_local) / 604800);
  dd_past := floor(extract(epoch FROM new_local - base_local) / 86400) - floor(extract(epoch FROM old_local - base_local) / 86400);
  dd_future := ceil(extract(epoch FROM new_local - base_local) / 86400) - ceil(extract(epoch FROM old_local - base_local) / 86400);
  -- Live rows move by an exact number of seconds (no calendar): the quarter hour of now.
  live := make_interval(secs => extract(epoch FROM date_bin('15 minutes', target, timestamptz '2000-01-01') -
                                                   date_bin('15 minutes', meta.anchor_at, timestamptz '2000-01-01')));
  exact := make_interval(secs => extract(epoch FROM target - meta.anchor_at));
  d_months := (extract(year FROM new_local) * 12 + extract(month FROM new_local))
            - (extract(year FROM old_local) * 12 + extract(month FROM old_local));
  d_years := extract(year FROM new_local) - extract(year FROM old_local);
  super := (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);

  -- Purged tables first, with foreign keys enforced: a purge never leaves a dangling reference.
  FOR r IN SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel FROM cpd_demo_rule ru
            WHERE ru.kind = 'purge' ORDER BY ru.id LOOP
    CONTINUE WHEN r.rel IS NULL;
    doing := format('the purge of %s', r.rel);
    EXECUTE format('DELETE FROM %s', r.rel);
  END LOOP;
  IF super THEN
    PERFORM set_config('session_replication_role', 'replica', true);  -- user triggers do not fire
  ELSE
    -- Not a superuser (a managed server's admin): an owner turns its tables' user triggers off one by
    -- one instead, and back on before the quiesce.
    doing := 'turning the user triggers of the moved tables off';
    FOR r IN SELECT tg.tgrelid::regclass AS rel, tg.tgname FROM pg_trigger tg
              WHERE NOT tg.tgisinternal AND tg.tgenabled = 'O' AND tg.tgparentid = 0
                AND tg.tgrelid IN (SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) FROM cpd_demo_rule ru
                                    WHERE ru.kind IN ('weekly', 'daily', 'monthly', 'yearly', 'expire', 'null', 'json',
                                                      'year_token'))
                AND pg_has_role((SELECT c.relowner FROM pg_class c WHERE c.oid = tg.tgrelid), 'MEMBER')
              ORDER BY 1, 2 LOOP
      EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', r.rel, r.tgname);
      muted := muted || format('ALTER TABLE %s ENABLE TRIGGER %I', r.rel, r.tgname);
    END LOOP;
  END IF;

  -- The live rows: roots by value, then every row that points at a live row, to a fixed point.
  CREATE TEMP TABLE IF NOT EXISTS cpd_live (tbl oid, part oid, tid tid, UNIQUE (tbl, part, tid)) ON COMMIT DROP;
  TRUNCATE pg_temp.cpd_live;
  FOR r IN SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel, ru.* FROM cpd_demo_rule ru
            WHERE ru.kind = 'live_root' AND NOT zero LOOP
    CONTINUE WHEN r.rel IS NULL;
    doing := format('the live rows of %s (live_root)', r.rel);
    EXECUTE format('INSERT INTO pg_temp.cpd_live SELECT %s, t.tableoid, t.ctid FROM %s t WHERE %s '
                   'ON CONFLICT DO NOTHING', r.rel::oid, r.rel,
                   CASE WHEN r.condition <> '' THEN replace(r.condition, '{anchor}', quote_literal(meta.anchor_at) || '::timestamptz')
                        ELSE format('t.%I::text = %L', r.column_name, r.value) END);
  END LOOP;
  LOOP
    EXIT WHEN zero;
    added := 0;
    FOR r IN SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel,
                    to_regclass(format('%I.%I', split_part(ru.parent, '.', 1), split_part(ru.parent, '.', 2))) AS parent_rel,
                    ru.* FROM cpd_demo_rule ru WHERE ru.kind = 'live_via' LOOP
      CONTINUE WHEN r.rel IS NULL OR r.parent_rel IS NULL;
      EXECUTE format('INSERT INTO pg_temp.cpd_live SELECT %s, t.tableoid, t.ctid FROM %s t JOIN %s p ON p.%I = t.%I '
                     'JOIN pg_temp.cpd_live l ON l.tbl = %s AND l.part = p.tableoid AND l.tid = p.ctid '
                     'ON CONFLICT DO NOTHING', r.rel::oid, r.rel, r.parent_rel, r.parent_key, r.column_name,
                     r.parent_rel::oid);
      GET DIAGNOSTICS n = ROW_COUNT;
      added := added + n;
    END LOOP;
    EXIT WHEN added = 0;
  END LOOP;

  -- A live thing with a span stays put while it still holds now (for half an hour more at least) at
  -- the local hours its rule allows: a demo kept live all day shows one start time. Else it moves
  -- around now, to the first of its places where now is at those hours (set after the shifts).
  SELECT ru.*, to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel INTO span
    FROM cpd_demo_rule ru WHERE ru.kind = 'live_span' ORDER BY ru.id LIMIT 1;
  IF span.rel IS NOT NULL AND NOT zero THEN
    doing := format('the live span of %s (live_span)', span.rel);
    EXECUTE format('SELECT coalesce(bool_and(t.%1$I <= $1 AND $1 + interval ''30 minutes'' <= t.%2$I AND '
                   '($1 AT TIME ZONE t.%3$I)::time BETWEEN $2 AND $3), false) FROM %4$s t '
                   'WHERE (t.tableoid, t.ctid) IN (SELECT part, tid FROM pg_temp.cpd_live WHERE tbl = %5$s)',
                   span.path[1], span.path[2], span.zone_column, span.rel, span.rel::oid)
      INTO keep USING target, split_part(span.pattern, '-', 1)::time, split_part(span.pattern, '-', 2)::time;
    IF keep THEN
      live := interval '0';
    ELSE
      -- Placed around now: started `lead` minutes before now's quarter hour (exact seconds, no calendar).
      EXECUTE format('SELECT min(t.%I) FROM %s t WHERE (t.tableoid, t.ctid) IN '
                     '(SELECT part, tid FROM pg_temp.cpd_live WHERE tbl = %s)', span.path[1], span.rel, span.rel::oid)
        INTO root_start;
      IF root_start IS NOT NULL THEN
        live := make_interval(secs => extract(epoch FROM date_bin('15 minutes', target, timestamptz '2000-01-01')
                                             - make_interval(mins => span.value::int) - root_start));
      END IF;
      SELECT ru.id, ru.path INTO place_id, place_path FROM cpd_demo_rule ru
       WHERE ru.kind = 'live_place' AND ru.schema_name = span.schema_name AND ru.table_name = span.table_name
         AND (target AT TIME ZONE ru.value)::time BETWEEN split_part(span.pattern, '-', 1)::time
                                                      AND split_part(span.pattern, '-', 2)::time
       ORDER BY ru.id LIMIT 1;
    END IF;
  END IF;

  -- Slot rows (not live): each moves by whole weeks of its own wall clock. Its phase in the week (ph:
  -- seconds after a whole number of weeks from the scenario's anchor), the slot it holds (c), and the
  -- first slot it may take at the old and the new now (j_old, j_new): for an upcoming row the first
  -- at or after now, for a past one the last whose end and settle (l) are behind now. Without
  -- holidays it moves by j_new - j_old; with them (its zone's country has some) it keeps its place
  -- among the slots that fall on none (cpd_slot_weeks).
  slot_ks := ARRAY[]::integer[];
  IF EXISTS (SELECT 1 FROM cpd_demo_rule WHERE kind = 'slot_root') AND NOT zero THEN
    CREATE TEMP TABLE IF NOT EXISTS cpd_slot (tbl oid, part oid, tid tid, k integer, past boolean,
                                             PRIMARY KEY (tbl, part, tid)) ON COMMIT DROP;
    TRUNCATE pg_temp.cpd_slot;
    CREATE TEMP TABLE IF NOT EXISTS cpd_holiday (country text, day date, PRIMARY KEY (country, day)) ON COMMIT DROP;
    TRUNCATE pg_temp.cpd_holiday;
    INSERT INTO pg_temp.cpd_holiday SELECT DISTINCT ru.value, d::date FROM cpd_demo_rule ru, unnest(ru.path) d
     WHERE ru.kind = 'holiday';
    -- Does the slot `weeks` from s (its local start; `days` more days) fall on none of the country's holidays?
    CREATE OR REPLACE FUNCTION pg_temp.cpd_slot_free(country text, s timestamp, days integer, weeks bigint)
      RETURNS boolean LANGUAGE sql STABLE AS $f$
      SELECT NOT EXISTS (SELECT 1 FROM pg_temp.cpd_holiday h WHERE h.country = $1
                            AND h.day BETWEEN (s + make_interval(days => 7 * weeks::int))::date
                                          AND (s + make_interval(days => 7 * weeks::int))::date + days) $f$;
    -- The weeks a row at slot c moves: it is the k-th free slot from j_old (upward if upcoming, downward
    -- if past), so it goes to the k-th free one from j_new. A row on the wrong side of j_old, or slots
    -- that are never free, move as without holidays.
    CREATE OR REPLACE FUNCTION pg_temp.cpd_slot_weeks(country text, s timestamp, days integer, c bigint,
                                                      j_old bigint, j_new bigint, past boolean)
      RETURNS integer LANGUAGE plpgsql STABLE AS $f$
    DECLARE
      step integer := CASE WHEN past THEN -1 ELSE 1 END;
      k integer := 0;
      j bigint := j_old;
      tries integer := 2000;
    BEGIN
      IF (j_old - c) * step > 0 OR abs(j_old - c) > 1000 THEN
        RETURN j_new - j_old;
      END IF;
      WHILE j <> c LOOP
        k := k + pg_temp.cpd_slot_free(country, s, days, j - c)::int;
        j := j + step;
      END LOOP;
      j := j_new;
      LOOP
        IF pg_temp.cpd_slot_free(country, s, days, j - c) THEN
          EXIT WHEN k = 0;
          k := k - 1;
        END IF;
        j := j + step;
        tries := tries - 1;
        IF tries = 0 THEN
          RETURN j_new - j_old;
        END IF;
      END LOOP;
      RETURN j - c;
    END $f$;
    -- A slot's start and end as instants, whatever their type (a date: its day in the row's zone, an end
    -- date all of it), and the local day it ends on.
    CREATE OR REPLACE FUNCTION pg_temp.cpd_instant_sql(rel regclass, c text, z text, is_end boolean, as_day boolean)
      RETURNS text LANGUAGE sql STABLE AS $f$
      SELECT CASE WHEN ty = 'date' AND as_day THEN format('t.%I', c)
                  WHEN as_day THEN format('(%s AT TIME ZONE %s)::date', pg_temp.cpd_instant_sql(rel, c, z, is_end, false), z)
                  WHEN ty = 'timestamp without time zone' THEN format('(t.%I AT TIME ZONE %s)', c, z)
                  WHEN ty = 'date' THEN format('((t.%I + %s)::timestamp AT TIME ZONE %s)', c, is_end::int, z)
                  ELSE format('t.%I', c) END
        FROM (SELECT format_type(a.atttypid, NULL) AS ty FROM pg_attribute a
               WHERE a.attrelid = rel AND a.attname = c AND NOT a.attisdropped) x $f$;
    FOR r IN SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel, ru.* FROM cpd_demo_rule ru
              WHERE ru.kind = 'slot_root' LOOP
      CONTINUE WHEN r.rel IS NULL;
      doing := format('the slot rows of %s (slot_root, %s .. %s)', r.rel, r.path[1], r.path[2]);
      zone_sql := CASE WHEN r.zone_sql <> '' THEN format('coalesce(nullif(%s, ''''), %L)', r.zone_sql, zone)
                       ELSE quote_literal(zone) END;
      EXECUTE format('INSERT INTO pg_temp.cpd_slot SELECT %1$s, t.tableoid, t.ctid, CASE WHEN c.country IS NULL '
                     'THEN c.j_new - c.j_old ELSE pg_temp.cpd_slot_weeks(c.country, a.s_local, '
                     '  %7$s - a.s_local::date, floor(a.s / 604800)::bigint, c.j_old, c.j_new, '
                     '  c.past) END, c.past '
                     'FROM %2$s t, LATERAL (SELECT %3$s AS z) z, '
                     'LATERAL (SELECT %4$s AT TIME ZONE z.z AS s_local, '
                     '  extract(epoch FROM (%4$s AT TIME ZONE z.z) - ($1 AT TIME ZONE z.z)) AS s, '
                     '  extract(epoch FROM ($2 AT TIME ZONE z.z) - ($1 AT TIME ZONE z.z)) AS w_old, '
                     '  extract(epoch FROM ($3 AT TIME ZONE z.z) - ($1 AT TIME ZONE z.z)) AS w_new, '
                     '  extract(epoch FROM %5$s - %4$s) + 60 * %6$s AS l) a, '
                     'LATERAL (SELECT a.s - 604800 * floor(a.s / 604800) AS ph) p, '
                     'LATERAL (SELECT a.s < a.w_old AS past, '
                     '  (CASE WHEN a.s < a.w_old THEN ceil((a.w_old - p.ph - a.l) / 604800) - 1 '
                     '        ELSE ceil((a.w_old - p.ph) / 604800) END)::bigint AS j_old, '
                     '  (CASE WHEN a.s < a.w_old THEN ceil((a.w_new - p.ph - a.l) / 604800) - 1 '
                     '        ELSE ceil((a.w_new - p.ph) / 604800) END)::bigint AS j_new, '
                     '  (SELECT ru.source FROM cpd_demo_rule ru WHERE ru.kind = ''holiday_zone'' AND ru.value = z.z '
                     '    LIMIT 1) AS country) c '
                     'WHERE %4$s IS NOT NULL AND %5$s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_temp.cpd_live l '
                     '  WHERE l.tbl = %1$s AND l.part = t.tableoid AND l.tid = t.ctid) ON CONFLICT DO NOTHING',
                     r.rel::oid, r.rel, zone_sql, pg_temp.cpd_instant_sql(r.rel, r.path[1], 'z.z', false, false),
                     pg_temp.cpd_instant_sql(r.rel, r.path[2], 'z.z', true, false), r.value::int,
                     pg_temp.cpd_instant_sql(r.rel, r.path[2], 'z.z', false, true))
        USING meta.scenario_anchor_at, meta.anchor_at, target;
    END LOOP;
    -- What follows them is not listed row by row: a row of a following table is one whose foreign key
    -- is in the set of keys of its parent's rows with that k (hashed once per statement), to any depth.
    -- The slot rows' keys are kept by value: their table's own UPDATE may come first (new ctids).
    doing := 'the rows that follow a slot row (slot_via)';
    CREATE TEMP TABLE IF NOT EXISTS cpd_slot_key (col text, val text, k integer, past boolean) ON COMMIT DROP;
    TRUNCATE pg_temp.cpd_slot_key;
    FOR r IN SELECT DISTINCT to_regclass(format('%I.%I', split_part(ru.parent, '.', 1), split_part(ru.parent, '.', 2))) AS rel,
                    ru.parent_key FROM cpd_demo_rule ru WHERE ru.kind = 'slot_via' LOOP
      CONTINUE WHEN r.rel IS NULL OR NOT EXISTS (SELECT 1 FROM pg_temp.cpd_slot s WHERE s.tbl = r.rel);
      EXECUTE format('INSERT INTO pg_temp.cpd_slot_key SELECT %1$L, p.%1$I::text, s.k, s.past FROM %2$s p '
                     'JOIN pg_temp.cpd_slot s ON s.tbl = %3$s AND s.part = p.tableoid AND s.tid = p.ctid',
                     r.parent_key, r.rel, r.rel::oid);
    END LOOP;
    -- SQL for "row `a` of `rel` goes with a slot row that moves k weeks" ('' when nothing of rel does).
    CREATE OR REPLACE FUNCTION pg_temp.cpd_slot_cond(rel regclass, a text, k integer, past_only boolean, depth integer)
      RETURNS text LANGUAGE plpgsql STABLE AS $f$
    DECLARE
      ru record;
      parts text[] := ARRAY[]::text[];
      inner_cond text;
    BEGIN
      IF depth = 0 AND EXISTS (SELECT 1 FROM pg_temp.cpd_slot s WHERE s.tbl = rel) THEN
        RETURN format('(%1$s.tableoid, %1$s.ctid) IN (SELECT part, tid FROM pg_temp.cpd_slot WHERE tbl = %2$s AND k = %3$s%4$s)',
                      a, rel::oid, k, CASE WHEN past_only THEN ' AND past' ELSE '' END);
      END IF;
      IF depth > 8 THEN
        RETURN '';  -- a cycle of follows: no deeper
      END IF;
      FOR ru IN SELECT x.*, to_regclass(format('%I.%I', split_part(x.parent, '.', 1), split_part(x.parent, '.', 2))) AS parent_rel
                  FROM cpd_demo_rule x WHERE x.kind = 'slot_via'
                   AND to_regclass(format('%I.%I', x.schema_name, x.table_name)) = rel ORDER BY x.id LOOP
        CONTINUE WHEN ru.parent_rel IS NULL;
        IF EXISTS (SELECT 1 FROM pg_temp.cpd_slot s WHERE s.tbl = ru.parent_rel) THEN
          inner_cond := format('%1$s.%2$I::text IN (SELECT val FROM pg_temp.cpd_slot_key WHERE col = %3$L AND k = %4$s%5$s)',
                               'p' || depth, ru.parent_key, ru.parent_key, k,
                               CASE WHEN past_only OR ru.condition = 'past' THEN ' AND past' ELSE '' END);
        ELSE
          inner_cond := pg_temp.cpd_slot_cond(ru.parent_rel, 'p' || depth, k, past_only OR ru.condition = 'past', depth + 1);
        END IF;
        CONTINUE WHEN inner_cond = '';
        parts := parts || format('%1$s.%2$I IN (SELECT %3$s.%4$I FROM %5$s %3$s WHERE %6$s)', a, ru.column_name,
                                 'p' || depth, ru.parent_key, ru.parent_rel, inner_cond);
      END LOOP;
      RETURN coalesce(array_to_string(parts, ' OR '), '');
    END $f$;
    slot_ks := ARRAY(SELECT DISTINCT s.k FROM pg_temp.cpd_slot s ORDER BY 1);
  END IF;

  -- SQL moving column c (of type ty) of the row `t` by n days of wall clock: in zone z (SQL; '' for
  -- the session's, the platform's), a date by whole days; itself when n is 0.
  CREATE OR REPLACE FUNCTION pg_temp.cpd_days_sql(c text, ty text, z text, n integer) RETURNS text
    LANGUAGE sql IMMUTABLE AS $f$
    SELECT CASE WHEN n = 0 THEN format('t.%I', c)
                WHEN ty = 'date' THEN format('t.%I + %s', c, n)
                WHEN z <> '' AND ty = 'timestamp with time zone'
                  THEN format('((t.%1$I AT TIME ZONE %2$s) + %3$L::interval) AT TIME ZONE %2$s', c, z, n || ' days')
                ELSE format('t.%I + %L::interval', c, n || ' days') END $f$;

  -- Helpers for JSON timestamps, made only when some rule needs them (in pg_temp: gone at the end).
  IF EXISTS (SELECT 1 FROM cpd_demo_rule WHERE kind = 'json') THEN
    -- An ISO 8601 text moved by d, written back in the form it was read.
    CREATE OR REPLACE FUNCTION pg_temp.cpd_iso_any(s text, d interval) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $f$
    DECLARE
      m text[];
      moved timestamp;
      frac text;
    BEGIN
      IF s ~ '^\d{4}-\d\d-\d\d$' THEN
        RETURN to_char(s::date + round(extract(epoch FROM d) / 86400)::int, 'YYYY-MM-DD');
      END IF;
      m := regexp_match(s, '^(\d{4}-\d\d-\d\d)([T ])(\d\d:\d\d)(:\d\d)?(\.\d+)?(Z|[+-]\d\d(:?\d\d)?)?$');
      IF m IS NULL THEN
        RETURN s;  -- not a timestamp: left as it is
      END IF;
      IF m[6] IS NULL THEN
        moved := s::timestamp + d;  -- a wall-clock time with no offset
      ELSIF m[6] = 'Z' THEN
        moved := (s::timestamptz + d) AT TIME ZONE 'UTC';
      ELSE
        moved := (s::timestamptz + d) AT TIME ZONE (CASE WHEN m[6] ~ '^[+-]\d\d$' THEN m[6] || ':00'
                                                         ELSE regexp_replace(m[6], '^([+-]\d\d):?(\d\d)$', '\1:\2') END)::interval;
      END IF;
      frac := CASE WHEN m[5] IS NULL THEN '' ELSE '.' || rpad(left(to_char(moved, 'US'), length(m[5]) - 1), length(m[5]) - 1, '0') END;
      RETURN to_char(moved, 'YYYY-MM-DD') || m[2] || to_char(moved, 'HH24:MI') || CASE WHEN m[4] IS NULL THEN '' ELSE to_char(moved, ':SS') END
             || frac || coalesce(m[6], '');
    END $f$;
    -- JSON kept in a text column, or NULL where the text is not JSON.
    CREATE OR REPLACE FUNCTION pg_temp.cpd_jsonb(s text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $f$
    BEGIN
      RETURN s::jsonb;
    EXCEPTION WHEN others THEN
      RETURN NULL;
    END $f$;
    -- The common form first, without a function call's cost: "YYYY-MM-DDTHH:MI:SSZ".
    CREATE OR REPLACE FUNCTION pg_temp.cpd_iso(s text, d interval) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
      SELECT CASE WHEN s ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'
                  THEN to_char((s::timestamptz + d) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                  ELSE pg_temp.cpd_iso_any(s, d) END $f$;
    -- A JSON value at a path: a string as above; a number as epoch seconds, or milliseconds when it is
    -- that large (a fraction kept).
    CREATE OR REPLACE FUNCTION pg_temp.cpd_json_value(v jsonb, d interval) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $f$
      SELECT CASE jsonb_typeof(v)
               WHEN 'string' THEN to_jsonb(pg_temp.cpd_iso(v #>> '{}', d))
               WHEN 'number' THEN to_jsonb(CASE WHEN (v #>> '{}') ~ '^-?\d+$' THEN round(x.moved) ELSE x.moved END)
               ELSE v END
        FROM (SELECT CASE WHEN jsonb_typeof(v) = 'number' THEN (v #>> '{}')::numeric + extract(epoch FROM d)
                          * CASE WHEN abs((v #>> '{}')::numeric) >= 100000000000 THEN 1000 ELSE 1 END END AS moved) x $f$;
    -- Every string anywhere in a document that is an ISO date or timestamp (numbers are left: an
    -- epoch number is told from a count only at a declared path). With `a` (a json rule of a shift
    -- kind), each moves as that shift moves a value of its own: see cpd_json_wall.
    CREATE OR REPLACE FUNCTION pg_temp.cpd_json_anywhere(v jsonb, d interval, a timestamptz DEFAULT NULL,
                                                         kp integer DEFAULT 0, kf integer DEFAULT 0, z text DEFAULT NULL)
      RETURNS jsonb LANGUAGE plpgsql STABLE AS $f$
    BEGIN
      RETURN CASE jsonb_typeof(v)
        WHEN 'object' THEN coalesce((SELECT jsonb_object_agg(key, pg_temp.cpd_json_anywhere(value, d, a, kp, kf, z))
                                       FROM jsonb_each(v)), v)
        WHEN 'array' THEN coalesce((SELECT jsonb_agg(pg_temp.cpd_json_anywhere(value, d, a, kp, kf, z) ORDER BY i)
                                      FROM jsonb_array_elements(v) WITH ORDINALITY x(value, i)), v)
        WHEN 'string' THEN CASE WHEN (v #>> '{}') !~ '^\d{4}-\d\d-\d\d([T ]\d\d:\d\d.*)?$' THEN v
                                WHEN a IS NULL THEN to_jsonb(pg_temp.cpd_iso(v #>> '{}', d))
                                ELSE pg_temp.cpd_json_wall(v, a, kp, kf, z) END
        ELSE v END;
    END $f$;
    -- How far a weekly (daily) rule moves an instant: kp days if it was past at the anchor `a`, else
    -- kf days, of wall-clock time in zone z (exact seconds: the instant keeps its local time).
    CREATE OR REPLACE FUNCTION pg_temp.cpd_wall_at(ts timestamptz, a timestamptz, kp integer, kf integer, z text)
      RETURNS interval LANGUAGE sql STABLE AS $f$
      SELECT make_interval(secs => extract(epoch FROM ((ts AT TIME ZONE z) + make_interval(days => CASE WHEN ts <= a
                                  THEN kp ELSE kf END)) AT TIME ZONE z - ts)) $f$;
    -- A JSON value (at a path, or a string found anywhere) moved as a weekly (daily) rule moves a
    -- value of its own: an ISO text with an offset by the instant's own shift, one with no offset or
    -- a date by whole days of wall clock (read in zone z), an epoch number (seconds, or milliseconds
    -- when that large) by its instant's shift. Anything else is left.
    CREATE OR REPLACE FUNCTION pg_temp.cpd_json_wall(v jsonb, a timestamptz, kp integer, kf integer, z text)
      RETURNS jsonb LANGUAGE plpgsql STABLE AS $f$
    DECLARE
      s text := v #>> '{}';
      d interval;
    BEGIN
      IF jsonb_typeof(v) = 'number' THEN
        d := pg_temp.cpd_wall_at(to_timestamp(s::numeric / CASE WHEN abs(s::numeric) >= 100000000000 THEN 1000 ELSE 1 END),
                                 a, kp, kf, z);
      ELSIF jsonb_typeof(v) <> 'string' THEN
        RETURN v;
      ELSIF s ~ '^\d{4}-\d\d-\d\d$' THEN
        d := make_interval(days => CASE WHEN s::date <= (a AT TIME ZONE z)::date THEN kp ELSE kf END);
      ELSIF s ~ '^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?(\.\d+)?$' THEN
        d := make_interval(days => CASE WHEN s::timestamp AT TIME ZONE z <= a THEN kp ELSE kf END);
      ELSIF s ~ '^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?(\.\d+)?(Z|[+-]\d\d(:?\d\d)?)$' THEN
        d := pg_temp.cpd_wall_at(s::timestamptz, a, kp, kf, z);
      ELSE
        RETURN v;
      END IF;
      RETURN pg_temp.cpd_json_value(v, d);
    END $f$;
  END IF;

  live_days := round(extract(epoch FROM live) / 86400);  -- a live row's dates move by its whole days
  FOR tbl IN SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel, ru.schema_name, ru.table_name
               FROM cpd_demo_rule ru
              WHERE ru.kind IN ('weekly', 'daily', 'monthly', 'yearly', 'expire', 'null', 'json', 'year_token')
                AND (NOT zero OR ru.kind = 'null')
              GROUP BY ru.schema_name, ru.table_name
              ORDER BY max(ru.update_rank) DESC, ru.schema_name, ru.table_name LOOP
    CONTINUE WHEN tbl.rel IS NULL;
    doing := format('the rules of %s (%s)', tbl.rel,
                   (SELECT string_agg(format('%s %s', ru.column_name, ru.kind), ', ' ORDER BY ru.column_name, ru.id)
                      FROM cpd_demo_rule ru WHERE ru.schema_name = tbl.schema_name AND ru.table_name = tbl.table_name
                       AND ru.kind IN ('weekly', 'daily', 'monthly', 'yearly', 'expire', 'null', 'json', 'year_token')));
    has_live := EXISTS (SELECT 1 FROM cpd_demo_rule WHERE schema_name = tbl.schema_name AND table_name = tbl.table_name
                                                      AND kind IN ('live_root', 'live_via'));
    -- Its rows that go with a slot row, by the weeks they move (slot_ks: a few values).
    slot_conds := ARRAY[]::text[];
    FOREACH k IN ARRAY slot_ks LOOP
      slot_conds := slot_conds || pg_temp.cpd_slot_cond(tbl.rel, 't', k, false, 0);
    END LOOP;
    has_slot := coalesce(slot_conds[1], '') <> '';
    -- Where only slot rows move (a rebase within the week, say), only they are rewritten.
    slot_moving := array_to_string(ARRAY(SELECT '(' || slot_conds[x] || ')' FROM generate_subscripts(slot_ks, 1) x
                                          WHERE slot_ks[x] <> 0 AND slot_conds[x] <> ''), ' OR ');
    slot_used := false;
    partial := ARRAY[]::text[];
    -- Hashed once per statement; a plain table's live rows are reached by their ctid directly.
    live_cond := format('(t.tableoid, t.ctid) IN (SELECT part, tid FROM pg_temp.cpd_live WHERE tbl = %s)', tbl.rel::oid);
    only_live := true;
    names := ARRAY[]::text[];
    exprs := ARRAY[]::text[];
    sets := ARRAY[]::text[];

    -- 1. Dates and times: each column's new value as an expression (json and year tokens use them).
    FOR r IN SELECT ru.*, format_type(a.atttypid, NULL) AS type_name FROM cpd_demo_rule ru
               JOIN pg_attribute a ON a.attrelid = tbl.rel AND a.attname = ru.column_name
                                  AND NOT a.attisdropped AND a.attgenerated = ''
              WHERE ru.schema_name = tbl.schema_name AND ru.table_name = tbl.table_name
                AND ru.kind IN ('weekly', 'daily', 'monthly', 'yearly', 'expire', 'null')
                AND (NOT zero OR ru.kind = 'null')
              ORDER BY ru.column_name LOOP
      IF r.kind IN ('weekly', 'daily') THEN
        k_past := CASE WHEN r.kind = 'weekly' THEN 7 * dk_past ELSE dd_past END;
        k_future := CASE WHEN r.kind = 'weekly' THEN 7 * dk_future ELSE dd_future END;
        -- The row's own zone, where it has one: its wall clock is what holds.
        zone_sql := CASE WHEN r.zone_sql <> '' THEN format('coalesce(nullif(%s, ''''), %L)', r.zone_sql, zone) ELSE '' END;
        past := pg_temp.cpd_days_sql(r.column_name, r.type_name, zone_sql, k_past);
        future := pg_temp.cpd_days_sql(r.column_name, r.type_name, zone_sql, k_future);
        IF past = future THEN
          e := past;
        ELSIF r.pivot_sql <> '' THEN
          -- One span, one thing: every column of it moves as its thing does (over at the anchor: as the
          -- past; running or upcoming: as the upcoming), so no interval changes length.
          e := format('CASE WHEN (%1$s) <= %2$L::timestamptz THEN %3$s ELSE %4$s END', r.pivot_sql, meta.anchor_at,
                      past, future);
        ELSE
          e := format('CASE WHEN t.%1$I <= %2$L THEN %3$s ELSE %4$s END', r.column_name,
                      CASE WHEN r.type_name = 'date' THEN old_local::date::text
                           WHEN r.type_name = 'timestamp without time zone' THEN old_local::text
                           ELSE meta.anchor_at::text END,
                      past, future);
        END IF;
        still := e = format('t.%I', r.column_name);
        IF has_slot THEN
          -- A slot row moves with its slot; the other rows by the column's own rule.
          moved := '';
          FOR si IN 1 .. cardinality(slot_ks) LOOP
            k := slot_ks[si];
            CONTINUE WHEN k = 0 AND still;  -- the column's own rule leaves it too
            moved := moved || format(' WHEN %s THEN %s', slot_conds[si],
                                     pg_temp.cpd_days_sql(r.column_name, r.type_name, zone_sql, 7 * k));
          END LOOP;
          IF moved <> '' THEN
            e := format('CASE%s ELSE %s END', moved, e);
          END IF;
        END IF;
        IF NOT still THEN
          only_live := false;  -- rows other than the live (and slot) ones move too
        ELSIF e <> format('t.%I', r.column_name) THEN
          slot_used := true;   -- slot rows only
          partial := partial || r.column_name::text;
        END IF;
        IF has_live AND r.type_name <> 'date' AND live <> interval '0' THEN
          e := format('CASE WHEN %1$s THEN t.%2$I + %3$L::interval ELSE %4$s END', live_cond, r.column_name, live, e);
        ELSIF has_live AND r.type_name = 'date' AND live_days <> 0 THEN
          -- A date of a live row moves by the whole days its row does.
          e := format('CASE WHEN %1$s THEN t.%2$I + %3$s ELSE %4$s END', live_cond, r.column_name, live_days, e);
        ELSIF has_live AND r.type_name <> 'date' AND e <> format('t.%I', r.column_name) THEN
          e := format('CASE WHEN %1$s THEN t.%2$I ELSE %3$s END', live_cond, r.column_name, e);  -- it stays put
        END IF;
        CONTINUE WHEN e = format('t.%I', r.column_name);
      ELSIF r.kind = 'expire' THEN
        e := CASE WHEN r.type_name = 'date'
                  THEN format('t.%I + %s', r.column_name, round(extract(epoch FROM exact) / 86400)::int)
                  ELSE format('t.%I + %L::interval', r.column_name, exact) END;
        only_live := false;
      ELSIF r.kind = 'null' THEN
        e := 'NULL';
        only_live := false;
      ELSE
        -- monthly / yearly: how many of the row's own cycle boundaries lie between the old and the
        -- new now: the whole months (years) between them, less one where now's position in its
        -- month (year) lies before the source's and was not so before, or the other way round.
        IF r.source <> '' THEN
          src_type := (SELECT format_type(atttypid, NULL) FROM pg_attribute
                        WHERE attrelid = tbl.rel AND attname = r.source AND NOT attisdropped);
        END IF;
        IF r.kind = 'yearly' AND r.source = '' THEN
          steps := (12 * d_years)::text;
        ELSE
          cycle := CASE WHEN r.kind = 'monthly' THEN 'DDHH24MISS' ELSE 'MMDDHH24MISS' END;
          src_new := CASE WHEN src_type IN ('date', 'timestamp without time zone') THEN format('t.%I::timestamp', r.source)
                          ELSE format('(t.%I AT TIME ZONE %L)', r.source, zone) END;
          steps := format('(%s * (%s - ((%L < to_char(%s, %L))::int - (%L < to_char(%s, %L))::int)))',
                          CASE WHEN r.kind = 'monthly' THEN 1 ELSE 12 END,
                          CASE WHEN r.kind = 'monthly' THEN d_months ELSE d_years END,
                          to_char(new_local, cycle), src_new, cycle, to_char(old_local, cycle), src_new, cycle);
        END IF;
        IF r.type_name IN ('integer', 'smallint', 'bigint') THEN
          e := format('t.%I + (%s) / 12', r.column_name, steps);
        ELSIF r.type_name = 'date' THEN
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

    -- 2. Timestamps inside JSON values: each path moves by its source column's own shift (or now's).
    FOR r IN SELECT DISTINCT ru.column_name, format_type(a.atttypid, NULL) AS type_name FROM cpd_demo_rule ru
               JOIN pg_attribute a ON a.attrelid = tbl.rel AND a.attname = ru.column_name AND NOT a.attisdropped
              WHERE ru.schema_name = tbl.schema_name AND ru.table_name = tbl.table_name AND ru.kind = 'json'
                AND NOT zero
              ORDER BY 1 LOOP
      -- jsonb as it is, json cast, JSON kept in text read with a try-cast (text that is not JSON stays).
      src_type := CASE WHEN r.type_name = 'jsonb' THEN '' WHEN r.type_name = 'json' THEN '::jsonb' ELSE 'text' END;
      val := CASE WHEN src_type = 'text' THEN format('pg_temp.cpd_jsonb(t.%I)', r.column_name)
                  ELSE format('t.%I', r.column_name) || src_type END;
      e := val;
      j_all := false;  -- does it change rows a slot does not move?
      FOR j IN SELECT ru.path, ru.source, ru.value, ru.zone_sql FROM cpd_demo_rule ru
                WHERE ru.schema_name = tbl.schema_name AND ru.table_name = tbl.table_name AND ru.kind = 'json'
                  AND ru.column_name = r.column_name ORDER BY ru.id LOOP
        IF j.value IN ('weekly', 'daily') THEN
          -- Each timestamp moves as that shift moves a value of its own, in the rule's zone.
          k_past := CASE WHEN j.value = 'weekly' THEN 7 * dk_past ELSE dd_past END;
          k_future := CASE WHEN j.value = 'weekly' THEN 7 * dk_future ELSE dd_future END;
          CONTINUE WHEN k_past = 0 AND k_future = 0;
          j_all := true;
          zone_sql := CASE WHEN j.zone_sql <> '' THEN format('coalesce(nullif(%s, ''''), %L)', j.zone_sql, zone)
                           ELSE quote_literal(zone) END;
          step := format('%L::timestamptz, %s, %s, %s', meta.anchor_at, k_past, k_future, zone_sql);
          IF j.path = ARRAY['*'] THEN
            e := format('pg_temp.cpd_json_anywhere(%s, NULL, %s)', e, step);
          ELSE
            e := format('jsonb_set_lax(%s, %L, pg_temp.cpd_json_wall(%s #> %L, %s), false, ''return_target'')',
                        e, j.path, val, j.path, step);
          END IF;
          CONTINUE;
        END IF;
        IF j.source = '' THEN
          delta := format('%L::interval', exact);
          j_all := true;
        ELSE
          src_new := exprs[array_position(names, j.source::text)];
          CONTINUE WHEN src_new IS NULL;  -- the source does not move: neither does the JSON
          j_all := j_all OR NOT j.source::text = ANY(partial);
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
      sets := sets || CASE WHEN src_type = 'text'
                           THEN format('%1$I = CASE WHEN %2$s IS NULL OR %2$s = (%3$s) THEN t.%1$I ELSE (%3$s)::text END',
                                       r.column_name, val, e)
                           ELSE format('%I = %s', r.column_name, e || CASE WHEN r.type_name = 'json' THEN '::json' ELSE '' END) END;
      IF j_all THEN
        only_live := false;
      END IF;
    END LOOP;

    -- 3. Year tokens: the year in a text follows its source date, in the row's zone if it has one.
    FOR r IN SELECT ru.* FROM cpd_demo_rule ru
              WHERE ru.schema_name = tbl.schema_name AND ru.table_name = tbl.table_name AND ru.kind = 'year_token'
                AND NOT zero
              ORDER BY ru.id LOOP
      src_new := coalesce(exprs[array_position(names, r.source)], format('t.%I', r.source));
      src_type := (SELECT format_type(atttypid, NULL) FROM pg_attribute
                    WHERE attrelid = tbl.rel AND attname = r.source AND NOT attisdropped);
      zone_sql := CASE WHEN r.zone_sql <> '' THEN format('coalesce(nullif(%s, ''''), %L)', r.zone_sql, zone)
                       ELSE quote_literal(zone) END;
      IF src_type IN ('date', 'timestamp without time zone') THEN
        e := format('extract(year FROM %s)', src_new);
      ELSE
        e := format('extract(year FROM (%s) AT TIME ZONE %s)', src_new, zone_sql);
      END IF;
      sets := sets || format('%1$I = regexp_replace(t.%1$I, %2$L, ''\1'' || (%3$s)::bigint::text)',
                             r.column_name, r.pattern, e);
      only_live := false;
    END LOOP;

    IF cardinality(sets) > 0 THEN
      EXECUTE format('UPDATE %s AS t SET %s', tbl.rel, array_to_string(sets, ', '))
           || CASE WHEN zero THEN ' WHERE ' || (SELECT string_agg(format('t.%I IS NOT NULL', x), ' OR ') FROM unnest(names) x)
                   WHEN NOT only_live THEN ''
                   WHEN slot_used THEN ' WHERE ' || concat_ws(' OR ', CASE WHEN has_live THEN live_cond END, slot_moving)
                   WHEN NOT has_live THEN ''
                   WHEN (SELECT relkind FROM pg_class WHERE oid = tbl.rel) = 'p' THEN ' WHERE ' || live_cond
                   ELSE format(' WHERE t.ctid = ANY (ARRAY(SELECT tid FROM pg_temp.cpd_live WHERE tbl = %s))', tbl.rel::oid) END;
    END IF;
  END LOOP;

  -- Outbox and scheduled jobs: what is due by now after the shift is done, so nothing fires
  -- because of a rebase (foreign keys enforced again for the deletes).
  IF super THEN
    PERFORM set_config('session_replication_role', 'origin', true);  -- only a superuser may set it at all
  END IF;
  FOREACH e IN ARRAY muted LOOP
    EXECUTE e;
  END LOOP;
  FOR r IN SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel, ru.* FROM cpd_demo_rule ru
            WHERE ru.kind = 'quiesce' ORDER BY ru.id LOOP
    CONTINUE WHEN r.rel IS NULL;
    doing := format('the quiesce of %s', r.rel);
    done := ' WHERE ' || concat_ws(' AND ', CASE WHEN r.source <> '' THEN format('t.%I <= %L', r.source, target) END,
                                          nullif(replace(r.condition, '{anchor}', quote_literal(target) || '::timestamptz'), ''),
                                          CASE WHEN r.value <> 'delete' THEN format('t.%I IS DISTINCT FROM %L', r.path[1], r.path[2]) END,
                                          'true');
    IF r.value = 'delete' THEN
      EXECUTE format('DELETE FROM %s t', r.rel) || done;
    ELSE
      EXECUTE format('UPDATE %s t SET %I = %L', r.rel, r.path[1], r.path[2]) || done;
    END IF;
  END LOOP;

  -- The live thing's new place (its zone and what goes with it), found again by its root rule.
  IF place_id IS NOT NULL THEN
    doing := format('the live place of %s (live_place)', span.rel);
    FOR r IN SELECT ru.* FROM cpd_demo_rule ru WHERE ru.kind = 'live_root' AND ru.schema_name = span.schema_name
                AND ru.table_name = span.table_name ORDER BY ru.id LOOP
      EXECUTE format('UPDATE %s t SET %s WHERE %s', span.rel,
                     (SELECT string_agg(format('%I = %L', place_path[i], place_path[i + 1]), ', ')
                        FROM generate_subscripts(place_path, 1) i WHERE i % 2 = 1),
                     CASE WHEN r.condition <> '' THEN replace(r.condition, '{anchor}', quote_literal(target) || '::timestamptz')
                          ELSE format('t.%I::text = %L', r.column_name, r.value) END);
    END LOOP;
  END IF;

  doing := '';
  IF NOT zero THEN  -- a second run at the same now changes nothing, its record included
    UPDATE cpd_demo_snapshot SET anchor_at = target, rebased_at = now() WHERE id = meta.id;
  END IF;
EXCEPTION WHEN others THEN
  -- One sentence naming the rule that failed; a lock wait, a conflict or a lost connection as it is.
  IF doing = '' OR SQLSTATE IN ('55P03', '40001', '40P01', '25006') OR SQLSTATE LIKE '08%' THEN
    RAISE;
  END IF;
  RAISE EXCEPTION USING ERRCODE = SQLSTATE, MESSAGE = format('%s failed: %s', doing, SQLERRM);
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
