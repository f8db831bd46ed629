-- slots.sql: the weekly slots (slot_root, slot_via) with holidays, for the slot phase and the tables.

-- Does the slot `weeks` from s (its local start; `days` more days) fall on none of the country's holidays?
-- (plpgsql: the holidays' temp table is made by the slot phase, after this file.)
CREATE OR REPLACE FUNCTION pg_temp.cpd_slot_free(country text, s timestamp, days integer, weeks bigint)
  RETURNS boolean LANGUAGE plpgsql STABLE AS $f$
BEGIN
  RETURN NOT EXISTS (SELECT 1 FROM pg_temp.cpd_holiday h WHERE h.country = $1
                        AND h.day BETWEEN (s + make_interval(days => 7 * weeks::int))::date
                                      AND (s + make_interval(days => 7 * weeks::int))::date + days);
END $f$;

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
