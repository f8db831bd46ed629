-- helpers.sql: what every phase of the rebase shares (pg_temp: gone with the session).

-- The kinds whose rules rewrite values, table by table (builder/rules/kinds.py REWRITING: a unit test
-- holds the two equal): the tables the rebase updates, and their triggers.
CREATE OR REPLACE FUNCTION pg_temp.cpd_rewriting_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE AS $f$
  SELECT ARRAY['weekly', 'daily', 'monthly', 'yearly', 'expire', 'null', 'json', 'year_token'] $f$;

-- A phase's error as one sentence naming the rule at work (`doing`); a lock wait, a conflict or a lost
-- connection, or an error outside any rule, is left as it is (the caller re-raises it).
CREATE OR REPLACE FUNCTION pg_temp.cpd_rebase_failed(doing text, code text, message text) RETURNS void
  LANGUAGE plpgsql AS $f$
BEGIN
  IF doing <> '' AND code NOT IN ('55P03', '40001', '40P01', '25006') AND code NOT LIKE '08%' THEN
    RAISE EXCEPTION USING ERRCODE = code, MESSAGE = format('%s failed: %s', doing, message);
  END IF;
END $f$;

-- A rule's zone as SQL: the row's own (zone_sql, an expression of the row `t` the build compiled from
-- the config) where it has one, else the platform's; `otherwise` where the rule names none.
CREATE OR REPLACE FUNCTION pg_temp.cpd_zone_sql(rule_zone text, zone text, otherwise text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE WHEN rule_zone <> '' THEN format('coalesce(nullif(%s, ''''), %L)', rule_zone, zone) ELSE otherwise END $f$;

-- SQL moving column c (of type ty) of the row `t` by n days of wall clock: in zone z (SQL; '' for
-- the session's, the platform's), a date by whole days; itself when n is 0.
CREATE OR REPLACE FUNCTION pg_temp.cpd_days_sql(c text, ty text, z text, n integer) RETURNS text
  LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE WHEN n = 0 THEN format('t.%I', c)
              WHEN ty = 'date' THEN format('t.%I + %s', c, n)
              WHEN z <> '' AND ty = 'timestamp with time zone'
                THEN format('((t.%1$I AT TIME ZONE %2$s) + %3$L::interval) AT TIME ZONE %2$s', c, z, n || ' days')
              ELSE format('t.%I + %L::interval', c, n || ' days') END $f$;

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
