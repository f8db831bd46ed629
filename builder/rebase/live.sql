-- live.sql: the rows that contain now (live_root, live_via), listed in the temp table cpd_live, and
-- how far they move (live_span, live_place).

-- The live rows: roots by value, then every row that points at a live row, to a fixed point.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_live_rows() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  s     record;
  r     record;
  added bigint;
  n     bigint;
  doing text := '';
BEGIN
  SELECT * INTO s FROM pg_temp.cpd_rebase_state;
  CREATE TEMP TABLE IF NOT EXISTS cpd_live (tbl oid, part oid, tid tid, UNIQUE (tbl, part, tid)) ON COMMIT DROP;
  TRUNCATE pg_temp.cpd_live;
  IF s.zero THEN
    RETURN;
  END IF;
  FOR r IN SELECT to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel, ru.* FROM cpd_demo_rule ru
            WHERE ru.kind = 'live_root' LOOP
    CONTINUE WHEN r.rel IS NULL;
    doing := format('the live rows of %s (live_root)', r.rel);
    EXECUTE format('INSERT INTO pg_temp.cpd_live SELECT %s, t.tableoid, t.ctid FROM %s t WHERE %s '
                   'ON CONFLICT DO NOTHING', r.rel::oid, r.rel,
                   CASE WHEN r.condition <> '' THEN replace(r.condition, '{anchor}', quote_literal(s.anchor_at) || '::timestamptz')
                        ELSE format('t.%I::text = %L', r.column_name, r.value) END);
  END LOOP;
  LOOP
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
EXCEPTION WHEN others THEN
  PERFORM pg_temp.cpd_rebase_failed(doing, SQLSTATE, SQLERRM);
  RAISE;
END $f$;

-- A live thing with a span stays put while it still holds now (for half an hour more at least) at
-- the local hours its rule allows: a demo kept live all day shows one start time. Else it moves
-- around now, to the first of its places where now is at those hours (set by cpd_rebase_live_place).
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_live_span() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  s          record;
  span       record;
  keep       boolean;
  root_start timestamptz;
  moves      interval;
  doing      text := '';
BEGIN
  SELECT * INTO s FROM pg_temp.cpd_rebase_state;
  SELECT ru.*, to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel INTO span
    FROM cpd_demo_rule ru WHERE ru.kind = 'live_span' ORDER BY ru.id LIMIT 1;
  IF span.rel IS NULL OR s.zero THEN
    RETURN;
  END IF;
  doing := format('the live span of %s (live_span)', span.rel);
  EXECUTE format('SELECT coalesce(bool_and(t.%1$I <= $1 AND $1 + interval ''30 minutes'' <= t.%2$I AND '
                 '($1 AT TIME ZONE t.%3$I)::time BETWEEN $2 AND $3), false) FROM %4$s t '
                 'WHERE (t.tableoid, t.ctid) IN (SELECT part, tid FROM pg_temp.cpd_live WHERE tbl = %5$s)',
                 span.path[1], span.path[2], span.zone_column, span.rel, span.rel::oid)
    INTO keep USING s.target, split_part(span.pattern, '-', 1)::time, split_part(span.pattern, '-', 2)::time;
  IF keep THEN
    UPDATE pg_temp.cpd_rebase_state SET live = interval '0';
    RETURN;
  END IF;
  -- Placed around now: started `lead` minutes before now's quarter hour (exact seconds, no calendar).
  EXECUTE format('SELECT min(t.%I) FROM %s t WHERE (t.tableoid, t.ctid) IN '
                 '(SELECT part, tid FROM pg_temp.cpd_live WHERE tbl = %s)', span.path[1], span.rel, span.rel::oid)
    INTO root_start;
  moves := s.live;
  IF root_start IS NOT NULL THEN
    moves := make_interval(secs => extract(epoch FROM date_bin('15 minutes', s.target, timestamptz '2000-01-01')
                                           - make_interval(mins => span.value::int) - root_start));
  END IF;
  UPDATE pg_temp.cpd_rebase_state st SET live = moves, (place_id, place_path) =
    (SELECT ru.id, ru.path FROM cpd_demo_rule ru
      WHERE ru.kind = 'live_place' AND ru.schema_name = span.schema_name AND ru.table_name = span.table_name
        AND (s.target AT TIME ZONE ru.value)::time BETWEEN split_part(span.pattern, '-', 1)::time
                                                       AND split_part(span.pattern, '-', 2)::time
      ORDER BY ru.id LIMIT 1);
EXCEPTION WHEN others THEN
  PERFORM pg_temp.cpd_rebase_failed(doing, SQLSTATE, SQLERRM);
  RAISE;
END $f$;

-- The live thing's new place (its zone and what goes with it), found again by its root rule.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_live_place() RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  s     record;
  span  record;
  r     record;
  doing text := '';
BEGIN
  SELECT * INTO s FROM pg_temp.cpd_rebase_state;
  IF s.place_id IS NULL THEN
    RETURN;
  END IF;
  SELECT ru.*, to_regclass(format('%I.%I', ru.schema_name, ru.table_name)) AS rel INTO span
    FROM cpd_demo_rule ru WHERE ru.kind = 'live_span' ORDER BY ru.id LIMIT 1;
  doing := format('the live place of %s (live_place)', span.rel);
  FOR r IN SELECT ru.* FROM cpd_demo_rule ru WHERE ru.kind = 'live_root' AND ru.schema_name = span.schema_name
              AND ru.table_name = span.table_name ORDER BY ru.id LOOP
    EXECUTE format('UPDATE %s t SET %s WHERE %s', span.rel,
                   (SELECT string_agg(format('%I = %L', s.place_path[i], s.place_path[i + 1]), ', ')
                      FROM generate_subscripts(s.place_path, 1) i WHERE i % 2 = 1),
                   CASE WHEN r.condition <> '' THEN replace(r.condition, '{anchor}', quote_literal(s.target) || '::timestamptz')
                        ELSE format('t.%I::text = %L', r.column_name, r.value) END);
  END LOOP;
EXCEPTION WHEN others THEN
  PERFORM pg_temp.cpd_rebase_failed(doing, SQLSTATE, SQLERRM);
  RAISE;
END $f$;
