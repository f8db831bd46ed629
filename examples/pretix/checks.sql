-- `invoke demo.check --config examples/pretix/cpd-demo.toml`: one query per check, one row each
-- (ok, evidence). current_setting('cpd_demo.now') is the instant checked. An event's timezone is in
-- pretix's settings store (as rules.toml's [zones] says).

-- check: the summit, Thursday 09:00 in New York
SELECT bool_and(to_char(e.date_from AT TIME ZONE z.value, 'Dy HH24:MI') = 'Thu 09:00')
       AND bool_or(e.slug = 'summit' AND e.date_from > current_setting('cpd_demo.now')::timestamptz)
       AND bool_or(e.slug = 'summit-past' AND e.date_to < current_setting('cpd_demo.now')::timestamptz),
       string_agg(e.slug || ' ' || to_char(e.date_from AT TIME ZONE z.value, 'Dy YYYY-MM-DD HH24:MI ') || z.value, '; '
                  ORDER BY e.date_from)
  FROM pretixbase_event e JOIN pretixbase_event_settingsstore z ON z.object_id = e.id AND z.key = 'timezone'
 WHERE e.slug IN ('summit', 'summit-past');

-- check: the meetups, Tuesdays 19:00 in Berlin
SELECT bool_and(to_char(s.date_from AT TIME ZONE z.value, 'Dy HH24:MI') = 'Tue 19:00'),
       count(*) || ' meetups from ' || min((s.date_from AT TIME ZONE z.value)::date) || ' to '
       || max((s.date_from AT TIME ZONE z.value)::date) || ', ' || count(DISTINCT to_char(s.date_from AT TIME ZONE z.value, 'Dy HH24:MI'))
       || ' local time(s) over ' || count(DISTINCT s.date_from AT TIME ZONE 'UTC' - s.date_from AT TIME ZONE z.value) || ' UTC offset(s)'
  FROM pretixbase_subevent s JOIN pretixbase_event_settingsstore z ON z.object_id = s.event_id AND z.key = 'timezone';

-- check: the open day is happening now, on quarter hours
SELECT count(*) = 1 AND bool_and(extract(minute FROM date_from)::int % 15 = 0 AND extract(second FROM date_from) = 0),
       coalesce(string_agg(slug || ' ' || to_char(date_from AT TIME ZONE 'UTC', 'HH24:MI') || '–'
                           || to_char(date_to AT TIME ZONE 'UTC', 'HH24:MI') || ' UTC', '; '), 'nothing is live')
  FROM pretixbase_event
 WHERE date_from <= current_setting('cpd_demo.now')::timestamptz AND date_to > current_setting('cpd_demo.now')::timestamptz;

-- check: names carry the year of their date
SELECT bool_and(substring(e.name FROM '\d{4}') = to_char(e.date_from AT TIME ZONE z.value, 'YYYY')),
       string_agg(e.name, '; ' ORDER BY e.date_from)
  FROM pretixbase_event e JOIN pretixbase_event_settingsstore z ON z.object_id = e.id AND z.key = 'timezone'
 WHERE e.name ~ '\d{4}';

-- check: what had expired is expired, what was valid is valid
SELECT bool_and((v.code = 'EXPIRED-VOUCHER') = (v.valid_until < current_setting('cpd_demo.now')::timestamptz))
       AND (SELECT count(*) FILTER (WHERE expires < current_setting('cpd_demo.now')::timestamptz) = 1
                   AND count(*) = 2 FROM pretixapi_oauthaccesstoken),
       string_agg(v.code || ' until ' || to_char(v.valid_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), '; ')
  FROM pretixbase_voucher v;

-- check: nothing is due to be sent, no one is logged in
SELECT count(*) FILTER (WHERE status IN ('queued', 'awaiting_retry', 'inflight')) = 0
       AND NOT EXISTS (SELECT 1 FROM sendmail_scheduledmail WHERE state = 'scheduled'
                        AND computed_datetime <= current_setting('cpd_demo.now')::timestamptz)
       AND NOT EXISTS (SELECT 1 FROM django_session),
       count(*) || ' mails: ' || string_agg(DISTINCT status, ', ')
  FROM pretixbase_outgoingmail;
