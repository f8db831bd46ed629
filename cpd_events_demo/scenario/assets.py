"""3. Core assets: certificate and badge templates (with their art), the pro's contact lists and
promo codes."""

from datetime import timedelta

from django.utils.text import slugify

from cpd_events_demo import plan, world
from cpd_events_demo.scenario import art, media
from cpd_events_demo.scenario import rows as r
from cpd_events_demo.scenario.context import Context

OWN_TEMPLATE_COLOR = "#0f766e"


def create_assets(ctx: Context) -> str:
    specs = list(plan.CERTIFICATE_TEMPLATES) + [
        plan.TemplateSpec(o.own_certificate, o.key, "landscape", OWN_TEMPLATE_COLOR) for o in world.ORGANIZERS
        if o.own_certificate]
    for spec in specs:
        page = media.Media(f"certificate_templates/{slugify(spec.name)}.png",
                           art.certificate_png(spec.color, landscape=spec.orientation == "landscape"))
        ctx.certificate_templates[spec.name] = ctx.drawn.one(r.CertificateTemplate(
            ctx.users[spec.owner] if spec.owner else None, spec.name, spec.orientation, spec.color, spec.system_default,
            page))
    for name, tier, color in plan.BADGE_TEMPLATES:
        image = media.Media(f"badges/{slugify(name)}.png", art.badge_png(name, color, world.BADGE_EMBLEMS[name]))
        ctx.badge_templates[name] = ctx.drawn.one(r.BadgeTemplate(None, name, tier, image))

    pro = ctx.users["pro"]
    contacts: list[r.Contact] = []
    for name, count, tag in plan.CONTACT_LISTS:
        contact_list = ctx.drawn.one(r.ContactList(pro, name, plan.persona("pro").organization))
        tags = [ctx.drawn.one(r.Tag(pro, tag))] if tag else []
        for _ in range(ctx.volume(count)):
            p = ctx.people.person()  # addresses are never given out twice
            contacts.append(r.Contact(contact_list, p.email, p.first_name, p.last_name, ctx.cal.human(
                ctx.cal.ago(days=365), ctx.cal.ago(days=1), p.timezone), tags=tags))
    ctx.drawn.many(contacts)

    for promo in plan.PROMO_CODES:
        # Days counted from the anchor's Wednesday: codes open at 09:00 and close at 23:59.
        until = None if promo.valid_until_days is None else \
            ctx.cal.at(0, 2, "23:59") + timedelta(days=promo.valid_until_days)
        ctx.promos[promo.code] = ctx.drawn.one(r.PromoCode(
            pro, promo.code, promo.discount_type, promo.discount_value, promo.active,
            ctx.cal.at(0, 2, "09:00") + timedelta(days=promo.valid_from_days), until))
    return (f"{len(ctx.certificate_templates)} certificate templates, {len(ctx.badge_templates)} badge templates, "
            f"{len(contacts)} contacts in {len(plan.CONTACT_LISTS)} lists, {len(ctx.promos)} promo codes")
