-- prospect.sql: make a demo speak a prospect's name where a buyer looks, after a clone.
--
-- Plain SQL that the engine runs inside its own transaction, after setting cpd_demo.prospect (the
-- prospect's name) and cpd_demo.color (a colour, or ''): `demo.new --prospect`, and the image for
-- CPD_DEMO_DATABASES=acme:Acme Health. By hand, as the image does:
--
--   psql -X -v ON_ERROR_STOP=1 -1 -c "SELECT set_config('cpd_demo.prospect', 'Acme Health', true),
--        set_config('cpd_demo.color', '#0f766e', true)" -f prospect.sql postgresql://.../demo
--
-- The pro organizer's organisation wherever a buyer reads it: her profile (organisation, headline,
-- bio), her speaker entry (headline, bio), her certificate template's name (and colour, if given;
-- the platform writes the organisation onto the template's art, which carries none of its own)
-- and her contact lists' organisation. Nothing else: the plan's emails, titles and codes stay.
-- Idempotent. The engine records the prospect in its snapshot row.
DO $prospect$
DECLARE
  who      text := btrim(current_setting('cpd_demo.prospect'));
  color    text := btrim(current_setting('cpd_demo.color'));
  pro      bigint := (SELECT id FROM accounts_user WHERE email = 'organizer.pro@example.com');
  was      text := (SELECT organization FROM accounts_profile WHERE user_id = pro);
BEGIN
  IF who = '' OR length(who) > 80 THEN
    RAISE EXCEPTION 'the prospect name must be 1 to 80 characters';
  END IF;
  IF color <> '' AND color !~ '^#[0-9A-Fa-f]{6}$' THEN
    RAISE EXCEPTION 'the prospect colour must look like #1d4ed8, not %', color;
  END IF;
  UPDATE accounts_profile SET organization = who, headline = 'Director of CME at ' || who,
         bio = CASE WHEN was <> '' THEN replace(bio, was, who) ELSE bio END
   WHERE user_id = pro;
  UPDATE events_speaker SET headline = replace(headline, was, who), bio = replace(bio, was, who)
   WHERE user_id = pro AND was <> '';
  UPDATE credentials_certificatetemplate
     SET name = who || ' Standard Certificate', primary_color = coalesce(nullif(color, ''), primary_color)
   WHERE owner_id = pro;
  UPDATE marketing_contactlist SET organization = who WHERE owner_id = pro;
END
$prospect$;
