-- rebase_dates.sql: move the dates of a demo database so that it represents `now`.
--
--   psql -X -v ON_ERROR_STOP=1 -v now='2027-03-01T14:00Z' -f rebase_dates.sql postgresql://.../demo
--   psql -X -v ON_ERROR_STOP=1 -f rebase_dates.sql ...          (now = the transaction's now())
--
-- Pure SQL: the Docker image has no Python. This entry file includes the files of this folder, each
-- a few functions in pg_temp (nothing is left in the database: they go with the session), and calls
-- pg_temp.cpd_rebase() in one transaction, then prints the report. The host runs the same files, in
-- the same order (builder/postgres/rebase.py FILES; a unit test holds the two equal), and the same
-- call, inside its own transaction. First what the phases share, then one phase per function, in the
-- order cpd_rebase() calls them:
--
--   helpers.sql    the rewriting kinds (once), an error's sentence, SQL for a column moved by days
--   json.sql       timestamps inside JSON values;  slots.sql: weekly slots and their holidays
--   now.sql        a demo database of the format this rebase reads (its snapshot row's
--                  format_version: builder/postgres/meta.py FORMAT_VERSION); now; the constants
--                  every phase reads (the temp table cpd_rebase_state)
--   purge.sql      purge
--   triggers.sql   user triggers off, and on again before the quiesce
--   live.sql       live_root, live_via (cpd_live), live_span, live_place
--   slot_rows.sql  slot_root, slot_via (cpd_slot, cpd_slot_key), holiday, holiday_zone
--   tables.sql     one UPDATE per table: columns.sql (weekly, daily, monthly, yearly, expire, null),
--                  json_rules.sql (json), year_of.sql (year_token)
--   quiesce.sql    quiesce
--   rebase.sql     the snapshot row's record, cpd_rebase() and the report
--
-- A new rule kind: its name in builder/rules/kinds.py (and in pg_temp.cpd_rewriting_kinds() in
-- helpers.sql if it rewrites values table by table), its phase here (a function in its own file,
-- included below and listed in FILES), and a schema of its own in tests/test_rebase_kinds.py.
--
-- A `now` without an offset is read in the platform timezone (the snapshot row's). What moves how is
-- not known here: the build compiled the project's declared rules into the dump (table
-- cpd_demo_rule, one row per table and column, any schema), read by these files, the digest and the
-- tests:
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
-- The functions, without a line each in psql's output; their bodies are checked when they first run,
-- a moment later (half the time to make them).
\set cpd_quiet :QUIET
\set QUIET on
SET LOCAL check_function_bodies = off;
\ir helpers.sql
\ir json.sql
\ir slots.sql
\ir now.sql
\ir purge.sql
\ir triggers.sql
\ir live.sql
\ir slot_rows.sql
\ir columns.sql
\ir json_rules.sql
\ir year_of.sql
\ir tables.sql
\ir quiesce.sql
\ir rebase.sql
SET LOCAL check_function_bodies = DEFAULT;
\set QUIET :cpd_quiet
SELECT pg_temp.cpd_rebase() AS rebased \gset
COMMIT;
SELECT pg_temp.cpd_rebase_report() AS rebase;
