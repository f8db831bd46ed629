-- What `invoke demo.status --config examples/pretix/cpd-demo.toml` prints: what is live, what is next.
SELECT CASE WHEN e.date_from <= s.anchor_at THEN 'live now: ' ELSE 'next:     ' END,
       e.name, to_char(e.date_from AT TIME ZONE z.value, 'Dy YYYY-MM-DD HH24:MI'), z.value
  FROM pretixbase_event e
  JOIN pretixbase_event_settingsstore z ON z.object_id = e.id AND z.key = 'timezone'
  CROSS JOIN cpd_demo_snapshot s
 WHERE e.date_to > s.anchor_at AND NOT e.has_subevents
 ORDER BY e.date_from
 LIMIT 3;
