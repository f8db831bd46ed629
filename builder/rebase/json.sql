-- json.sql: moving timestamps inside JSON values (the json rules), for the phase that updates the tables.

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
